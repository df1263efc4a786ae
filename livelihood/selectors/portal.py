"""Reads for a deputy: the cycles of their congresses, their own candidates, the public
ideas they may take up, the projects their supervision groups follow, and their ratings."""

from django.db.models import Prefetch
from django.http import Http404

from deputies.models import Deputy

from ..models import Cycle, Idea, Observation, Project, Rating
from . import attach_progress, item_prefetch

C = Cycle.Status
P = Project.Status


def mandates(actor):
    return list(Deputy.objects.filter(user=actor, status=Deputy.Status.SERVING).select_related("congress"))


def cycles_for_deputy(*, actor):
    congress_ids = [m.congress_id for m in mandates(actor)]
    return Cycle.objects.filter(congress_id__in=congress_ids).exclude(status=C.DRAFT).select_related("congress")


def cycle_for_deputy(*, actor, pk: int) -> Cycle:
    cycle = cycles_for_deputy(actor=actor).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def my_candidates(*, actor, cycle: Cycle):
    return (
        Idea.objects.filter(cycle=cycle, deputies__user=actor)
        .select_related("lead", "adopted_idea")
        .prefetch_related("deputies")
        .distinct()
        .order_by("-created_at", "-pk")
    )


def adoptable_ideas(*, cycle: Cycle):
    """Public ideas a deputy may take up: their text only, never the proposer's contact."""
    return (
        Idea.objects.filter(
            cycle=cycle, source=Idea.Source.PUBLIC, status__in=(Idea.Status.RECEIVED, Idea.Status.SHORTLISTED)
        )
        .only("pk", "title", "what_where", "why", "created_at", "cycle_id", "status", "source")
        .order_by("-created_at", "-pk")
    )


def idea_adoptable(*, cycle: Cycle, pk) -> Idea | None:
    if not pk:
        return None
    return adoptable_ideas(cycle=cycle).filter(pk=pk).first()


def projects_for_deputy(*, actor, cycle: Cycle):
    """The cycle's elected projects with progress, whether the deputy's groups follow each,
    and the deputy's own rating."""
    deputy_ids = [m.pk for m in mandates(actor) if m.congress_id == cycle.congress_id]
    projects = attach_progress(
        Project.objects.filter(cycle=cycle, status__in=(P.ELECTED, P.COMPLETED))
        .select_related("department")
        .prefetch_related(
            *item_prefetch(),
            Prefetch("ratings", queryset=Rating.objects.filter(deputy_id__in=deputy_ids), to_attr="my_ratings"),
            Prefetch("groups"),
        )
        .order_by("number", "pk")
    )
    followed = set(Project.objects.filter(cycle=cycle, groups__deputies__in=deputy_ids).values_list("pk", flat=True))
    for project in projects:
        project.followed = project.pk in followed
        project.my_rating = project.my_ratings[0] if project.my_ratings else None
    return projects


def project_for_deputy(*, actor, pk: int) -> Project:
    congress_ids = [m.congress_id for m in mandates(actor)]
    project = (
        Project.objects.filter(pk=pk, cycle__congress_id__in=congress_ids, status__in=(P.ELECTED, P.COMPLETED))
        .select_related("cycle", "department")
        .prefetch_related(*item_prefetch())
        .first()
    )
    if project is None:
        raise Http404
    attach_progress([project])
    project.my_observations = list(
        Observation.objects.filter(project=project, deputy__user=actor).order_by("-created_at", "-pk")
    )
    return project
