"""Actions on the activity ledger and deputies' letters (代表信访).

"Whoever organises records it" (谁组织、谁负责): the person named as recorder on an
activity (staff or a unit officer) records attendance; staff of the congress may too.

Every write of participations here (invitations, answers, attendance and its corrections,
an activity moved to another date) also moves the per-(deputy, year) counts the archive list
sorts by: database triggers do it in the same statement (``activities/summaries.py``), so no
service adds a query of its own and no other writer can forget it.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from core.exceptions import InvalidTransition, NotAllowed
from core.workflow import DEPUTY, RECORDER, STAFF, UNIT
from deputies.models import Deputy
from deputies.services import deputy_status_on, require_roster_editor
from notifications.services import notify_many

from . import workflow
from .models import Activity, DeputyLetter, Participation

S = Deputy.Status

P = Participation.Status
ATTENDANCE_STATES = {P.ATTENDED, P.ABSENT, P.EXCUSED}
ANSWER_STATES = workflow.ANSWER_STATES


def require_activity_manager(actor, activity: Activity) -> None:
    """Staff of the activity's congress, or the person named to record it."""
    if activity.recorder_id == getattr(actor, "pk", None):
        return
    if not (roles.is_staff_member(actor) and actor.has_perm("activities.change_activity")):
        raise NotAllowed(_("Only the organiser named on the activity or office staff may do this."))
    if not in_scope(actor, activity.congress_id):
        raise NotAllowed(_("This activity belongs to another congress."))


def activity_create(*, actor, **fields) -> Activity:
    """Create an activity; ``fields`` are the model's (congress, kind, title, dates, recorder, …)."""
    if not (roles.is_staff_member(actor) and actor.has_perm("activities.add_activity")):
        raise NotAllowed(_("Only office staff may create activities."))
    activity = Activity(created_by=actor, **fields)
    if not in_scope(actor, activity.congress_id):
        raise NotAllowed(_("This activity belongs to another congress."))
    activity.full_clean()
    activity.save()
    return activity


def activity_open_for(
    *, actor, source, kind: str, congress, title: str, start_date, end_date=None, recorder=None, **fields
) -> Activity:
    """The ledger activity that stands for ``source``, a record of another app (an SC meeting,
    a course, a station reception, a livelihood inspection): created on the first call, kept in
    step with the record on later ones. Invitations and attendance then go through the ledger,
    so the archive counts them. ``fields`` are other Activity fields (place, organiser, …).
    """
    source_type = ContentType.objects.get_for_model(source)
    values = {
        "kind": kind,
        "congress": congress,
        "title": title,
        "start_date": start_date,
        "end_date": end_date or start_date,
        "recorder": recorder or actor,
        **fields,
    }
    activity = Activity.objects.filter(source_type=source_type, source_id=source.pk).first()
    if activity is None:
        try:
            with transaction.atomic():
                return activity_create(actor=actor, source_type=source_type, source_id=source.pk, **values)
        except IntegrityError:  # opened by someone else meanwhile: keep theirs in step instead
            activity = Activity.objects.get(source_type=source_type, source_id=source.pk)
    changed = []
    for name, value in values.items():
        field = Activity._meta.get_field(name)
        current = getattr(activity, field.attname)
        wanted = getattr(value, "pk", value) if field.is_relation else value
        if current != wanted:
            setattr(activity, name, value)
            changed.append(name)
    if changed:
        activity_update(actor=actor, activity=activity, fields=changed)
    return activity


# Fields copied onto each participation so that the archive counts need no join.
COPIED_TO_PARTICIPATIONS = {"start_date": "activity_date", "kind": "activity_kind"}


def activity_update(*, actor, activity: Activity, fields) -> Activity:
    """Save the changed ``fields`` of an activity (already set on it) and keep the copies
    on its participations in step, in one transaction."""
    require_activity_manager(actor, activity)
    fields = [f for f in fields if f not in {"created_by", "created_at", "attendance_closed_at"}]
    activity.full_clean()
    with transaction.atomic():
        concrete = [f for f in fields if not activity._meta.get_field(f).many_to_many]
        if concrete:
            activity.save(update_fields=concrete)
        copies = {
            target: getattr(activity, source) for source, target in COPIED_TO_PARTICIPATIONS.items() if source in fields
        }
        if copies:
            Participation.objects.filter(activity=activity).update(**copies)
    return activity


def activity_invite(*, actor, activity: Activity, deputies, role: str = Participation.Role.PARTICIPANT) -> int:
    """Invite deputies (skipping those already invited and those not serving); tell each of them.

    Returns the number of new invitations.
    """
    require_activity_manager(actor, activity)
    if activity.attendance_closed_at is not None:
        raise InvalidTransition(_("Attendance has been recorded; no more invitations can be sent."))
    wanted = [d for d in deputies if d.congress_id == activity.congress_id and d.status == S.SERVING]
    with transaction.atomic():
        existing = set(
            Participation.objects.filter(activity=activity, deputy__in=wanted).values_list("deputy_id", flat=True)
        )
        new = [
            Participation(
                activity=activity,
                deputy=d,
                role=role,
                activity_date=activity.start_date,
                activity_kind=activity.kind,
            )
            for d in wanted
            if d.pk not in existing
        ]
        Participation.objects.bulk_create(new, batch_size=500)
        # One read of the accounts and one write of the notifications, however many are invited.
        user_ids = [d.user_id for d in wanted if d.pk not in existing and d.user_id]
        if user_ids:
            notify_many(
                get_user_model().objects.filter(pk__in=user_ids),
                key=f"activity:{activity.pk}:invited",
                title=_("Invitation: %(title)s") % {"title": activity.title},
                body=_("%(start)s, %(place)s. Please accept or decline in the portal.")
                % {"start": activity.start_date, "place": activity.place or activity.organiser},
                url="/portal/activities/",
            )
    return len(new)


def participation_respond(*, actor, participation: Participation, accept: bool, reason: str = "") -> Participation:
    """The deputy accepts or declines an invitation; declining needs a reason."""
    deputy = participation.deputy
    if deputy.user_id is None or deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the invited deputy may answer the invitation."))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Please give a reason for declining.")})
    activity = participation.activity
    if activity.attendance_closed_at is not None or activity.end_date < timezone.localdate():
        raise InvalidTransition(_("The activity is over; the invitation can no longer be answered."))
    try:
        workflow.PARTICIPATION.run(
            participation,
            "accept" if accept else "decline",
            actor=actor,
            role=DEPUTY,
            updates={"reason": "" if accept else reason[:200], "responded_at": timezone.now()},
        )
    except InvalidTransition:
        raise InvalidTransition(_("Attendance has already been recorded for this invitation."))
    participation.refresh_from_db()
    return participation


def attendance_record(*, actor, activity: Activity, marks: dict, walk_ins=(), today=None) -> dict:
    """Record attendance in one go: ``marks`` maps participation id → (status, reason);
    ``walk_ins`` are deputies who came without an invitation.

    All or nothing: any bad row raises ValidationError listing every problem and
    nothing is written. Returns counts per status.
    """
    require_activity_manager(actor, activity)
    today = today or timezone.localdate()
    if activity.start_date > today:
        raise ValidationError(_("The activity has not started yet; attendance cannot be recorded."))
    errors: list[str] = []
    with transaction.atomic():
        participations = {
            p.pk: p
            for p in Participation.objects.select_for_update()
            .filter(activity=activity)
            .select_related("deputy")
            .prefetch_related("deputy__status_changes")
        }
        unknown = [pk for pk in marks if pk not in participations]
        if unknown:
            errors.append(_("%(n)d rows do not belong to this activity.") % {"n": len(unknown)})
        changed = []
        for pk, (status, reason) in marks.items():
            p = participations.get(pk)
            if p is None:
                continue
            reason = (reason or "").strip()
            if status not in ATTENDANCE_STATES:
                errors.append(_("%(name)s: choose attended, absent or excused.") % {"name": p.deputy.name})
                continue
            if status == P.EXCUSED and not reason and not p.reason:
                errors.append(_("%(name)s: an excused absence needs a reason.") % {"name": p.deputy.name})
                continue
            if status == P.ATTENDED and deputy_status_on(p.deputy, activity.start_date) != S.SERVING:
                errors.append(
                    _("%(name)s was not serving on %(date)s and cannot be recorded as present.")
                    % {"name": p.deputy.name, "date": activity.start_date}
                )
                continue
            p.reason = (reason or p.reason)[:200]
            changed.append((p, workflow.ATTENDANCE_ACTIONS[status]))
        already = {p.deputy_id for p in participations.values()}
        new = []
        for d in walk_ins:
            if d.pk in already:
                errors.append(_("%(name)s is already on the list.") % {"name": d.name})
            elif d.congress_id != activity.congress_id:
                errors.append(_("%(name)s is not a deputy of this congress.") % {"name": d.name})
            elif deputy_status_on(d, activity.start_date) != S.SERVING:
                errors.append(
                    _("%(name)s was not serving on %(date)s and cannot be recorded as present.")
                    % {"name": d.name, "date": activity.start_date}
                )
            else:
                already.add(d.pk)
                walk_in = Participation(
                    activity=activity,
                    deputy=d,
                    walk_in=True,
                    activity_date=activity.start_date,
                    activity_kind=activity.kind,
                )
                workflow.PARTICIPATION.start(walk_in, P.ATTENDED)
                new.append(walk_in)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        for p in new:
            p.recorded_at, p.recorded_by = now, actor
        workflow.PARTICIPATION.run_each(
            changed,
            actor=actor,
            role=RECORDER if activity.recorder_id == actor.pk else STAFF,
            fields=["reason"],
            updates={"recorded_at": now, "recorded_by": actor},
        )
        Participation.objects.bulk_create(new, batch_size=500)
        Activity.objects.filter(pk=activity.pk).update(attendance_closed_at=now)
        activity.attendance_closed_at = now
    counts = dict.fromkeys(ATTENDANCE_STATES, 0)
    for p in [p for p, _action in changed] + new:
        counts[p.status] += 1
    return counts


# --- Deputies' letters (代表信访) -------------------------------------------------------------

LETTER_REPLY_DAYS = 30


def letter_forward(*, actor, letter: DeputyLetter, body, forwarded_on: datetime.date, reply_due=None) -> DeputyLetter:
    """Pass the deputy's matter to a body, with a reply deadline (30 days unless given)."""
    require_roster_editor(actor, letter.deputy.congress_id)
    reply_due = reply_due or forwarded_on + datetime.timedelta(days=LETTER_REPLY_DAYS)
    with transaction.atomic():
        try:
            workflow.LETTER.run(
                letter,
                "forward",
                actor=actor,
                role=STAFF,
                updates={"body": body, "forwarded_on": forwarded_on, "reply_due": reply_due},
            )
        except InvalidTransition:
            raise InvalidTransition(_("This matter has already been forwarded."))
        _notify_unit_officers(
            body, letter, key="forwarded", title=_("A deputy's matter to answer by %(date)s") % {"date": reply_due}
        )
    letter.refresh_from_db()
    return letter


def letter_reply(*, actor, letter: DeputyLetter, reply: str, replied_on: datetime.date) -> DeputyLetter:
    """The body's officer (or staff) records the reply; the deputy is asked for feedback."""
    from notifications.services import notify

    is_officer = actor.unit_id is not None and actor.unit_id == letter.body_id
    if not is_officer:
        require_roster_editor(actor, letter.deputy.congress_id)
    if not reply.strip():
        raise ValidationError({"reply": _("The reply cannot be empty.")})
    with transaction.atomic():
        try:
            workflow.LETTER.run(
                letter,
                "reply",
                actor=actor,
                role=UNIT if is_officer else STAFF,
                updates={"reply": reply.strip(), "replied_on": replied_on},
            )
        except InvalidTransition:
            raise InvalidTransition(_("Only a forwarded matter can be answered."))
        if letter.deputy.user_id:
            notify(
                letter.deputy.user,
                key=f"letter:{letter.pk}:replied",
                title=_("Reply received: %(subject)s") % {"subject": letter.subject},
                body=_("Please tell us whether you are satisfied with the reply."),
                url="/portal/archive/",
            )
    letter.refresh_from_db()
    return letter


def letter_feedback(*, actor, letter: DeputyLetter, feedback: str, note: str = "") -> DeputyLetter:
    """Only the deputy rates the reply: nobody rates on a deputy's behalf."""
    if letter.deputy.user_id is None or letter.deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the deputy who raised the matter may give feedback."))
    if feedback not in DeputyLetter.Feedback.values:
        raise ValidationError({"feedback": _("Choose satisfied, basically satisfied or unsatisfied.")})
    with transaction.atomic():
        try:
            workflow.LETTER.run(
                letter,
                "feedback",
                actor=actor,
                role=DEPUTY,
                updates={"feedback": feedback, "feedback_note": note.strip()},
            )
        except InvalidTransition:
            raise InvalidTransition(_("Feedback can be given once the reply has arrived."))
    letter.refresh_from_db()
    return letter


def _notify_unit_officers(unit, letter, *, key: str, title: str) -> None:
    from notifications.services import notify

    for officer in unit.officers.filter(is_active=True):
        notify(officer, key=f"letter:{letter.pk}:{key}", title=title, body=letter.subject, url="/portal/")
