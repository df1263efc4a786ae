"""The livelihood block of the staff dashboard: projects behind schedule (a target past its
due date and not reached), items whose progress report is overdue, and observations
unanswered past their due date. Counted in SQL, in three queries."""

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scoped
from core.registry import Figure, Panel, dashboard_panels

from .models import Observation, Project, Target
from .scans import items_report_due

P = Project.Status


@dashboard_panels.register("livelihood", order=35)
def livelihood_panel(actor, today) -> Panel:
    late_targets = Target.objects.filter(
        item__project=OuterRef("pk"), due_date__lt=today, current_value__lt=F("target_value")
    )
    behind = (
        scoped(Project.objects.filter(status=P.ELECTED), actor, "cycle__congress_id")
        .filter(Exists(late_targets))
        .count()
    )
    overdue_reports = scoped(items_report_due(today, overdue=True), actor, "project__cycle__congress_id").count()
    unanswered = scoped(
        Observation.objects.filter(status=Observation.Status.OPEN, due_on__lt=today),
        actor,
        "project__cycle__congress_id",
    ).count()
    office = reverse("livelihood_office:cycles")
    return Panel(
        figures=[
            Figure("livelihood_behind", _("livelihood projects behind schedule"), behind, office),
            Figure("livelihood_reports_overdue", _("livelihood progress reports overdue"), overdue_reports, office),
            Figure("livelihood_observations_overdue", _("observations unanswered past due"), unanswered, office),
        ]
    )
