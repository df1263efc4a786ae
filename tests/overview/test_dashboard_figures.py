"""The dashboard's handling-quality and other offices' figures: each equals a recount from the
raw records on the same fixtures and the count of the list it links to; the filters (term,
year, level) hold; the query count does not grow with the data; the export holds them too."""

import datetime
import io

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from activities.models import Activity, Participation
from core import figures as figures_cache
from liaison.models import Opinion
from liaison.selectors import overdue_q
from livelihood.models import Project, Target
from overview import selectors
from proposals.models import Assignment, Commitment, Extension, Rating, Reply, Suggestion, UrgingNotice
from tests import factories
from tests.builders import assigned, bulk_items, english, make_officer, rate, reply, today
from tests.liaison.factories import StationFactory
from tests.livelihood import builders as livelihood
from tests.training import builders as training
from training.models import Receipt

from .linked import figures, linked_count, plain_figures

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
A = Assignment.Status
E = Extension.Status


def _late(suggestion, days=3):
    Assignment.objects.filter(suggestion=suggestion).update(deadline=today() - datetime.timedelta(days=days))


def _unsatisfied(deputy, the_reply):
    return Rating.objects.create(
        reply=the_reply, deputy=deputy.mandate, value=Rating.Value.UNSATISFIED, comment="未解决", rated_by=deputy
    )


@pytest.fixture
def world(city, term, staff, deputy):
    """GIVEN two sessions of the term; in the newer one five items: one replied A on time and
    rated satisfied, one replied B late (a commitment still in progress) and rated unsatisfied,
    one replied C and rated basically satisfied, one replied B whose commitment was fulfilled
    and not rated, one still owed with requests for more time (granted, refused, waiting) and
    two urging notices; in the older session one item replied A and rated satisfied.
    Elsewhere: public opinions (two unanswered too long), this month's activities (and one
    last month, one tomorrow: neither counted), a livelihood
    cycle of this year with one elected project behind schedule, an important material read by
    one of its three deputies."""
    session = factories.SessionFactory(
        term=term, number=2, start_date=datetime.date(2025, 1, 10), end_date=datetime.date(2025, 1, 14)
    )
    earlier = factories.SessionFactory(
        term=term, number=1, start_date=datetime.date(2024, 1, 10), end_date=datetime.date(2024, 1, 14)
    )
    transport = make_officer(city, "示例市交通运输局")
    housing = make_officer(city, "示例市住房保障局")

    on_time = assigned(deputy, staff, [transport], session=session)
    rate(deputy, reply(transport, on_time, code="A"))
    late = assigned(deputy, staff, [transport], session=session)
    _late(late)
    _unsatisfied(deputy, reply(transport, late, code="B"))
    cee = assigned(deputy, staff, [housing], session=session)
    rate(deputy, reply(housing, cee, code="C"), Rating.Value.BASICALLY)
    kept = assigned(deputy, staff, [housing], session=session)
    reply(housing, kept, code="B")
    Commitment.objects.filter(reply__assignment__suggestion=kept).update(
        status=Commitment.Status.FULFILLED, fulfilled_on=today()
    )
    owed = assigned(deputy, staff, [housing], session=session)
    owed_assignment = Assignment.objects.get(suggestion=owed)
    for status in (E.GRANTED, E.REFUSED, E.REQUESTED):
        Extension.objects.create(
            assignment=owed_assignment,
            reason="需协调资金",
            requested_until=today() + datetime.timedelta(days=30),
            old_deadline=owed_assignment.deadline,
            granted_until=today() + datetime.timedelta(days=30) if status == E.GRANTED else None,
            status=status,
            requested_by=housing,
        )
    for number in (1, 2):
        UrgingNotice.objects.create(
            assignment=owed_assignment, number=number, text="请抓紧办理。", sent_by=staff, deadline_then=today()
        )
    old = assigned(deputy, staff, [transport], session=earlier)
    rate(deputy, reply(transport, old, code="A"))

    station = StationFactory(congress=city)
    long_ago = timezone.now() - datetime.timedelta(days=40)
    for i, (status, assigned_at) in enumerate(
        [("assigned", long_ago), ("assigned", long_ago), ("assigned", timezone.now()), ("answered", long_ago)]
    ):
        Opinion.objects.create(
            station=station,
            text="路灯坏了",
            status=status,
            token_hash=f"dash-{i}",
            assignee=staff,
            assigned_at=assigned_at,
        )

    first = today().replace(day=1)
    this_month = factories.ActivityFactory(congress=city, start_date=first, end_date=first, recorder=staff)
    also = factories.ActivityFactory(congress=city, start_date=today(), end_date=today(), recorder=staff)
    last_month = factories.ActivityFactory(
        congress=city,
        start_date=first - datetime.timedelta(days=3),
        end_date=first - datetime.timedelta(days=3),
        recorder=staff,
    )
    tomorrow = today() + datetime.timedelta(days=1)
    coming = factories.ActivityFactory(congress=city, start_date=tomorrow, end_date=tomorrow, recorder=staff)
    people = training.deputies(3, city=city, term=term)
    for activity, statuses in (
        (this_month, ["attended", "attended", "absent"]),
        (also, ["attended"]),
        (last_month, ["attended", "attended"]),
        (coming, ["invited", "accepted"]),
    ):
        for person, status in zip(people, statuses, strict=False):
            factories.ParticipationFactory(activity=activity, deputy=person.mandate, status=status)

    cycle = livelihood.voted(staff, city, year=today().year)
    behind, fine = livelihood.elected(cycle)
    Target.objects.filter(item__project=behind).update(due_date=today() - datetime.timedelta(days=1))

    material = training.material(staff, city, important=True)
    Receipt.objects.create(material=material, deputy=people[0].mandate)
    return {
        "session": session,
        "earlier": earlier,
        "cycle": cycle,
        "behind": behind,
        "material": material,
        "transport": transport.unit,
    }


# --- Recounts from the raw records -------------------------------------------------------------


def _assignments(session):
    return [
        a
        for a in Assignment.objects.filter(suggestion__session=session)
        if a.status != A.WITHDRAWN and a.suggestion.status != Suggestion.Status.DRAFT
    ]


def _latest_reply(assignment):
    replies = list(Reply.objects.filter(assignment=assignment))
    return max(replies, key=lambda r: r.round) if replies else None


def _latest_ratings(assignment):
    rated = [r for r in Reply.objects.filter(assignment=assignment) if r.ratings.exists()]
    if not rated:
        return []
    top = max(r.round for r in rated)
    return [rating for r in rated if r.round == top for rating in r.ratings.all()]


def test_on_time_rate_equals_a_recount(world, staff):
    firsts = [r for a in _assignments(world["session"]) for r in Reply.objects.filter(assignment=a, round=1)]
    share = selectors.on_time_rate(actor=staff, session=world["session"])
    assert share.whole == len(firsts) == 4
    assert share.part == sum(1 for r in firsts if r.on_time) == 3
    assert share.percent == 75


def test_reply_categories_equal_a_recount(world, staff):
    expected = {}
    for a in _assignments(world["session"]):
        latest = _latest_reply(a)
        if latest:
            expected[latest.category.code] = expected.get(latest.category.code, 0) + 1
    bars = selectors.reply_categories(actor=staff, session=world["session"])
    assert {b.key.removeprefix("category-"): b.value for b in bars} == {"A": 1, "B": 2, "C": 1}
    assert {b.key.removeprefix("category-"): b.value for b in bars if b.value} == expected


def test_satisfaction_and_its_trend_equal_a_recount(world, staff):
    def recount(session):
        ratings = [r for a in _assignments(session) for r in _latest_ratings(a)]
        good = [r for r in ratings if r.value in (Rating.Value.SATISFIED, Rating.Value.BASICALLY)]
        return len(good), len(ratings)

    share = selectors.satisfaction(actor=staff, session=world["session"])
    assert (share.part, share.whole) == recount(world["session"]) == (2, 3)
    trend = selectors.satisfaction_trend(actor=staff, sessions=[world["session"], world["earlier"]])
    assert [(p.label, p.satisfied, p.rated) for p in trend] == [
        (world["earlier"].name, *recount(world["earlier"])),
        (world["session"].name, 2, 3),
    ]
    assert [p.percent for p in trend] == [100, 67]


def test_extensions_urging_and_commitments_equal_a_recount(world, staff):
    session = world["session"]
    rows = [e for a in _assignments(session) for e in Extension.objects.filter(assignment=a)]
    figures_ = selectors.extensions(actor=staff, session=session)
    assert figures_.asked == len(rows) == 3
    assert (figures_.granted, figures_.refused, figures_.waiting) == (1, 1, 1)
    assert figures_.extended.value == len({e.assignment_id for e in rows if e.status == E.GRANTED}) == 1
    notices = [n for n in UrgingNotice.objects.all() if n.assignment.suggestion.session_id == session.pk]
    assert selectors.urging_notices(actor=staff, session=session) == len(notices) == 2
    still = [
        c
        for c in Commitment.objects.all()
        if c.reply.assignment.suggestion.session_id == session.pk and c.status == Commitment.Status.OPEN
    ]
    assert selectors.open_commitments(actor=staff, session=session).value == len(still) == 1
    assert selectors.extensions_waiting(actor=staff).value == 1


def test_the_other_offices_figures_equal_a_recount(world, staff, city):
    day = today()
    late = Opinion.objects.filter(overdue_q(day))
    assert selectors.opinions_overdue(actor=staff).value == late.count() == 2

    first = day.replace(day=1)
    month = [a for a in Activity.objects.filter(congress=city) if first <= a.start_date <= day]
    taking = [p for p in Participation.objects.all() if p.activity in month]
    figures_ = selectors.activities_this_month(actor=staff, congress=city)
    assert figures_.activities == len(month) == 2
    assert figures_.invited == len(taking) == 4
    assert figures_.attended == sum(1 for p in taking if p.status == "attended") == 3

    behind = [
        p
        for p in Project.objects.filter(cycle__congress=city, cycle__year=day.year, status=Project.Status.ELECTED)
        if any(t.due_date < day and t.current_value < t.target_value for t in Target.objects.filter(item__project=p))
    ]
    bars = selectors.livelihood_behind(actor=staff, congress=city, year=day.year)
    assert [b.value for b in bars] == [len(behind)] == [1]
    assert selectors.livelihood_behind(actor=staff, congress=city, year=day.year - 1) == []

    (material,) = selectors.important_materials_unread(actor=staff, congress=city)
    assert material.read == Receipt.objects.filter(material=world["material"]).count() == 1
    assert material.unread == material.total - 1 and material.total >= 3


# --- Every new figure's link leads to a list of the same count -----------------------------------


def test_every_figure_links_to_a_list_of_the_same_count(world, staff_client):
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200
    found = figures(response.content.decode())
    for key in (
        "on-time",
        "satisfaction",
        "category-A",
        "category-B",
        "category-C",
        f"satisfaction-{world['earlier'].pk}",
        f"satisfaction-{world['session'].pk}",
        "commitments-open",
        "extended",
        "extensions-waiting",
        "opinions-overdue",
        "month-activities",
        "total:month-attended",
        f"livelihood-{world['cycle'].pk}",
        f"material-{world['material'].pk}",
    ):
        assert key in found, (key, sorted(found))
    for key, (value, link) in found.items():
        assert linked_count(staff_client, key, link) == value, (key, link)
    assert found["on-time"][0] == 3
    assert found["opinions-overdue"][0] == 2
    assert found["total:month-attended"][0] == 3


def test_the_opinions_list_filters_those_unanswered_too_long(world, staff_client):
    response = staff_client.get("/office/opinions/", {"overdue": "on"})
    assert response.status_code == 200
    shown = {o.pk for o in response.context["page"].object_list}
    assert shown == set(Opinion.objects.filter(overdue_q(today())).values_list("pk", flat=True))
    assert len(shown) == 2
    assert staff_client.get("/office/opinions/").context["page"].paginator.count == 4


# --- Charts and their tables ----------------------------------------------------------------------


def test_the_new_charts_are_images_described_by_their_tables(world, staff_client):
    import re

    html = english(staff_client).get(DASHBOARD).content.decode()
    described = set(re.findall(r'<svg class="chart"[^>]*aria-describedby="([^"]+)"', html))
    assert {"table-quality", "table-categories", "table-trend", "table-livelihood"} <= described
    for table in described | {"table-follow-up", "table-month", "table-materials"}:
        assert f'<table class="data" id="{table}">' in html
    assert "First replies sent by their deadline" in html


# --- Filters ---------------------------------------------------------------------------------------


def test_the_year_filter_chooses_the_livelihood_cycles(world, staff_client):
    year = today().year
    assert len(staff_client.get(DASHBOARD, {"year": year}).context["livelihood_behind"]) == 1
    response = staff_client.get(DASHBOARD, {"year": year - 1})
    assert response.context["year"] == year - 1
    assert response.context["livelihood_behind"] == []
    assert staff_client.get(DASHBOARD, {"year": "1900"}).context["year"] == year


def test_the_term_filter_limits_the_sessions(world, city, staff, deputy, staff_client):
    older_term = factories.TermFactory(congress=city, number=16, is_current=False)
    old_session = factories.SessionFactory(
        term=older_term, number=5, start_date=datetime.date(2022, 1, 10), end_date=datetime.date(2022, 1, 14)
    )
    response = staff_client.get(DASHBOARD, {"term": older_term.pk})
    assert response.context["term"] == older_term
    assert response.context["session"] == old_session
    assert [p.label for p in response.context["trend"]] == [old_session.name]
    # A session of another term than the one chosen falls back to the term's newest.
    response = staff_client.get(DASHBOARD, {"term": older_term.pk, "session": world["session"].pk})
    assert response.context["session"] == old_session
    response = staff_client.get(DASHBOARD)
    assert response.context["session"] == world["session"]
    assert [p.label for p in response.context["trend"]] == [world["earlier"].name, world["session"].name]


def test_the_level_filter_chooses_among_the_congresses(world, city, district, staff_client):
    factories.TermFactory(congress=district, number=5)
    response = staff_client.get(DASHBOARD, {"level": district.level})
    assert response.context["congress"] == district
    response = staff_client.get(DASHBOARD, {"level": city.level})
    assert response.context["congress"] == city
    assert staff_client.get(DASHBOARD, {"level": "nowhere"}).context["congress"] == city


def test_district_staff_see_only_their_district_figures(world, district, district_staff, client):
    client.force_login(district_staff)
    response = client.get(DASHBOARD, {"congress": world["cycle"].congress_id})
    assert response.status_code == 200
    assert response.context["congress"] == district
    assert response.context["opinions_overdue"].value == 0
    assert response.context["extensions_waiting"].value == 0
    assert response.context["livelihood_behind"] == []
    assert response.context["materials"] == []
    assert response.context["month"].activities == 0


# --- The standing committee's leaders ---------------------------------------------------------------


@pytest.fixture
def sc_leader(city, term):
    from tests.liaison.factories import sc_member

    return sc_member(city, term, "赵主任", position="deputy_director")


def test_an_sc_leader_reads_the_same_figures_without_links(world, sc_leader, staff_client, client):
    staff_figures = {k: v for k, (v, _link) in figures(staff_client.get(DASHBOARD).content.decode()).items()}
    client.force_login(sc_leader)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert plain_figures(html) == staff_figures
    assert len(staff_figures) == 30
    assert "data-figure=" in html and not figures(html)
    assert "/office/" not in html.split("<main", 1)[1]
    export = client.get("/dashboard/export.xlsx")
    assert export.status_code == 200


def test_an_sc_leader_chooses_among_the_congresses_they_lead(world, sc_leader, city, district, client):
    factories.TermFactory(congress=district, number=5)
    client.force_login(sc_leader)
    choices = client.get(DASHBOARD).context["form"].fields["congress"].choices
    assert {pk for pk, _label in choices} == {city.pk, district.pk}
    assert client.get(DASHBOARD, {"congress": district.pk}).context["congress"] == district


def test_an_sc_leader_of_a_district_sees_only_the_district(world, district, client):
    from tests.liaison.factories import sc_member

    d_term = factories.TermFactory(congress=district, number=5)
    leader = sc_member(district, d_term, "区主任", position="director")
    client.force_login(leader)
    response = client.get(DASHBOARD, {"congress": world["cycle"].congress_id})
    assert response.status_code == 200
    assert response.context["congress"] == district
    assert response.context["opinions_overdue"].value == 0
    assert response.context["data_requests_overdue"].value == 0


@pytest.mark.parametrize("position", ["member", "secretary_general"])
def test_other_sc_members_are_refused(city, term, client, position):
    from tests.liaison.factories import sc_member

    client.force_login(sc_member(city, term, "钱委员", position=position))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get("/dashboard/export.xlsx").status_code == 403


def test_a_leader_whose_seat_has_ended_is_refused(city, term, sc_leader, client):
    sc_leader.seat.end_date = today() - datetime.timedelta(days=1)
    sc_leader.seat.save()
    client.force_login(sc_leader)
    assert client.get(DASHBOARD).status_code == 403


def test_the_header_links_the_dashboard_for_staff_only(world, sc_leader, staff_client, client):
    assert 'href="/dashboard/"' in staff_client.get("/").content.decode()
    client.force_login(sc_leader)
    assert 'href="/dashboard/"' not in client.get("/").content.decode()


# --- Query count -----------------------------------------------------------------------------------

# What test_dashboard.py counts (16), plus: the handling figures (on time, categories and their
# list, satisfaction, its trend, extensions, urging notices, open commitments: 8), the requests
# waiting, the opinions overdue (with the working-day calendar: 2), this month's activities,
# the livelihood behind schedule, the important materials and their read counts (2).
DASHBOARD_CACHED_QUERIES = 7  # the session, the user, roles, scope and what the base template reads
DASHBOARD_QUERIES = 16 + 8 + 1 + 2 + 1 + 1 + 2


@pytest.mark.parametrize("extra", [0, 30])
def test_query_count_does_not_grow_with_the_data(
    world, city, staff, deputy, staff_client, extra, django_assert_num_queries
):
    if extra:
        bulk_items(
            n=extra, deputy_user=deputy, staff=staff, unit=world["transport"], session=world["session"], start=500
        )
        station = StationFactory(congress=city)
        Opinion.objects.bulk_create(
            Opinion(
                station=station,
                text="噪音",
                status="assigned",
                token_hash=f"bulk-{i}",
                assigned_at=timezone.now() - datetime.timedelta(days=40),
            )
            for i in range(extra)
        )
        for _i in range(extra // 10):
            activity = factories.ActivityFactory(congress=city, start_date=today(), end_date=today(), recorder=staff)
            for person in training.deputies(2, city=city, term=world["session"].term)[:1]:
                factories.ParticipationFactory(activity=activity, deputy=person.mandate, status="attended")
    staff_client.get(DASHBOARD)
    # Opened again with nothing changed: the figures from the cache (core/figures.py).
    with django_assert_num_queries(DASHBOARD_CACHED_QUERIES):
        cached = staff_client.get(DASHBOARD)
    # After a write to a domain table (any write bumps the version): every figure counted again.
    figures_cache.figures_changed()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = staff_client.get(DASHBOARD)
    assert cached.content.decode().count("data-figure=") == response.content.decode().count("data-figure=")
    assert response.status_code == 200
    assert response.context["opinions_overdue"].value == 2 + extra


# An SC leader's page: the session, the user and their roles, the leader's seats and the
# congresses below them, then the staff's figure queries (no staff scope or permission reads),
# and what the base template reads for a deputy.
LEADER_QUERIES = 30
LEADER_CACHED_QUERIES = 6  # the session, the user and their roles, the leader's seats, the base template


@pytest.mark.parametrize("extra", [0, 30])
def test_an_sc_leaders_query_count_does_not_grow_with_the_data(
    world, staff, deputy, sc_leader, client, extra, django_assert_num_queries
):
    if extra:
        bulk_items(
            n=extra, deputy_user=deputy, staff=staff, unit=world["transport"], session=world["session"], start=500
        )
    client.force_login(sc_leader)
    client.get(DASHBOARD)
    # Opened again with nothing changed: the figures from the cache (core/figures.py).
    with django_assert_num_queries(LEADER_CACHED_QUERIES):
        cached = client.get(DASHBOARD)
    # After a write to a domain table (any write bumps the version): every figure counted again.
    figures_cache.figures_changed()
    with django_assert_num_queries(LEADER_QUERIES):
        response = client.get(DASHBOARD)
    assert cached.content.decode().count("data-figure=") == response.content.decode().count("data-figure=")
    assert response.status_code == 200


# --- Excel export ----------------------------------------------------------------------------------


def _zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def test_the_export_holds_the_new_figures(world, staff_client):
    response = english(staff_client).get("/dashboard/export.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content))

    def rows(title):
        return list(book[_zh(title)[:31]].iter_rows(min_row=2, values_only=True))

    quality = rows("Replies on time and deputies' satisfaction")
    assert [row[1:] for row in quality] == [(3, 4, 75), (2, 3, 67)]
    categories = {row[0]: row[1] for row in rows("Latest replies by category")}
    assert list(categories.values()) == [1, 2, 1, 4]
    assert [row[1:] for row in rows("Satisfaction per session")] == [(1, 1, 100), (3, 2, 67)]
    assert [row[1] for row in rows("Commitments, extensions and urging")] == [1, 3, 1, 1, 1, 1, 2]
    assert [row[1] for row in rows("Activities this month")] == [2, 4, 3]
    assert [row[1] for row in rows("Livelihood projects behind schedule")] == [1]
    assert [row[1:] for row in rows("Important materials not read yet")][0][1] == 1
    assert [row[1] for row in rows("Queues in your congresses")] == [0, 2, 1]
