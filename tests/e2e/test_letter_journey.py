"""Journey: a deputy's letter (代表信访) from the portal to the deputy's feedback, in the browser.

李代表 lodges a letter in the portal with a PDF attached (first forgetting the subject: the
Chinese message comes and the text typed stays); the office forwards it to the transport bureau
with 10 working days to answer; the bureau's officer finds it on the unit's letters page and
answers with a file; 李代表 reads the answer and gives feedback with a comment. The timeline
shows every step. On the main page of each step: nothing wider than the screen, no serious or
critical axe violation, a clean console.
"""

import re

import pytest
from playwright.sync_api import expect

from core.workdays import add_workdays
from tests import factories
from tests.builders import PDF_BYTES, make_deputy_user, make_officer, today

# One viewport: the phone, where deputies and the public are and where reflow is checked
# (both viewports are walked by the suggestion journey and the login test).
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

PASSWORD = "correct-horse-42"
UNIT = "示例市交通运输局"
SUBJECT = "公交线路调整影响老年人出行"
CONTENT = "线路调整后老年人换乘不便，希望恢复原站点或增设接驳线路。"
ANSWER = "已组织公交公司调研，下月起恢复原站点，并增设一条社区接驳线。"
COMMENT = "答复具体，感谢。"


@pytest.fixture
def people(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False  # no TOTP code to type in a browser test
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    deputy = make_deputy_user(city, term, "李代表")
    officer = make_officer(city, UNIT)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    return {"deputy": deputy, "officer": officer, "staff": staff}


def test_letter_from_the_portal_to_the_deputys_feedback(
    new_context, viewport, people, tmp_path, assert_no_horizontal_overflow, assert_accessible
):
    seen = []

    def open_page():
        page = new_context(viewport=viewport).new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg: seen.append((msg.type, msg.text)))
        page.on("pageerror", lambda exc: seen.append(("pageerror", str(exc))))
        return page

    def check_page(page, where):
        errors = [f"{kind}: {text}" for kind, text in seen if kind in ("error", "pageerror")]
        csp = [text for _kind, text in seen if "Content Security Policy" in text]
        seen.clear()
        assert not csp, f"{where}: the Content-Security-Policy blocked something: {csp}"
        assert not errors, f"{where}: errors in the browser console: {errors}"
        assert_no_horizontal_overflow(page, where)
        assert_accessible(page, where)
        page.screenshot(path=tmp_path / f"{where.replace(' ', '-')}-{viewport['width']}.png", full_page=True)

    def log_in(login, name):
        page = open_page()
        page.goto("/accounts/login/")
        main = page.get_by_role("main")
        main.get_by_label("手机号码或电子邮箱").fill(login)
        main.get_by_label("密码").fill(PASSWORD)
        main.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("banner")).to_contain_text(name)
        return page, main

    def nav(page, name):
        page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()

    # --- 1. The deputy lodges the letter ------------------------------------------------------
    page, main = log_in(people["deputy"].mobile, "李代表")
    nav(page, "我的信访")
    expect(main.get_by_role("heading", level=1)).to_have_text("我的信访")
    main.get_by_role("link", name="提交信访事项").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("提交信访事项")
    check_page(page, "letter new")
    main.get_by_label("信访事项内容").fill(CONTENT)
    main.get_by_label("提交给代表工作机构", exact=False).check()
    main.get_by_role("button", name="提交", exact=True).click()
    expect(main.locator(".form-errors")).to_contain_text("请填写信访事项的标题。")
    expect(main.get_by_label("信访事项内容")).to_have_value(CONTENT)
    main.get_by_label("事由").fill(SUBJECT)
    main.get_by_label("附件").set_input_files(
        files=[{"name": "现场情况说明.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    main.get_by_label("提交给代表工作机构", exact=False).check()
    main.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("您的信访事项已提交代表工作机构。")
    expect(main.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(main.get_by_role("link", name="现场情况说明.pdf")).to_be_visible()
    check_page(page, "letter lodged")
    page.context.close()

    # --- 2. The office forwards it with a deadline in working days -----------------------------
    page, main = log_in(people["staff"].email, "工作人员甲")
    page.goto("/office/letters/")
    expect(main.get_by_role("heading", level=1)).to_have_text("代表信访")
    main.get_by_role("link", name=SUBJECT).click()
    check_page(page, "office letter")
    main.get_by_label("答复单位").select_option(label=UNIT)
    main.get_by_label("答复期限（工作日）").fill("10")
    main.get_by_role("button", name="转办", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("已转办，已通知该单位联系人。")
    due = add_workdays(today(), 10)
    expect(main.locator(".facts")).to_contain_text(due.strftime("%Y-%m-%d"))
    page.context.close()

    # --- 3. The unit answers on its own page ---------------------------------------------------
    page, main = log_in(people["officer"].email, f"{UNIT}联系人")
    nav(page, "待答复信访")
    expect(main.get_by_role("heading", level=1)).to_have_text("待答复的代表信访")
    row = main.get_by_role("row").filter(has_text=SUBJECT)
    expect(row).to_contain_text("李代表")
    check_page(page, "unit letters")
    row.get_by_role("link", name=SUBJECT).click()
    main.get_by_label("答复", exact=True).fill(ANSWER)
    main.get_by_label("盖章答复函或其他文件（可选）").set_input_files(
        files=[{"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    main.get_by_label("将答复发送给代表", exact=False).check()
    main.get_by_role("button", name="发送答复").click()
    expect(page.locator(".message-success")).to_have_text("答复已发送，代表现在可以查看。")
    check_page(page, "unit answered")
    page.context.close()

    # --- 4. The deputy reads the answer and gives feedback -------------------------------------
    page, main = log_in(people["deputy"].email, "李代表")
    nav(page, "我的信访")
    main.get_by_role("link", name=SUBJECT).click()
    expect(main.locator("#letter-reply")).to_have_text(ANSWER)
    expect(main.get_by_role("link", name="答复函.pdf")).to_be_visible()
    main.get_by_label("满意", exact=True).check()
    main.get_by_label("您的意见").fill(COMMENT)
    main.get_by_role("button", name="提交反馈").click()
    expect(page.locator(".message-success")).to_have_text("谢谢，您的反馈意见已记录。")
    timeline = main.get_by_role("region", name="办理记录")
    expect(timeline.locator("li strong")).to_have_text(
        ["已提交", "已上传附件", "已转交", "已答复", "已上传附件", "已反馈"]
    )
    expect(timeline).to_contain_text(COMMENT)
    check_page(page, "feedback given")
    page.context.close()
