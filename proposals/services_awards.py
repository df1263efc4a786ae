"""Awards (评优): excellent suggestions, excellent replies, advanced handling units and individuals.

The office nominates (the subject must belong to the congress and qualify for that year's
handling), shortlists or sets aside, records the chairpersons' meeting's decision, then
publishes the year's decided awards on the public page (and may withdraw one). Every
status change runs through ``workflow.AWARD``; a refusal changes nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import InvalidTransition, NotAllowed
from core.text import clean_text
from deputies.models import Congress

from . import workflow
from .cache import public_pages_changed
from .models import Assignment, Award, Reply, Suggestion
from .services import is_office_staff
from .workflow import STAFF

K = Award.Kind
W = Award.Status
S = Suggestion.Status
# An item the office accepted for handling and did not fold into another.
ACCEPTED_STATES = (S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.RATED, S.REHANDLING, S.CLOSED)
# The earliest year an award may be for (the portal's records start later).
FIRST_YEAR = 2000


def require_award_staff(actor, congress_id: int) -> None:
    if not is_office_staff(actor, congress_id):
        raise NotAllowed(_("Only deputy-work office staff of this congress may do this."))


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


# --- Eligibility (also used by the nomination form's choices) ------------------------------------


def eligible_suggestions(*, congress_id: int, year: int):
    """Items of the congress accepted for handling in ``year`` (and not merged into another)."""
    start, end = _year_range(year)
    return Suggestion.objects.filter(
        congress_id=congress_id,
        status__in=ACCEPTED_STATES,
        accepted_at__date__gte=start,
        accepted_at__date__lt=end,
    )


def eligible_replies(*, congress_id: int, year: int):
    """Replies sent to the deputy in ``year`` on the congress's items."""
    start, end = _year_range(year)
    return Reply.objects.filter(
        assignment__suggestion__congress_id=congress_id,
        status=Reply.Status.SENT,
        replied_on__gte=start,
        replied_on__lt=end,
    )


def eligible_units(*, congress_id: int, year: int):
    """The congress's active units that were given items to handle in ``year``."""
    from accounts.models import Unit

    start, end = _year_range(year)
    handled = Assignment.objects.filter(assigned_on__gte=start, assigned_on__lt=end).exclude(
        status=Assignment.Status.WITHDRAWN
    )
    return Unit.objects.filter(congress_id=congress_id, is_active=True, pk__in=handled.values("unit_id"))


# --- Nominating ----------------------------------------------------------------------------------


def award_nominate(
    *,
    actor,
    congress: Congress,
    year: int,
    kind: str,
    suggestion: Suggestion | None = None,
    reply: Reply | None = None,
    unit=None,
    person_name: str = "",
    citation: str = "",
    reason: str = "",
    today: datetime.date | None = None,
) -> Award:
    """Staff of ``congress`` nominate one subject of ``kind`` for ``year``'s awards.

    The subject must be eligible (see ``eligible_*``); the same subject may be nominated
    once per kind and year. The new award starts as "nominated".
    """
    require_award_staff(actor, congress.pk)
    today = today or timezone.localdate()
    person_name = clean_text(person_name or "")
    citation = clean_text(citation or "")
    reason = clean_text(reason or "")
    errors: dict[str, str] = {}
    if kind not in K.values:
        errors["kind"] = _("Choose what the award is for.")
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        errors["year"] = _("The year must be between %(first)d and this year.") % {"first": FIRST_YEAR}
    if not reason:
        errors["reason"] = _("Say why this is nominated.")
    if len(citation) > 200:
        errors["citation"] = _("The citation is at most 200 characters.")
    if errors:
        raise ValidationError(errors)
    subject: dict = {"suggestion": None, "reply": None, "unit": None, "person_name": ""}
    if kind == K.EXCELLENT_SUGGESTION:
        if suggestion is None:
            raise ValidationError({"suggestion": _("Choose the suggestion.")})
        if not eligible_suggestions(congress_id=congress.pk, year=year).filter(pk=suggestion.pk).exists():
            raise ValidationError(
                {
                    "suggestion": _("Only a suggestion of this congress accepted for handling in %(year)d qualifies.")
                    % {"year": year}
                }
            )
        subject["suggestion"] = suggestion
    elif kind == K.EXCELLENT_REPLY:
        if reply is None:
            raise ValidationError({"reply": _("Choose the reply.")})
        if not eligible_replies(congress_id=congress.pk, year=year).filter(pk=reply.pk).exists():
            raise ValidationError(
                {
                    "reply": _("Only a reply sent to the deputy in %(year)d on this congress's items qualifies.")
                    % {"year": year}
                }
            )
        subject["reply"] = reply
    elif kind == K.ADVANCED_UNIT:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit.")})
        if not eligible_units(congress_id=congress.pk, year=year).filter(pk=unit.pk).exists():
            raise ValidationError(
                {"unit": _("Only a unit of this congress that handled items in %(year)d qualifies.") % {"year": year}}
            )
        subject["unit"] = unit
    else:
        if not person_name:
            raise ValidationError({"person_name": _("Enter the person's name.")})
        if len(person_name) > 40:
            raise ValidationError({"person_name": _("The name is at most 40 characters.")})
        subject["person_name"] = person_name
    with transaction.atomic():
        # One nomination at a time per congress: the duplicate check below cannot race.
        Congress.objects.select_for_update().filter(pk=congress.pk).first()
        lookup = {key: value for key, value in subject.items() if value}
        existing = Award.objects.filter(congress=congress, year=year, kind=kind, **lookup).first()
        if existing is not None:
            raise ValidationError(
                _("This was already nominated for %(year)d as “%(kind)s” (now: %(status)s).")
                % {"year": year, "kind": K(kind).label, "status": existing.get_status_display()}
            )
        award = Award(
            congress=congress,
            year=year,
            kind=kind,
            citation=citation,
            nomination_reason=reason,
            nominated_by=actor,
            nominated_on=today,
            **subject,
        )
        workflow.AWARD.start(award, W.NOMINATED)
        award.save()
    return award


# --- Choosing and deciding -------------------------------------------------------------------------


def _run(award: Award, action: str, *, actor, updates: dict | None = None) -> Award:
    require_award_staff(actor, award.congress_id)
    workflow.AWARD.run(award, action, actor=actor, role=STAFF, updates=updates)
    return award


def award_shortlist(*, actor, award: Award) -> Award:
    """A nomination goes on the shortlist for the chairpersons' meeting."""
    return _run(award, "shortlist", actor=actor)


def award_not_chosen(*, actor, award: Award) -> Award:
    """A nomination (or a shortlisted one) is set aside; it stays on record."""
    return _run(award, "not_chosen", actor=actor)


def award_decide(
    *, actor, awards, meeting: str, decided_on: datetime.date | None, today: datetime.date | None = None
) -> int:
    """Record that the chairpersons' meeting ``meeting`` decided the shortlisted ``awards`` on
    ``decided_on`` (not in the future). All or nothing; returns how many were decided."""
    awards = list(awards)
    for award in awards:
        require_award_staff(actor, award.congress_id)
    today = today or timezone.localdate()
    meeting = clean_text(meeting or "")
    errors = {}
    if not meeting:
        errors["meeting"] = _("Name the chairpersons' meeting that decided (e.g. 第十二次主任会议).")
    elif len(meeting) > 100:
        errors["meeting"] = _("The meeting's name is at most 100 characters.")
    if decided_on is None:
        errors["decided_on"] = _("Enter the date of the meeting.")
    elif decided_on > today:
        errors["decided_on"] = _("The meeting's date cannot be in the future.")
    if not awards:
        errors["awards"] = _("Choose the shortlisted awards the meeting decided.")
    if errors:
        raise ValidationError(errors)
    for award in awards:
        if award.status != W.SHORTLISTED:
            raise InvalidTransition(
                _("Only shortlisted nominations can be decided; “%(award)s” is “%(status)s”.")
                % {"award": award_subject(award), "status": award.get_status_display()}
            )
    try:
        return workflow.AWARD.run_many(
            awards, "decide", actor=actor, role=STAFF, updates={"decision_meeting": meeting, "decided_on": decided_on}
        )
    except InvalidTransition:
        raise InvalidTransition(_("Someone else changed these nominations meanwhile; nothing was saved."))


# --- Publishing ---------------------------------------------------------------------------------------


def award_publish_year(*, actor, congress: Congress, year: int, today: datetime.date | None = None) -> int:
    """Publish every decided award of ``congress`` for ``year`` on the public page; returns how many."""
    require_award_staff(actor, congress.pk)
    today = today or timezone.localdate()
    with transaction.atomic():
        decided = list(
            Award.objects.select_for_update().filter(congress=congress, year=year, status=W.DECIDED).order_by("pk")
        )
        if not decided:
            raise InvalidTransition(_("No award of %(year)d is decided and waiting to be published.") % {"year": year})
        moved = workflow.AWARD.run_many(decided, "publish", actor=actor, role=STAFF, updates={"published_on": today})
        public_pages_changed()
    return moved


def award_withdraw(*, actor, award: Award) -> Award:
    """Take one published award off the public page (it stays decided)."""
    with transaction.atomic():
        _run(award, "withdraw", actor=actor, updates={"published_on": None})
        public_pages_changed()
    return award


# --- Display ------------------------------------------------------------------------------------------


def award_subject(award: Award) -> str:
    """What the award is for, in words (the relations must be loaded by the caller's selector)."""
    if award.kind == K.EXCELLENT_SUGGESTION and award.suggestion_id:
        return award.suggestion.title
    if award.kind == K.EXCELLENT_REPLY and award.reply_id:
        assignment = award.reply.assignment
        return f"{assignment.unit.name}：{assignment.suggestion.title}"
    if award.kind == K.ADVANCED_UNIT and award.unit_id:
        return award.unit.name
    return award.person_name
