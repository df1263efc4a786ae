"""Roster actions: status changes, vacancies, by-elections and credentials reviews.

Every status change goes through ``_transition``: a conditional UPDATE from the
allowed states, plus a StatusChange row in the same transaction. If the UPDATE
touches nothing, the deputy was not in an allowed state (or someone else got
there first) and nothing is written.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core.exceptions import NotAllowed

from core.exceptions import InvalidTransition
from .models import (
    Activity,
    ByElection,
    ByElectionResult,
    CredentialsReview,
    Deputy,
    DeputyGroup,
    DeputyLetter,
    Participation,
    StandingCommitteeMember,
    StatusChange,
    Vacancy,
)

S = Deputy.Status
K = StatusChange.Kind
R = StatusChange.Reason

# kind -> (states it may leave from, state it goes to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    K.SUSPEND: (frozenset({S.SERVING}), S.SUSPENDED),
    K.RESUME: (frozenset({S.SUSPENDED}), S.SERVING),
    K.TERMINATE: (frozenset({S.SERVING, S.SUSPENDED, S.PENDING}), S.TERMINATED),
    K.CONFIRM: (frozenset({S.PENDING}), S.SERVING),
}
SUSPENSION_REASONS = {R.CUSTODY, R.SENTENCED, R.OTHER}
TERMINATION_REASONS = {r for r in R.values if r not in {R.CUSTODY, R.SENTENCED}}


def require_roster_editor(actor, congress_id: int) -> None:
    """Staff with change rights on the roster, and the congress within their scope."""
    if not (roles.is_staff_member(actor) and actor.has_perm("deputies.change_deputy")):
        raise NotAllowed(_("Only deputy-work office staff may change the roster."))
    scope = roles.congress_scope_ids(actor)
    if scope is not None and congress_id not in scope:
        raise NotAllowed(_("This deputy belongs to another congress; you may not change it."))


def _transition(*, actor, deputy: Deputy, kind: str, effective_date: datetime.date, reason: str = "", note: str = ""):
    sources, target = TRANSITIONS[kind]
    current = Deputy.objects.select_for_update().filter(pk=deputy.pk).values_list("status", flat=True).first()
    # The conditional UPDATE is the guard that also holds where SELECT … FOR UPDATE
    # is a no-op (SQLite): if the status moved meanwhile, nothing is touched.
    updated = current in sources and Deputy.objects.filter(pk=deputy.pk, status=current).update(status=target)
    if not updated:
        deputy.status = current or deputy.status
        raise InvalidTransition(
            _("Deputy “%(name)s” is “%(status)s”; “%(action)s” is not possible.")
            % {"name": deputy.name, "status": deputy.get_status_display(), "action": K(kind).label}
        )
    change = StatusChange.objects.create(
        deputy=deputy,
        kind=kind,
        reason=reason,
        from_status=current,
        to_status=target,
        effective_date=effective_date,
        note=note,
        actor=actor,
    )
    deputy.status = target
    return change


def _sync_user_roles(deputy: Deputy) -> None:
    if deputy.user_id:
        from accounts.services import user_sync_roles

        transaction.on_commit(lambda: user_sync_roles(user=deputy.user))


def deputy_suspend(
    *, actor, deputy: Deputy, reason: str, effective_date: datetime.date, note: str = ""
) -> StatusChange:
    """Suspend a serving deputy (Deputies Law art. 61): custody, or a sentence without loss of rights."""
    require_roster_editor(actor, deputy.congress_id)
    if reason not in SUSPENSION_REASONS:
        raise InvalidTransition(_("That is not a ground for suspension."))
    with transaction.atomic():
        return _transition(
            actor=actor, deputy=deputy, kind=K.SUSPEND, effective_date=effective_date, reason=reason, note=note
        )


def deputy_resume(*, actor, deputy: Deputy, effective_date: datetime.date, note: str = "") -> StatusChange:
    require_roster_editor(actor, deputy.congress_id)
    with transaction.atomic():
        return _transition(actor=actor, deputy=deputy, kind=K.RESUME, effective_date=effective_date, note=note)


def deputy_terminate(*, actor, deputy: Deputy, reason: str, effective_date: datetime.date, note: str = "") -> Vacancy:
    """End a mandate (Deputies Law art. 62) and open a vacancy at the electoral unit.

    The deputy leaves the serving count at once; the seat stays vacant until a
    by-election result is confirmed by a credentials review.
    """
    require_roster_editor(actor, deputy.congress_id)
    if reason not in TERMINATION_REASONS:
        raise InvalidTransition(_("Choose a legal ground for the termination."))
    if effective_date > timezone.localdate():
        raise InvalidTransition(_("The termination date cannot be in the future."))
    with transaction.atomic():
        _transition(
            actor=actor, deputy=deputy, kind=K.TERMINATE, effective_date=effective_date, reason=reason, note=note
        )
        # A standing-committee seat ends with the mandate.
        StandingCommitteeMember.objects.filter(deputy=deputy, end_date__isnull=True).update(end_date=effective_date)
        vacancy = Vacancy.objects.create(
            electoral_unit_id=deputy.electoral_unit_id,
            term_id=deputy.term_id,
            vacated_by=deputy,
            opened_on=effective_date,
        )
        _sync_user_roles(deputy)
    return vacancy


def by_election_record(
    *,
    actor,
    vacancy: Vacancy,
    held_on: datetime.date,
    held_by: str,
    elected: dict,
    review: CredentialsReview | None = None,
    note: str = "",
) -> ByElectionResult:
    """Record a by-election for an open vacancy; the elected deputy waits for the credentials review.

    ``elected`` holds the new deputy's roster fields (name, gender, …).
    """
    require_roster_editor(actor, vacancy.vacated_by.congress_id)
    with transaction.atomic():
        vacancy = Vacancy.objects.select_for_update().select_related("vacated_by").get(pk=vacancy.pk)
        if vacancy.status != Vacancy.Status.OPEN or ByElectionResult.objects.filter(vacancy=vacancy).exists():
            raise InvalidTransition(_("This vacancy has already been filled."))
        old = vacancy.vacated_by
        by_election = ByElection.objects.create(
            electoral_unit_id=vacancy.electoral_unit_id,
            term_id=vacancy.term_id,
            held_on=held_on,
            held_by=held_by,
            review=review,
            note=note,
        )
        deputy = Deputy(
            congress_id=old.congress_id,
            term_id=vacancy.term_id,
            electoral_unit_id=vacancy.electoral_unit_id,
            status=S.PENDING,
            elected_on=held_on,
            **elected,
        )
        deputy.full_clean(exclude=["user"])
        deputy.save()
        return ByElectionResult.objects.create(by_election=by_election, deputy=deputy, vacancy=vacancy)


def credentials_review_approve(*, actor, review: CredentialsReview, approved_on: datetime.date) -> int:
    """The SC confirms the review's report: by-elected deputies start serving, their vacancies close.

    Returns the number of deputies confirmed.
    """
    require_roster_editor(actor, review.term.congress_id)
    with transaction.atomic():
        updated = CredentialsReview.objects.filter(pk=review.pk, status=CredentialsReview.Status.DRAFT).update(
            status=CredentialsReview.Status.APPROVED, approved_on=approved_on
        )
        if not updated:
            raise InvalidTransition(_("This credentials review has already been confirmed."))
        results = ByElectionResult.objects.filter(by_election__review=review).select_related("deputy", "vacancy")
        confirmed = 0
        for result in results:
            _transition(
                actor=actor,
                deputy=result.deputy,
                kind=K.CONFIRM,
                effective_date=approved_on,
                note=_("Credentials review report: %(title)s") % {"title": review.title},
            )
            Vacancy.objects.filter(pk=result.vacancy_id, status=Vacancy.Status.OPEN).update(
                status=Vacancy.Status.FILLED, filled_by=result.deputy, filled_on=approved_on, reported_in=review
            )
            # The new deputy joins the deputy group of their electoral unit.
            for group in DeputyGroup.objects.filter(
                term_id=result.deputy.term_id,
                electoral_unit_id=result.deputy.electoral_unit_id,
                kind=DeputyGroup.Kind.DEPUTY_GROUP,
            ):
                group.members.add(result.deputy)
            _sync_user_roles(result.deputy)
            confirmed += 1
        # Terminations since the last review are reported in this one too.
        Vacancy.objects.filter(term=review.term, reported_in__isnull=True).update(reported_in=review)
    review.status = CredentialsReview.Status.APPROVED
    review.approved_on = approved_on
    return confirmed


def deputy_link_user(*, actor, deputy: Deputy, user) -> None:
    """Link a mandate to a login account (one account may hold several mandates)."""
    require_roster_editor(actor, deputy.congress_id)
    with transaction.atomic():
        Deputy.objects.filter(pk=deputy.pk).update(user=user)
        deputy.user = user
        _sync_user_roles(deputy)


# --- The activity ledger ------------------------------------------------------------------
#
# "Whoever organises records it" (谁组织、谁负责): the person named as recorder on an
# activity (staff or a unit officer) records attendance; staff of the congress may too.


P = Participation.Status
ATTENDANCE_STATES = {P.ATTENDED, P.ABSENT, P.EXCUSED}
ANSWER_STATES = {P.INVITED, P.ACCEPTED, P.DECLINED}


def require_activity_manager(actor, activity: Activity) -> None:
    """Staff of the activity's congress, or the person named to record it."""
    if activity.recorder_id == getattr(actor, "pk", None):
        return
    if not (roles.is_staff_member(actor) and actor.has_perm("deputies.change_activity")):
        raise NotAllowed(_("Only the organiser named on the activity or office staff may do this."))
    scope = roles.congress_scope_ids(actor)
    if scope is not None and activity.congress_id not in scope:
        raise NotAllowed(_("This activity belongs to another congress."))


def deputy_status_on(deputy: Deputy, day: datetime.date) -> str:
    """The deputy's status on a given day, replayed from the status changes.

    Uses ``deputy.status_changes.all()`` so that a prefetch serves many deputies at once.
    """
    if deputy.elected_on and day < deputy.elected_on:
        return S.PENDING
    changes = sorted(deputy.status_changes.all(), key=lambda c: (c.effective_date, c.created_at, c.pk))
    status = changes[0].from_status if changes else deputy.status
    for change in changes:
        if change.effective_date <= day:
            status = change.to_status
    return status


def activity_create(*, actor, **fields) -> Activity:
    """Create an activity; ``fields`` are the model's (congress, kind, title, dates, recorder, …)."""
    if not (roles.is_staff_member(actor) and actor.has_perm("deputies.add_activity")):
        raise NotAllowed(_("Only office staff may create activities."))
    activity = Activity(created_by=actor, **fields)
    scope = roles.congress_scope_ids(actor)
    if scope is not None and activity.congress_id not in scope:
        raise NotAllowed(_("This activity belongs to another congress."))
    activity.full_clean()
    activity.save()
    return activity


def activity_invite(*, actor, activity: Activity, deputies, role: str = Participation.Role.PARTICIPANT) -> int:
    """Invite deputies (skipping those already invited and those not serving); tell each of them.

    Returns the number of new invitations.
    """
    from notifications.services import notify

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
        users = [d.user for d in wanted if d.pk not in existing and d.user_id]
        for user in users:
            notify(
                user,
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
    target = P.ACCEPTED if accept else P.DECLINED
    with transaction.atomic():
        updated = Participation.objects.filter(pk=participation.pk, status__in=ANSWER_STATES).update(
            status=target, reason="" if accept else reason[:200], responded_at=timezone.now()
        )
        if not updated:
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
            p.status, p.reason = status, (reason or p.reason)[:200]
            changed.append(p)
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
                new.append(
                    Participation(
                        activity=activity,
                        deputy=d,
                        status=P.ATTENDED,
                        walk_in=True,
                        activity_date=activity.start_date,
                        activity_kind=activity.kind,
                    )
                )
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        for p in changed + new:
            p.recorded_at, p.recorded_by = now, actor
        Participation.objects.bulk_update(changed, ["status", "reason", "recorded_at", "recorded_by"], batch_size=500)
        Participation.objects.bulk_create(new, batch_size=500)
        Activity.objects.filter(pk=activity.pk).update(attendance_closed_at=now)
        activity.attendance_closed_at = now
    counts = dict.fromkeys(ATTENDANCE_STATES, 0)
    for p in changed + new:
        counts[p.status] += 1
    return counts


# --- Deputies' letters (代表信访) -------------------------------------------------------------

LETTER_REPLY_DAYS = 30


def letter_forward(*, actor, letter: DeputyLetter, body, forwarded_on: datetime.date, reply_due=None) -> DeputyLetter:
    """Pass the deputy's matter to a body, with a reply deadline (30 days unless given)."""
    require_roster_editor(actor, letter.deputy.congress_id)
    reply_due = reply_due or forwarded_on + datetime.timedelta(days=LETTER_REPLY_DAYS)
    with transaction.atomic():
        updated = DeputyLetter.objects.filter(pk=letter.pk, status=DeputyLetter.Status.RECEIVED).update(
            status=DeputyLetter.Status.FORWARDED, body=body, forwarded_on=forwarded_on, reply_due=reply_due
        )
        if not updated:
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
        updated = DeputyLetter.objects.filter(pk=letter.pk, status=DeputyLetter.Status.FORWARDED).update(
            status=DeputyLetter.Status.REPLIED, reply=reply.strip(), replied_on=replied_on
        )
        if not updated:
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
        updated = DeputyLetter.objects.filter(pk=letter.pk, status=DeputyLetter.Status.REPLIED).update(
            status=DeputyLetter.Status.CLOSED, feedback=feedback, feedback_note=note.strip()
        )
        if not updated:
            raise InvalidTransition(_("Feedback can be given once the reply has arrived."))
    letter.refresh_from_db()
    return letter


def _notify_unit_officers(unit, letter, *, key: str, title: str) -> None:
    from notifications.services import notify

    for officer in unit.officers.filter(is_active=True):
        notify(officer, key=f"letter:{letter.pk}:{key}", title=title, body=letter.subject, url="/portal/")
