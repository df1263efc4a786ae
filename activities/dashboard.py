"""The activity ledger's block of the staff dashboard: attendance and letters behind time, and
how many grassroots deputies have attended a standing-committee meeting this term."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scoped
from core.registry import Figure, Panel, dashboard_panels
from deputies.models import Deputy

from .models import Activity, DeputyLetter, Participation


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
    # Work plan item 2: every grassroots deputy attends an SC meeting at least once in the term.
    grassroots = scoped(
        Deputy.objects.filter(
            term__is_current=True, status=Deputy.Status.SERVING, is_grassroots=True, congress__level="city"
        ),
        actor,
    )
    # One probe per deputy into the partial index of attended SC-meeting participations
    # (participation_sc_attended_idx), instead of joining and de-duplicating their rows.
    attended_sc = Participation.objects.filter(
        deputy=OuterRef("pk"), activity_kind="sc_meeting", status=Participation.Status.ATTENDED
    )
    coverage = grassroots.aggregate(total=Count("pk"), covered=Count("pk", filter=Q(Exists(attended_sc))))
    total, covered = coverage["total"], coverage["covered"]
    percent = round(100 * covered / total) if total else 0
    sentence = gettext(
        "Grassroots deputies who have attended an SC meeting this term: %(covered)s of %(total)s "
        "(%(percent)s%%; the plan's target is all of them)."
    ) % {"covered": covered, "total": total, "percent": percent}
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
        lines=[sentence],
        values={"sc_coverage_total": total, "sc_coverage_covered": covered, "sc_coverage_percent": percent},
    )
