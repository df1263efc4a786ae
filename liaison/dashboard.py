"""The liaison block of the staff dashboard: public opinions held for review, waiting to be
assigned, and assigned but unanswered beyond the working days allowed."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scoped
from core.registry import Figure, Panel, dashboard_panels

from .models import Opinion
from .selectors import overdue_q

S = Opinion.Status


@dashboard_panels.register("liaison", order=30)
def opinions_panel(actor, today) -> Panel:
    counts = scoped(Opinion.objects.all(), actor, "station__congress_id").aggregate(
        held=Count("pk", filter=Q(status=S.HELD)),
        unassigned=Count("pk", filter=Q(status=S.RECEIVED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    office = reverse("liaison_office:opinions")
    return Panel(
        figures=[
            Figure("opinions_held", _("opinions held for review"), counts["held"], f"{office}?status={S.HELD}"),
            Figure(
                "opinions_unassigned", _("opinions to assign"), counts["unassigned"], f"{office}?status={S.RECEIVED}"
            ),
            Figure(
                "opinions_overdue",
                _("opinions unanswered too long"),
                counts["overdue"],
                f"{office}?status={S.ASSIGNED}",
            ),
        ]
    )
