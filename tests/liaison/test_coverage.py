"""Coverage of the two connections, live from the records: the figures equal a recount, the
missing lists are exact, district staff see their congress, and the query count does not
grow with the deputies."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Participation
from core.registry import dashboard_panels
from deputies.models import Deputy
from liaison import services_contacts as services
from liaison.models import ContactAssignment, ContactRecord
from liaison.selectors import contacts as selectors

from .. import factories
from .factories import grassroots

pytestmark = pytest.mark.django_db


def _contact(member, deputy, date, *, by):
    assignment, _ = ContactAssignment.objects.get_or_create(member=member, deputy=deputy)
    return ContactRecord.objects.create(member=member, deputy=deputy, kind="visit", date=date, recorded_by=by)


def _attend(deputy, meeting, status="attended"):
    return factories.ParticipationFactory(activity=meeting, deputy=deputy, status=status)


@pytest.fixture
def world(city, term, staff, leader, sc_plain):
    """GIVEN ten grassroots deputies, two non-grassroots ones, and records of every kind that
    must or must not count."""
    deputies = grassroots(city, term, 10)
    others = [factories.DeputyFactory(congress=city, term=term, name=f"非基层{i}") for i in range(2)]
    today = timezone.localdate()
    meeting = factories.ActivityFactory(congress=city, kind="sc_meeting", recorder=staff)
    old_meeting = factories.ActivityFactory(
        congress=city, kind="sc_meeting", recorder=staff, start_date=datetime.date(2021, 6, 1)
    )
    inspection = factories.ActivityFactory(congress=city, kind="inspection", recorder=staff)
    # Visits: by a leader (counts), by an ordinary member (does not), of a non-grassroots deputy.
    _contact(leader.seat, deputies[0], today, by=leader)
    _contact(leader.seat, deputies[1], term.start_date, by=leader)
    _contact(sc_plain.seat, deputies[2], today, by=sc_plain)
    _contact(leader.seat, others[0], today, by=leader)
    # SC meetings: attended (counts), only invited or excused (do not), a meeting before the
    # term, another kind of activity.
    _attend(deputies[0], meeting)
    _attend(deputies[3], meeting)
    _attend(deputies[4], meeting, status="accepted")
    _attend(deputies[5], meeting, status="excused")
    _attend(deputies[6], old_meeting)
    _attend(deputies[7], inspection)
    _attend(others[1], meeting)
    # A grassroots deputy no longer serving is not counted at all.
    Deputy.objects.filter(pk=deputies[9].pk).update(status="terminated")
    return {"deputies": deputies}


def _recount(term):
    """The figures counted the slow way, deputy by deputy."""
    people = [d for d in Deputy.objects.filter(term=term) if d.is_grassroots and d.status == "serving"]
    visited = [
        d
        for d in people
        if any(
            r.member.position in ("director", "deputy_director") and r.date >= term.start_date
            for r in ContactRecord.objects.filter(deputy=d)
        )
    ]
    attended = [
        d
        for d in people
        if any(
            p.activity.kind == "sc_meeting" and p.status == "attended" and p.activity.start_date >= term.start_date
            for p in Participation.objects.filter(deputy=d)
        )
    ]
    return people, visited, attended


def test_the_figures_equal_a_recount(world, city, term):
    people, visited, attended = _recount(term)
    coverage = selectors.coverage_for(congress=city, term=term)
    assert (coverage.total, coverage.visited, coverage.attended) == (len(people), len(visited), len(attended))
    assert (coverage.total, coverage.visited, coverage.attended) == (9, 2, 2)
    assert coverage.visited_percent == round(100 * 2 / 9)


def test_the_missing_lists_are_exact(world, term):
    people, visited, attended = _recount(term)
    missing_visits = list(selectors.coverage_missing(term=term, which="visits"))
    missing_meetings = list(selectors.coverage_missing(term=term, which="meetings"))
    assert {d.pk for d in missing_visits} == {d.pk for d in people} - {d.pk for d in visited}
    assert {d.pk for d in missing_meetings} == {d.pk for d in people} - {d.pk for d in attended}
    names = [d.name for d in missing_visits]
    assert names == sorted(names) and "基层代表0002" in names and "基层代表0000" not in names


def test_the_term_elapsed_is_the_pace(city, term):
    term.start_date, term.end_date = datetime.date(2022, 1, 1), datetime.date(2027, 1, 1)
    coverage = selectors.coverage_for(congress=city, term=term, today=datetime.date(2024, 7, 2))
    assert coverage.elapsed_percent == round(100 * (datetime.date(2024, 7, 2) - term.start_date).days / 1826)
    assert not coverage.visited_on_track


def test_the_page_shows_figures_and_the_missing_list(world, client, staff, city):
    client.force_login(staff)
    response = client.get(reverse("liaison_office:coverage"), {"list": "meetings"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "9 人中 2 人（22%）" in html
    page = response.context["page"]
    assert page.paginator.count == 7 and response.context["which"] == "meetings"


def test_district_staff_see_their_congress_only(world, client, district_staff, district):
    dterm = factories.TermFactory(congress=district)
    grassroots(district, dterm, 3, prefix="区级代表")
    client.force_login(district_staff)
    response = client.get(reverse("liaison_office:coverage"), {"congress": district.parent_id})
    assert response.status_code == 200
    assert response.context["congress"] == district
    assert response.context["coverage"].total == 3
    assert response.context["form"].fields["congress"].choices == [(district.pk, district.name)]
    assert "基层代表0001" not in response.content.decode()


def test_people_outside_the_office_are_refused(client, deputy):
    client.force_login(deputy)
    assert client.get(reverse("liaison_office:coverage")).status_code == 403


@pytest.mark.parametrize("n", [5, 500])
def test_coverage_page_queries_do_not_grow(client, staff, city, term, leader, n, django_assert_num_queries):
    deputies = grassroots(city, term, n)
    meeting = factories.ActivityFactory(congress=city, kind="sc_meeting", recorder=staff)
    Participation.objects.bulk_create(
        Participation(
            activity=meeting, deputy=d, status="attended", activity_date=meeting.start_date, activity_kind="sc_meeting"
        )
        for d in deputies[::2]
    )
    ContactRecord.objects.bulk_create(
        ContactRecord(member=leader.seat, deputy=d, kind="visit", date=timezone.localdate(), recorded_by=leader)
        for d in deputies[::3]
    )
    client.force_login(staff)
    client.get(reverse("liaison_office:coverage"))  # the session and the navigation warm up
    with django_assert_num_queries(COVERAGE_QUERIES):
        response = client.get(reverse("liaison_office:coverage"))
    coverage = response.context["coverage"]
    assert coverage.total == n and coverage.attended == len(deputies[::2]) and coverage.visited == len(deputies[::3])


# Measured, the same with 5 and 500 deputies: the request's session, user and header, the
# congresses, the term, one aggregate for both figures, the missing list's count and page.
COVERAGE_QUERIES = 12


def test_the_dashboard_panel_shows_both_figures_with_links(world, staff):
    panel = dashboard_panels._entries["liaison.coverage"].func(staff, timezone.localdate())
    counts = panel.counts()
    assert counts["coverage_grassroots_total"] == 9
    assert counts["coverage_leader_visits"] == 2 and counts["coverage_sc_meetings"] == 2
    assert counts["coverage_leader_visits_percent"] == round(100 * 2 / 9)
    urls = [f.url for f in panel.figures]
    assert all(url.startswith(reverse("liaison_office:coverage")) for url in urls)
    assert any("list=visits" in u for u in urls) and any("list=meetings" in u for u in urls)


def test_the_dashboard_panel_costs_one_query(world, staff, django_assert_num_queries):
    func = dashboard_panels._entries["liaison.coverage"].func
    with django_assert_num_queries(1):
        func(staff, timezone.localdate())


def test_the_dashboard_panel_shows_the_district_its_own_congress(world, district_staff, district):
    dterm = factories.TermFactory(congress=district)
    grassroots(district, dterm, 3, prefix="区级代表")
    panel = dashboard_panels._entries["liaison.coverage"].func(district_staff, timezone.localdate())
    assert panel.counts()["coverage_grassroots_total"] == 3
    assert all(f"congress={district.pk}" in f.url for f in panel.figures)


def test_dashboard_keys_are_unique_across_apps(world, staff):
    keys = []
    for entry in dashboard_panels.entries():
        panel = entry.func(staff, timezone.localdate())
        if panel is not None:
            keys += list(panel.counts())
    assert len(keys) == len(set(keys))


def test_an_ordinary_members_contact_is_counted_as_a_contact_but_not_as_a_leaders_visit(world, term, sc_plain):
    deputy = world["deputies"][2]
    assert ContactRecord.objects.filter(deputy=deputy, member=sc_plain.seat).exists()
    assert deputy in list(selectors.coverage_missing(term=term, which="visits"))
    assert services.LEADER_POSITIONS == ("director", "deputy_director")
