"""Actions on liaison stations, the duty schedule and the public's opinions.

Who may act: staff of the station's congress (``in_scope``) for stations, duties and the
handling of opinions; the person an opinion is assigned to for its answer; anyone for
leaving an opinion, within the abuse limits below. Opinion status changes run through
``workflow.OPINION``; each writes its event row in the same transaction.
"""

import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from activities.models import Activity
from activities.services import activity_invite, activity_open_for, activity_withdraw
from core import public_forms
from core.crypto import keyed_hash
from core.exceptions import InvalidTransition, NotAllowed
from core.public_cache import public_pages_changed
from core.text import clean_text
from core.workflow import STAFF
from deputies.models import Deputy
from notifications.services import notify

from . import workflow
from .models import Duty, Opinion, Station
from .workflow import ASSIGNEE, OPINION

S = Opinion.Status

TEXT_MAX = 2000
NAME_MAX = 40
CONTACT_MAX = 40
ANSWER_MAX = 4000
NOTE_MAX = 1000
SUMMARY_MAX = 2000
# A phone or ID number in a text meant for the public: 7 or more digits in a row.
_LONG_NUMBER = re.compile(r"\d[\d\s-]{5,}\d")
_PHONE = re.compile(r"^[0-9+()\- ]{5,40}$")
TOKEN_BYTES = 24  # 192 bits of randomness in every private link


# --- Settings ---------------------------------------------------------------------------------


RATE_SCOPE = "opinion"  # the opinion form's own counter in core.public_forms


def sensitive_words() -> list[str]:
    """LIAISON_SENSITIVE_WORDS, else PUBLIC_FORM_SENSITIVE_WORDS, else the built-in list."""
    return public_forms.sensitive_words("LIAISON_SENSITIVE_WORDS")


def answer_workdays() -> int:
    return int(getattr(settings, "LIAISON_OPINION_ANSWER_WORKDAYS", 5))


def rate_limit() -> tuple[int, int]:
    """(opinions, seconds): how many opinions one address may leave in that window
    (PUBLIC_FORM_RATE_LIMITS["opinion"], else LIAISON_OPINION_RATE_COUNT/_SECONDS)."""
    return public_forms.rate_limit(
        RATE_SCOPE,
        default=(
            int(getattr(settings, "LIAISON_OPINION_RATE_COUNT", 5)),
            int(getattr(settings, "LIAISON_OPINION_RATE_SECONDS", 3600)),
        ),
    )


# --- Who may act ------------------------------------------------------------------------------


def is_station_staff(actor, station: Station) -> bool:
    return roles.is_staff_member(actor) and in_scope(actor, station.congress_id)


def require_station_staff(actor, station: Station) -> None:
    if not roles.is_staff_member(actor):
        raise NotAllowed(_("Only office staff may do this."))
    if not in_scope(actor, station.congress_id):
        raise NotAllowed(_("This station belongs to another congress."))


def opinion_roles(actor, opinion: Opinion) -> set[str]:
    """The workflow roles ``actor`` holds for ``opinion`` (station loaded)."""
    held = set()
    if is_station_staff(actor, opinion.station):
        held.add(STAFF)
    if opinion.assignee_id is not None and opinion.assignee_id == getattr(actor, "pk", None):
        held.add(ASSIGNEE)
    return held


def token_hash(token: str) -> str:
    return keyed_hash(token, "opinion-token")


def client_hash(ip: str | None) -> str:
    return public_forms.client_hash(ip, RATE_SCOPE)


# --- Stations ---------------------------------------------------------------------------------


def station_summary_publish(*, actor, station: Station, summary: str) -> Station:
    """Publish (or, with an empty text, withdraw) the station's summary of handled opinions.

    The summary is public: markup is removed and a text holding a phone or ID number is refused.
    """
    require_station_staff(actor, station)
    text = clean_text(summary or "")
    if len(text) > SUMMARY_MAX:
        raise ValidationError(
            {"summary": _("At most %(max)d characters (this has %(n)d).") % {"max": SUMMARY_MAX, "n": len(text)}}
        )
    if _LONG_NUMBER.search(text):
        raise ValidationError(
            {"summary": _("The summary is public: leave out phone numbers, ID numbers and other personal data.")}
        )
    station.summary = text
    station.summary_published_at = timezone.now() if text else None
    station.save(update_fields=["summary", "summary_published_at"])
    public_pages_changed()  # the summary is on the station's public page
    return station


# --- Duty schedule ----------------------------------------------------------------------------


def _duty_title(duty: Duty) -> str:
    return _("Reception at %(station)s") % {"station": duty.station.name}


def duty_check(duty: Duty) -> None:
    """The schedule's rules for one duty (raises ValidationError by field); the admin form uses it too."""
    errors = {}
    station, deputy = duty.station, duty.deputy
    if deputy.congress_id != station.congress_id:
        errors["deputy"] = _("%(name)s is not a deputy of this station's congress.") % {"name": deputy.name}
    elif deputy.status != Deputy.Status.SERVING:
        errors["deputy"] = _("%(name)s is not serving and cannot be on duty.") % {"name": deputy.name}
    elif not station.deputies.filter(pk=deputy.pk).exists():
        errors["deputy"] = _("%(name)s is not attached to this station.") % {"name": deputy.name}
    if duty.start_time and duty.end_time and duty.end_time <= duty.start_time:
        errors["end_time"] = _("The duty must end after it starts.")
    clash = Duty.objects.filter(
        deputy=deputy,
        date=duty.date,
        start_time__lt=duty.end_time,
        end_time__gt=duty.start_time,
        cancelled_at__isnull=True,
    ).exclude(pk=duty.pk)
    if "deputy" not in errors and "end_time" not in errors and clash.exists():
        errors["start_time"] = _("%(name)s is already on duty at that time.") % {"name": deputy.name}
    if errors:
        raise ValidationError(errors)


def _open_reception(actor, duty: Duty) -> Activity:
    """The duty's station reception in the ledger, with the deputy invited to it."""
    activity = activity_open_for(
        actor=actor,
        source=duty,
        kind=Activity.Kind.STATION,
        congress=duty.station.congress,
        title=_duty_title(duty),
        start_date=duty.date,
        place=duty.station.address[:200],
        organiser=duty.station.name[:100],
    )
    if activity.attendance_closed_at is None:
        activity_invite(actor=actor, activity=activity, deputies=[duty.deputy])
    return activity


def duty_schedule(*, actor, station: Station, deputy: Deputy, date: datetime.date, start_time, end_time) -> Duty:
    """Put a deputy attached to the station on duty; the reception goes into the ledger."""
    require_station_staff(actor, station)
    duty = Duty(station=station, deputy=deputy, date=date, start_time=start_time, end_time=end_time)
    duty_check(duty)
    try:
        with transaction.atomic():
            duty.save()
            duty.activity = _open_reception(actor, duty)
            duty.save(update_fields=["activity"])
            public_pages_changed()  # the station's public schedule
    except IntegrityError:
        raise ValidationError({"start_time": _("This deputy is already on duty here at that time.")})
    return duty


def duty_update(*, actor, duty: Duty, date: datetime.date, start_time, end_time) -> Duty:
    """Move a duty; its ledger activity follows. A reception already recorded stays as it was."""
    require_station_staff(actor, duty.station)
    if duty.cancelled_at is not None:
        raise InvalidTransition(_("This duty was cancelled; schedule a new one instead."))
    if duty.activity_id and duty.activity.attendance_closed_at is not None:
        raise InvalidTransition(_("Attendance at this reception has been recorded; it can no longer be moved."))
    duty.date, duty.start_time, duty.end_time = date, start_time, end_time
    duty_check(duty)
    with transaction.atomic():
        duty.save(update_fields=["date", "start_time", "end_time"])
        duty.activity = _open_reception(actor, duty)
        duty.save(update_fields=["activity"])
        public_pages_changed()
    return duty


def duty_has_begun(duty: Duty, now: datetime.datetime | None = None) -> bool:
    now = timezone.localtime(now)
    return (duty.date, duty.start_time) <= (now.date(), now.time())


def duty_cancel(*, actor, duty: Duty, reason: str) -> Duty:
    """Call off a duty that has not begun, with the reason: the reception and the deputy's
    invitation leave the ledger (``activity_withdraw``, so the archive never counts them), the
    public schedule drops it, and the deputy is told. A duty that has begun or is past, or one
    already cancelled, is refused and nothing changes."""
    require_station_staff(actor, duty.station)
    reason = _note(reason, required=True, field="reason", limit=200)
    with transaction.atomic():
        locked = Duty.objects.select_for_update(of=("self",)).select_related("station", "deputy__user").get(pk=duty.pk)
        if locked.cancelled_at is not None:
            raise InvalidTransition(_("This duty is already cancelled."))
        if duty_has_begun(locked):
            raise InvalidTransition(_("This duty has begun or is over; it can no longer be cancelled."))
        if locked.activity_id is not None:
            activity_withdraw(actor=actor, activity=locked.activity)
        locked.activity = None
        locked.cancelled_at, locked.cancel_reason, locked.cancelled_by = timezone.now(), reason, actor
        locked.save(update_fields=["activity", "cancelled_at", "cancel_reason", "cancelled_by"])
        public_pages_changed()  # the public schedule drops it
        user = locked.deputy.user
        if user is not None:
            notify(
                user,
                key=f"liaison:duty:{locked.pk}:cancelled",
                title=_("Your duty at %(station)s on %(date)s is cancelled")
                % {"station": locked.station.name, "date": locked.date.isoformat()},
                body=_("%(start)s–%(end)s. Reason: %(reason)s")
                % {
                    "start": locked.start_time.strftime("%H:%M"),
                    "end": locked.end_time.strftime("%H:%M"),
                    "reason": reason,
                },
                url=reverse("liaison_portal:duties"),
            )
    duty.activity, duty.cancelled_at, duty.cancel_reason, duty.cancelled_by = None, locked.cancelled_at, reason, actor
    return duty


# --- Opinions from the public -----------------------------------------------------------------


def opinion_submit(
    *,
    station: Station,
    text: str,
    category: str = Opinion.Category.OTHER,
    deputy: Deputy | None = None,
    author_name: str = "",
    contact: str = "",
    ip: str | None = None,
) -> tuple[Opinion, str]:
    """Store an opinion from the public; return it and the token of its private link.

    Refused, with nothing stored: an inactive station, a deputy not of this station, empty,
    oversized or NUL-carrying text, a bad phone number, and more than the rate limit's
    opinions from one address. An opinion with a sensitive word is kept, held for review.
    """
    if not station.is_active:
        raise ValidationError(_("This station does not take opinions at present."))
    values = {"text": text, "author_name": author_name, "contact": contact}
    cleaned, errors = public_forms.clean_fields(
        values,
        limits={"text": TEXT_MAX, "author_name": NAME_MAX},
        required={"text": _("Please write your opinion.")},
        plain=["contact"],
        too_long={
            "text": _("Please keep your opinion to %(max)d characters (it has %(n)d)."),
            "author_name": _("At most %(max)d characters."),
        },
    )
    text, author_name, contact = (cleaned.get(name, "") for name in ("text", "author_name", "contact"))
    if "contact" not in errors and contact and not _PHONE.match(contact):
        errors["contact"] = _("Please give a phone number (digits only), or leave it empty.")
    if category not in Opinion.Category.values:
        errors["category"] = _("Please choose a category.")
    if deputy is not None and not station.deputies.filter(pk=deputy.pk).exists():
        errors["deputy"] = _("This deputy is not attached to this station.")
    if errors:
        raise ValidationError(errors)
    found = public_forms.find_sensitive(text, author_name, setting="LIAISON_SENSITIVE_WORDS")
    address_hash = client_hash(ip)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    opinion = Opinion(
        station=station,
        deputy=deputy,
        category=category,
        text=text,
        author_name=author_name,
        contact=contact,
        held_reason="、".join(found)[:200],
        token_hash=token_hash(token),
        client_hash=address_hash,
    )
    OPINION.start(opinion, S.HELD if found else S.RECEIVED)
    with transaction.atomic():
        # One at a time per station, so a burst cannot slip past the count.
        Station.objects.select_for_update().filter(pk=station.pk).first()
        public_forms.rate_limit_check(
            RATE_SCOPE,
            ip,
            queryset=Opinion.objects.all(),
            limit=rate_limit(),
            message=_(
                "Thank you. We have already received several opinions from your network connection;"
                " please try again in an hour, or visit the station in person."
            ),
        )
        opinion.save()
        workflow._event(
            opinion,
            action="hold" if found else "submit",
            actor=None,
            from_status="",
            to_status=opinion.status,
            note="",
        )
        if opinion.status == S.RECEIVED and deputy is not None and deputy.user_id:
            notify(
                deputy.user,
                key=f"liaison:opinion:{opinion.pk}:addressed",
                title=_("An opinion was left for you at %(station)s") % {"station": station.name},
                body=_("The office will assign it; you will be told if it is assigned to you."),
                url="",
            )
    return opinion, token


def _note(text: str, *, required: bool = False, field: str = "note", limit: int = NOTE_MAX) -> str:
    value = clean_text(text or "")
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": limit}})
    return value


def _staff_action(actor, opinion: Opinion, action: str, *, note: str = "", updates=None) -> Opinion:
    require_station_staff(actor, opinion.station)
    OPINION.run(opinion, action, actor=actor, role=STAFF, note=note, updates=updates)
    return opinion


def opinion_release(*, actor, opinion: Opinion, note: str = "") -> Opinion:
    """Staff found nothing wrong with a held opinion: it is handled like any other."""
    return _staff_action(actor, opinion, "release", note=_note(note), updates={"held_reason": ""})


def opinion_reject(*, actor, opinion: Opinion, reason: str) -> Opinion:
    """Staff refuse a held opinion (abuse, advertising); the reason is kept with the case."""
    reason = _note(reason, required=True, field="reason", limit=500)
    return _staff_action(actor, opinion, "reject", note=reason, updates={"close_reason": reason})


def assignee_choices(*, station: Station):
    """Who an opinion at ``station`` may be assigned to: the station's deputies with an
    account, and active staff of the station's congress."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(mandates__liaison_stations=station, mandates__status=Deputy.Status.SERVING)
            | Q(is_staff=True, congress_id=station.congress_id, groups__name=roles.GROUP_NAMES[roles.STAFF])
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def opinion_assign(*, actor, opinion: Opinion, assignee, note: str = "") -> Opinion:
    """Hand the case to a deputy of the station or a member of staff, who is told."""
    require_station_staff(actor, opinion.station)
    if assignee is None or not assignee_choices(station=opinion.station).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose a deputy of this station or a member of this congress's staff.")})
    note = _note(note)
    with transaction.atomic():
        now = timezone.now()
        OPINION.run(
            opinion, "assign", actor=actor, role=STAFF, note=note, updates={"assignee": assignee, "assigned_at": now}
        )
        notify(
            assignee,
            key=f"liaison:opinion:{opinion.pk}:assigned:{assignee.pk}:{now:%Y%m%d%H%M%S}",
            title=_("A public opinion to answer: %(station)s") % {"station": opinion.station.name},
            body=_("Please answer within %(n)d working days.") % {"n": answer_workdays()},
            url=assignee_url(opinion, assignee),
        )
    return opinion


def assignee_url(opinion: Opinion, user) -> str:
    if roles.is_staff_member(user):
        return f"/office/opinions/{opinion.pk}/"
    return f"/portal/liaison/opinions/{opinion.pk}/"


def opinion_answer(*, actor, opinion: Opinion, answer: str) -> Opinion:
    """Only the person the case is assigned to answers it; the citizen reads it by the private link."""
    if ASSIGNEE not in opinion_roles(actor, opinion):
        raise NotAllowed(_("Only the person this opinion is assigned to may answer it."))
    answer = _note(answer, required=True, field="answer", limit=ANSWER_MAX)
    OPINION.run(
        opinion,
        "answer",
        actor=actor,
        role=ASSIGNEE,
        updates={"answer": answer, "answered_at": timezone.now()},
        where={"assignee": actor},
    )
    return opinion


def opinion_close(*, actor, opinion: Opinion, note: str = "") -> Opinion:
    return _staff_action(actor, opinion, "close", note=_note(note), updates={"closed_at": timezone.now()})


def opinion_close_unanswered(*, actor, opinion: Opinion, reason: str) -> Opinion:
    """Close a case that needs no answer (a duplicate, no contact possible); the reason is shown to the citizen."""
    reason = _note(reason, required=True, field="reason", limit=500)
    return _staff_action(
        actor,
        opinion,
        "close_unanswered",
        note=reason,
        updates={"close_reason": reason, "closed_at": timezone.now()},
    )


def opinion_add_note(*, actor, opinion: Opinion, note: str) -> Opinion:
    """A working note on an open case, by staff or the assignee (never shown to the citizen)."""
    held = opinion_roles(actor, opinion)
    if not held:
        raise NotAllowed(_("You may not do this."))
    note = _note(note, required=True)
    OPINION.run(opinion, "note", actor=actor, role=STAFF if STAFF in held else ASSIGNEE, note=note)
    return opinion
