"""The pages: what each audience sees, and query counts that do not grow with the data
(``/livelihood/`` and a project page the same with 10 and 200 projects and their reports)."""

import pytest
from django.urls import reverse

from livelihood import services
from livelihood.models import Project

from . import builders as lb

pytestmark = pytest.mark.django_db


def _many(staff, city, n, unit, officer):
    """A voted cycle of ``n`` candidates for ``n - 1`` seats, every elected item reported on twice."""
    c = lb.screening(staff, city, seats=n - 1, candidates=n, unit=unit, year=2027)
    results = {k: (90 - (k % 30), 5, 5) for k in range(1, n + 1)}
    services.vote_record(actor=staff, cycle=c, deputies_total=100, results=results, held_on=lb.today())
    for project in c.projects.filter(status=Project.Status.ELECTED):
        item = project.items.get()
        lb.report(officer, item, period="2027-Q1", value="3")
        lb.report(officer, item, period="2027-Q2", value="6")
    return c


# Fixed counts: the session and user are not read (anonymous); the page reads the cycle, the
# candidates with their rating counts, the elected projects, their items, their targets,
# the latest reports and their photos, the open windows and the years.
INDEX_QUERIES = 9
# The project with its rating counts; its items, targets, milestones, reports, values, photos,
# groups and inspections.
PROJECT_QUERIES = 9


@pytest.mark.parametrize("n", [10, 200])
def test_the_public_pages_read_a_fixed_number_of_queries(
    client, staff, city, department, officer, n, django_assert_num_queries
):
    c = _many(staff, city, n, department, officer)
    project = c.projects.filter(status=Project.Status.ELECTED).order_by("number").last()
    elected = c.projects.filter(status=Project.Status.ELECTED).count()
    assert elected > n // 2
    client.get("/livelihood/")  # warm the session-less caches (translations, content types)
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get("/livelihood/")
    html = response.content.decode()
    assert response.status_code == 200 and html.count('<progress max="100" value="60"') == 2 * elected
    with django_assert_num_queries(PROJECT_QUERIES):
        response = client.get(reverse("livelihood:project", args=[project.pk]))
    assert response.status_code == 200 and "60%" in response.content.decode()


def test_the_bar_shows_the_figure_as_text_beside_it(client, staff, city, department, officer):
    c = lb.voted(staff, city, unit=department)
    item = lb.elected(c)[0].items.get()
    lb.report(officer, item, value="4")
    html = client.get("/livelihood/").content.decode()
    assert '<progress max="100" value="40"' in html and '<span class="lv-figure">40%</span>' in html
    assert "4 / 10 个" in html


def test_a_past_year_has_its_own_page_and_an_unknown_year_is_404(client, staff, city, department):
    lb.voted(staff, city, unit=department, year=2026)
    assert client.get("/livelihood/2026/").status_code == 200
    assert client.get("/livelihood/2019/").status_code == 404


def test_a_candidate_not_elected_has_no_public_project_page(client, staff, city, department):
    c = lb.voted(staff, city, unit=department)
    lost = c.projects.get(number=3)
    assert client.get(reverse("livelihood:project", args=[lost.pk])).status_code == 404


def test_a_cycle_not_yet_voted_publishes_nothing_but_the_window(client, staff, city):
    c = lb.cycle(staff, city)
    html = client.get("/livelihood/").content.decode()
    assert c.title in html and "提出建议" in html and "票决结果" not in html


def test_the_unit_home_lists_only_the_departments_items(client, staff, city, department, officer, other_officer):
    c = lb.voted(staff, city, unit=department)
    client.force_login(other_officer)
    assert "第1类项目" not in client.get(reverse("livelihood_unit:home")).content.decode()
    client.force_login(officer)
    html = client.get(reverse("livelihood_unit:home")).content.decode()
    assert "第1类项目" in html and "第3类项目" not in html  # not elected
    assert c.pk


def test_portal_and_unit_pages_refuse_other_roles(client, outsider, deputy, officer):
    client.force_login(outsider)
    assert client.get(reverse("livelihood_portal:home")).status_code == 403
    assert client.get(reverse("livelihood_unit:home")).status_code == 403
    client.force_login(deputy)
    assert client.get(reverse("livelihood_portal:home")).status_code == 200
    assert client.get(reverse("livelihood_office:cycles")).status_code == 403


def test_staff_smoke_walk_of_the_office_pages(staff_client, staff, city, department, officer):
    c = lb.voted(staff, city, unit=department)
    project = lb.elected(c)[0]
    for url in (
        reverse("livelihood_office:cycles"),
        reverse("livelihood_office:cycle", args=[c.pk]),
        reverse("livelihood_office:ideas", args=[c.pk]),
        reverse("livelihood_office:vote", args=[c.pk]),
        reverse("livelihood_office:project", args=[project.pk]),
    ):
        assert staff_client.get(url).status_code == 200, url
    for kind in ("ideas", "vote", "ledger", "evaluation"):
        response = staff_client.get(reverse("livelihood_office:export", args=[c.pk, kind]))
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_the_dashboard_panel_counts_projects_behind_and_reports_overdue(staff, city, department, officer, time_machine):
    import datetime

    from livelihood.dashboard import livelihood_panel

    c = lb.voted(staff, city, unit=department)
    item = lb.elected(c)[0].items.get()
    lb.report(officer, item, value="4")
    later = lb.today() + datetime.timedelta(days=90)
    counts = livelihood_panel(staff, later).counts()
    assert counts["livelihood_behind"] == 2  # both elected targets are past due and short
    assert counts["livelihood_reports_overdue"] == 2
    assert livelihood_panel(staff, lb.today()).counts()["livelihood_behind"] == 0


def test_the_exported_ideas_leave_out_the_contact(staff_client, staff, city):
    import io

    from openpyxl import load_workbook

    c = lb.cycle(staff, city)
    lb.public_idea(c, contact="13900005555", author_name="赵先生")
    data = staff_client.get(reverse("livelihood_office:export", args=[c.pk, "ideas"])).getvalue()
    values = [str(v) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for v in row]
    assert "增设充电桩" in values and "13900005555" not in values


def test_the_evaluation_is_published_when_the_cycle_closes(client, staff, city, department, deputy):
    from livelihood import services_delivery

    c = lb.evaluating(staff, city, unit=department)
    services_delivery.rating_submit(actor=deputy, project=lb.elected(c)[0], value="unsatisfied")
    assert "代表年终满意度测评" not in client.get("/livelihood/").content.decode()
    services.cycle_close(actor=staff, cycle=c)
    html = client.get("/livelihood/").content.decode()
    assert "代表年终满意度测评" in html
    assert "李代表" not in html  # counts only, never who rated
