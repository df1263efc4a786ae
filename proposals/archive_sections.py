"""The suggestions part of a deputy's performance archive: the items the deputy led and
co-signed (submitted in the year), and the replies the deputy rated in the year.

Three queries whatever the number of items: each reads the whole mandate, and the year
is picked in Python (a deputy leads tens of items in a term, not thousands).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.registry import archive_sections
from core.sections import ArchiveSection, ArchiveTable

from .models import CoSigner, Rating, Suggestion


def _year_of(moment):
    return timezone.localtime(moment).year if moment else None


def _item_row(s: Suggestion) -> list:
    return [
        s.number_label or "—",
        s.title,
        s.get_kind_display(),
        s.get_status_display(),
        timezone.localdate(s.submitted_at),
    ]


@archive_sections.register("proposals.suggestions", order=50)
def suggestions_section(deputy, year: int) -> ArchiveSection:
    led_all = list(
        Suggestion.objects.filter(lead_deputy=deputy, submitted_at__isnull=False).order_by("-submitted_at", "-pk")
    )
    cosigned_all = list(
        CoSigner.objects.filter(deputy=deputy, status=CoSigner.Status.CONFIRMED, suggestion__submitted_at__isnull=False)
        .select_related("suggestion__lead_deputy")
        .order_by("-suggestion__submitted_at", "-pk")
    )
    ratings_all = list(
        Rating.objects.filter(deputy=deputy)
        .select_related("reply__assignment__unit", "reply__assignment__suggestion")
        .order_by("-rated_at", "-pk")
    )
    led = [s for s in led_all if _year_of(s.submitted_at) == year]
    cosigned = [c.suggestion for c in cosigned_all if _year_of(c.suggestion.submitted_at) == year]
    ratings = [r for r in ratings_all if _year_of(r.rated_at) == year]
    headers = [_("Item number"), _("Title"), _("Kind"), _("Status"), _("Submitted on")]
    return ArchiveSection(
        key="suggestions",
        title=_("Suggestions and motions"),
        figures=[
            (_("Led in %(year)d") % {"year": year}, len(led)),
            (_("Co-signed in %(year)d") % {"year": year}, len(cosigned)),
            (_("Replies rated in %(year)d") % {"year": year}, len(ratings)),
            (_("Led this term"), len(led_all)),
            (_("Co-signed this term"), len(cosigned_all)),
        ],
        tables=[
            ArchiveTable(
                title=_("Led in %(year)d") % {"year": year},
                headers=headers,
                rows=[_item_row(s) for s in led],
                empty=_("None this year."),
            ),
            ArchiveTable(
                title=_("Co-signed in %(year)d") % {"year": year},
                headers=[*headers, _("Lead deputy")],
                rows=[[*_item_row(s), s.lead_deputy.name] for s in cosigned],
                empty=_("None this year."),
            ),
            ArchiveTable(
                title=_("Replies rated in %(year)d") % {"year": year},
                headers=[_("Item number"), _("Title"), _("Handling unit"), _("Rating"), _("Rated on")],
                rows=[
                    [
                        r.reply.assignment.suggestion.number_label or "—",
                        r.reply.assignment.suggestion.title,
                        r.reply.assignment.unit.name,
                        r.get_value_display(),
                        timezone.localdate(r.rated_at),
                    ]
                    for r in ratings
                ],
                empty=_("None this year."),
            ),
        ],
    )
