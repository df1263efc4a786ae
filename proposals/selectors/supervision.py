"""Reads of the key-supervision pages: the SC leader's items with their reports and instructions."""

import datetime

from django.db.models import Count, Prefetch
from django.utils import timezone

from core.exceptions import NotAllowed
from deputies.models import StandingCommitteeMember

from ..models import Assignment, KeySupervision, KeySupervisionInstruction, KeySupervisionProgress
from ..scans_supervision import FINISHED
from ..services_supervision import REPORTING_ROLES

LEADER_POSITIONS = (StandingCommitteeMember.Position.DIRECTOR, StandingCommitteeMember.Position.DEPUTY_DIRECTOR)


def is_sc_leader(user) -> bool:
    """Whether ``user`` holds a director's or deputy director's seat of the standing committee."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return StandingCommitteeMember.objects.filter(deputy__user=user, position__in=LEADER_POSITIONS).exists()


def _schedule(supervision, today: datetime.date) -> None:
    """Annotate ``supervision.units``: per reporting unit its last report, next due date and overdue mark."""
    last_by_unit = {}
    for report in supervision.progress.all():
        if report.unit_id is not None:
            last_by_unit[report.unit_id] = report  # ordered by date: the last one wins
    units = []
    live = supervision.suggestion.status not in FINISHED
    for assignment in supervision.suggestion.reporting:
        last = last_by_unit.get(assignment.unit_id)
        base = last.reported_on if last else supervision.selected_on
        due = base + datetime.timedelta(days=supervision.report_every_days)
        units.append(
            {"unit": assignment.unit, "role": assignment, "last": last, "due": due, "overdue": live and due < today}
        )
    supervision.units = units


def leader_items(*, actor, year: int) -> list[KeySupervision]:
    """The SC leader's key-supervision items of ``year`` with progress log, unit reports and
    instructions: four queries whatever the number of items."""
    if not is_sc_leader(actor):
        raise NotAllowed("not an SC leader")
    items = list(
        KeySupervision.objects.filter(sc_leader__deputy__user=actor, year=year)
        .select_related("suggestion", "sc_leader__deputy")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=KeySupervisionProgress.objects.select_related("unit", "reported_by").order_by(
                    "reported_on", "id"
                ),
            ),
            Prefetch("instructions", queryset=KeySupervisionInstruction.objects.select_related("given_by")),
            Prefetch(
                "suggestion__assignments",
                queryset=Assignment.objects.filter(role__in=REPORTING_ROLES)
                .exclude(status=Assignment.Status.WITHDRAWN)
                .select_related("unit")
                .order_by("role", "id"),
                to_attr="reporting",
            ),
        )
        .order_by("suggestion__number", "id")
    )
    today = timezone.localdate()
    for item in items:
        _schedule(item, today)
    return items


def leader_years(*, actor) -> list[int]:
    """The years the SC leader has items in, newest first."""
    return list(
        KeySupervision.objects.filter(sc_leader__deputy__user=actor)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def unit_items(*, actor) -> list[KeySupervision]:
    """Key-supervision items of the officer's unit (a live lead, joint or separate assignment on a
    suggestion not finished), each with the unit's schedule (``unit_row``); four queries."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.unit_id):
        raise NotAllowed("not a unit officer")
    live = (
        Assignment.objects.filter(unit_id=actor.unit_id, role__in=REPORTING_ROLES)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .values("suggestion_id")
    )
    items = list(
        KeySupervision.objects.filter(suggestion_id__in=live)
        .exclude(suggestion__status__in=FINISHED)
        .select_related("suggestion", "sc_leader__deputy")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=KeySupervisionProgress.objects.filter(unit_id=actor.unit_id)
                .select_related("unit", "reported_by")
                .order_by("reported_on", "id"),
            ),
            Prefetch(
                "suggestion__assignments",
                queryset=Assignment.objects.filter(unit_id=actor.unit_id, role__in=REPORTING_ROLES)
                .exclude(status=Assignment.Status.WITHDRAWN)
                .select_related("unit")
                .order_by("id")[:1],
                to_attr="reporting",
            ),
        )
        .order_by("-year", "suggestion__number", "id")
    )
    today = timezone.localdate()
    for item in items:
        _schedule(item, today)
        item.unit_row = item.units[0] if item.units else None
    return items


def report_rows(*, actor, year: int) -> list[KeySupervision]:
    """The key-supervision report of ``year`` for the office: every item of the staff member's
    congresses with its units, reports filed and late, instructions, replies and ratings; four queries."""
    from accounts import roles

    if not (roles.is_staff_member(actor) and actor.has_perm("proposals.change_suggestion")):
        raise NotAllowed("not office staff")
    qs = KeySupervision.objects.filter(year=year)
    scope = roles.congress_scope_ids(actor)
    if scope is not None:
        qs = qs.filter(suggestion__congress_id__in=scope)
    items = list(
        qs.select_related("suggestion", "sc_leader__deputy")
        .annotate(
            instructions_n=Count("instructions", distinct=True),
            ratings_n=Count("suggestion__assignments__replies__ratings", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=KeySupervisionProgress.objects.filter(unit__isnull=False).order_by("reported_on", "id"),
            ),
            Prefetch(
                "suggestion__assignments",
                queryset=Assignment.objects.filter(role__in=REPORTING_ROLES)
                .exclude(status=Assignment.Status.WITHDRAWN)
                .select_related("unit")
                .order_by("role", "id"),
                to_attr="reporting",
            ),
        )
        .order_by("suggestion__number", "id")
    )
    for item in items:
        base_by_unit, late = {}, 0
        for report in item.progress.all():
            base = base_by_unit.get(report.unit_id, item.selected_on)
            if report.reported_on > base + datetime.timedelta(days=item.report_every_days):
                late += 1
            base_by_unit[report.unit_id] = report.reported_on
        item.reports_n = len(item.progress.all())
        item.late_n = late
        item.unit_names = "、".join(a.unit.name for a in item.suggestion.reporting)
        item.replied_n = sum(1 for a in item.suggestion.reporting if a.first_replied_on)
        item.assignments_n = len(item.suggestion.reporting)
    return items
