"""Journey: a deputy on a 390-px phone logs in, lands on their workbench, follows the invitation
waiting there, accepts it, and back on the workbench the invitation is gone (the co-sign request
stays). At every step: nothing wider than the screen, no serious axe violation, a clean console;
the workbench is also measured at 320 px.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Participation
from tests import builders, factories

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

PASSWORD = "correct-horse-42"
ACTIVITY = "关于城市更新项目推进情况的集中视察"
DRAFT = "关于在老旧小区加装电梯并统一维保的建议"
# Headings whose Chinese arrives when the lead compiles the catalogue (locale/fragments/wb.tsv).
COSIGN = "附议邀请|Co-sign requests"
YEAR = r"我的\d{4}年数据|My \d{4} in figures"


@pytest.fixture
def people(live_server):
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲")
    deputy = builders.make_deputy_user(city, term, "李代表")
    other = builders.make_deputy_user(city, term, "王代表")
    # A co-sign request that stays on the workbench after the invitation is answered.
    builders.services.cosigner_invite(
        actor=other, suggestion=builders.draft(other, title=DRAFT), deputies=[deputy.mandate]
    )
    day = timezone.localdate() + datetime.timedelta(days=7)
    activity = factories.ActivityFactory(
        congress=city, title=ACTIVITY, start_date=day, recorder=staff, place="玄武区", organiser="代表工作委员会"
    )
    invitation = factories.ParticipationFactory(activity=activity, deputy=deputy.mandate)
    return {"deputy": deputy, "invitation": invitation}


def test_a_deputy_answers_an_invitation_from_the_workbench_on_a_phone(
    page, live_server, people, tmp_path, assert_no_horizontal_overflow, assert_accessible, assert_clean_console
):
    main = page.get_by_role("main")

    def check_page(where: str) -> None:
        assert_clean_console(where)
        assert_no_horizontal_overflow(page, where)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, where
        assert_accessible(page, where)
        page.screenshot(path=tmp_path / f"{where.replace(' ', '-')}.png", full_page=True)

    # Log in with the mobile number: the deputy lands on the workbench.
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(people["deputy"].mobile)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/portal/")

    invitations = main.get_by_role("region", name=re.compile("待答复的邀请"))
    expect(invitations).to_contain_text("共 1 件")
    cosign = main.get_by_role("region", name=re.compile(COSIGN))
    expect(cosign.get_by_role("link", name=re.compile(DRAFT))).to_be_visible()
    expect(main.get_by_role("region", name=re.compile(YEAR))).to_be_visible()
    check_page("workbench")

    # Narrower still: the smallest phones.
    page.set_viewport_size({"width": 320, "height": 700})
    assert_no_horizontal_overflow(page, "workbench 320")
    page.set_viewport_size({"width": 390, "height": 844})

    # One tap: the invitation's row opens the page where it is answered, at the invitation.
    invitations.get_by_role("link", name=re.compile(ACTIVITY)).click()
    expect(page).to_have_url(re.compile(r"/portal/activities/#inv-\d+-title$"))
    card = main.get_by_role("article", name=ACTIVITY)
    expect(card).to_be_visible()
    check_page("invitation")
    card.get_by_role("button", name="接受").click()
    expect(page.get_by_role("status")).to_contain_text(ACTIVITY)
    people["invitation"].refresh_from_db()
    assert people["invitation"].status == Participation.Status.ACCEPTED

    # Back on the workbench: the invitation is gone, the co-sign request is still there.
    page.get_by_role("banner").get_by_role("link", name="我的工作台").click()
    expect(page).to_have_url(live_server.url + "/portal/")
    expect(main.get_by_role("region", name=re.compile("待答复的邀请"))).to_have_count(0)
    expect(main).not_to_contain_text(ACTIVITY)
    expect(main.get_by_role("region", name=re.compile(COSIGN))).to_be_visible()
    check_page("workbench after")


@pytest.fixture
def officer(live_server):
    """A unit officer whose unit owes replies: some past their deadline, some close to it."""
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲")
    deputy = builders.make_deputy_user(city, term, "李代表")
    officer = builders.make_officer(city, "示例市交通运输局")
    # Deadlines from 90 days ahead down to 29 days late (bulk_items spreads them).
    builders.bulk_items(n=120, deputy_user=deputy, staff=staff, unit=officer.unit)
    return officer


def test_a_unit_officer_lands_on_the_workbench_with_marked_deadlines(
    page, live_server, officer, tmp_path, assert_no_horizontal_overflow, assert_accessible, assert_clean_console
):
    main = page.get_by_role("main")
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(officer.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/portal/")
    due = main.locator(".wb-block").first
    expect(due).to_contain_text("共 120 件")
    expect(due.locator(".wb-item")).to_have_count(5)
    # The marks are words, not only colours.
    expect(due.locator(".wb-red .wb-mark").first).to_have_text("已逾期")
    assert_clean_console("unit workbench")
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_horizontal_overflow(page, f"unit workbench {width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, "unit workbench")
    page.screenshot(path=tmp_path / "unit-workbench.png", full_page=True)
    # One tap to the assignment, where the reply is written.
    due.locator(".wb-item a").first.click()
    expect(page).to_have_url(re.compile(r"/unit/assignments/\d+/$"))
