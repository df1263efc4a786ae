"""Reads for a department officer: only the items and observations of their own department."""

from django.http import Http404

from ..models import Cycle, Item, Observation, Project, Report
from . import _share

P = Project.Status


def items_for_unit(*, actor):
    """Items of elected projects the officer's department is responsible for, with targets."""
    if not getattr(actor, "unit_id", None):
        return Item.objects.none()
    return (
        Item.objects.filter(department_id=actor.unit_id, project__status=P.ELECTED)
        .exclude(project__cycle__status=Cycle.Status.CLOSED)
        .select_related("project__cycle")
        .prefetch_related("targets")
        .order_by("project__cycle__year", "project__number", "order", "pk")
    )


def item_for_unit(*, actor, pk: int) -> Item:
    item = (
        Item.objects.filter(pk=pk, department_id=getattr(actor, "unit_id", None) or -1)
        .select_related("project__cycle", "department")
        .prefetch_related("targets", "milestones")
        .first()
    )
    if item is None:
        raise Http404
    item.percent = attach_progress_item(item)
    item.recent = list(
        Report.objects.filter(item=item).prefetch_related("values__target", "photos").order_by("-created_at")[:12]
    )
    return item


def attach_progress_item(item) -> int:
    """The item's share reached: the mean of its targets' (targets prefetched)."""
    return _share(item.targets.all())


def observations_for_unit(*, actor):
    if not getattr(actor, "unit_id", None):
        return Observation.objects.none()
    return (
        Observation.objects.filter(project__department_id=actor.unit_id)
        .select_related("project", "deputy")
        .order_by("status", "due_on", "pk")
    )


def observation_for_unit(*, actor, pk: int) -> Observation:
    observation = observations_for_unit(actor=actor).filter(pk=pk).first()
    if observation is None:
        raise Http404
    return observation
