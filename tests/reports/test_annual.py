"""The annual deputy-work report: each figure equals a recount of the raw records, the Excel
file holds the same numbers, and the query count does not grow with the data."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from activities.models import Activity, Participation
from deputies.models import Deputy
from liaison.models import ContactRecord, Duty, Opinion
from livelihood.models import Project
from proposals.models import Rating, Reply, Suggestion
from publicity.models import Story
from reports import selectors
from training.models import Session

from .. import builders, factories
from ..liaison.factories import grassroots
from .helpers import table

pytestmark = pytest.mark.django_db


def figures(actor, congress, year) -> dict:
    return {
        f.key: f.value
        for item in selectors.annual_figures(actor=actor, congress=congress, year=year)
        for f in item.figures
    }


def recount(city, term, year) -> dict:
    """The same figures counted straight from the rows, the slow way."""
    attended = Participation.Status.ATTENDED
    suggestions = [
        s
        for s in Suggestion.objects.filter(congress=city).exclude(status=Suggestion.Status.DRAFT)
        if (s.session and s.session.start_date.year == year) or (not s.session and s.submitted_at.year == year)
    ]
    replies = [r for r in Reply.objects.all() if r.assignment.suggestion in suggestions]
    firsts = [r for r in replies if r.round == 1]
    latest_rated = []
    for assignment_id in {r.assignment_id for r in replies}:
        rated = [r for r in replies if r.assignment_id == assignment_id and r.ratings.exists()]
        if rated:
            latest_rated.append(max(rated, key=lambda r: r.round).ratings.get())
    good = [g for g in latest_rated if g.value in (Rating.Value.SATISFIED, Rating.Value.BASICALLY)]
    meetings = [a for a in Activity.objects.filter(congress=city, kind="sc_meeting") if a.start_date.year == year]
    sc_attended = [p for p in Participation.objects.filter(activity__in=meetings) if p.status == attended]
    activities = [a for a in Activity.objects.filter(congress=city) if a.start_date.year == year]
    sessions = [s for s in Session.objects.filter(course__congress=city) if s.date.year == year]
    return {
        "deputies_serving": sum(1 for d in Deputy.objects.filter(congress=city, term=term) if d.status == "serving"),
        "contacts": sum(1 for c in ContactRecord.objects.all() if c.date.year == year),
        "deputies_contacted": len({c.deputy_id for c in ContactRecord.objects.all() if c.date.year == year}),
        "sc_meetings": len(meetings),
        "sc_attendances": len(sc_attended),
        "sc_deputies": len({p.deputy_id for p in sc_attended}),
        "station_duties": sum(
            1 for d in Duty.objects.filter(station__congress=city) if d.date.year == year and d.cancelled_at is None
        ),
        "opinions": sum(1 for o in Opinion.objects.filter(station__congress=city) if o.created_at.year == year),
        "opinions_answered": sum(
            1 for o in Opinion.objects.filter(station__congress=city) if o.created_at.year == year and o.answered_at
        ),
        "activities": len(activities),
        "attendances": sum(1 for p in Participation.objects.filter(activity__in=activities) if p.status == attended),
        "projects_candidates": Project.objects.filter(cycle__congress=city, cycle__year=year).count(),
        "projects_elected": sum(
            1
            for p in Project.objects.filter(cycle__congress=city, cycle__year=year)
            if p.status in ("elected", "completed")
        ),
        "suggestions_received": len(suggestions),
        "suggestions_handled": sum(1 for s in suggestions if s.status in ("replied", "rated", "closed")),
        "assignments": sum(1 for s in suggestions for a in s.assignments.all() if a.status != "withdrawn"),
        "on_time": sum(1 for r in firsts if r.on_time),
        "satisfaction_rate": round(100 * len(good) / len(latest_rated), 1) if latest_rated else None,
        "training_sessions": len(sessions),
        "training_attendances": sum(
            1 for s in sessions for p in s.activity.participations.all() if p.status == attended
        ),
        "stories": sum(
            1 for s in Story.objects.filter(congress=city) if s.is_published and s.published_on.year == year
        ),
    }


def test_every_figure_equals_a_recount(world, staff, city, term):
    got = figures(staff, city, world.year)
    expected = recount(city, term, world.year)
    for key, value in expected.items():
        assert got[key] == value, key
    # And the recount is what the fixture was built to hold.
    assert got["contacts"] == 2 and got["sc_attendances"] == 2 and got["station_duties"] == 2
    assert got["opinions"] == 3 and got["opinions_answered"] == 1
    assert got["projects_candidates"] == 3 and got["projects_elected"] == 2
    assert got["suggestions_received"] == 4 and got["training_sessions"] == 2 and got["training_attendances"] == 3
    assert got["stories"] == 2 and got["satisfaction_rate"] == 50.0


def test_last_year_counts_only_last_year(world, staff, city, term):
    got = figures(staff, city, world.year - 1)
    for key, value in recount(city, term, world.year - 1).items():
        assert got[key] == value, key
    assert got["contacts"] == 1
    assert got["sc_meetings"] == 1
    assert got["suggestions_received"] == 1
    assert got["stories"] == 1
    assert got["opinions"] == 0


def test_page_and_excel_hold_the_same_numbers(world, staff_client, staff, city):
    url = reverse("reports:annual") + f"?year={world.year}&congress={city.pk}"
    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert city.name in html and "代表工作机构" in html  # the office's heading
    assert "reports/reports.css" in html and "css/archive.css" in html  # the print stylesheet
    headers, rows = table(staff_client.get(url + "&format=xlsx"))
    with translation.override("zh-hans"):
        assert headers == [str(_(h)) for h in ("Work-plan item", "Subject", "Figure", "Value")]
    items = selectors.annual_figures(actor=staff, congress=city, year=world.year)
    expected = [[i.numbers, str(i.title), str(f.label), f.value] for i in items for f in i.figures]
    assert [r[3] for r in rows] == [e[3] for e in expected]
    assert [r[0] for r in rows] == [e[0] for e in expected]
    for figure in [e for e in expected if isinstance(e[3], int)]:
        assert f"<td>{figure[3]}</td>" in html


def test_query_count_does_not_grow_with_the_data(world, staff_client, city, term, staff, django_assert_num_queries):
    url = reverse("reports:annual") + f"?year={world.year}"
    with django_assert_num_queries(28):
        staff_client.get(url)
    # GIVEN many more deputies, attendances, suggestions and stories
    more = grassroots(city, term, 30, electoral_unit=world.xuanwu, prefix="新增代表")
    meeting = factories.ActivityFactory(congress=city, kind="sc_meeting", recorder=staff)
    for deputy in more:
        factories.ParticipationFactory(activity=meeting, deputy=deputy, status="attended")
    builders.bulk_items(
        n=40, deputy_user=world.author, staff=staff, unit=world.units[0], session=world.session, start=500
    )
    with django_assert_num_queries(28):
        response = staff_client.get(url)
    got = {f.key: f.value for i in response.context["items"] for f in i.figures}
    assert got["sc_attendances"] == 2 + 30
    assert got["suggestions_received"] == 4 + 40
