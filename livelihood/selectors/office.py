"""Reads for staff of the cycle's congress (``scoped``); a cycle outside the scope is 404."""

from django.db.models import Count
from django.http import Http404

from accounts.scoping import scoped

from ..models import Cycle, Idea, Observation, Project
from . import attach_progress, item_prefetch
from .public import rating_counts

P = Project.Status


def cycles_for_office(*, actor):
    return (
        scoped(Cycle.objects.select_related("congress"), actor)
        .annotate(idea_count=Count("ideas", distinct=True), project_count=Count("projects", distinct=True))
        .order_by("-year", "congress_id")
    )


def cycle_for_office(*, actor, pk: int) -> Cycle:
    cycle = scoped(Cycle.objects.select_related("congress"), actor).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def ideas_for_office(*, cycle: Cycle, status: str = "", source: str = ""):
    rows = (
        Idea.objects.filter(cycle=cycle)
        .select_related("lead", "merged_into", "adopted_idea")
        .prefetch_related("deputies")
    )
    if status:
        rows = rows.filter(status=status)
    if source:
        rows = rows.filter(source=source)
    return rows.order_by("group", "-created_at", "-pk")


def idea_for_office(*, actor, pk: int) -> Idea:
    idea = (
        scoped(Idea.objects.select_related("cycle__congress", "lead", "merged_into"), actor, "cycle__congress_id")
        .filter(pk=pk)
        .first()
    )
    if idea is None:
        raise Http404
    return idea


def projects_for_office(*, cycle: Cycle):
    return attach_progress(
        Project.objects.filter(cycle=cycle)
        .select_related("department")
        .annotate(**rating_counts())
        .prefetch_related(*item_prefetch(), "ideas")
        .order_by("number", "pk")
    )


def project_for_office(*, actor, pk: int) -> Project:
    project = (
        scoped(Project.objects.select_related("cycle__congress", "department"), actor, "cycle__congress_id")
        .filter(pk=pk)
        .prefetch_related(*item_prefetch(), "items__milestones", "groups", "inspections__activity")
        .first()
    )
    if project is None:
        raise Http404
    attach_progress([project])
    project.observation_list = list(project.observations.select_related("deputy").order_by("-created_at"))
    return project


def overdue_observations(*, actor, today):
    return scoped(
        Observation.objects.filter(status=Observation.Status.OPEN, due_on__lt=today),
        actor,
        "project__cycle__congress_id",
    )


def ledger_rows(*, cycle: Cycle):
    """The progress ledger: one row per reported value, with its report, item and project."""
    from ..models import ReportValue

    return (
        ReportValue.objects.filter(report__item__project__cycle=cycle)
        .select_related("report__item__project", "target", "report__author")
        .order_by("report__item__project__number", "report__item__order", "target_id", "report__created_at")
    )
