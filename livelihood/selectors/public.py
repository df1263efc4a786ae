"""Reads for the public pages. Nothing here returns a proposer's name or contact, or a
deputy's rating comment with their name: ratings are shown only as counts per project."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from ..models import Cycle, Photo, Project, Rating, Report, ReportValue
from . import attach_progress, item_prefetch

C = Cycle.Status
P = Project.Status
PUBLISHED = (C.VOTED, C.EVALUATING, C.CLOSED)
LATEST_REPORTS = 6


def public_cycles():
    """Cycles of the top congress (the city) whose vote is held, newest first."""
    return Cycle.objects.filter(congress__parent__isnull=True, status__in=PUBLISHED).order_by("-year")


def collecting_cycles():
    return Cycle.objects.filter(status=C.COLLECTING).select_related("congress").order_by("closes_on", "pk")


def rating_counts():
    return {
        "rated": Count("ratings", distinct=True),
        "satisfied": Count("ratings", filter=Q(ratings__value=Rating.Value.SATISFIED), distinct=True),
        "basically": Count("ratings", filter=Q(ratings__value=Rating.Value.BASICALLY), distinct=True),
        "unsatisfied": Count("ratings", filter=Q(ratings__value=Rating.Value.UNSATISFIED), distinct=True),
    }


def cycle_public(*, year: int | None = None) -> Cycle:
    """A published cycle (the newest if no year) with ``elected`` (projects with progress),
    ``candidates`` (all on the list, with their votes) and ``latest`` (the latest reports
    with their photos), in a fixed number of queries however many projects."""
    cycles = public_cycles().select_related("congress")
    cycle = (cycles.filter(year=year) if year else cycles).first()
    if cycle is None:
        raise Http404
    candidates = list(
        Project.objects.filter(cycle=cycle)
        .select_related("department")
        .annotate(**rating_counts())
        .order_by("number", "pk")
    )
    elected_ids = [p.pk for p in candidates if p.status in (P.ELECTED, P.COMPLETED)]
    elected = (
        Project.objects.filter(pk__in=elected_ids)
        .select_related("department")
        .prefetch_related(*item_prefetch())
        .order_by("number", "pk")
    )
    cycle.elected = attach_progress(elected)
    counts = {p.pk: p for p in candidates}
    for project in cycle.elected:
        c = counts[project.pk]
        project.rated, project.satisfied, project.basically, project.unsatisfied = (
            c.rated,
            c.satisfied,
            c.basically,
            c.unsatisfied,
        )
    cycle.candidates = candidates
    cycle.latest = list(
        Report.objects.filter(item__project__cycle=cycle, item__project__status__in=(P.ELECTED, P.COMPLETED))
        .select_related("item__project")
        .prefetch_related("photos")
        .order_by("-created_at", "-pk")[:LATEST_REPORTS]
    )
    return cycle


def project_public(*, pk: int) -> Project:
    """An elected project of a published cycle with items, targets, milestones, reports (their
    values and photos) and rating counts; 404 otherwise."""
    project = (
        Project.objects.filter(pk=pk, cycle__status__in=PUBLISHED, status__in=(P.ELECTED, P.COMPLETED))
        .select_related("cycle", "department")
        .annotate(**rating_counts())
        .prefetch_related(
            *item_prefetch(),
            "items__milestones",
            Prefetch(
                "items__reports",
                queryset=Report.objects.order_by("-created_at", "-pk").prefetch_related(
                    Prefetch("values", queryset=ReportValue.objects.select_related("target")),
                    Prefetch("photos", queryset=Photo.objects.order_by("pk")),
                ),
            ),
            "groups",
            "inspections",
        )
        .first()
    )
    if project is None:
        raise Http404
    attach_progress([project])
    timeline = []
    for item in project.items.all():
        for report in item.reports.all():
            timeline.append((report.created_at, item, report))
    timeline.sort(key=lambda row: row[0], reverse=True)
    project.timeline = timeline
    return project


def photo_public(*, pk: int) -> Photo:
    photo = (
        Photo.objects.filter(
            pk=pk,
            report__item__project__status__in=(P.ELECTED, P.COMPLETED),
            report__item__project__cycle__status__in=PUBLISHED,
        )
        .only("pk", "file", "extension")
        .first()
    )
    if photo is None:
        raise Http404
    return photo
