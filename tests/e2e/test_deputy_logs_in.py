"""Journey: a deputy opens the site on a phone (and on a desktop), logs in with a mobile
number, finds the portal home in Chinese, switches it to English and back.

On every page: nothing wider than the screen, no serious or critical axe violation,
nothing blocked by the Content-Security-Policy.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.services import user_sync_roles
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-42"


@pytest.fixture
def deputy_user(live_server):
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    unit = factories.ElectoralUnitFactory(congress=city, name="玄武区")
    user = factories.UserFactory(full_name="李代表")  # password: correct-horse-42
    factories.DeputyFactory(congress=city, term=term, electoral_unit=unit, name="李代表", user=user)
    user_sync_roles(user=user)
    return user


def test_deputy_logs_in_by_mobile_and_switches_language(
    page,
    viewport,
    live_server,
    deputy_user,
    tmp_path,
    assert_no_horizontal_overflow,
    assert_accessible,
    assert_clean_console,
):
    def check_page(where: str) -> None:
        assert_clean_console(where)
        assert_no_horizontal_overflow(page, where)
        assert_accessible(page, where)
        page.screenshot(path=tmp_path / f"{where.replace(' ', '-')}-{viewport['width']}.png", full_page=True)

    html = page.locator("html")
    header = page.get_by_role("banner")
    main = page.get_by_role("main")

    # The public home page, in Chinese: the browser asks for zh-CN.
    page.goto("/")  # base_url is the live server
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(main.get_by_role("heading", level=1)).to_have_text("示例市人民代表大会")
    check_page("home")

    # To the login page through the header link.
    header.get_by_role("link", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    check_page("login")

    # Log in with the mobile number.
    main.get_by_label("手机号码或电子邮箱").fill(deputy_user.mobile)
    main.get_by_label("密码").fill(PASSWORD)
    main.get_by_role("button", name="登录").click()

    # The portal home: greeting and mandate card, in Chinese.
    expect(page).to_have_url(live_server.url + "/portal/")
    expect(main.get_by_role("heading", level=1)).to_have_text("李代表，您好")
    mandates = main.get_by_role("region", name="我的代表职务")
    expect(mandates.get_by_role("heading", level=3)).to_have_text("示例市人民代表大会代表")
    expect(mandates).to_contain_text("玄武区")
    expect(mandates).to_contain_text("在职")
    expect(header).to_contain_text("李代表")
    check_page("portal zh")

    # Switch to English with the header switch.
    header.get_by_role("button", name="EN").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + "/portal/")
    expect(main.get_by_role("heading", level=1)).to_have_text("Hello, 李代表")
    expect(main.get_by_role("region", name="My mandates")).to_contain_text("Serving")
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    check_page("portal en")

    # And back to Chinese.
    header.get_by_role("button", name="中文").click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(main.get_by_role("heading", level=1)).to_have_text("李代表，您好")
    expect(header.get_by_role("button", name="退出")).to_be_visible()
    assert_clean_console("portal zh again")

    # The console check is not blind: an inline style injected now is refused and reported.
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text):
        page.evaluate(
            "() => { const s = document.createElement('style'); s.textContent = 'body {}'; document.head.append(s); }"
        )
