"""The livelihood blocks of the workbench (``/portal/``), for the officers of a responsible
department: the items whose progress report is due (red once a week late, as the reminder scan
and the staff dashboard count it), and the deputies' observations waiting for an answer.

Each block is one query (its first rows, each with the total as a window count).
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import WorkbenchBlock, WorkItem, first_page, workbench
from core.views import deadline_info

from .models import Observation
from .scans import items_report_due, report_days
from .selectors import unit


@workbench.register("livelihood.reports", order=24)
def reports_block(user, today) -> WorkbenchBlock | None:
    if not user.unit_id:
        return None
    qs = (
        items_report_due(today)
        .filter(department_id=user.unit_id)
        .select_related("project__cycle")
        .order_by("last", "project__number", "order", "pk")
    )
    rows, total = first_page(qs)
    every = datetime.timedelta(days=report_days())
    items = []
    for row in rows:
        since = row.last.date() if row.last else row.project.cycle.vote_held_on
        due = since + every if since else None
        late = due is not None and due + datetime.timedelta(days=7) < today
        items.append(
            WorkItem(
                title=row.title,
                url=reverse("livelihood_unit:item", args=[row.pk]),
                action=_("Report progress"),
                due=due,
                mark="red" if late else "yellow",
                detail=row.project.title,
            )
        )
    return WorkbenchBlock(
        key="livelihood.reports",
        heading=_("Livelihood progress reports due"),
        items=items,
        total=total,
        more_url=reverse("livelihood_unit:home"),
        order=24,
    )


@workbench.register("livelihood.observations", order=25)
def observations_block(user, today) -> WorkbenchBlock | None:
    if not user.unit_id:
        return None
    qs = unit.observations_for_unit(actor=user).filter(status=Observation.Status.OPEN).order_by("due_on", "pk")
    rows, total = first_page(qs)
    items = []
    for row in rows:
        info = deadline_info(row.due_on, today)
        items.append(
            WorkItem(
                title=row.project.title,
                url=reverse("livelihood_unit:observation", args=[row.pk]),
                action=_("Answer the observation"),
                due=row.due_on,
                mark="red" if info["overdue_by"] else "yellow" if info["soon"] else "",
                detail=row.deputy.name,
            )
        )
    return WorkbenchBlock(
        key="livelihood.observations",
        heading=_("Deputies' observations to answer"),
        items=items,
        total=total,
        more_url=reverse("livelihood_unit:home"),
        order=25,
    )
