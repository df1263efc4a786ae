"""Roster actions: status changes, vacancies, by-elections and credentials reviews.

Every status change goes through ``_transition``: a conditional UPDATE from the
allowed states, plus a StatusChange row in the same transaction. If the UPDATE
touches nothing, the deputy was not in an allowed state (or someone else got
there first) and nothing is written.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from core.exceptions import InvalidTransition, NotAllowed
from core.workflow import STAFF, SYSTEM

from . import workflow
from .models import (
    ByElection,
    ByElectionResult,
    CredentialsReview,
    Deputy,
    DeputyGroup,
    StandingCommitteeMember,
    StatusChange,
    Vacancy,
)

S = Deputy.Status
K = StatusChange.Kind
R = StatusChange.Reason

SUSPENSION_REASONS = {R.CUSTODY, R.SENTENCED, R.OTHER}
TERMINATION_REASONS = {r for r in R.values if r not in {R.CUSTODY, R.SENTENCED}}


def require_roster_editor(actor, congress_id: int) -> None:
    """Staff with change rights on the roster, and the congress within their scope."""
    if not (roles.is_staff_member(actor) and actor.has_perm("deputies.change_deputy")):
        raise NotAllowed(_("Only deputy-work office staff may change the roster."))
    if not in_scope(actor, congress_id):
        raise NotAllowed(_("This deputy belongs to another congress; you may not change it."))


def _transition(*, actor, deputy: Deputy, kind: str, effective_date: datetime.date, reason: str = "", note: str = ""):
    """Change the status along ``workflow.DEPUTY_STATUS`` (a locked read and a conditional
    UPDATE) and write the StatusChange row; refuse, changing nothing, from any other state."""
    role = SYSTEM if kind == K.CONFIRM else STAFF
    return workflow.DEPUTY_STATUS.run(
        deputy,
        kind,
        actor=actor,
        role=role,
        note=note,
        lock=True,
        event={"effective_date": effective_date, "reason": reason},
    )


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
            elected_on=held_on,
            **elected,
        )
        # Not serving until the standing committee confirms the credentials review.
        workflow.DEPUTY_STATUS.start(deputy, S.PENDING)
        deputy.full_clean(exclude=["user"])
        deputy.save()
        return ByElectionResult.objects.create(by_election=by_election, deputy=deputy, vacancy=vacancy)


def credentials_review_approve(*, actor, review: CredentialsReview, approved_on: datetime.date) -> int:
    """The SC confirms the review's report: by-elected deputies start serving, their vacancies close.

    Returns the number of deputies confirmed.
    """
    require_roster_editor(actor, review.term.congress_id)
    with transaction.atomic():
        try:
            workflow.CREDENTIALS_REVIEW.run(
                review, "approve", actor=actor, role=STAFF, updates={"approved_on": approved_on}
            )
        except InvalidTransition:
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
            workflow.VACANCY.run(
                result.vacancy,
                "fill",
                actor=actor,
                role=SYSTEM,
                updates={"filled_by": result.deputy, "filled_on": approved_on, "reported_in": review},
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
    return confirmed


def deputy_link_user(*, actor, deputy: Deputy, user) -> None:
    """Link a mandate to a login account (one account may hold several mandates)."""
    require_roster_editor(actor, deputy.congress_id)
    with transaction.atomic():
        Deputy.objects.filter(pk=deputy.pk).update(user=user)
        deputy.user = user
        _sync_user_roles(deputy)


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
