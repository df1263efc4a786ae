"""Handling beside the reply: assisting units' views, extensions (延期) and urging notices (催办).

Same rules as proposals/services.py: each action checks who may run it, runs in a
transaction, changes a status only through the workflow tables, writes the suggestion's
timeline entry, and tells people through ``notify`` (once per key).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from core.exceptions import InvalidTransition
from core.text import clean_text
from notifications.services import notify

from . import workflow
from .models import Assignment, AssistingView, Extension, UrgingNotice
from .services import _event, require_staff, require_unit_officer
from .workflow import STAFF, UNIT

A = Assignment.Status
R = Assignment.Role
E = Extension.Status
# Assignments that still owe their reply (or view): only these may ask for more time or be urged.
OWING = (A.ASSIGNED, A.REHANDLING)


def _tell_officers(unit, *, key: str, title: str, body: str = "", url: str) -> None:
    for officer in unit.officers.filter(is_active=True):
        notify(officer, key=f"{key}:{officer.pk}", title=title, body=body, url=url)


# --- Assisting units ------------------------------------------------------------------------------


def assisting_view_send(*, actor, assignment: Assignment, text: str) -> AssistingView:
    """An assisting unit sends its written view to the lead unit (once); the lead unit is told.
    The assisting unit never replies to the deputy."""
    require_unit_officer(actor, assignment)
    if assignment.role != R.ASSISTING:
        raise InvalidTransition(_("Only an assisting unit sends a written view to the lead unit."))
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write the unit's view for the lead unit.")})
    suggestion = assignment.suggestion
    with transaction.atomic():
        try:
            workflow.ASSIGNMENT.run(assignment, "send_view", actor=actor, role=UNIT)
        except InvalidTransition:
            raise InvalidTransition(_("The view has already been sent, or the assignment is no longer open."))
        view = AssistingView.objects.create(assignment=assignment, text=text, sent_by=actor)
        _event(suggestion, "assisting_view", actor=actor, note=str(assignment.unit))
        lead = (
            Assignment.objects.filter(suggestion=suggestion, role=R.LEAD)
            .exclude(status=A.WITHDRAWN)
            .select_related("unit")
            .first()
        )
        if lead is not None:
            _tell_officers(
                lead.unit,
                key=f"assisting-view:{view.pk}",
                title=_("%(unit)s sent its view: %(title)s")
                % {"unit": assignment.unit.name, "title": suggestion.title},
                body=_("Read it before you reply to the deputy."),
                url=f"/unit/assignments/{lead.pk}/#assisting-views",
            )
    return view


# --- Extensions -------------------------------------------------------------------------------------


def extension_request(
    *, actor, assignment: Assignment, reason: str, until: datetime.date | None, today: datetime.date | None = None
) -> Extension:
    """Before its deadline, a unit asks for more time, with a reason and the date it needs."""
    require_unit_officer(actor, assignment)
    today = today or timezone.localdate()
    reason = clean_text(reason or "")
    errors = {}
    if not reason:
        errors["reason"] = _("Say why more time is needed.")
    if until is None:
        errors["until"] = _("Enter the date by which the unit can reply.")
    elif until <= assignment.deadline:
        errors["until"] = _("The new date must be after the present deadline (%(date)s).") % {
            "date": assignment.deadline
        }
    if errors:
        raise ValidationError(errors)
    if assignment.status not in OWING:
        raise InvalidTransition(_("Only an assignment still waiting for its reply can be extended."))
    if today > assignment.deadline:
        raise InvalidTransition(
            _("An extension is asked for before the deadline; it passed on %(date)s.") % {"date": assignment.deadline}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                extension = Extension.objects.create(
                    assignment=assignment,
                    reason=reason,
                    requested_until=until,
                    old_deadline=assignment.deadline,
                    requested_by=actor,
                )
        except IntegrityError:
            raise InvalidTransition(_("A request for more time is already waiting for the office's decision."))
        _event(
            assignment.suggestion,
            "extension_requested",
            actor=actor,
            note=f"{assignment.unit}: {assignment.deadline} → {until}: {reason}"[:500],
        )
    return extension


def extension_decide(
    *, actor, extension: Extension, grant: bool, until: datetime.date | None = None, note: str = ""
) -> Extension:
    """The office grants a new date (the deadline, reminders and on-time count follow it) or refuses."""
    assignment = extension.assignment
    suggestion = assignment.suggestion
    require_staff(actor, suggestion)
    note = clean_text(note or "")
    if grant:
        until = until or extension.requested_until
        if until <= extension.old_deadline:
            raise ValidationError(
                {
                    "until": _("The new date must be after the present deadline (%(date)s).")
                    % {"date": extension.old_deadline}
                }
            )
    elif not note:
        raise ValidationError({"note": _("Give the unit the reason for refusing.")})
    with transaction.atomic():
        try:
            workflow.EXTENSION.run(
                extension,
                "grant" if grant else "refuse",
                actor=actor,
                role=STAFF,
                updates={
                    "decided_by": actor,
                    "decided_at": timezone.now(),
                    "decision_note": note,
                    "granted_until": until if grant else None,
                },
            )
        except InvalidTransition:
            raise InvalidTransition(_("This request has already been decided."))
        if grant:
            # Only while the reply is still owed: a reply sent meanwhile keeps its own on-time mark.
            Assignment.objects.filter(pk=assignment.pk, status__in=OWING).update(deadline=until)
            assignment.deadline = until
        _event(
            suggestion,
            "extension_granted" if grant else "extension_refused",
            actor=actor,
            note=(f"{assignment.unit}: {extension.old_deadline} → {until}" if grant else f"{assignment.unit}: {note}")[
                :500
            ],
        )
        _tell_officers(
            assignment.unit,
            key=f"extension:{extension.pk}:{'granted' if grant else 'refused'}",
            title=(
                _("More time granted, new date %(date)s: %(title)s") % {"date": until, "title": suggestion.title}
                if grant
                else _("More time refused: %(title)s") % {"title": suggestion.title}
            ),
            body=note,
            url=f"/unit/assignments/{assignment.pk}/",
        )
    return extension


# --- Urging notices -----------------------------------------------------------------------------------


def urging_notice_send(*, actor, assignment: Assignment, text: str = "") -> UrgingNotice:
    """The office urges a unit whose reply is overdue (催办): a numbered notice, a Word letter to
    download (addressed to the unit's head when one is recorded) and a notification to the
    unit's officers and its head. The head's account gets its own notification, once (its own
    key), and no officer's copy besides; a head's account no longer of the unit gets nothing."""
    suggestion = assignment.suggestion
    require_staff(actor, suggestion)
    today = timezone.localdate()
    if assignment.status not in OWING:
        raise InvalidTransition(_("Only a unit that still owes its reply can be urged."))
    if assignment.deadline >= today:
        raise InvalidTransition(
            _("The reply is not overdue yet (due %(date)s); an urging notice is sent after the deadline.")
            % {"date": assignment.deadline}
        )
    text = clean_text(text or "") or _(
        "The reply to this suggestion was due on %(date)s and has not been received. "
        "Please reply to the deputy without delay and report the handling to the deputy-work office."
    ) % {"date": assignment.deadline}
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        number = locked.urging_notices.count() + 1
        notice = UrgingNotice.objects.create(
            assignment=locked, number=number, text=text, sent_by=actor, deadline_then=locked.deadline
        )
        _event(suggestion, "urged", actor=actor, note=f"{assignment.unit}: #{number}")
        # Read now: the head recorded when the notice is sent, not when the caller loaded the unit.
        unit = Unit.objects.select_related("head_user").get(pk=assignment.unit_id)
        url = f"/unit/assignments/{assignment.pk}/"
        head = unit.head_user
        if head is not None and head.unit_id != unit.pk:
            head = None
        for officer in unit.officers.filter(is_active=True):
            if head is not None and officer.pk == head.pk:
                continue
            notify(
                officer,
                key=f"urging:{notice.pk}:{officer.pk}",
                title=_("Urging notice no. %(n)d: %(title)s") % {"n": number, "title": suggestion.title},
                body=text,
                url=url,
            )
        if head is not None:
            notify(
                head,
                key=f"urging:{notice.pk}:head:{head.pk}",
                title=_("Urging notice no. %(n)d addressed to you as head of %(unit)s: %(title)s")
                % {"n": number, "unit": unit.name, "title": suggestion.title},
                body=text,
                url=url,
            )
    return notice
