"""Journey: staff create an inspection in the admin, invite one district's deputies, record
attendance the day after; the deputy logs in and finds it in their performance archive.

The activity is dated yesterday, so attendance can be recorded at once. Selectors use
ids, names and values rather than interface text, so the journey holds in either language;
data (names, titles) is Chinese. On each of our pages: nothing wider than the screen, no
serious or critical axe violation, nothing blocked by the Content-Security-Policy.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import user_sync_roles
from activities.models import Activity, Participation
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-42"
TITLE = "集中视察：玄武湖水环境治理"


@pytest.fixture
def people(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False  # no TOTP code to type in a browser test
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    gulou = factories.ElectoralUnitFactory(congress=city, name="鼓楼区", order=2)
    user = factories.UserFactory(full_name="李代表")
    li = factories.DeputyFactory(congress=city, term=term, electoral_unit=xuanwu, name="李代表", user=user)
    user_sync_roles(user=user)
    wang = factories.DeputyFactory(congress=city, term=term, electoral_unit=xuanwu, name="王代表")
    zhao = factories.DeputyFactory(congress=city, term=term, electoral_unit=xuanwu, name="赵代表")
    other = factories.DeputyFactory(congress=city, term=term, electoral_unit=gulou, name="钱代表")
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    return {"city": city, "user": user, "li": li, "wang": wang, "zhao": zhao, "other": other, "staff": staff}


def log_in(page, live_server, login: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_inspection_invitation_attendance_and_archive(
    page,
    viewport,
    live_server,
    people,
    tmp_path,
    assert_no_horizontal_overflow,
    assert_accessible,
    assert_clean_console,
    console_messages,
):
    main = page.get_by_role("main")

    def check_page(where: str) -> None:
        assert_clean_console(where)
        assert_no_horizontal_overflow(page, where)
        assert_accessible(page, where)
        page.screenshot(path=tmp_path / f"{where.replace(' ', '-')}-{viewport['width']}.png", full_page=True)

    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # Staff log in and create the inspection on the admin's add page.
    log_in(page, live_server, people["staff"].email)
    page.goto(live_server.url + "/admin/activities/activity/add/")
    page.locator("#id_congress").select_option(str(people["city"].pk))
    page.locator("#id_kind").select_option(Activity.Kind.INSPECTION)
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_start_date").fill(yesterday.isoformat())
    page.locator("#id_end_date").fill(yesterday.isoformat())
    page.locator("#id_place").fill("玄武湖")
    page.locator("#id_organiser").fill("城建环保委员会")
    # The recorder is an autocomplete (select2): open it, search the name, pick the person.
    page.locator(".field-recorder .select2-selection").click()
    page.locator(".select2-search__field").fill("工作人员")
    page.locator(".select2-results__option", has_text="工作人员甲").click()
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(r"/admin/activities/activity/$"))
    activity = Activity.objects.get(title=TITLE)
    assert (activity.start_date, activity.recorder, activity.created_by) == (
        yesterday,
        people["staff"],
        people["staff"],
    )

    # From the list, to the invite page of the new activity. (The admin's own pages are not
    # checked here: they ask for /favicon.ico, which the site does not serve.)
    console_messages.clear()
    page.locator(f"a[href='/activities/{activity.pk}/invite/']").click()
    expect(main.get_by_role("heading", level=1)).to_contain_text(TITLE)
    check_page("invite")

    # Show the Xuanwu district's deputies, then invite all of them.
    main.get_by_label("玄武区", exact=True).check()
    main.locator("form[method=get] button[type=submit]").click()
    expect(main.locator("input[name=deputy]")).to_have_count(3)
    main.locator("button[name=action][value=all]").click()
    expect(page.locator(".message-success")).to_be_visible()
    invited = set(activity.participations.values_list("deputy__name", flat=True))
    assert invited == {"李代表", "王代表", "赵代表"}
    check_page("invite done")

    # Record attendance: everybody came, except 赵代表, excused with a reason.
    main.locator(f"a[href='/activities/{activity.pk}/attendance/']").first.click()
    expect(main.locator("table.attendance-table tbody tr")).to_have_count(3)
    check_page("attendance")
    main.locator("button[name=action][value=all_attended]").first.click()
    zhao = activity.participations.get(deputy=people["zhao"])
    expect(page.locator(f"#status-{zhao.pk}")).to_have_value(Participation.Status.ATTENDED)
    page.locator(f"#status-{zhao.pk}").select_option(Participation.Status.EXCUSED)
    # Save without the reason first: refused, nothing written, the choice kept.
    main.locator("button[name=action][value=save]").first.click()
    expect(page.locator(".form-errors")).to_contain_text("赵代表")
    expect(page.locator(f"#status-{zhao.pk}")).to_have_value(Participation.Status.EXCUSED)
    assert not activity.participations.exclude(status=Participation.Status.INVITED).exists()
    check_page("attendance refused")
    page.locator(f"#reason-{zhao.pk}").fill("在外地参加会议")
    main.locator("button[name=action][value=save]").first.click()
    expect(page.locator(".message-success")).to_be_visible()
    got = dict(activity.participations.values_list("deputy__name", "status"))
    assert got == {"李代表": "attended", "王代表": "attended", "赵代表": "excused"}

    # Staff see it in the deputy's archive.
    page.goto(live_server.url + f"/office/archive/{people['li'].pk}/")
    expect(main.locator("table").first).to_be_visible()
    expect(main).to_contain_text(TITLE)
    check_page("staff archive")
    page.goto(live_server.url + "/office/archive/")
    expect(main.locator("tbody tr", has_text="李代表").locator("td.num").first).to_have_text("1")
    check_page("staff list")

    # The deputy logs in and finds it in the portal.
    page.context.clear_cookies()
    log_in(page, live_server, people["user"].mobile)
    page.goto(live_server.url + "/portal/archive/")
    expect(main.get_by_role("heading", level=1)).to_contain_text("李代表")
    expect(main.locator(".stats .stat-value").first).to_have_text("1")
    expect(main).to_contain_text(TITLE)
    check_page("deputy archive")
    page.goto(live_server.url + "/portal/activities/")
    expect(main.locator("#history-title + .table-wrap")).to_contain_text(TITLE)
    check_page("deputy activities")
    page.goto(live_server.url + "/portal/archive/print/")
    expect(page.locator("main h1")).to_contain_text("李代表")
    expect(page.locator("main")).to_contain_text(TITLE)
    check_page("deputy archive print")
