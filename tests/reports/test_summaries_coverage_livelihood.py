"""Each deputy's annual summary for their electoral unit (from the archive), the coverage
report and the livelihood year report: recounts, Excel, page breaks, query counts."""

import pytest
from django.urls import reverse

from archive.selectors import archive_summary
from deputies.models import Deputy
from liaison.models import ContactRecord
from liaison.selectors import contacts
from livelihood.models import Inspection, Observation
from reports import selectors

from .. import factories
from ..liaison.factories import grassroots
from .helpers import table

pytestmark = pytest.mark.django_db


def _summaries_url(world, **extra):
    query = "&".join(f"{k}={v}" for k, v in extra.items())
    return reverse("reports:summaries") + f"?year={world.year}&electoral_unit={world.xuanwu.pk}&{query}"


def test_each_summary_equals_the_deputys_archive(world, staff, city):
    deputies = selectors.performance_summaries(actor=staff, congress=city, year=world.year, electoral_unit=world.xuanwu)
    serving = Deputy.objects.filter(electoral_unit=world.xuanwu).exclude(status="terminated")
    assert sorted(d.pk for d in deputies) == sorted(serving.values_list("pk", flat=True))
    for deputy in deputies:
        archive = archive_summary(deputy=deputy, year=world.year)
        assert deputy.attended_year == archive["totals"]["attended_year"], deputy.name
        assert deputy.invited_year == archive["totals"]["invited_year"], deputy.name
        assert deputy.absent_year == archive["totals"]["absent_year"], deputy.name
        assert deputy.excused_year == archive["totals"]["excused_year"], deputy.name
        assert deputy.attended_term == archive["totals"]["attended_term"], deputy.name
        shown = {k["kind"]: k["attended_year"] for k in deputy.kinds}
        assert shown == {k["kind"]: k["attended_year"] for k in archive["kinds"] if k["invited_year"]}
    author = next(d for d in deputies if d.pk == world.author.mandate.pk)
    assert author.suggestions_led == 5


def test_summaries_print_one_page_per_deputy(world, staff_client):
    html = staff_client.get(_summaries_url(world)).content.decode()
    n = Deputy.objects.filter(electoral_unit=world.xuanwu).exclude(status="terminated").count()
    assert html.count('class="deputy-page"') == n
    assert "reports/reports.css" in html  # where .deputy-page + .deputy-page breaks the page


def test_summaries_excel_has_one_row_per_deputy(world, staff_client, staff, city):
    headers, rows = table(staff_client.get(_summaries_url(world, format="xlsx")))
    deputies = selectors.performance_summaries(actor=staff, congress=city, year=world.year, electoral_unit=world.xuanwu)
    assert [r[0] for r in rows] == [d.name for d in deputies]
    assert [(r[2], r[3], r[4], r[6]) for r in rows] == [
        (d.attended_year, d.invited_year, d.absent_year, d.attended_term) for d in deputies
    ]


def test_summaries_without_a_unit_offer_the_units(world, staff_client):
    response = staff_client.get(reverse("reports:summaries") + f"?year={world.year}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"electoral_unit={world.xuanwu.pk}" in html and f"electoral_unit={world.qinhuai.pk}" in html


def test_summaries_query_count_does_not_grow(world, staff_client, city, term, staff, django_assert_num_queries):
    with django_assert_num_queries(15):
        staff_client.get(_summaries_url(world))
    more = grassroots(city, term, 25, electoral_unit=world.xuanwu, prefix="新增代表")
    activity = factories.ActivityFactory(congress=city, kind="research", recorder=staff)
    for deputy in more:
        factories.ParticipationFactory(activity=activity, deputy=deputy, status="attended")
    with django_assert_num_queries(15):
        response = staff_client.get(_summaries_url(world))
    assert len(response.context["deputies"]) == len(world.xw) + 3 + 25


# --- Coverage -------------------------------------------------------------------------------------


def test_coverage_per_unit_equals_a_recount(world, staff, city, term):
    report = selectors.coverage_report(actor=staff, congress=city)
    overall = contacts.coverage_for(congress=city, term=term)
    assert (report["overall"].total, report["overall"].visited, report["overall"].attended) == (
        overall.total,
        overall.visited,
        overall.attended,
    )
    missing_visits = set(contacts.coverage_missing(term=term, which="visits").values_list("pk", flat=True))
    missing_meetings = set(contacts.coverage_missing(term=term, which="meetings").values_list("pk", flat=True))
    for row in report["rows"]:
        members = [
            d
            for d in Deputy.objects.filter(electoral_unit_id=row["unit_id"], term=term)
            if d.is_grassroots and d.status == "serving"
        ]
        assert row["total"] == len(members)
        assert row["visited"] == sum(1 for d in members if d.pk not in missing_visits)
        assert row["attended"] == sum(1 for d in members if d.pk not in missing_meetings)
    by_name = {r["name"]: r for r in report["rows"]}
    assert (
        by_name["玄武区"]["total"] == 4
        and by_name["玄武区"]["visited"] == 2
        and by_name["玄武区"]["visited_percent"] == 50
    )
    assert by_name["秦淮区"]["total"] == 2 and by_name["秦淮区"]["visited"] == 1 and by_name["秦淮区"]["attended"] == 1
    assert sum(r["total"] for r in report["rows"]) == overall.total


def test_coverage_excel_and_page(world, staff_client, staff, city):
    url = reverse("reports:coverage")
    page = staff_client.get(url)
    assert page.status_code == 200
    _headers, rows = table(staff_client.get(url + "?format=xlsx"))
    report = selectors.coverage_report(actor=staff, congress=city)
    *rows, total = rows
    assert total[1:] == page.context["tables"][0].footer[1:]
    assert [r[0] for r in rows] == [r["name"] for r in report["rows"]]
    assert [(r[1], r[2], r[4]) for r in rows] == [(r["total"], r["visited"], r["attended"]) for r in report["rows"]]


def test_coverage_query_count_does_not_grow(world, staff_client, city, term, django_assert_num_queries):
    with django_assert_num_queries(12):
        staff_client.get(reverse("reports:coverage"))
    more = grassroots(city, term, 20, electoral_unit=world.qinhuai, prefix="新增代表")
    for deputy in more[:5]:
        ContactRecord.objects.create(
            member=world.leader.seat, deputy=deputy, kind="visit", date=term.start_date, recorded_by=world.leader
        )
    with django_assert_num_queries(12):
        response = staff_client.get(reverse("reports:coverage"))
    assert response.context["tables"][0].footer[2] == 3 + 5


def test_coverage_without_a_current_term_says_so(world, staff_client, district):
    response = staff_client.get(reverse("reports:coverage") + f"?congress={district.pk}")
    assert response.status_code == 200
    assert response.context["tables"] == []


# --- Livelihood ------------------------------------------------------------------------------------


def test_livelihood_projects_with_votes_progress_and_supervision(world, staff, city):
    report = selectors.livelihood_year(actor=staff, congress=city, year=world.year)
    projects = {p.number: p for p in report["projects"]}
    assert set(projects) == {1, 2, 3}
    assert (projects[1].votes_for, projects[1].votes_against, projects[1].votes_abstain) == (80, 10, 5)
    for project in projects.values():
        assert project.inspections_n == Inspection.objects.filter(project=project).count()
        assert project.observations_n == Observation.objects.filter(project=project).count()
        assert project.observations_open == Observation.objects.filter(project=project, status="open").count()
        assert project.groups_n == project.groups.count()
        assert 0 <= project.percent <= 100
    assert projects[1].inspections_n == 2 and projects[1].groups_n == 1 and projects[3].groups_n == 0


def test_livelihood_excel_and_missing_year(world, staff_client, staff, city):
    url = reverse("reports:livelihood") + f"?year={world.year}"
    _headers, rows = table(staff_client.get(url + "&format=xlsx"))
    report = selectors.livelihood_year(actor=staff, congress=city, year=world.year)
    assert [(r[0], r[4], r[7], r[10]) for r in rows] == [
        (p.number, p.votes_for, p.percent, p.inspections_n) for p in report["projects"]
    ]
    empty = staff_client.get(reverse("reports:livelihood") + f"?year={world.year - 3}")
    assert empty.status_code == 200 and empty.context["tables"] == []


def test_livelihood_query_count_does_not_grow(world, staff_client, django_assert_num_queries):
    url = reverse("reports:livelihood") + f"?year={world.year}"
    with django_assert_num_queries(15):
        staff_client.get(url)
    project = world.cycle.projects.get(number=2)
    group = project.groups.get()
    for _ in range(10):
        Inspection.objects.create(group=group, project=project, date=world.session.start_date)
        Observation.objects.create(project=project, deputy=world.xw[1], text="意见", due_on=world.session.start_date)
    with django_assert_num_queries(15):
        response = staff_client.get(url)
    assert response.context["tables"][0].rows[1][10] == 10
