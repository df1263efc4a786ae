"""Journey: a suggestion from the deputy's draft to the public page, every step in the browser.

李代表 drafts a suggestion (a paragraph and a numbered list) on the portal, invites 王代表
to co-sign and submits it; 王代表 confirms from the co-signing requests; the office
accepts it from the review queue, notes its number and assigns it to the transport
bureau as lead unit (reply due 3 months after today); the bureau's officer records a
contact with the deputy and replies in category A; 李代表 rates the reply satisfied; the
office publishes it; an anonymous visitor finds it on /proposals/ with a two-character
search and reads the reply, with both deputies' names and no mobile number.

Each person has a browser context of their own and logs in through /accounts/login/.
Only the starting data is made with factories (the reply categories and fields come from
the migrations, re-created here if an earlier test flushed them). The interface is
asserted in Chinese, as the zh-CN browser gets it. On the main page of each step: nothing
wider than the screen, no serious or critical axe violation, a clean console.
"""

import datetime
import re
from dataclasses import dataclass, field

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import factories
from tests.builders import PDF_BYTES, categories, make_deputy_user, make_officer
from tests.builders import field as subject_field

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-42"
TITLE = "关于缓解老旧小区停车难问题的建议"
BODY = "老旧小区停车位严重不足，居民夜间停车难，消防通道常被占用。\n\n1. 挖潜增设停车泊位\n2. 推行机关单位错时共享停车"
UNIT = "示例市交通运输局"
SESSION = "十七届人大三次会议"
CONTACT_NOTE = "电话联系李代表，商定到小区现场查看停车情况。"
REPLY_TEXT = "经实地调研，已在周边新增公共停车泊位二百个。\n\n机关单位夜间错时共享停车已在全区推行。"
SIGNER = "张局长"
COMMENT = "答复具体，措施已经落实，感谢。"
# A mainland mobile number, wherever it might leak into a public page.
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def people(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False  # no TOTP code to type in a browser test
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    factories.SessionFactory(
        term=term,
        number=3,
        name=SESSION,
        start_date=datetime.date(2024, 1, 10),
        end_date=datetime.date(2024, 1, 14),
    )
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    gulou = factories.ElectoralUnitFactory(congress=city, name="鼓楼区", order=2)
    lead = make_deputy_user(city, term, "李代表", electoral_unit=xuanwu)
    cosigner = make_deputy_user(city, term, "王代表", electoral_unit=gulou)
    officer = make_officer(city, UNIT)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    categories()  # A/B/C, as the migration creates them
    subject_field("交通出行")
    return {"lead": lead, "cosigner": cosigner, "officer": officer, "staff": staff}


@dataclass
class Visitor:
    """One person's browser tab, with every console message and page error it has seen."""

    page: Page
    seen: list = field(default_factory=list)

    @property
    def main(self):
        return self.page.get_by_role("main")


def test_suggestion_from_draft_to_public_page(
    new_context,
    viewport,
    live_server,
    people,
    tmp_path,
    assert_no_horizontal_overflow,
    assert_accessible,
):
    def open_browser() -> Visitor:
        page = new_context(viewport=viewport).new_page()
        page.set_default_timeout(10_000)
        visitor = Visitor(page)
        page.on("console", lambda msg: visitor.seen.append((msg.type, msg.text)))
        page.on("pageerror", lambda exc: visitor.seen.append(("pageerror", str(exc))))
        return visitor

    def check_page(visitor: Visitor, where: str) -> None:
        # As the conftest's assert_clean_console, for this visitor's own tab.
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
        page.goto("/")
        page.get_by_role("banner").get_by_role("link", name="登录").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        main.get_by_label("手机号码或电子邮箱").fill(login)
        main.get_by_label("密码").fill(PASSWORD)
        main.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("banner")).to_contain_text(name)
        return visitor

    def nav(visitor: Visitor, name: str) -> None:
        visitor.page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()

    def success(visitor: Visitor):
        return visitor.page.locator(".message-success")

    today = timezone.localdate()
    due = today + relativedelta(months=3)

    # --- 1. The lead deputy drafts, invites a co-signer and submits ------------------------------
    li = log_in(people["lead"].mobile, "李代表")
    page, main = li.page, li.main
    nav(li, "我的建议")
    expect(page).to_have_url(re.compile(r"/portal/suggestions/$"))
    expect(main.get_by_role("heading", level=1)).to_have_text("我的建议和议案")
    check_page(li, "portal list empty")

    main.get_by_role("link", name="新建建议或议案").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("新建建议或议案")
    check_page(li, "portal new")
    main.get_by_label("标题").fill(TITLE)
    main.get_by_label("正文").fill(BODY)
    main.get_by_label("专业领域").select_option(label="交通出行")
    main.get_by_label("代表大会会议").select_option(label=SESSION)
    expect(main.get_by_label("建议", exact=True)).to_be_checked()
    main.get_by_role("button", name="保存草稿").click()
    expect(success(li)).to_have_text("草稿已保存。现在可以邀请附议代表并上传附件。")
    expect(main.get_by_role("heading", level=1)).to_have_text("修改草稿")
    expect(main.locator(".lead")).to_contain_text("起草中")

    main.get_by_label("邀请附议的代表").fill("王代表")
    main.get_by_role("button", name="邀请", exact=True).click()
    expect(success(li)).to_have_text("已邀请 1 位代表附议。")
    cosigners = main.get_by_role("region", name=re.compile("附议代表"))
    expect(cosigners).to_contain_text("王代表（鼓楼区）")
    expect(cosigners).to_contain_text("已邀请")
    check_page(li, "portal draft")

    main.get_by_label("我已通读全文", exact=False).check()  # the confirmation of an irreversible step
    main.get_by_role("button", name="提交", exact=True).click()
    expect(success(li)).to_have_text(f"已提交审核：“{TITLE}”。")
    expect(main.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main.locator(".lead .status-pill")).to_have_text("已提交")
    # The text keeps its paragraph and its numbered list.
    text = main.get_by_role("region", name="正文")
    expect(text.locator("p").first).to_contain_text("老旧小区停车位严重不足")
    expect(text.locator("ol > li")).to_have_text(["挖潜增设停车泊位", "推行机关单位错时共享停车"])
    check_page(li, "portal submitted")
    li.page.context.close()

    # --- 2. The co-signer confirms from the co-signing requests -----------------------------------
    wang = log_in(people["cosigner"].email, "王代表")
    page, main = wang.page, wang.main
    nav(wang, "我的建议")
    requests = main.get_by_role("region", name=re.compile("待您答复的附议邀请"))
    request = requests.get_by_role("listitem").filter(has_text=TITLE)
    expect(request).to_contain_text("领衔代表：李代表")
    check_page(wang, "cosign request")
    request.get_by_role("button", name="同意附议").click()
    expect(success(wang)).to_have_text(f"您已附议“{TITLE}”。")
    expect(requests).to_have_count(0)
    cosigned = main.get_by_role("region", name=re.compile("我附议的")).get_by_role("listitem").filter(has_text=TITLE)
    expect(cosigned.locator(".status-pill")).to_have_text("已提交")
    check_page(wang, "cosign confirmed")
    wang.page.context.close()

    # --- 3. The office accepts it from the review queue and assigns it ----------------------------
    office = log_in(people["staff"].email, "工作人员甲")
    page, main = office.page, office.main
    # Staff land in the admin; its "view site" link leads back to the portal's header.
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="查看站点").click()
    office.seen.clear()  # the admin asks for /favicon.ico, which the site does not serve
    nav(office, "建议办理")
    main.get_by_role("navigation", name="建议办理工作台").get_by_role("link", name="待审核").click()
    expect(page).to_have_url(re.compile(r"/office/suggestions/review/$"))
    expect(main.get_by_role("heading", level=1)).to_have_text("待审核")
    expect(main.locator(".lead")).to_have_text("1 件待审核")
    row = main.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("李代表")
    expect(row).to_contain_text(SESSION)
    check_page(office, "review queue")
    row.get_by_label("已核对，予以受理").check()  # accepting uses up a number: it asks for the tick
    row.get_by_role("button", name="审核立案").click()
    expect(success(office)).to_have_text(re.compile(r"^已审核立案，编号为.+第\d+号。$"))
    number = re.fullmatch(r"已审核立案，编号为(.+)。", success(office).inner_text()).group(1)
    assert number == f"{SESSION}第1号"
    expect(main.get_by_text("没有待审核的建议。")).to_be_visible()

    main.get_by_role("navigation", name="建议办理工作台").get_by_role("link", name="全部建议").click()
    expect(main.get_by_role("row").filter(has_text=TITLE)).to_contain_text(number)
    main.get_by_role("link", name=TITLE).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(f"{number} {TITLE}")
    expect(main.locator(".item-meta")).to_contain_text("已受理")
    expect(main.get_by_role("region", name="代表")).to_contain_text("王代表 已确认")
    assign = main.locator("details.action", has=page.get_by_text("交办承办单位", exact=True))
    # Before pressing the button: the deadline a unit assigned today would get.
    expect(assign).to_contain_text(f"如今天交办，答复期限为{due.isoformat()}（3个月）")
    check_page(office, "office item accepted")
    assign.get_by_label("承办单位 1").select_option(label=UNIT)
    assign.get_by_label("角色 1").select_option(label="主办")
    expect(assign.get_by_label("交办日期")).to_have_value(today.isoformat())
    assign.get_by_role("button", name="交办", exact=True).click()
    expect(success(office)).to_have_text(f"已交办{UNIT}，答复期限为{due.isoformat()}。")
    expect(main.locator(".item-meta")).to_contain_text("已交办")
    block = main.get_by_role("article").filter(has_text=f"{UNIT} · 主办")
    expect(block.locator("dd").filter(has=page.locator("time"))).to_contain_text(due.isoformat())
    check_page(office, "office item assigned")

    # --- 4. The unit's officer records a contact and replies ---------------------------------------
    unit = log_in(people["officer"].email, people["officer"].full_name)
    page, main = unit.page, unit.main
    nav(unit, "承办建议")
    expect(main.get_by_role("heading", level=1)).to_have_text("交办的建议")
    row = main.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("尚未签收")
    expect(row).to_contain_text(due.isoformat())
    check_page(unit, "unit home")
    row.get_by_role("link", name=TITLE).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(f"{number} {TITLE}")
    this = main.get_by_role("region", name="本单位承办情况")
    expect(this).to_contain_text("主办")
    expect(this).to_contain_text(due.isoformat())
    check_page(unit, "unit assignment")

    contacts = main.get_by_role("region", name="与代表沟通记录")
    contacts.get_by_text("记录沟通情况").click()
    contacts.get_by_label("阶段").select_option(label="办理前")
    contacts.get_by_label("方式").select_option(label="电话")
    contacts.get_by_label("日期").fill(today.isoformat())
    contacts.get_by_label("沟通内容").fill(CONTACT_NOTE)
    contacts.get_by_role("button", name="保存沟通记录").click()
    expect(success(unit)).to_have_text("与代表沟通情况已记录。")
    expect(contacts.get_by_role("listitem").first).to_contain_text(f"{today.isoformat()} · 办理前 · 电话")
    expect(contacts).to_contain_text(CONTACT_NOTE)

    main.get_by_role("link", name="填写答复").first.click()
    expect(main.get_by_role("heading", level=1)).to_have_text("答复代表")
    check_page(unit, "unit reply form")
    main.get_by_role("radio", name=re.compile(r"^A ")).check()
    main.get_by_label("答复正文").fill(REPLY_TEXT)
    main.get_by_label("签发人").fill(SIGNER)
    main.get_by_label("答复日期").fill(today.isoformat())
    main.get_by_label("签发的答复函").set_input_files(
        {"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    main.get_by_role("checkbox", name=re.compile("^已核对答复内容和答复函")).check()
    main.get_by_role("button", name="提交答复").click()
    expect(success(unit)).to_have_text("答复已提交，已请代表评价。")
    expect(main.locator(".item-meta")).to_contain_text("已答复")
    reply = main.get_by_role("region", name="答复").get_by_role("article")
    expect(reply.get_by_role("heading", level=3)).to_have_text("第1次答复 · A 已解决或基本解决")
    expect(reply).to_contain_text(SIGNER)
    expect(reply).to_contain_text("已在周边新增公共停车泊位二百个")
    check_page(unit, "unit replied")
    unit.page.context.close()

    # --- 5. The lead deputy reads the reply and rates it ----------------------------------------------
    li = log_in(people["lead"].email, "李代表")
    page, main = li.page, li.main
    nav(li, "我的建议")
    mine = main.get_by_role("region", name=re.compile("我领衔的")).get_by_role("listitem").filter(has_text=TITLE)
    expect(mine.locator(".status-pill")).to_have_text("已答复")
    expect(mine).to_contain_text("有 1 件答复等待您评价")
    check_page(li, "portal list replied")
    mine.get_by_role("link", name=TITLE).click()
    expect(main.locator(".lead .status-pill")).to_have_text("已答复")
    expect(main.locator(".lead")).to_contain_text(number)
    replies = main.get_by_role("region", name="答复", exact=True)
    expect(replies.get_by_role("heading", level=3)).to_have_text(UNIT)
    expect(replies).to_contain_text("A 已解决或基本解决")
    expect(replies).to_contain_text(SIGNER)
    expect(replies).to_contain_text("机关单位夜间错时共享停车已在全区推行。")
    check_page(li, "portal reply to rate")
    rate = replies.locator("form")
    rate.get_by_label("满意", exact=True).check()
    rate.get_by_label("意见").fill(COMMENT)
    rate.get_by_role("button", name="提交评价").click()
    expect(success(li)).to_have_text(f"谢谢！您对{UNIT}答复的评价已记录。")
    expect(main.locator(".lead .status-pill")).to_have_text("已评价")
    expect(replies.locator(".sg-rating")).to_contain_text("满意")
    expect(replies.locator(".sg-rating")).to_contain_text(COMMENT)
    expect(replies.locator("form")).to_have_count(0)
    check_page(li, "portal rated")
    li.page.context.close()

    # --- 6. The office publishes it ---------------------------------------------------------------------
    page, main = office.page, office.main
    page.reload()
    expect(main.locator(".item-meta")).to_contain_text("已评价")
    expect(main.get_by_role("article").filter(has_text=f"{UNIT} · 主办")).to_contain_text("满意")
    # Publishing shows the item to everyone: without the tick nothing is published.
    main.get_by_role("button", name="公开", exact=True).click()
    expect(main.locator(".confirm-field .errorlist")).to_have_text("发布前请勾选确认。")
    expect(main.locator(".item-meta")).not_to_contain_text("已公开")
    main.get_by_label("我已核对建议及其答复：发布后将在公开页面展示。").check()
    main.get_by_role("button", name="公开", exact=True).click()
    expect(success(office)).to_have_text("已在公开页面公开。")
    expect(main.locator(".item-meta")).to_contain_text("已公开")
    check_page(office, "office published")
    office.page.context.close()

    # --- 7. Anyone finds it on the public pages --------------------------------------------------------
    visitor = open_browser()
    page, main = visitor.page, visitor.main
    page.goto("/")
    nav(visitor, "建议办理公开")
    expect(page).to_have_url(re.compile(r"/proposals/$"))
    expect(main.get_by_role("heading", level=1)).to_have_text("代表建议及答复")
    item = main.get_by_role("listitem").filter(has=page.get_by_role("heading", name=TITLE))
    expect(item).to_contain_text(number)
    expect(item).to_contain_text("李代表（玄武区）")
    expect(item).to_contain_text("A 已解决或基本解决")
    check_page(visitor, "public list")

    search = main.get_by_role("search")
    search.get_by_label("关键词").fill("电梯")
    search.get_by_role("button", name="搜索", exact=True).click()
    expect(main.get_by_text("没有符合条件的公开建议。")).to_be_visible()
    search.get_by_label("关键词").fill("停车")
    search.get_by_role("button", name="搜索", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]q=%E5%81%9C%E8%BD%A6"))
    expect(main.get_by_role("heading", level=2, name="“停车”的搜索结果")).to_be_visible()
    expect(main.locator(".pp-list > li")).to_have_count(1)
    check_page(visitor, "public search")

    main.get_by_role("link", name=TITLE).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(TITLE)
    facts = main.locator("header dl.facts")
    expect(facts).to_contain_text("李代表（玄武区）")
    expect(facts).to_contain_text("王代表（鼓楼区）")
    expect(facts).to_contain_text(f"{UNIT}（主办）")
    expect(main.locator(".pp-text ol > li")).to_have_count(2)
    reply = main.get_by_role("article", name=re.compile(f"{UNIT}"))
    expect(reply).to_contain_text("经实地调研，已在周边新增公共停车泊位二百个。")
    expect(reply).to_contain_text(f"签发人 {SIGNER}")
    expect(reply).to_contain_text("代表评价：满意")
    # The deputy's comment on the rating and the unit's contact note stay inside.
    expect(main).not_to_contain_text(COMMENT)
    expect(main).not_to_contain_text(CONTACT_NOTE)
    html = page.content()
    for person in (people["lead"], people["cosigner"]):
        assert person.mobile not in html and person.mandate.mobile not in html
    assert not MOBILE.search(html), f"a mobile number on the public page: {MOBILE.search(html).group()}"
    check_page(visitor, "public detail")
