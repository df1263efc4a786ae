"""The suggestions' block of the staff dashboard: what waits for the office to review or decide."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scoped
from core.registry import Figure, Panel, dashboard_panels

from .models import Assignment, Suggestion


@dashboard_panels.register("proposals", order=10)
def suggestions_panel(actor, today) -> Panel:
    to_review = scoped(Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED), actor).count()
    handling = scoped(Assignment.objects.all(), actor, "suggestion__congress_id").aggregate(
        overdue=Count(
            "pk",
            filter=Q(status__in=[Assignment.Status.ASSIGNED, Assignment.Status.REHANDLING], deadline__lt=today),
        ),
        reassign_requests=Count("pk", filter=Q(status=Assignment.Status.REASSIGN_REQUESTED)),
    )
    office = reverse("proposals_office:list")
    return Panel(
        figures=[
            Figure("to_review", _("suggestions to review"), to_review, reverse("proposals_office:review")),
            Figure("overdue", _("assignments overdue"), handling["overdue"], f"{office}?overdue=1"),
            Figure("reassign_requests", _("re-assignment requests"), handling["reassign_requests"], office),
        ]
    )
