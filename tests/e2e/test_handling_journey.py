"""Journey: the handling of one suggestion by a lead and an assisting unit, in the browser.

The starting state comes from the services: 李代表's suggestion, co-signed by 王代表, accepted
and assigned to the transport bureau (lead, 主办) and the finance bureau (assisting, 协办).
Then, each person in their own browser: the transport bureau asks for more time with a
reason; the office grants it on its deadlines page; the finance bureau sends its written
view (ticking the confirmation); the transport bureau reads the view, records its
contact with the deputy and replies with the signed letter; 王代表, the co-signer, reads the
reply and sees the letter, but has no rating form (the lead deputy rates).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from proposals import services
from tests import factories
from tests.builders import PDF_BYTES, categories, make_deputy_user, make_officer
from tests.builders import field as subject_field

# One viewport: the desktop, where unit officers and the office work.
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["desktop"], indirect=True)]

PASSWORD = "correct-horse-42"
TITLE = "关于优化公交线路缓解拥堵的建议"
LEAD_UNIT = "示例市交通运输局"
HELPER_UNIT = "示例市财政局"
REASON = "需与轨道交通建设时序衔接，待线网规划批复后答复。"
VIEW = "财政局意见：公交线路优化所需补贴可纳入明年预算统筹安排。"
REPLY = "经研究，已会同财政部门调整三条公交线路，新增高峰时段班次，明年一季度完成线网优化方案。"


@pytest.fixture
def people(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    lead = make_deputy_user(city, term, "李代表")
    cosigner = make_deputy_user(city, term, "王代表")
    transport = make_officer(city, LEAD_UNIT)
    finance = make_officer(city, HELPER_UNIT)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    categories()
    suggestion = services.suggestion_create(
        actor=lead,
        lead_deputy=lead.mandate,
        title=TITLE,
        body="高峰时段公交拥挤，部分线路重复。\n\n1. 优化线路\n2. 增加班次",
        field=subject_field("交通出行"),
    )
    services.cosigner_invite(actor=lead, suggestion=suggestion, deputies=[cosigner.mandate])
    services.cosigner_respond(actor=cosigner, cosigner=suggestion.cosigners.get(), confirm=True)
    services.suggestion_submit(actor=lead, suggestion=suggestion)
    services.suggestion_accept(actor=staff, suggestion=suggestion)
    lead_a, helper_a = services.suggestion_assign(
        actor=staff, suggestion=suggestion, units_roles=[(transport.unit, "lead"), (finance.unit, "assisting")]
    )
    return {
        "cosigner": cosigner,
        "transport": transport,
        "finance": finance,
        "staff": staff,
        "suggestion": suggestion,
        "lead_a": lead_a,
        "helper_a": helper_a,
    }


def test_extension_assisting_view_reply_with_letter_and_the_cosigner_reads_it(
    new_context, viewport, live_server, people, assert_no_horizontal_overflow, assert_accessible
):
    def log_in(user):
        page = new_context(viewport=viewport).new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        main = page.get_by_role("main")
        main.get_by_label("手机号码或电子邮箱").fill(user.email)
        main.get_by_label("密码").fill(PASSWORD)
        main.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return page

    def check(page, where):
        assert_no_horizontal_overflow(page, where)
        assert_accessible(page, where)

    lead_a = people["lead_a"]
    new_date = lead_a.deadline + datetime.timedelta(days=30)

    # --- 1. The lead unit asks for more time ----------------------------------------------------
    transport = log_in(people["transport"])
    transport.goto(f"/unit/assignments/{lead_a.pk}/")
    main = transport.get_by_role("main")
    extensions = main.get_by_role("region", name="延期")
    extensions.get_by_text("申请延期", exact=True).click()
    extensions.get_by_label("申请延期至").fill(new_date.isoformat())
    extensions.get_by_label("申请延期的理由").fill(REASON)
    extensions.get_by_role("button", name="提交申请").click()
    expect(transport.get_by_role("status")).to_contain_text("延期申请已报送代表工作机构")
    expect(main.get_by_role("region", name="延期")).to_contain_text(REASON)
    check(transport, "unit extension asked")

    # --- 2. The office grants it ------------------------------------------------------------------
    office = log_in(people["staff"])
    office.goto("/office/suggestions/deadlines/")
    office_main = office.get_by_role("main")
    expect(office_main.get_by_role("region", name=re.compile("延期申请"))).to_contain_text(REASON)
    check(office, "office deadlines")
    office_main.get_by_role("link", name=re.compile(TITLE)).first.click()
    block = office.locator(f"#assignment-{lead_a.pk}")
    block.get_by_label("同意延期至新日期").check()
    block.get_by_role("button", name="确定").click()
    expect(office.get_by_role("main")).to_contain_text(f"答复期限改为{new_date.isoformat()}")

    # --- 3. The assisting unit sends its view -------------------------------------------------------
    finance = log_in(people["finance"])
    finance.goto("/unit/")
    finance_main = finance.get_by_role("main")
    expect(finance_main).to_contain_text("送交主办单位意见期限")
    finance_main.get_by_role("link", name=TITLE).click()
    view = finance.get_by_role("main").get_by_role("region", name="送交主办单位的意见")
    view.get_by_label("本单位书面意见").fill(VIEW)
    view.get_by_role("checkbox").check()  # the confirmation: the view cannot be changed afterwards
    view.get_by_role("button", name="送交主办单位").click()
    expect(finance.get_by_role("main")).to_contain_text("意见已送交主办单位")
    expect(finance.get_by_role("main")).not_to_contain_text("填写答复")
    check(finance, "assisting unit view sent")

    # --- 4. The lead unit reads it, logs its contact and replies with the letter --------------------
    transport.goto(f"/unit/assignments/{lead_a.pk}/")
    main = transport.get_by_role("main")
    expect(main.get_by_role("region", name="协办单位意见")).to_contain_text(VIEW)
    expect(main).to_contain_text(new_date.isoformat())
    contacts = main.get_by_role("region", name="与代表沟通记录")
    contacts.get_by_text("记录沟通情况").click()
    contacts.get_by_label("方式").select_option(label="电话")
    contacts.get_by_label("沟通内容").fill("电话听取李代表意见。")
    contacts.get_by_role("button", name="保存沟通记录").click()
    main = transport.get_by_role("main")
    main.get_by_role("link", name="填写答复").first.click()
    main = transport.get_by_role("main")
    main.get_by_role("radio", name=re.compile(r"^A ")).check()
    main.get_by_label("答复正文").fill(REPLY)
    main.get_by_label("签发人").fill("张局长")
    main.get_by_label("签发的答复函").set_input_files(
        {"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    check(transport, "unit reply form")
    main.get_by_role("checkbox", name=re.compile("^已核对答复内容和答复函")).check()
    main.get_by_role("button", name="提交答复").click()
    expect(transport.get_by_role("main").locator(".item-meta")).to_contain_text("已答复")

    # --- 5. The co-signer reads the reply and sees the letter, without a rating form ---------------
    cosigner = log_in(people["cosigner"])
    cosigner.goto(f"/portal/suggestions/{people['suggestion'].pk}/")
    cmain = cosigner.get_by_role("main")
    expect(cmain).to_contain_text(REPLY)
    expect(cmain.get_by_role("link", name="答复函.pdf")).to_be_visible()
    expect(cmain.locator("form[action*='/rate/']")).to_have_count(0)  # only the lead deputy rates
    check(cosigner, "co-signer reads the reply")
