"""Journey: the director (a staff account) opens the dashboard on an office screen, sees the
charts drawn with their tables, saves a screenshot at 1366×768, and follows a figure to the
list behind it, whose count is the figure.

On each page: nothing wider than the screen, no serious or critical axe violation, a clean
console (no error, nothing blocked by the Content-Security-Policy).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from proposals.models import Assignment
from tests import factories
from tests.builders import assigned, make_deputy_user, make_officer, submitted, today

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-42"
OFFICE_SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def viewport():
    return OFFICE_SCREEN


@pytest.fixture
def world(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    session = factories.SessionFactory(
        term=term, number=1, start_date=datetime.date(2025, 1, 10), end_date=datetime.date(2025, 1, 14)
    )
    director = factories.StaffFactory(congress=city, full_name="代表工委主任", email="director@example.org")
    li = make_deputy_user(city, term, "李代表")
    transport = make_officer(city, "示例市交通运输局")
    housing = make_officer(city, "示例市住房保障局")
    for _ in range(3):
        submitted(li, session=session)
    late = [assigned(li, director, [transport], session=session) for _ in range(2)]
    assigned(li, director, [housing], session=session)
    Assignment.objects.filter(suggestion__in=late).update(deadline=today() - datetime.timedelta(days=5))
    return {"director": director, "session": session}


def test_director_opens_the_dashboard_and_follows_a_figure(
    page,
    viewport,
    live_server,
    world,
    tmp_path,
    assert_no_horizontal_overflow,
    assert_accessible,
    assert_clean_console,
):
    main = page.get_by_role("main")
    page.goto("/accounts/login/")
    main.get_by_label("手机号码或电子邮箱").fill(world["director"].email)
    main.get_by_label("密码").fill(PASSWORD)
    main.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto("/dashboard/")
    expect(main.get_by_role("heading", level=1)).to_have_text("主任驾驶舱")
    # Every chart is drawn, an image described by the table that holds its figures.
    charts = main.locator("svg.chart[role=img]")
    # By state, by unit, per session, on time, satisfaction, the two coverage rings (no reply
    # yet: no A/B/C bars nor satisfaction line; no livelihood project behind schedule).
    expect(charts).to_have_count(7)
    for i in range(charts.count()):
        chart = charts.nth(i)
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 50
        table_id = chart.get_attribute("aria-describedby")
        expect(main.locator(f"table#{table_id}")).to_be_attached()
    expect(main.locator("svg.chart rect.chart-bar").first).to_be_visible()
    assert_clean_console("dashboard")
    assert_no_horizontal_overflow(page, "dashboard")
    assert_accessible(page, "dashboard")
    shot = tmp_path / "director-dashboard-1366x768.png"
    page.screenshot(path=shot)
    print(f"screenshot: {shot}")

    # The overdue figure leads to the office list, which counts the same items.
    figure = main.locator('a[data-figure="overdue"]')
    expect(figure).to_have_text("2")
    figure.click()
    expect(page).to_have_url(re.compile(r"/office/suggestions/\?.*overdue=on"))
    expect(main.locator(".lead").first).to_contain_text("2")
    expect(main.locator("table.data tbody tr")).to_have_count(2)
    assert_clean_console("office list")
