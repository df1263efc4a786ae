"""Actions on materials pushed to deputies (信息推送) and the app's shared rules: who is staff
of a record's congress, the audience check, file uploads.

Who may act: staff of the material's congress (``in_scope``) create, send and remind; a
deputy in the audience opens a material (which writes the read receipt). Courses are in
``services_courses.py``, data requests in ``services_requests.py``.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from core.exceptions import InvalidTransition, NotAllowed
from core.text import clean_text
from deputies.models import Congress
from notifications.services import notify_many

from . import audience
from .models import AudienceKind, Document, Material, Receipt

TITLE_MAX = 200
BODY_MAX = 20000
A = AudienceKind


# --- Settings ---------------------------------------------------------------------------------


def file_max_bytes() -> int:
    return int(getattr(settings, "TRAINING_FILE_MAX_BYTES", 20 * 1024 * 1024))


def unread_reminder_days() -> int:
    return int(getattr(settings, "TRAINING_UNREAD_REMINDER_DAYS", 3))


# --- Who may act ------------------------------------------------------------------------------


def is_congress_staff(actor, congress_id) -> bool:
    return roles.is_staff_member(actor) and in_scope(actor, congress_id)


def require_congress_staff(actor, congress_id) -> None:
    if not roles.is_staff_member(actor):
        raise NotAllowed(_("Only office staff may do this."))
    if not in_scope(actor, congress_id):
        raise NotAllowed(_("This record belongs to another congress."))


def check_audience(*, congress, audience_kind, group=None, unit=None, since=None, deputies=()) -> dict:
    """The audience fields, checked against the congress (raises ValidationError by field)."""
    errors = {}
    if audience_kind not in A.values:
        errors["audience"] = _("Choose an audience.")
    elif audience_kind == A.GROUP:
        if group is None:
            errors["audience_group"] = _("Choose the deputy group.")
        elif group.congress_id != congress.pk:
            errors["audience_group"] = _("This group belongs to another congress.")
    elif audience_kind == A.ELECTORAL_UNIT:
        if unit is None:
            errors["audience_unit"] = _("Choose the electoral unit.")
        elif unit.congress_id != congress.pk:
            errors["audience_unit"] = _("This electoral unit belongs to another congress.")
    elif audience_kind == A.BY_ELECTED and since is None:
        errors["audience_since"] = _("Give the date from which by-elected deputies are taken in.")
    elif audience_kind == A.CUSTOM:
        if not deputies:
            errors["audience_deputies"] = _("Choose at least one deputy.")
        elif any(d.congress_id != congress.pk for d in deputies):
            errors["audience_deputies"] = _("Every deputy on the list must be a deputy of this congress.")
    elif audience_kind == A.DISTRICT_CHAIRS and congress.level != Congress.Level.CITY:
        errors["audience"] = _("Only the city office sends to the chairs of the district congresses.")
    if errors:
        raise ValidationError(errors)
    return {
        "audience": audience_kind,
        "audience_group": group if audience_kind == A.GROUP else None,
        "audience_unit": unit if audience_kind == A.ELECTORAL_UNIT else None,
        "audience_since": since if audience_kind == A.BY_ELECTED else None,
    }


def _clean_title(title: str) -> str:
    title = clean_text(title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give a title.")})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": _("At most %(max)d characters.") % {"max": TITLE_MAX}})
    return title


def _clean_body(body: str, field: str = "body") -> str:
    body = clean_text(body or "")
    if len(body) > BODY_MAX:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": BODY_MAX}})
    return body


# --- Files ------------------------------------------------------------------------------------


def document_add(*, actor, upload, course=None, material=None, request=None) -> Document:
    """Store one checked file (type by content, size) for its owner. The caller has checked
    that ``actor`` may add files to that owner."""
    from core.uploads import check_upload

    content_type, extension, name = check_upload(upload, max_bytes=file_max_bytes())
    document = Document(
        course=course,
        material=material,
        request=request,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=name[:120],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save(f"{document.token}{extension}", upload, save=False)
    document.save()
    return document


def check_uploads(uploads) -> None:
    """Check every file before anything is stored, so a bad second file saves nothing."""
    from core.uploads import check_upload

    for upload in uploads:
        check_upload(upload, max_bytes=file_max_bytes())
        upload.seek(0)


# --- Materials --------------------------------------------------------------------------------


def material_create(
    *,
    actor,
    congress,
    title: str,
    kind: str = Material.Kind.DOCUMENT,
    body: str = "",
    important: bool = False,
    shared_with_districts: bool = False,
    audience_kind: str = A.ALL,
    group=None,
    unit=None,
    since=None,
    deputies=(),
    uploads=(),
) -> Material:
    """A material not yet sent (a draft), with its files."""
    require_congress_staff(actor, congress.pk)
    fields = check_audience(
        congress=congress, audience_kind=audience_kind, group=group, unit=unit, since=since, deputies=deputies
    )
    if kind not in Material.Kind.values:
        raise ValidationError({"kind": _("Choose a kind.")})
    if shared_with_districts and (kind != Material.Kind.CASE or congress.level != Congress.Level.CITY):
        raise ValidationError(
            {"shared_with_districts": _("Only the city office shares typical case write-ups with the districts.")}
        )
    material = Material(
        congress=congress,
        kind=kind,
        title=_clean_title(title),
        body=_clean_body(body),
        important=important,
        shared_with_districts=shared_with_districts,
        created_by=actor,
        **fields,
    )
    check_uploads(uploads)
    with transaction.atomic():
        material.save()
        if audience_kind == A.CUSTOM:
            material.audience_deputies.set(deputies)
        for upload in uploads:
            document_add(actor=actor, upload=upload, material=material)
    return material


def material_add_file(*, actor, material: Material, upload) -> Document:
    require_congress_staff(actor, material.congress_id)
    return document_add(actor=actor, upload=upload, material=material)


def _users_of(deputies_qs):
    return get_user_model().objects.filter(
        is_active=True, pk__in=deputies_qs.filter(user__isnull=False).values("user_id")
    )


def material_publish(*, actor, material: Material) -> Material:
    """Send the material: from now on the audience sees it in the portal; each is told."""
    require_congress_staff(actor, material.congress_id)
    now = timezone.now()
    with transaction.atomic():
        if not Material.objects.filter(pk=material.pk, published_at__isnull=True).update(published_at=now):
            raise InvalidTransition(_("This material has already been sent."))
        material.published_at = now
        title = (_("Important: %(title)s") if material.important else _("New material: %(title)s")) % {
            "title": material.title
        }
        notify_many(
            _users_of(audience.deputies_in(material)),
            key=f"training:material:{material.pk}:sent",
            title=title,
            body=_("Please read it in the portal."),
            url=f"/portal/training/materials/{material.pk}/",
            sms=material.important,
        )
    return material


def material_open(*, actor, material: Material) -> list[Receipt]:
    """A deputy in the audience opens a sent material: a read receipt for each of their
    mandates in the audience (written once; opening again changes nothing)."""
    if material.published_at is None:
        raise NotAllowed(_("This material has not been sent."))
    mandates = audience.mandates_in(material, audience.mandates_of(actor))
    if not mandates:
        raise NotAllowed(_("This material was not sent to you."))
    Receipt.objects.bulk_create([Receipt(material=material, deputy=d) for d in mandates], ignore_conflicts=True)
    return mandates


def unread_deputies(material: Material):
    """The audience's deputies without a receipt (a queryset, for the office's list)."""
    return (
        audience.deputies_in(material)
        .exclude(pk__in=Receipt.objects.filter(material=material).values("deputy_id"))
        .select_related("electoral_unit")
        .order_by("electoral_unit__order", "name", "pk")
    )


def material_remind_unread(*, actor, material: Material) -> int:
    """Remind every deputy who has not read the material, once: a second time is refused."""
    require_congress_staff(actor, material.congress_id)
    if material.published_at is None:
        raise InvalidTransition(_("Send the material before reminding anyone."))
    with transaction.atomic():
        if not Material.objects.filter(pk=material.pk, reminded_at__isnull=True).update(reminded_at=timezone.now()):
            raise InvalidTransition(_("The deputies who have not read it have already been reminded once."))
        created = notify_many(
            _users_of(unread_deputies(material)),
            key=f"training:material:{material.pk}:reminded",
            title=_("Please read: %(title)s") % {"title": material.title},
            body=_("The office asks you to read this material."),
            url=f"/portal/training/materials/{material.pk}/",
        )
    material.refresh_from_db(fields=["reminded_at"])
    return len(created)
