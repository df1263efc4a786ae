"""The director's dashboard: every figure equals a recount from the raw records, every figure's
link leads to a list whose count equals it, the filters and the district scope hold, only
staff get in, and the query count does not grow with the data."""

import datetime
import re

import pytest

from core import figures as figures_cache
from deputies.models import Deputy
from liaison.models import ContactAssignment, ContactRecord
from overview import selectors
from proposals.models import Assignment, Suggestion
from tests import factories
from tests.builders import assigned, bulk_items, draft, english, make_officer, submitted, today
from tests.liaison.factories import grassroots, sc_member
from training.models import DataRequest

from .linked import figures, linked_count

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
A = Assignment.Status


def _overdue(assignment_or_suggestion, unit=None):
    """Put an assignment's deadline in the past (read tests: the deadline rules are not at stake)."""
    qs = Assignment.objects.filter(suggestion=assignment_or_suggestion)
    if unit is not None:
        qs = qs.filter(unit=unit)
    qs.update(deadline=today() - datetime.timedelta(days=3))


@pytest.fixture
def world(city, term, staff, deputy):
    """GIVEN a session with items in several states, two units (one item overdue at the
    transport bureau while the housing bureau assists it), an overdue item of another session,
    an overdue assignment already replied, a deputy's own draft, and four grassroots deputies of
    whom one was visited by a leader and two attended an SC meeting."""
    session = factories.SessionFactory(
        term=term, number=2, start_date=datetime.date(2025, 1, 10), end_date=datetime.date(2025, 1, 14)
    )
    earlier = factories.SessionFactory(term=term, number=1, start_date=datetime.date(2024, 1, 10))
    transport = make_officer(city, "示例市交通运输局")
    housing = make_officer(city, "示例市住房保障局")
    submitted(deputy, session=session)
    submitted(deputy, session=session)
    both = assigned(deputy, staff, [transport, housing], session=session)
    _overdue(both, transport.unit)
    assigned(deputy, staff, [housing], session=session)
    replied_late = assigned(deputy, staff, [housing], session=session)
    _overdue(replied_late)
    Assignment.objects.filter(suggestion=replied_late).update(status=A.REPLIED)
    other = assigned(deputy, staff, [transport], session=earlier)
    _overdue(other)
    draft(deputy, session=session)  # the deputy's own draft: not the office's
    people = grassroots(city, term, 4)
    leader = sc_member(city, term, "赵主任", position="deputy_director")
    ContactAssignment.objects.create(member=leader.seat, deputy=people[0])
    ContactRecord.objects.create(member=leader.seat, deputy=people[0], kind="visit", date=today(), recorded_by=leader)
    meeting = factories.ActivityFactory(
        congress=city, kind="sc_meeting", recorder=staff, start_date=today(), end_date=today()
    )
    for d in people[1:3]:
        factories.ParticipationFactory(activity=meeting, deputy=d, status="attended")
    past, later = today() - datetime.timedelta(days=2), today() + datetime.timedelta(days=5)
    for status, due in (("routed", past), ("routed", past), ("routed", later), ("answered", past)):
        DataRequest.objects.create(
            congress=city,
            deputy=deputy.mandate,
            subject="数据",
            wanted="数据",
            reason="履职",
            status=status,
            unit=transport.unit,
            due=due,
        )
    return {"session": session, "earlier": earlier, "transport": transport.unit, "housing": housing.unit}


# --- Figures equal a recount ------------------------------------------------------------------


def test_suggestions_by_state_equal_a_recount(world, staff):
    session = world["session"]
    office_items = [s for s in Suggestion.objects.filter(session=session) if s.status != "draft" or s.entered_by_staff]
    expected = {}
    for s in office_items:
        expected[s.status] = expected.get(s.status, 0) + 1
    bars = selectors.suggestions_by_status(actor=staff, session=session)
    assert {b.key: b.value for b in bars} == expected == {"submitted": 2, "assigned": 3}


def test_overdue_by_unit_equals_a_recount(world, staff):
    session, transport, housing = world["session"], world["transport"], world["housing"]
    day = today()
    overdue_items = {
        a.suggestion_id
        for a in Assignment.objects.filter(suggestion__session=session)
        if a.status in (A.ASSIGNED, A.REHANDLING) and a.deadline < day
    }
    expected = {}
    for a in Assignment.objects.filter(suggestion_id__in=overdue_items).exclude(status=A.WITHDRAWN):
        expected.setdefault(a.unit_id, set()).add(a.suggestion_id)
    bars = selectors.overdue_by_unit(actor=staff, session=session)
    assert {b.key: b.value for b in bars} == {f"unit-{u}": len(s) for u, s in expected.items()}
    assert {b.key: b.value for b in bars} == {f"unit-{transport.pk}": 1, f"unit-{housing.pk}": 1}
    assert selectors.overdue_total(actor=staff, session=session).value == len(overdue_items) == 1


def test_coverage_equals_a_recount(world, staff, city, term):
    people = [d for d in Deputy.objects.filter(term=term) if d.is_grassroots and d.status == "serving"]
    cover = selectors.coverage(actor=staff, congress=city)
    assert cover.total == len(people) == 4
    assert cover.visited_missing == 3
    assert cover.attended_missing == 2
    assert cover.visited_percent == 25 and cover.attended_percent == 50


def test_data_requests_overdue_equal_a_recount(world, staff):
    day = today()
    expected = [r for r in DataRequest.objects.all() if r.status == "routed" and r.due < day]
    assert selectors.data_requests_overdue(actor=staff).value == len(expected) == 2


def test_suggestions_per_session_equal_a_recount(world, staff):
    sessions = [world["earlier"], world["session"]]
    bars = selectors.suggestions_per_session(actor=staff, sessions=sessions)
    assert [b.value for b in bars] == [1, 5]
    assert [b.label for b in bars] == [world["earlier"].name, world["session"].name]


# --- Every link leads to a list of the same count --------------------------------------------


def test_every_figure_links_to_a_list_of_the_same_count(world, staff_client):
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200
    found = figures(response.content.decode())
    # by state (2) and their total, by unit (2), the overdue total, per session (2), the two
    # coverage lists, the data requests overdue; the handling figures (on time, satisfaction,
    # satisfaction per session (2), open commitments, assignments given more time: no reply
    # yet, so no A/B/C); the requests waiting, the opinions overdue, this month's activities
    # and their attendance (the others: tests/overview/test_dashboard_figures.py)
    assert len(found) == 26, found  # with the 5 items asked for more time / urged
    for key, (value, link) in found.items():
        assert linked_count(staff_client, key, link) == value, (key, link)
    assert found["overdue"][0] == 1
    assert found["by-status-total"][0] == 5
    assert found["data-requests-overdue"][0] == 2
    assert found["visited-missing"][0] == 3
    assert found["attended-missing"][0] == 2
    assert found["month-activities"][0] == 1
    assert found["total:month-attended"][0] == 2


# --- Charts and their tables ------------------------------------------------------------------


def test_each_chart_is_an_image_described_by_its_table(world, staff_client):
    html = english(staff_client).get(DASHBOARD).content.decode()
    charts = re.findall(r'<svg class="chart"[^>]*role="img"[^>]*aria-describedby="([^"]+)"[^>]*><title>([^<]+)', html)
    described = {table for table, _title in charts}
    assert described == {
        "table-by-status",
        "table-by-unit",
        "table-per-session",
        "table-coverage",
        "table-quality",
    }
    for table in described:
        assert f'<table class="data" id="{table}">' in html
    assert "Suggestions this session by state" in html
    assert "<script" not in html.split("<main", 1)[1]


def test_the_page_is_in_chinese_by_default(world, staff_client):
    html = staff_client.get(DASHBOARD).content.decode()
    assert "主任驾驶舱" in html
    assert "本次会议建议按状态" in html
    assert "本届任期已过" in html


# --- Filters and scope ------------------------------------------------------------------------


def test_choosing_another_session_shows_its_figures(world, staff, staff_client):
    earlier = world["earlier"]
    response = staff_client.get(DASHBOARD, {"session": earlier.pk})
    assert response.context["session"] == earlier
    assert {b.key: b.value for b in response.context["by_status"]} == {"assigned": 1}
    assert response.context["overdue"].value == 1


def test_a_value_outside_the_choices_falls_back_to_the_defaults(world, staff_client):
    response = staff_client.get(DASHBOARD, {"session": "999999", "congress": "abc"})
    assert response.status_code == 200
    assert response.context["session"] == world["session"]


def test_district_staff_see_only_their_district(world, city, district, district_staff, client):
    d_term = factories.TermFactory(congress=district, number=5)
    d_session = factories.SessionFactory(term=d_term, number=1, name="区五届人大一次会议")
    client.force_login(district_staff)
    response = client.get(DASHBOARD, {"congress": city.pk, "session": world["session"].pk})
    assert response.status_code == 200
    assert response.context["congress"] == district
    assert response.context["session"] == d_session
    assert [c for c, _label in response.context["form"].fields["congress"].choices] == [district.pk]
    assert response.context["by_status"] == []


def test_a_congress_without_sessions_or_term_shows_why_the_figures_are_missing(district_staff, client):
    client.force_login(district_staff)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "该人大尚无会议。" in html
    assert "该人大没有本届任期。" in html
    assert "<svg" not in html


def test_city_staff_may_choose_a_district(world, district, staff_client):
    d_term = factories.TermFactory(congress=district, number=5)
    d_session = factories.SessionFactory(term=d_term, number=1, name="区五届人大一次会议")
    response = staff_client.get(DASHBOARD, {"congress": district.pk})
    assert response.context["congress"] == district
    assert response.context["session"] == d_session


# --- Who may open it --------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["deputy", "unit_officer", "outsider"])
def test_others_are_refused_in_chinese(request, client, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(DASHBOARD)
    assert response.status_code == 403
    assert "您的账号不能打开此页面。" in response.content.decode()


def test_the_selectors_refuse_a_deputy(world, deputy):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selectors.dashboard_congresses(actor=deputy)


# --- Query count ------------------------------------------------------------------------------

# The session and user, roles and scope, the congresses and sessions, the four figure queries,
# the coverage term and counts, the data requests overdue, and what the base template's
# navigation reads (16); the handling figures (on time, categories and their list,
# satisfaction, its trend, extensions, urging notices, open commitments: 8), the requests
# waiting, the opinions overdue (with the working-day calendar: 2), this month's activities,
# the livelihood projects behind schedule, the important materials and their read counts (2):
# never the rows.
# With the figures in the cache: the session and user, roles and scope, and what the base
# template's navigation reads.
DASHBOARD_CACHED_QUERIES = 7
DASHBOARD_QUERIES = (
    30  # no important material here: its read counts are not asked (31 with one, test_dashboard_figures.py)
)


@pytest.mark.parametrize("extra", [0, 40])
def test_query_count_does_not_grow_with_the_data(world, staff, deputy, staff_client, extra, django_assert_num_queries):
    if extra:
        unit = world["transport"]
        bulk_items(n=extra, deputy_user=deputy, staff=staff, unit=unit, session=world["session"], start=100)
        Assignment.objects.filter(suggestion__number__gte=100, suggestion__number__lt=100 + extra // 2).update(
            deadline=today() - datetime.timedelta(days=1)
        )
    staff_client.get(DASHBOARD)  # warm the session and the caches a first request fills
    # Opened again with nothing changed: the figures from the cache (core/figures.py).
    with django_assert_num_queries(DASHBOARD_CACHED_QUERIES):
        cached = staff_client.get(DASHBOARD)
    # After a write to a domain table (any write bumps the version): every figure counted again.
    figures_cache.figures_changed()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = staff_client.get(DASHBOARD)
    assert cached.content.decode().count("data-figure=") == response.content.decode().count("data-figure=")
    assert response.status_code == 200
    if extra:
        assert response.context["overdue"].value == 1 + extra // 2


# --- Excel export -----------------------------------------------------------------------------


def test_the_export_holds_the_same_figures_in_chinese(world, staff_client):
    import io

    from openpyxl import load_workbook

    response = english(staff_client).get("/dashboard/export.xlsx", {"session": world["session"].pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    assert book.sheetnames[:3] == ["本次会议建议按状态", "各承办单位超期件", "历次会议建议数"]
    assert "本届联系基层代表情况" in book.sheetnames
    assert book.sheetnames[-1] == "工作范围内的待办"
    assert len(book.sheetnames) == 12
    states = {row[0]: row[1] for row in book["本次会议建议按状态"].iter_rows(min_row=2, values_only=True)}
    assert states == {"已提交": 2, "已交办": 3, "合计": 5}
    coverage = list(book["本届联系基层代表情况"].iter_rows(min_row=2, values_only=True))
    assert coverage == [("常委会领导走访", 1, 25, 3), ("列席常委会会议", 2, 50, 2)]


def test_the_export_refuses_a_deputy(deputy_client):
    assert deputy_client.get("/dashboard/export.xlsx").status_code == 403
