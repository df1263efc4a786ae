"""Journey: a material pushed to a group with read receipts, and a data request answered by a unit.

The office sends an important material to the 财经代表小组; 李代表, a member, sees it unread in
the portal and opens it; the office's page then lists 李代表 among those who have read it and
王代表 among those who have not. 李代表 files a data request; the office routes it to the
transport bureau with a deadline in working days; the bureau's officer answers with a file on
/unit/training/; 李代表 reads the answer. Every step in the browser, in Chinese, on a phone and
a desktop; on each main page nothing wider than the screen, no serious axe violation, a clean console.
"""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.builders import PDF_BYTES, make_deputy_user, make_officer

# One viewport: the phone, where deputies and the public are and where reflow is checked
# (both viewports are walked by the suggestion journey and the login test).
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

PASSWORD = "correct-horse-42"
MATERIAL = "关于2026年市级预算草案的说明"
SUBJECT = "全市公共停车泊位数据"
ANSWER = "全市共有公共停车泊位约十二万个，分区数据见附件。"
UNIT = "示例市交通运输局"


@pytest.fixture
def people(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    li = make_deputy_user(city, term, "李代表", electoral_unit=xuanwu)
    wang = make_deputy_user(city, term, "王代表", electoral_unit=xuanwu)
    make_deputy_user(city, term, "赵代表", electoral_unit=xuanwu)  # not in the group
    group = factories.DeputyGroupFactory(congress=city, term=term, name="财经代表小组")
    group.members.add(li.mandate, wang.mandate)
    officer = make_officer(city, UNIT)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    return {"li": li, "wang": wang, "officer": officer, "staff": staff}


@dataclass
class Visitor:
    page: Page
    seen: list = field(default_factory=list)

    @property
    def main(self):
        return self.page.get_by_role("main")


def test_material_read_receipt_and_data_request(
    new_context, viewport, live_server, people, tmp_path, assert_no_horizontal_overflow, assert_accessible
):
    def open_browser() -> Visitor:
        page = new_context(viewport=viewport).new_page()
        page.set_default_timeout(10_000)
        visitor = Visitor(page)
        page.on("console", lambda msg: visitor.seen.append((msg.type, msg.text)))
        page.on("pageerror", lambda exc: visitor.seen.append(("pageerror", str(exc))))
        return visitor

    def check_page(visitor: Visitor, where: str) -> None:
        csp = [text for _kind, text in visitor.seen if "Content Security Policy" in text]
        errors = [f"{kind}: {text}" for kind, text in visitor.seen if kind in ("error", "pageerror")]
        visitor.seen.clear()
        assert not csp, f"{where}: the Content-Security-Policy blocked something: {csp}"
        assert not errors, f"{where}: errors in the browser console: {errors}"
        assert_no_horizontal_overflow(visitor.page, where)
        assert_accessible(visitor.page, where)
        visitor.page.screenshot(path=tmp_path / f"{where.replace(' ', '-')}-{viewport['width']}.png", full_page=True)

    def log_in(login: str, name: str) -> Visitor:
        visitor = open_browser()
        page, main = visitor.page, visitor.main
        page.goto("/accounts/login/")
        main.get_by_label("手机号码或电子邮箱").fill(login)
        main.get_by_label("密码").fill(PASSWORD)
        main.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("banner")).to_contain_text(name)
        return visitor

    def success(visitor: Visitor):
        return visitor.page.locator(".message-success")

    # --- 1. The office sends an important material to the group ---------------------------------
    office = log_in(people["staff"].email, "工作人员甲")
    page, main = office.page, office.main
    page.goto("/office/training/materials/")
    office.seen.clear()  # the admin landing page asked for /favicon.ico
    expect(main.get_by_role("heading", level=1)).to_have_text("学习材料")
    main.get_by_role("link", name="新建材料").click()
    main.get_by_label("标题").fill(MATERIAL)
    main.get_by_label("类别").select_option(label="文件")
    main.get_by_label("重要", exact=True).check()
    main.get_by_label("对象范围").select_option(label="代表小组")
    main.get_by_label("代表小组").select_option(label="财经代表小组")
    main.get_by_label("正文").fill("一、预算编制情况\n\n请各位代表审阅。")
    main.get_by_label("文件（PDF、Word、JPEG、PNG）").set_input_files(
        files=[{"name": "预算说明.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    check_page(office, "office new material")
    main.get_by_role("button", name="保存").click()
    expect(success(office)).to_have_text("材料已保存。请核对后发送。")
    main.get_by_label(re.compile("我已核对")).check()
    main.get_by_role("button", name="发送给对象范围").click()
    expect(success(office)).to_have_text("材料已发送给对象范围。")
    expect(main.locator("#read-share")).to_have_text("2 位代表中已有 0 位阅读（0%）。")
    check_page(office, "office material sent")

    # --- 2. 李代表 sees it unread and opens it -----------------------------------------------------
    li = log_in(people["li"].mobile, "李代表")
    page, main = li.page, li.main
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=re.compile("^学习培训")).click()
    main.get_by_role("list").get_by_role("link", name="学习材料").first.click()
    item = main.locator(".material-list li").filter(has_text=MATERIAL)
    expect(item).to_contain_text("未读")
    expect(item).to_contain_text("重要")
    check_page(li, "portal materials unread")
    item.get_by_role("link", name=MATERIAL).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(MATERIAL)
    expect(main.get_by_role("link", name="预算说明.pdf")).to_be_visible()
    check_page(li, "portal material read")

    # --- 3. The receipt shows in the office's list ------------------------------------------------
    office.page.reload()
    expect(office.main.locator("#read-share")).to_have_text("2 位代表中已有 1 位阅读（50%）。")
    expect(office.main.locator("#read-list")).to_contain_text("李代表")
    expect(office.main.locator("#unread-list")).to_contain_text("王代表")
    expect(office.main.locator("#unread-list")).not_to_contain_text("李代表")
    check_page(office, "office material receipts")

    # --- 4. 李代表 files a data request -----------------------------------------------------------
    li.page.goto("/portal/training/requests/")
    main = li.main
    main.get_by_role("link", name="新的资料申请").click()
    main.get_by_label("事由").fill(SUBJECT)
    main.get_by_label("申请的信息或数据").fill("2025年全市各区公共停车泊位数量及利用率。")
    main.get_by_label("原因").fill("准备关于缓解停车难的建议。")
    check_page(li, "portal new request")
    main.get_by_role("button", name="提交申请").click()
    expect(success(li)).to_have_text("您的申请已提交代表工作机构。")
    expect(main.locator(".status-pill").first).to_have_text("已提交")

    # --- 5. The office routes it to the transport bureau -------------------------------------------
    page, main = office.page, office.main
    page.goto("/office/training/requests/")
    main.get_by_role("link", name=SUBJECT).click()
    main.get_by_label("承办单位", exact=True).select_option(label=UNIT)
    main.get_by_label("答复期限（工作日）").fill("5")
    check_page(office, "office request")
    main.get_by_role("button", name="发送", exact=True).click()
    expect(success(office)).to_have_text(f"申请已交{UNIT}。")

    # --- 6. The bureau's officer answers with a file -----------------------------------------------
    unit = log_in(people["officer"].email, f"{UNIT}联系人")
    page, main = unit.page, unit.main
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="代表资料申请").click()
    expect(page).to_have_url(re.compile(r"/unit/training/$"))
    check_page(unit, "unit requests")
    main.get_by_role("link", name=SUBJECT).click()
    main.get_by_role("textbox", name="答复", exact=True).fill(ANSWER)
    main.locator("#id_answer-files").set_input_files(
        files=[{"name": "停车泊位统计.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    check_page(unit, "unit request answer form")
    main.get_by_role("button", name="发送答复").click()
    expect(success(unit)).to_have_text("您的答复已发送给代表。")

    # --- 7. 李代表 reads the answer ----------------------------------------------------------------
    li.page.goto("/portal/training/requests/")
    main = li.main
    main.get_by_role("link", name=SUBJECT).click()
    expect(main.locator(".answer")).to_have_text(ANSWER)
    expect(main.get_by_role("link", name="停车泊位统计.pdf")).to_be_visible()
    expect(main.get_by_role("heading", name="评价答复")).to_be_visible()
    check_page(li, "portal request answered")
