"""Actions on deputies' data requests (资料申请): the deputy asks, staff route to a unit with
a deadline in working days, the unit's officer answers (text and files) or declines with a
reason, the deputy rates the answer. Status changes run through ``workflow.REQUEST``.

Who may act: the deputy the request belongs to (submit, rate); staff of its congress (route,
refuse); an officer of the unit it was routed to (answer, decline). Nobody rates for a deputy.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core.exceptions import NotAllowed
from core.workdays import add_workdays
from core.workflow import DEPUTY, STAFF, UNIT
from deputies.models import Deputy
from notifications.services import notify

from .models import DataRequest
from .services import _clean_body, _clean_title, check_uploads, document_add, is_congress_staff, require_congress_staff
from .workflow import REQUEST

S = DataRequest.Status
TEXT_MAX = 4000


def answer_workdays() -> int:
    return int(getattr(settings, "TRAINING_REQUEST_WORKDAYS", 10))


def _text(value: str, field: str, *, required_message: str) -> str:
    text = _clean_body(value, field)
    if not text.strip():
        raise ValidationError({field: required_message})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": TEXT_MAX}})
    return text


def request_roles(actor, request: DataRequest) -> set[str]:
    held = set()
    if is_congress_staff(actor, request.congress_id):
        held.add(STAFF)
    if request.unit_id is not None and getattr(actor, "unit_id", None) == request.unit_id:
        held.add(UNIT)
    if request.deputy.user_id is not None and request.deputy.user_id == getattr(actor, "pk", None):
        held.add(DEPUTY)
    return held


def request_submit(
    *, actor, deputy: Deputy, subject: str, wanted: str, reason: str, suggested_body: str = ""
) -> DataRequest:
    if deputy.user_id is None or deputy.user_id != actor.pk:
        raise NotAllowed(_("A deputy asks only in their own name."))
    if deputy.status != Deputy.Status.SERVING:
        raise NotAllowed(_("Only a serving deputy may ask for information."))
    errors = {}
    try:
        subject = _clean_title(subject)
    except ValidationError as exc:
        errors["subject"] = exc.message_dict["title"]
    for name, value, message in (
        ("wanted", wanted, _("Say what information or data you need.")),
        ("reason", reason, _("Give the reason: what you need it for in your work as a deputy.")),
    ):
        try:
            _text(value, name, required_message=message)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    request = DataRequest(
        congress_id=deputy.congress_id,
        deputy=deputy,
        subject=subject,
        wanted=_clean_body(wanted, "wanted"),
        reason=_clean_body(reason, "reason"),
        suggested_body=(suggested_body or "").strip()[:100],
    )
    REQUEST.start(request, S.SUBMITTED)
    with transaction.atomic():
        request.save()
        REQUEST.event(request, action="submit", actor=actor, from_status="", to_status=S.SUBMITTED, note="")
        staff = get_user_model().objects.filter(
            is_active=True, is_staff=True, groups__name=roles.GROUP_NAMES[roles.STAFF], congress_id=deputy.congress_id
        )
        for user in staff:
            notify(
                user,
                key=f"training:request:{request.pk}:submitted",
                title=_("A deputy's data request to route: %(subject)s") % {"subject": request.subject},
                url=f"/office/training/requests/{request.pk}/",
                email=False,
            )
    return request


def _unit_allowed(request: DataRequest, unit) -> bool:
    # A district's requests may go to the district's own bodies or the city's.
    congress = request.congress
    return unit.is_active and unit.congress_id in {congress.pk, congress.parent_id}


def request_route(*, actor, request: DataRequest, unit, workdays: int | None = None, note: str = "") -> DataRequest:
    """Send the request to a unit with a deadline ``workdays`` working days from today."""
    require_congress_staff(actor, request.congress_id)
    workdays = answer_workdays() if workdays is None else workdays
    if unit is None or not _unit_allowed(request, unit):
        raise ValidationError({"unit": _("Choose an active unit of this congress.")})
    if not 1 <= workdays <= 60:
        raise ValidationError({"workdays": _("Between 1 and 60 working days.")})
    due = add_workdays(timezone.localdate(), workdays)
    with transaction.atomic():
        REQUEST.run(
            request,
            "route",
            actor=actor,
            role=STAFF,
            note=(note or "").strip()[:1000] or unit.name,
            updates={"unit": unit, "due": due, "routed_at": timezone.now()},
        )
        for officer in unit.officers.filter(is_active=True):
            notify(
                officer,
                key=f"training:request:{request.pk}:routed:{unit.pk}:{due:%Y%m%d}",
                title=_("A deputy asks for information, answer by %(date)s") % {"date": due},
                body=request.subject,
                url=f"/unit/training/{request.pk}/",
            )
    return request


def request_refuse(*, actor, request: DataRequest, reason: str) -> DataRequest:
    """Staff decline a request before routing it (it is not for this office), with the reason."""
    require_congress_staff(actor, request.congress_id)
    reason = _text(reason, "reason", required_message=_("Give the reason."))
    with transaction.atomic():
        REQUEST.run(request, "refuse", actor=actor, role=STAFF, note=reason, updates={"decline_reason": reason})
        _tell_deputy(request, "declined", _("Your data request was declined: %(subject)s"))
    return request


def _require_officer(actor, request: DataRequest) -> None:
    if request.unit_id is None or getattr(actor, "unit_id", None) != request.unit_id:
        raise NotAllowed(_("Only an officer of the unit the request was sent to may do this."))


def request_answer(*, actor, request: DataRequest, answer: str, uploads=()) -> DataRequest:
    _require_officer(actor, request)
    answer = _text(answer, "answer", required_message=_("The answer cannot be empty."))
    check_uploads(uploads)
    with transaction.atomic():
        REQUEST.run(
            request, "answer", actor=actor, role=UNIT, updates={"answer": answer, "answered_at": timezone.now()}
        )
        for upload in uploads:
            document_add(actor=actor, upload=upload, request=request)
        _tell_deputy(request, "answered", _("Your data request was answered: %(subject)s"))
    return request


def request_decline(*, actor, request: DataRequest, reason: str) -> DataRequest:
    _require_officer(actor, request)
    reason = _text(reason, "reason", required_message=_("Give the reason for declining."))
    with transaction.atomic():
        REQUEST.run(
            request,
            "decline",
            actor=actor,
            role=UNIT,
            note=reason,
            updates={"decline_reason": reason, "answered_at": timezone.now()},
        )
        _tell_deputy(request, "declined", _("Your data request was declined: %(subject)s"))
    return request


def request_rate(*, actor, request: DataRequest, rating: str, note: str = "") -> DataRequest:
    """Only the deputy rates whether the answer met the need: nobody rates on their behalf."""
    if request.deputy.user_id is None or request.deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the deputy who asked may rate the answer."))
    if rating not in DataRequest.Rating.values:
        raise ValidationError({"rating": _("Say whether the answer met your need.")})
    note = _clean_body(note, "note")[:1000]
    REQUEST.run(request, "rate", actor=actor, role=DEPUTY, note=note, updates={"rating": rating, "rating_note": note})
    return request


def _tell_deputy(request: DataRequest, what: str, title: str) -> None:
    if request.deputy.user_id:
        notify(
            request.deputy.user,
            key=f"training:request:{request.pk}:{what}",
            title=title % {"subject": request.subject},
            url=f"/portal/training/requests/{request.pk}/",
        )
