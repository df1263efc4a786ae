"""The study part of a deputy's performance archive (学习记录): trainings and briefings attended
(from the activity ledger), materials read (the read receipts) and data requests made.

Three queries whatever the numbers: each reads the year's rows for the one mandate.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Participation
from core.registry import archive_sections
from core.sections import ArchiveSection, ArchiveTable

from .models import DataRequest, Receipt

STUDY_KINDS = (Activity.Kind.TRAINING, Activity.Kind.BRIEFING)


@archive_sections.register("training.study", order=60)
def study_section(deputy, year: int) -> ArchiveSection:
    attended = list(
        Participation.objects.filter(
            deputy=deputy,
            activity_kind__in=STUDY_KINDS,
            activity_date__year=year,
            status=Participation.Status.ATTENDED,
        )
        .select_related("activity")
        .order_by("-activity_date", "-pk")
    )
    receipts = list(
        Receipt.objects.filter(deputy=deputy, read_at__year=year).select_related("material").order_by("-read_at")
    )
    requests = list(DataRequest.objects.filter(deputy=deputy, created_at__year=year).select_related("unit"))
    return ArchiveSection(
        key="study",
        title=_("Study and information"),
        figures=[
            (
                _("Trainings attended in %(year)d") % {"year": year},
                sum(p.activity_kind == Activity.Kind.TRAINING for p in attended),
            ),
            (
                _("Briefings attended in %(year)d") % {"year": year},
                sum(p.activity_kind == Activity.Kind.BRIEFING for p in attended),
            ),
            (_("Materials read in %(year)d") % {"year": year}, len(receipts)),
            (_("Data requests in %(year)d") % {"year": year}, len(requests)),
        ],
        tables=[
            ArchiveTable(
                title=_("Trainings and briefings attended in %(year)d") % {"year": year},
                headers=[_("Date"), _("Title"), _("Kind")],
                rows=[[p.activity_date, p.activity.title, p.activity.get_kind_display()] for p in attended],
                empty=_("None this year."),
            ),
            ArchiveTable(
                title=_("Materials read in %(year)d") % {"year": year},
                headers=[_("Read on"), _("Title"), _("Kind")],
                rows=[
                    [timezone.localdate(r.read_at), r.material.title, r.material.get_kind_display()] for r in receipts
                ],
                empty=_("None this year."),
            ),
            ArchiveTable(
                title=_("Data requests in %(year)d") % {"year": year},
                headers=[_("Submitted on"), _("Subject"), _("Unit"), _("Status")],
                rows=[
                    [
                        timezone.localdate(r.created_at),
                        r.subject,
                        r.unit.name if r.unit else "—",
                        r.get_status_display(),
                    ]
                    for r in requests
                ],
                empty=_("None this year."),
            ),
        ],
    )
