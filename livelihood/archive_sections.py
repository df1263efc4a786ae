"""The livelihood part of a deputy's performance archive: candidates proposed (alone or
jointly) in the year, supervision groups, observations left and projects rated. The group
inspections themselves are activities of the ledger, counted there with the rest."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.registry import archive_sections
from core.sections import ArchiveSection, ArchiveTable

from .models import Idea, Observation, Rating, SupervisionGroup


def _year(moment):
    return timezone.localtime(moment).year


@archive_sections.register("livelihood.projects", order=55)
def livelihood_section(deputy, year: int) -> ArchiveSection:
    ideas = [
        i
        for i in Idea.objects.filter(deputies=deputy).select_related("cycle").order_by("-created_at", "-pk")
        if _year(i.created_at) == year
    ]
    groups = list(SupervisionGroup.objects.filter(deputies=deputy, cycle__year=year).select_related("cycle"))
    observations = [
        o
        for o in Observation.objects.filter(deputy=deputy).select_related("project").order_by("-created_at")
        if _year(o.created_at) == year
    ]
    ratings = [
        r
        for r in Rating.objects.filter(deputy=deputy).select_related("project").order_by("-created_at")
        if _year(r.created_at) == year
    ]
    return ArchiveSection(
        key="livelihood",
        title=_("Livelihood projects"),
        figures=[
            (_("Candidates proposed in %(year)d") % {"year": year}, len(ideas)),
            (_("Supervision groups"), len(groups)),
            (_("Observations left in %(year)d") % {"year": year}, len(observations)),
            (_("Projects rated in %(year)d") % {"year": year}, len(ratings)),
        ],
        tables=[
            ArchiveTable(
                title=_("Candidates proposed in %(year)d") % {"year": year},
                headers=[_("Title"), _("Cycle"), _("Status")],
                rows=[[i.title, i.cycle.title, i.get_status_display()] for i in ideas],
                empty=_("None this year."),
            ),
            ArchiveTable(
                title=_("Supervision groups"),
                headers=[_("Name"), _("Cycle")],
                rows=[[g.name, g.cycle.title] for g in groups],
                empty=_("None this year."),
            ),
        ],
    )
