"""Reads for the public home page (``/``): the public face of the congress on one page.

Each section reuses the public selector of the app it comes from, so it shows what that app's
own public page shows and nothing more: published, handled suggestions (proposals), the newest
voted cycle's elected livelihood projects with their progress (livelihood), published stories
(publicity), the latest year's published awards (proposals). No section reads a deputy's
private details or any contact.

The headline figures are one SQL statement, defined as the public statistics page
(``proposals.selectors.public.unit_statistics`` with this year) defines them, so the totals row
of /proposals/units/?year=<this year> shows the same rates.

Query count (every section non-empty): the city and its deputies (2, portal.selectors), the figures (1), the
suggestions (ids, columns, reply categories, units: 4), the projects (projects, items,
targets: 3), the stories (stories, deputies, photos: 3), the awards (years, awards: 2): 15,
however many rows. An empty section stops after its first query.
"""

import dataclasses
import datetime

from django.db import connection
from django.utils import timezone

from liaison.models import Station
from livelihood.models import Project
from livelihood.selectors import attach_progress, item_prefetch
from livelihood.selectors.public import public_cycles
from proposals import services_awards
from proposals.models import Assignment, Rating, Reply
from proposals.selectors import awards as award_selectors
from proposals.selectors.public import PublicFilters, public_suggestion_page
from publicity.selectors import story_list

HOME_SUGGESTIONS = 5
HOME_PROJECTS = 6
HOME_STORIES = 3
# Awards named per kind (the rest are on the awards page).
HOME_AWARDS_PER_KIND = 3
STORY_EXCERPT_CHARS = 120

A = Assignment.Status
P = Project.Status


def _percent(part: int, whole: int) -> float | None:
    # As proposals.selectors.public._percent: one decimal, None when there is nothing to divide.
    return round(100.0 * part / whole, 1) if whole else None


@dataclasses.dataclass(frozen=True)
class Headline:
    year: int
    handled: int  # suggestions with a first reply among this year's assignments
    replied: int  # assignments of this year with a first reply
    on_time: int  # of those, the first reply by the deadline
    rated: int  # ratings of each assignment's latest rated reply
    satisfied: int  # of those, satisfied or basically satisfied
    stations: int  # active liaison stations

    @property
    def on_time_rate(self) -> float | None:
        return _percent(self.on_time, self.replied)

    @property
    def satisfaction_rate(self) -> float | None:
        return _percent(self.satisfied, self.rated)


_HEADLINE_SQL = """
WITH a AS (
    SELECT id, suggestion_id FROM {assignment}
    WHERE status <> %s AND assigned_on >= %s AND assigned_on < %s
), r AS (
    SELECT a.suggestion_id, p.on_time FROM {reply} p JOIN a ON a.id = p.assignment_id WHERE p.round = 1
), g AS (
    SELECT g.value, RANK() OVER (PARTITION BY p.assignment_id ORDER BY p.round DESC) AS newest
    FROM {rating} g JOIN {reply} p ON p.id = g.reply_id JOIN a ON a.id = p.assignment_id
)
SELECT
    (SELECT COUNT(DISTINCT suggestion_id) FROM r),
    (SELECT COUNT(*) FROM r),
    (SELECT COUNT(*) FROM r WHERE on_time = %s),
    (SELECT COUNT(*) FROM g WHERE newest = 1 AND value IN (%s, %s, %s)),
    (SELECT COUNT(*) FROM g WHERE newest = 1 AND value IN (%s, %s)),
    (SELECT COUNT(*) FROM {station} WHERE is_active = %s)
"""


def headline_figures(*, year: int | None = None) -> Headline:
    """This year's handling in figures, in one statement (window functions: PostgreSQL and
    SQLite 3.25+). As the statistics page: assignments made in the year, withdrawn ones left
    out; on time is the first reply's mark (re-handling moves the deadline); satisfaction counts
    the ratings of each assignment's latest rated reply, satisfied and basically satisfied over
    all three values."""
    year = year or timezone.localdate().year
    sql = _HEADLINE_SQL.format(
        assignment=Assignment._meta.db_table,
        reply=Reply._meta.db_table,
        rating=Rating._meta.db_table,
        station=Station._meta.db_table,
    )
    V = Rating.Value
    params = [
        A.WITHDRAWN,
        datetime.date(year, 1, 1),
        datetime.date(year + 1, 1, 1),
        True,
        V.SATISFIED,
        V.BASICALLY,
        V.UNSATISFIED,
        V.SATISFIED,
        V.BASICALLY,
        True,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        handled, replied, on_time, rated, satisfied, stations = cursor.fetchone()
    return Headline(
        year=year,
        handled=handled,
        replied=replied,
        on_time=on_time,
        rated=rated,
        satisfied=satisfied,
        stations=stations,
    )


def latest_suggestions(limit: int = HOME_SUGGESTIONS) -> list:
    """The newest published handled items, as rows of the public list (its selector)."""
    return public_suggestion_page(PublicFilters(), 1, page_size=limit).items


def livelihood_projects(limit: int = HOME_PROJECTS) -> list[Project]:
    """The elected projects of the newest voted cycle, with ``percent`` and ``behind`` (as the
    livelihood page rolls them up), and the cycle joined in."""
    newest = public_cycles().values("pk")[:1]
    projects = (
        Project.objects.filter(cycle__in=newest, status__in=(P.ELECTED, P.COMPLETED))
        .select_related("cycle", "department")
        .prefetch_related(*item_prefetch())
        .order_by("number", "pk")[:limit]
    )
    return attach_progress(projects)


def latest_awards(per_kind: int = HOME_AWARDS_PER_KIND) -> dict | None:
    """The latest year's published awards by kind: {year, sections: [{kind, label, count,
    awards (the first ``per_kind``, each with ``subject`` and ``link``)}]}; None without any."""
    years = award_selectors.public_award_years()
    if not years:
        return None
    sections = award_selectors.public_awards(year=years[0])
    for section in sections:
        section["count"] = len(section["awards"])
        section["awards"] = section["awards"][:per_kind]
        for award in section["awards"]:
            award.subject = services_awards.award_subject(award)
            award.link = award_selectors.public_link(award)
    return {"year": years[0], "sections": sections}


def latest_stories(limit: int = HOME_STORIES) -> list:
    """The newest published stories (publicity's list), each with ``cover`` (its first photo or
    None) and ``excerpt`` (the summary, else the body's start), as the stories page sets them."""
    stories = list(story_list()[:limit])
    for story in stories:
        body = story.body or ""
        story.excerpt = story.summary or body[:STORY_EXCERPT_CHARS] + ("…" if len(body) > STORY_EXCERPT_CHARS else "")
        story.cover = story.public_photos[0] if story.public_photos else None
    return stories


def public_home_sections() -> dict:
    """Everything on the home page below the deputies' figures (portal.selectors adds those)."""
    projects = livelihood_projects()
    return {
        "headline": headline_figures(),
        "suggestions": latest_suggestions(),
        "projects": projects,
        "cycle": projects[0].cycle if projects else None,
        "stories": latest_stories(),
        "awards": latest_awards(),
    }
