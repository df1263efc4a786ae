"""The training block of the staff dashboard: important materials of the last 90 days with
their read share, and data requests waiting to be routed or past their deadline."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import scoped
from core.registry import Figure, Panel, dashboard_panels

from .models import DataRequest, Material
from .selectors.office import materials_counts, overdue_q

S = DataRequest.Status
SHOWN = 5


@dashboard_panels.register("training", order=40)
def training_panel(actor, today) -> Panel:
    counts = scoped(DataRequest.objects.all(), actor).aggregate(
        to_route=Count("pk", filter=Q(status=S.SUBMITTED)), overdue=Count("pk", filter=overdue_q(today))
    )
    since = today - datetime.timedelta(days=90)
    important = list(
        scoped(Material.objects.all(), actor)
        .filter(important=True, published_at__date__gte=since)
        .order_by("-published_at", "-pk")[:SHOWN]
    )
    lines, values = [], {}
    shares = materials_counts(important)
    for material in important:
        c = shares[material.pk]
        values[f"material_{material.pk}_read"] = c["read"]
        values[f"material_{material.pk}_total"] = c["total"]
        lines.append(
            _("%(title)s: read by %(read)d of %(total)d (%(percent)d%%)")
            % {"title": material.title, "read": c["read"], "total": c["total"], "percent": c["percent"]}
        )
    requests = reverse("training_office:requests")
    return Panel(
        figures=[
            Figure(
                "training_requests_to_route",
                gettext_lazy("data requests to route"),
                counts["to_route"],
                f"{requests}?status={S.SUBMITTED}",
            ),
            Figure(
                "training_requests_overdue",
                gettext_lazy("data requests overdue"),
                counts["overdue"],
                f"{requests}?status=overdue",
            ),
            Figure(
                "training_important_materials",
                gettext_lazy("important materials sent in the last 90 days"),
                len(important),
                reverse("training_office:materials"),
            ),
        ],
        lines=lines,
        values=values,
    )
