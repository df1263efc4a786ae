"""Journey: joint units (会办) co-sign the lead unit's reply, in the browser.

李代表's suggestion is assigned to the transport bureau (lead, 主办) and to the finance and
the planning bureaus (joint, 会办). The transport bureau logs its contact with the deputy
and replies with the signed letter; the reply waits for the joint units (the suggestion
stays 已交办, the deputy sees nothing). The finance bureau, on a 390-px phone, first tries
to return it with no opinion (the error shows, nothing changes), then returns it with its
opinion; the transport bureau reads the opinion on its reply page, finds its previous text
in the form, revises it, attaches the letter again and sends it; both joint units co-sign;
after the last co-signature 李代表 reads the revised reply and its letter on the portal.
On the main page of each step: nothing wider than the screen, no serious or critical axe
violation, a clean console, and a screenshot in the test's tmp_path.
"""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from proposals.models import Reply, ReplyCoSignature, Suggestion
from tests import factories
from tests.builders import PDF_BYTES, assigned_to, categories, make_deputy_user, make_officer

# One viewport for the people at their desks; the joint unit's officer reads on a phone.
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["desktop"], indirect=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "correct-horse-42"
TITLE = "关于打通断头路改善片区交通微循环的建议"
LEAD_UNIT = "示例市交通运输局"
JOINT_ONE = "示例市财政局"
JOINT_TWO = "示例市规划和自然资源局"
FIRST_TEXT = "经研究，拟于明年启动片区内两条断头路的打通工程，同步优化周边路口信号配时和交通组织。"
OPINION = "请写明工程资金来源：打通工程已列入市级财政明年专项资金计划。"
REVISED_TEXT = "经研究，两条断头路的打通工程已列入明年市级财政专项资金计划，明年三月开工，年底前建成通车。"
SIGNER = "张局长"


@dataclass
class Visitor:
    """One person's browser tab, with every console message and page error it has seen."""

    page: Page
    seen: list = field(default_factory=list)

    @property
    def main(self):
        return self.page.get_by_role("main")


@pytest.fixture
def people(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False  # no TOTP code to type in a browser test
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    deputy = make_deputy_user(city, term, "李代表")
    transport = make_officer(city, LEAD_UNIT)
    finance = make_officer(city, JOINT_ONE)
    planning = make_officer(city, JOINT_TWO)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    categories()
    suggestion, (lead_a, finance_a, planning_a) = assigned_to(
        deputy,
        staff,
        [(transport.unit, "lead"), (finance.unit, "joint"), (planning.unit, "joint")],
        title=TITLE,
        body="片区内两条断头路多年未打通，车辆绕行严重。\n\n1. 打通断头路\n2. 优化交通组织",
    )
    return {
        "deputy": deputy,
        "transport": transport,
        "finance": finance,
        "planning": planning,
        "suggestion": suggestion,
        "lead_a": lead_a,
        "finance_a": finance_a,
        "planning_a": planning_a,
    }


def test_joint_units_return_then_cosign_the_lead_units_reply(
    new_context, viewport, live_server, people, tmp_path, assert_no_horizontal_overflow, assert_accessible
):
    def log_in(user, size=None) -> Visitor:
        page = new_context(viewport=size or viewport).new_page()
        page.set_default_timeout(10_000)
        visitor = Visitor(page)
        page.on("console", lambda msg: visitor.seen.append((msg.type, msg.text)))
        page.on("pageerror", lambda exc: visitor.seen.append(("pageerror", str(exc))))
        page.goto("/accounts/login/")
        visitor.main.get_by_label("手机号码或电子邮箱").fill(user.email)
        visitor.main.get_by_label("密码").fill(PASSWORD)
        visitor.main.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
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
        width = visitor.page.viewport_size["width"]
        visitor.page.screenshot(path=tmp_path / f"{where.replace(' ', '-')}-{width}.png", full_page=True)

    def fill_reply(main, text: str) -> None:
        main.get_by_label("答复正文").fill(text)
        main.get_by_label("签发的答复函").set_input_files(
            {"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        )
        main.get_by_role("checkbox", name=re.compile("答复内容")).check()

    suggestion, lead_a = people["suggestion"], people["lead_a"]
    finance_a, planning_a = people["finance_a"], people["planning_a"]
    portal_url = f"/portal/suggestions/{suggestion.pk}/"

    # --- 1. The lead unit logs its contact and replies: the reply goes to the joint units ---------
    transport = log_in(people["transport"])
    transport.page.goto(f"/unit/assignments/{lead_a.pk}/")
    contacts = transport.main.get_by_role("region", name="与代表沟通记录")
    contacts.get_by_text("记录沟通情况").click()
    contacts.get_by_label("方式").select_option(label="电话")
    contacts.get_by_label("沟通内容").fill("电话听取李代表意见。")
    contacts.get_by_role("button", name="保存沟通记录").click()
    expect(transport.main.get_by_role("region", name="与代表沟通记录")).to_contain_text("电话听取李代表意见。")
    transport.main.get_by_role("link", name="填写答复").first.click()
    transport.main.get_by_role("radio", name=re.compile(r"^A ")).check()
    transport.main.get_by_label("签发人").fill(SIGNER)
    fill_reply(transport.main, FIRST_TEXT)
    check_page(transport, "lead reply form")
    transport.main.get_by_role("button", name="提交答复").click()
    expect(transport.page).to_have_url(re.compile(rf"/unit/assignments/{lead_a.pk}/(#.*)?$"))
    expect(transport.page.get_by_role("status")).to_contain_text("答复已送会办单位会签")
    expect(transport.main.locator(".item-meta")).to_contain_text("已交办")
    lead_cosign = transport.main.locator("#cosign")
    expect(lead_cosign).to_contain_text(JOINT_ONE)
    expect(lead_cosign).to_contain_text(JOINT_TWO)
    expect(transport.main.get_by_role("link", name="填写答复")).to_have_count(0)  # nothing to reply while co-signing
    check_page(transport, "lead reply with the joint units")
    assert Suggestion.objects.get(pk=suggestion.pk).status == "assigned"
    # While the joint units hold it, the reply page has no form to send it again.
    transport.page.goto(f"/unit/assignments/{lead_a.pk}/reply/")
    expect(transport.main).to_contain_text("答复正在由会办单位会签；只有会办单位退回后才能修改。")
    expect(transport.main.get_by_role("button", name="提交答复")).to_have_count(0)

    # The deputy sees nothing of a reply that is still being co-signed.
    deputy = log_in(people["deputy"])
    deputy.page.goto(portal_url)
    expect(deputy.main).to_contain_text(TITLE)
    expect(deputy.main).not_to_contain_text(FIRST_TEXT)
    check_page(deputy, "deputy before the co-signatures")

    # --- 2. Joint unit 1, on a phone, returns it: first with no opinion, then with one ------------
    finance = log_in(people["finance"], size=PHONE)
    finance.page.goto(f"/unit/assignments/{finance_a.pk}/")
    cosign = finance.main.locator("#cosign")
    expect(cosign).to_contain_text(LEAD_UNIT)
    expect(cosign).to_contain_text(FIRST_TEXT)
    expect(cosign).to_contain_text("等待本单位会签")
    expect(cosign.get_by_role("link", name="答复函.pdf")).to_be_visible()
    check_page(finance, "joint unit asked to co-sign")
    # A joint unit does not reply to the deputy itself: its reply page sends it to the co-signature.
    finance.page.goto(f"/unit/assignments/{finance_a.pk}/reply/")
    expect(finance.main).to_contain_text("会办单位在主办单位的答复上会签，不单独答复代表。")
    expect(finance.main.get_by_role("button", name="提交答复")).to_have_count(0)
    finance.main.get_by_role("link", name="会签主办单位答复").click()
    cosign = finance.main.locator("#cosign")
    expect(cosign).to_contain_text(FIRST_TEXT)

    cosign.get_by_text("提出意见退回主办单位").click()
    expect(cosign.get_by_label("本单位意见")).to_be_visible()
    cosign.get_by_role("button", name="退回答复").click()
    cosign = finance.main.locator("#cosign")
    expect(cosign).to_contain_text("请写明主办单位应修改答复的哪些内容。")
    expect(cosign).to_contain_text("等待本单位会签")
    expect(cosign.get_by_role("button", name="会签答复")).to_be_visible()
    check_page(finance, "joint unit return without an opinion")
    first = ReplyCoSignature.objects.get(assignment=finance_a)
    assert first.status == "pending" and first.opinion == ""
    assert Reply.all_objects.get(assignment=lead_a).status == "cosigning"

    cosign.get_by_label("本单位意见").fill(OPINION)
    cosign.get_by_role("button", name="退回答复").click()
    expect(finance.page.get_by_role("status")).to_contain_text("答复已连同本单位意见退回主办单位")
    cosign = finance.main.locator("#cosign")
    expect(cosign).to_contain_text(OPINION)
    expect(cosign.get_by_role("button", name="会签答复")).to_have_count(0)
    check_page(finance, "joint unit returned the reply")

    # The other joint unit has nothing to sign while the lead unit revises the reply.
    planning = log_in(people["planning"])
    planning.page.goto(f"/unit/assignments/{planning_a.pk}/")
    cosign = planning.main.locator("#cosign")
    expect(cosign).to_contain_text("主办单位正在修改")
    expect(cosign.get_by_role("button", name="会签答复")).to_have_count(0)
    expect(cosign.get_by_role("button", name="退回答复")).to_have_count(0)

    # --- 3. The lead unit reads the opinion, revises the reply and sends it again ------------------
    transport.page.goto("/inbox/")
    expect(transport.main).to_contain_text(f"{JOINT_ONE}退回了你单位的答复：{TITLE}")
    transport.page.goto(f"/unit/assignments/{lead_a.pk}/")
    lead_cosign = transport.main.locator("#cosign")
    expect(lead_cosign).to_contain_text(OPINION)
    lead_cosign.get_by_role("link", name="修改答复").click()
    expect(transport.page).to_have_url(re.compile(rf"/unit/assignments/{lead_a.pk}/reply/"))
    returned = transport.main.locator("#returned")
    expect(returned).to_contain_text(JOINT_ONE)
    expect(returned).to_contain_text(OPINION)
    expect(transport.main.get_by_label("答复正文")).to_have_value(FIRST_TEXT)
    expect(transport.main.get_by_label("签发人")).to_have_value(SIGNER)
    expect(transport.main.get_by_role("radio", name=re.compile(r"^A "))).to_be_checked()
    check_page(transport, "lead reply returned")
    fill_reply(transport.main, REVISED_TEXT)
    transport.main.get_by_role("button", name="提交答复").click()
    expect(transport.page.get_by_role("status")).to_contain_text("答复已送会办单位会签")
    expect(transport.main.locator(".item-meta")).to_contain_text("已交办")
    assert Reply.all_objects.filter(assignment=lead_a).count() == 1  # the same round, revised in place

    # --- 4. Both joint units co-sign the revised reply ----------------------------------------------
    finance.page.goto(f"/unit/assignments/{finance_a.pk}/")
    cosign = finance.main.locator("#cosign")
    expect(cosign).to_contain_text(REVISED_TEXT)
    expect(cosign).not_to_contain_text(OPINION)  # the opinion went with the old version
    expect(cosign).to_contain_text("等待本单位会签")
    expect(cosign.get_by_role("link", name="答复函.pdf")).to_be_visible()
    check_page(finance, "joint unit asked again")
    cosign.get_by_role("checkbox", name=re.compile("本单位同意会签")).check()
    cosign.get_by_role("button", name="会签答复").click()
    expect(finance.page.get_by_role("status")).to_contain_text("本单位已会签主办单位的答复")
    expect(finance.main.locator("#cosign")).to_contain_text("已会签")
    check_page(finance, "joint unit co-signed")

    # One joint unit still owes its co-signature: the deputy still sees nothing.
    deputy.page.reload()
    expect(deputy.main).to_contain_text(TITLE)
    expect(deputy.main).not_to_contain_text(REVISED_TEXT)

    planning.page.goto(f"/unit/assignments/{planning_a.pk}/")
    cosign = planning.main.locator("#cosign")
    expect(cosign).to_contain_text(REVISED_TEXT)
    expect(cosign).to_contain_text("等待本单位会签")
    cosign.get_by_role("checkbox", name=re.compile("本单位同意会签")).check()
    cosign.get_by_role("button", name="会签答复").click()
    expect(planning.page.get_by_role("status")).to_contain_text("本单位已会签主办单位的答复")
    check_page(planning, "last joint unit co-signed")

    transport.page.goto(f"/unit/assignments/{lead_a.pk}/")
    expect(transport.main.locator(".item-meta")).to_contain_text("已答复")
    expect(transport.main.locator("#replies")).to_contain_text(REVISED_TEXT)
    check_page(transport, "lead reply sent to the deputy")

    # --- 5. The deputy reads the reply and its letter ------------------------------------------------
    deputy.page.goto(portal_url)
    expect(deputy.main).to_contain_text(REVISED_TEXT)
    expect(deputy.main).not_to_contain_text(FIRST_TEXT)
    expect(deputy.main).not_to_contain_text(OPINION)  # the units' exchange stays between them
    expect(deputy.main.get_by_role("link", name="答复函.pdf")).to_be_visible()
    check_page(deputy, "deputy reads the co-signed reply")
    deputy.page.goto("/inbox/")
    expect(deputy.main).to_contain_text(f"已收到答复：{TITLE}")
