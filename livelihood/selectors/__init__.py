"""Reads of the livelihood cycle, scoped by the actor.

Modules by audience: ``public`` (anyone: elected projects, progress, results, evaluation;
never a proposer's contact), ``portal`` (a deputy's candidates, supervision and ratings),
``unit`` (a department's items), ``office`` (staff of the cycle's congress). Shared here:
progress rolled up from targets to items to projects, computed from the prefetched rows.
"""

from decimal import Decimal

from django.db.models import Prefetch

from ..models import Item, Project, Target


def item_prefetch(prefix: str = "") -> list:
    """Items with their targets and milestones, in two further queries however many."""
    return [
        Prefetch(f"{prefix}items", queryset=Item.objects.select_related("department").order_by("order", "pk")),
        Prefetch(f"{prefix}items__targets", queryset=Target.objects.order_by("due_date", "pk")),
    ]


def _share(targets) -> int:
    """The mean of the targets' shares reached, each bounded to 0–100 %."""
    targets = list(targets)
    if not targets:
        return 0
    total = sum(min(Decimal(100), t.current_value * 100 / t.target_value) for t in targets)
    return int(total / len(targets))


def attach_progress(projects) -> list[Project]:
    """Set ``percent`` on each project and item (items and targets prefetched), and
    ``behind`` (targets past due and not reached) on each project."""
    from django.utils import timezone

    today = timezone.localdate()
    projects = list(projects)
    for project in projects:
        every = []
        behind = 0
        for item in project.items.all():
            targets = list(item.targets.all())
            item.percent = _share(targets)
            every.extend(targets)
            behind += sum(1 for t in targets if t.due_date < today and not t.done)
        project.percent = _share(every)
        project.behind = behind
        project.target_count = len(every)
    return projects
