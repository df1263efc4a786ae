"""The training blocks of the workbench (``/portal/``).

- a deputy: materials sent to them and not yet read (important ones first), and their own
  data requests still open (waiting for the office or the unit, or answered and to be rated);
- a unit officer: data requests routed to the unit and not yet answered, marked by their due date;
- staff: data requests to route to the unit that holds the information.

Each block is one query after the user's mandates (read once, ``audience.mandates_of``):
its first rows, each with the total as a window count.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import WorkbenchBlock, WorkItem, page_block, workbench
from core.views import deadline_info

from .models import DataRequest
from .selectors import office, portal, unit

S = DataRequest.Status


def deadline_mark(deadline, today) -> str:
    """ "red" once the deadline has passed, "yellow" in its last fortnight (as the lists show it)."""
    info = deadline_info(deadline, today)
    if info is None:
        return ""
    return "red" if info["overdue_by"] else "yellow" if info["soon"] else ""


@workbench.register("training.materials", order=42)
def materials_block(user, today) -> WorkbenchBlock | None:
    if not roles.has_role(user, roles.DEPUTY):
        return None
    return page_block(
        portal.materials_for_deputy(user=user).filter(is_read=False),
        key="training.materials",
        heading=_("Materials to read"),
        item=lambda row: WorkItem(
            title=row.title,
            url=reverse("training_portal:material", args=[row.pk]),
            action=_("Read the material"),
            detail=_("Important") if row.important else "",
        ),
        more_url=reverse("training_portal:materials"),
        order=42,
    )


@workbench.register("training.requests", order=44)
def my_requests_block(user, today) -> WorkbenchBlock | None:
    """The deputy's requests not finished: answered ones (to rate) first, then those in hand."""
    if not roles.has_role(user, roles.DEPUTY):
        return None
    qs = (
        portal.requests_for_deputy(user=user)
        .filter(status__in=[S.ANSWERED, S.ROUTED, S.SUBMITTED])
        .order_by("status", "-created_at", "-pk")
    )
    return page_block(
        qs,
        key="training.requests",
        heading=_("My data requests"),
        item=lambda row: WorkItem(
            title=row.subject,
            url=reverse("training_portal:request", args=[row.pk]),
            action=_("Rate the answer") if row.status == S.ANSWERED else _("Follow the request"),
            detail=row.get_status_display(),
        ),
        more_url=reverse("training_portal:requests"),
        order=44,
    )


@workbench.register("training.unit_requests", order=23)
def unit_requests_block(user, today) -> WorkbenchBlock | None:
    if not user.unit_id:
        return None
    qs = unit.requests_for_unit(user=user).filter(status=S.ROUTED).order_by("due", "pk")
    return page_block(
        qs,
        key="training.unit_requests",
        heading=_("Data requests to answer"),
        item=lambda row: WorkItem(
            title=row.subject,
            url=reverse("training_unit:request", args=[row.pk]),
            action=_("Answer or decline"),
            due=row.due,
            mark=deadline_mark(row.due, today),
            detail=row.deputy.name,
        ),
        more_url=reverse("training_unit:requests"),
        order=23,
    )


@workbench.register("training.office_requests", order=79)
def office_requests_block(user, today) -> WorkbenchBlock | None:
    if not roles.is_staff_member(user):
        return None
    qs = office.requests_for_office(actor=user, status=S.SUBMITTED).order_by("created_at", "pk")
    return page_block(
        qs,
        key="training.office_requests",
        heading=_("Data requests to route"),
        item=lambda row: WorkItem(
            title=row.subject,
            url=reverse("training_office:request", args=[row.pk]),
            action=_("Send to a unit or refuse"),
            detail=row.deputy.name,
        ),
        more_url=reverse("training_office:requests") + f"?status={S.SUBMITTED}",
        order=79,
    )
