"""The liaison blocks of the staff dashboard: public opinions held for review, waiting to be
assigned, and assigned but unanswered beyond the working days allowed; the two coverage shares;
the consultations open for comment."""

import datetime

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


@dashboard_panels.register("liaison.coverage", order=31)
def coverage_panel(actor, today) -> Panel | None:
    """The two coverage shares of the staff member's own congress, this term (work plan items 1
    and 2), in one query; each links to the coverage page with the list of who is missing."""
    from .selectors import contacts

    congress_id = getattr(actor, "congress_id", None)
    if congress_id is None:
        return None
    counts = contacts.coverage_counts(congress_id=congress_id)
    page = reverse("liaison_office:coverage") + f"?congress={congress_id}"
    total = counts["total"]
    return Panel(
        figures=[
            Figure(
                "coverage_leader_visits_percent",
                _("Grassroots deputies visited by a leader this term, per cent"),
                contacts.percent(counts["visited"], total),
                f"{page}&list=visits",
            ),
            Figure(
                "coverage_sc_meetings_percent",
                _("Grassroots deputies who attended an SC meeting this term, per cent"),
                contacts.percent(counts["attended"], total),
                f"{page}&list=meetings",
            ),
        ],
        values={
            "coverage_grassroots_total": total,
            "coverage_leader_visits": counts["visited"],
            "coverage_sc_meetings": counts["attended"],
        },
    )


@dashboard_panels.register("liaison.consultations", order=32)
def consultations_panel(actor, today) -> Panel:
    """Drafts open for the deputies' comments (published, not yet closed) in the staff member's
    congresses, and those of them closing within three days, in one query."""
    from .models import Consultation
    from .scans import CONSULTATION_REMINDER_DAYS

    open_q = Q(published_at__isnull=False, closes_on__gte=today)
    soon = today + datetime.timedelta(days=CONSULTATION_REMINDER_DAYS)
    counts = scoped(Consultation.objects.all(), actor, "committee__congress_id").aggregate(
        open=Count("pk", filter=open_q),
        closing=Count("pk", filter=open_q & Q(closes_on__lte=soon)),
    )
    page = reverse("liaison_office:consultations")
    return Panel(
        figures=[
            Figure("consultations_open", _("drafts open for the deputies' comments"), counts["open"], page),
            Figure("consultations_closing", _("of them closing within three days"), counts["closing"], page),
        ]
    )
