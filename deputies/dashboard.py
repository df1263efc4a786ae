"""The roster's block of the staff dashboard: seats left open in the current terms."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scoped
from core.registry import Figure, Panel, dashboard_panels

from .models import Vacancy


@dashboard_panels.register("deputies", order=30)
def roster_panel(actor, today) -> Panel:
    vacancies = scoped(
        Vacancy.objects.filter(status=Vacancy.Status.OPEN, term__is_current=True), actor, "term__congress_id"
    )
    return Panel(
        figures=[
            Figure(
                "open_vacancies",
                _("open vacancies"),
                vacancies.count(),
                reverse("admin:deputies_vacancy_changelist") + "?status__exact=open",
            )
        ]
    )
