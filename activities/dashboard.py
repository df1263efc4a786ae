"""The activity ledger's block of the staff dashboard: attendance and letters behind time.

The grassroots deputies' SC-meeting coverage (work plan item 2) is the liaison coverage
panel's (``liaison.dashboard.coverage_panel``): per the staff member's congress and term."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scoped
from core.registry import Figure, Panel, dashboard_panels

from .models import Activity, DeputyLetter


@dashboard_panels.register("activities", order=20)
def activities_panel(actor, today) -> Panel:
    attendance_open = scoped(
        Activity.objects.filter(attendance_closed_at__isnull=True, end_date__lt=today - datetime.timedelta(days=2)),
        actor,
    ).count()
    letters_overdue = scoped(
        DeputyLetter.objects.filter(status=DeputyLetter.Status.FORWARDED, reply_due__lt=today),
        actor,
        "deputy__congress_id",
    ).count()
    return Panel(
        figures=[
            Figure(
                "attendance_open",
                _("activities without attendance"),
                attendance_open,
                reverse("admin:activities_activity_changelist") + "?attendance_closed_at__isnull=True",
            ),
            Figure(
                "letters_overdue",
                _("deputies' letters overdue"),
                letters_overdue,
                reverse("admin:activities_deputyletter_changelist") + "?status__exact=forwarded",
            ),
        ],
    )
