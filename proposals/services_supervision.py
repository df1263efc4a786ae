"""Key supervision (重点督办): the SC leader's instructions and the handling units' progress reports.

The office chooses the items and keeps its own notes (``services.key_supervision_select`` /
``key_supervision_progress_add``); here the SC leader in charge gives instructions and the
units with a live assignment on the item file their scheduled progress reports.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import InvalidTransition, NotAllowed
from core.text import clean_text
from notifications.services import notify

from .models import Assignment, KeySupervision, KeySupervisionInstruction, KeySupervisionProgress, Suggestion
from .services import _event, is_office_staff, require_staff

TEXT_MAX = 2000
# Assignments that still carry the handling of the item (an assisting unit only sends its view).
REPORTING_ROLES = (Assignment.Role.LEAD, Assignment.Role.JOINT, Assignment.Role.SEPARATE)


def is_sc_leader_of(actor, supervision: KeySupervision) -> bool:
    """Whether ``actor`` is the user of the SC leader in charge of the item."""
    user_id = supervision.sc_leader.deputy.user_id
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active and user_id and user_id == actor.pk)


def reporting_assignments(supervision: KeySupervision):
    """The live lead, joint and separate assignments of the supervised item."""
    return Assignment.objects.filter(suggestion_id=supervision.suggestion_id, role__in=REPORTING_ROLES).exclude(
        status=Assignment.Status.WITHDRAWN
    )


def _checked_text(text: str, field: str, empty_message: str) -> str:
    text = clean_text(text)
    if not text:
        raise ValidationError({field: empty_message})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("Keep it within %(n)d characters.") % {"n": TEXT_MAX}})
    return text


def _require_live(supervision: KeySupervision) -> None:
    if supervision.suggestion.status in (Suggestion.Status.CLOSED, Suggestion.Status.MERGED):
        raise InvalidTransition(_("This item's handling is finished; key supervision is closed."))


def instruction_add(*, actor, supervision: KeySupervision, text: str) -> KeySupervisionInstruction:
    """The SC leader in charge gives an instruction (批示); the lead unit's officers and the
    office staff are told, and the item's timeline records it."""
    if not is_sc_leader_of(actor, supervision):
        raise NotAllowed(_("Only the standing-committee leader in charge of this item may give instructions."))
    _require_live(supervision)
    text = _checked_text(text, "text", _("Write the instruction."))
    suggestion = supervision.suggestion
    with transaction.atomic():
        instruction = KeySupervisionInstruction.objects.create(supervision=supervision, text=text, given_by=actor)
        _event(suggestion, "key_supervision_instruction", actor=actor, note=text[:200])
        title = _("Instruction on key-supervision item %(number)s: %(title)s") % {
            "number": suggestion.number_label,
            "title": suggestion.title,
        }
        lead_unit_ids = reporting_assignments(supervision).filter(role=Assignment.Role.LEAD).values("unit_id")
        users = get_user_model().objects.filter(is_active=True, unit_id__in=lead_unit_ids)
        for user in users:
            notify(
                user, key=f"ks-instruction:{instruction.pk}:{user.pk}", title=title, body=text, url="/unit/supervision/"
            )
        staff = get_user_model().objects.filter(is_active=True, is_staff=True, congress_id=suggestion.congress_id)
        for user in staff:
            if is_office_staff(user, suggestion.congress_id):
                notify(
                    user,
                    key=f"ks-instruction:{instruction.pk}:{user.pk}",
                    title=title,
                    body=text,
                    url=f"/office/suggestions/{suggestion.pk}/",
                )
    return instruction


def unit_report_add(
    *, actor, supervision: KeySupervision, note: str, reported_on: datetime.date | None = None
) -> KeySupervisionProgress:
    """An officer of a unit handling the supervised item files its progress report."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.unit_id):
        raise NotAllowed(_("Only an officer of a unit handling this item may report its progress."))
    if not reporting_assignments(supervision).filter(unit_id=actor.unit_id).exists():
        raise NotAllowed(_("Only an officer of a unit handling this item may report its progress."))
    _require_live(supervision)
    note = _checked_text(note, "note", _("Describe the progress."))
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise ValidationError({"reported_on": _("The date cannot be in the future.")})
    if reported_on < supervision.selected_on:
        raise ValidationError({"reported_on": _("The date cannot be before the item was chosen for key supervision.")})
    with transaction.atomic():
        progress = KeySupervisionProgress.objects.create(
            supervision=supervision, reported_on=reported_on, note=note, reported_by=actor, unit_id=actor.unit_id
        )
        _event(supervision.suggestion, "key_supervision_progress", actor=actor, note=note[:200])
    return progress


REPORT_EVERY_MIN, REPORT_EVERY_MAX = 7, 90


def report_schedule_set(*, actor, supervision: KeySupervision, days: int) -> KeySupervision:
    """The office sets how often the handling units report on the item (7 to 90 days)."""
    require_staff(actor, supervision.suggestion)
    if not REPORT_EVERY_MIN <= days <= REPORT_EVERY_MAX:
        raise ValidationError(
            {
                "report_every_days": _("Choose between %(min)d and %(max)d days.")
                % {"min": REPORT_EVERY_MIN, "max": REPORT_EVERY_MAX}
            }
        )
    KeySupervision.objects.filter(pk=supervision.pk).update(report_every_days=days)
    supervision.report_every_days = days
    return supervision
