"""The suggestions' block of the staff dashboard: what waits for the office to review or decide.

Each figure is one COUNT that an index answers (the suggestions by congress and status, the
assignments owing a reply by deadline, the assignments by status), never a pass over the
tables. The congress scope is left out when it covers every congress (city staff): the
counts then need no join to the suggestions, and filtering by every congress changes nothing.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import Figure, Panel, dashboard_panels
from deputies.models import Congress

from .models import Assignment, Suggestion

A = Assignment.Status
# States in which the unit still owes a reply (assignment_open_deadline_idx covers them).
OWES_REPLY = (A.ASSIGNED, A.REHANDLING)


def effective_scope(actor) -> list[int] | None:
    """The actor's congress ids, or None when they are every congress (no filter needed)."""
    scope = roles.congress_scope_ids(actor)
    if scope is None or Congress.objects.exclude(pk__in=scope).exists():
        return scope
    return None


def _in(queryset, scope, path: str):
    return queryset if scope is None else queryset.filter(**{f"{path}__in": scope})


@dashboard_panels.register("proposals", order=10)
def suggestions_panel(actor, today) -> Panel:
    scope = effective_scope(actor)
    to_review = _in(Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED), scope, "congress_id").count()
    overdue = _in(
        Assignment.objects.filter(status__in=OWES_REPLY, deadline__lt=today), scope, "suggestion__congress_id"
    ).count()
    reassign_requests = _in(
        Assignment.objects.filter(status=A.REASSIGN_REQUESTED), scope, "suggestion__congress_id"
    ).count()
    office = reverse("proposals_office:list")
    return Panel(
        figures=[
            Figure("to_review", _("suggestions to review"), to_review, reverse("proposals_office:review")),
            Figure("overdue", _("assignments overdue"), overdue, f"{office}?overdue=1"),
            Figure("reassign_requests", _("re-assignment requests"), reassign_requests, office),
        ]
    )
