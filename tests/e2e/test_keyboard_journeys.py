"""Journeys driven by the keyboard alone (issue 16, GB/T 37668-2019 / WCAG 2.1: 2.1.1 keyboard,
2.4.1 bypass blocks, 2.4.7 focus visible).

Nothing is clicked and no field is filled by selector: each control is reached by pressing Tab
until it has the focus (``tab_to``), then Enter, Space, arrow keys or typed text act on it. At
every control the journey stops on, the focus ring must be visible: the element matches
``:focus-visible`` and its computed outline (or box-shadow) is there. Each journey ends with a
check of the database or of the page.

1. Log in with e-mail and password; the skip link is the first Tab stop and takes the focus to
   the main content.
2. A deputy answers an activity invitation (yes) from the workbench.
3. A deputy drafts and submits a suggestion (the confirmation ticked with Space).
4. A citizen leaves an opinion at a station.
5. A unit officer replies with the signed letter.

Only the first page of a journey is opened with ``goto`` (as a person types an address); the
rest are reached by links, Tab and Enter. One phone-sized viewport.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.models import Participation
from liaison.models import Opinion, Station
from proposals import services
from proposals.models import ContactLog, Suggestion
from tests import builders, factories
from tests.builders import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

PASSWORD = "correct-horse-42"
ACTIVITY = "关于城市更新项目推进情况的集中视察"
TITLE = "关于在老旧小区加装电梯并统一维保的建议"
BODY = "老旧小区多为六层以下住宅，没有电梯，老年居民上下楼困难。建议统一规划加装电梯。"
STATION = "玄武区梅园新村街道代表联络站"
OPINION = "梅园新村公交站台没有遮雨棚，雨天候车很不方便，希望增设。"
UNIT = "示例市交通运输局"
REPLY_TEXT = "经实地调研，已在周边新增公共停车泊位二百个，机关单位夜间错时共享停车已在全区推行。"
SIGNER = "张局长"

# A short description of the focused element and whether its focus ring shows.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = !!cs.boxShadow && cs.boxShadow !== 'none';
  const label = (el.labels && el.labels[0] ? el.labels[0].innerText : '') || el.getAttribute('aria-label') || '';
  const text = (el.innerText || el.value || '').trim().slice(0, 40);
  return {
    describe: `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? ' name=' + el.name : ''}`
      + `${el.type ? ' type=' + el.type : ''}> "${text}" ${label ? '(label: ' + label.trim().slice(0, 40) + ')' : ''}`,
    focusVisible: el.matches(':focus-visible'),
    // A date field's own calendar button, inside the browser's shadow tree: the browser draws its ring.
    browserPart: !el.matches(':focus') && el.matches(':focus-within') && /^(date|time|datetime-local|month|week)$/.test(el.type),
    ring: outline || shadow,
    outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
    boxShadow: cs.boxShadow,
  };
}"""


def assert_focus_ring(page: Page, where: str) -> dict:
    """The focused element shows a focus ring; returns its description."""
    info = page.evaluate(_FOCUSED)
    assert info, f"{where}: nothing has the focus"
    assert info["focusVisible"] and info["ring"], f"{where}: no visible focus ring on {info}"
    return info


def tab_to(page: Page, predicate_js: str, max_steps: int = 80, *, where: str = "") -> dict:
    """Press Tab until ``predicate_js`` (a JS function of the element)
    holds for document.activeElement; every stop passed on the way must show its focus ring.

    One stop is the browser's, not ours: the calendar button inside a date field, whose ring
    Chromium draws in the field's shadow tree where no computed style reaches. There the
    field must look different with the focus than after it has left (compared pixel by pixel)."""
    passed = []
    browser_part = None  # (element, its picture while its calendar button had the focus)
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        if browser_part:
            element, focused_picture = browser_part
            assert element.screenshot() != focused_picture, f"{where}: the date field's calendar button shows no focus"
            browser_part = None
        info = page.evaluate(_FOCUSED)
        if info is None:
            continue
        passed.append(info["describe"])
        if info["browserPart"]:
            # The calendar button inside the field: the field shows the site's ring (site.css).
            assert info["ring"], f"{where}: the date field shows no focus ring for its calendar button: {info}"
            element = page.evaluate_handle("document.activeElement").as_element()
            browser_part = (element, element.screenshot())
            continue
        assert info["focusVisible"] and info["ring"], f"{where}: Tab stop without a visible focus ring: {info}"
        if page.evaluate(f"(el) => !!({predicate_js})(el)", page.evaluate_handle("document.activeElement")):
            return info
    raise AssertionError(
        f"{where}: not reached by {max_steps} presses of Tab: {predicate_js}\nstops: " + "\n  ".join(passed)
    )


def by_id(element_id: str) -> str:
    return f"(el) => el.id === {element_id!r}"


def by_text(tag: str, text: str) -> str:
    """An element of ``tag`` whose visible text is ``text`` (or contains it, for links)."""
    return f"(el) => el.tagName === {tag.upper()!r} && (el.innerText || el.value || '').trim().includes({text!r})"


def choose(page: Page, label: str, max_steps: int = 30) -> None:
    """On the focused <select>, press ArrowDown until the option ``label`` is selected."""
    for _ in range(max_steps):
        current = page.evaluate("document.activeElement.selectedOptions[0]?.text || ''")
        if current.strip() == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {label!r} not reached with the arrow keys")


def log_in_by_keys(page: Page, login: str) -> None:
    page.goto("/accounts/login/")
    # The first Tab stop on the page is the skip link; Enter on it moves on to the main content.
    page.keyboard.press("Tab")
    info = assert_focus_ring(page, "login, first Tab stop")
    assert page.evaluate("document.activeElement.matches('a.skip-link')"), f"first Tab stop: {info}"
    expect(page.locator("a.skip-link")).to_have_text("跳到正文")
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    # From the main content the next stops are the form's: no trip through the header.
    tab_to(page, by_id("id_login"), max_steps=3, where="login")
    page.keyboard.type(login)
    tab_to(page, by_id("id_password"), max_steps=3, where="login")
    page.keyboard.type(PASSWORD)
    tab_to(page, "(el) => el.type === 'submit' && !!el.closest('main form')", max_steps=5, where="login")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def city(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    congress = factories.CongressFactory()
    term = factories.TermFactory(congress=congress)
    return congress, term


def test_log_in_by_keyboard(page, live_server, city):
    congress, term = city
    deputy = builders.make_deputy_user(congress, term, "李代表")
    log_in_by_keys(page, deputy.email)
    expect(page).to_have_url(live_server.url + "/portal/")
    expect(page.get_by_role("banner")).to_contain_text("李代表")


def test_a_deputy_accepts_an_invitation_by_keyboard(page, live_server, city):
    congress, term = city
    staff = factories.StaffFactory(congress=congress, full_name="工作人员甲")
    deputy = builders.make_deputy_user(congress, term, "李代表")
    activity = factories.ActivityFactory(
        congress=congress,
        title=ACTIVITY,
        start_date=timezone.localdate() + datetime.timedelta(days=7),
        recorder=staff,
        place="玄武区",
        organiser="代表工作委员会",
    )
    invitation = factories.ParticipationFactory(activity=activity, deputy=deputy.mandate)

    log_in_by_keys(page, deputy.email)
    expect(page).to_have_url(live_server.url + "/portal/")
    tab_to(page, by_text("a", ACTIVITY), where="workbench")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal/activities/#inv-\d+-title$"))
    tab_to(
        page,
        f"(el) => el.tagName === 'BUTTON' && el.innerText.trim() === '接受'"
        f" && (el.closest('article')?.innerText || '').includes({ACTIVITY!r})",
        where="invitation",
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(ACTIVITY)
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.ACCEPTED


def test_a_deputy_drafts_and_submits_a_suggestion_by_keyboard(page, live_server, city):
    congress, term = city
    deputy = builders.make_deputy_user(congress, term, "李代表")
    builders.field("城乡建设")

    log_in_by_keys(page, deputy.email)
    tab_to(page, by_text("a", "我的建议"), where="workbench")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal/suggestions/$"))
    tab_to(page, by_text("a", "新建建议或议案"), where="my suggestions")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal/suggestions/new/$"))
    tab_to(page, "(el) => el.name === 'title'", where="new suggestion")
    page.keyboard.type(TITLE)
    tab_to(page, "(el) => el.name === 'body'", where="new suggestion")
    page.keyboard.type(BODY)
    tab_to(page, "(el) => el.name === 'field'", where="new suggestion")
    choose(page, "城乡建设")
    tab_to(page, by_text("button", "保存草稿"), where="new suggestion")
    page.keyboard.press("Enter")
    main = page.get_by_role("main")
    expect(page.locator(".message-success")).to_contain_text("草稿已保存")
    expect(main.get_by_role("heading", level=1)).to_have_text("修改草稿")

    # The irreversible step asks for the tick: Space on the checkbox, then Enter on 提交.
    tab_to(
        page,
        "(el) => el.type === 'checkbox' && (el.labels?.[0]?.innerText || '').includes('我已通读全文')",
        where="draft",
    )
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "(el) => el.tagName === 'BUTTON' && el.innerText.trim() === '提交'", where="draft")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_have_text(f"已提交审核：“{TITLE}”。")
    suggestion = Suggestion.objects.get()
    assert (suggestion.title, suggestion.status) == (TITLE, Suggestion.Status.SUBMITTED)


def test_a_citizen_leaves_an_opinion_at_a_station_by_keyboard(page, live_server, city):
    congress, term = city
    deputy = builders.make_deputy_user(congress, term, "李代表")
    station = Station.objects.create(
        congress=congress,
        kind=Station.Kind.STATION,
        district="玄武区",
        street="梅园新村街道",
        name=STATION,
        address="示例市玄武区长江路1号",
    )
    station.deputies.add(deputy.mandate)

    page.goto(f"/stations/{station.pk}/#opinion")
    tab_to(page, by_id("id_deputy"), where="station")
    choose(page, "李代表")
    tab_to(page, by_id("id_category"), where="station")
    choose(page, Opinion.Category.TRAFFIC.label)
    tab_to(page, by_id("id_text"), where="station")
    page.keyboard.type(OPINION)
    tab_to(page, by_id("id_author_name"), where="station")
    page.keyboard.type("刘女士")
    tab_to(page, "(el) => el.type === 'submit' && !!el.closest('#opinion form')", where="station")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/opinions/[A-Za-z0-9_-]{32}/\?new=1(#opinion)?$"))
    expect(page.get_by_role("main")).to_contain_text(OPINION)
    opinion = Opinion.objects.get()
    assert (opinion.text, opinion.deputy, opinion.station, opinion.author_name) == (
        OPINION,
        deputy.mandate,
        station,
        "刘女士",
    )


def test_a_unit_officer_replies_with_the_letter_by_keyboard(page, live_server, city):
    congress, term = city
    deputy = builders.make_deputy_user(congress, term, "李代表")
    staff = factories.StaffFactory(congress=congress, full_name="工作人员甲")
    officer = builders.make_officer(congress, UNIT)
    builders.categories()
    suggestion = builders.assigned(deputy, staff, [officer])
    assignment = suggestion.assignments.get()
    # A reply needs a recorded contact with the deputy first (recorded by keys in no journey here).
    services.contact_log_add(
        actor=officer,
        assignment=assignment,
        stage=ContactLog.Stage.BEFORE,
        method=ContactLog.Method.PHONE,
        contacted_on=timezone.localdate(),
        note="电话联系李代表，商定到现场查看。",
    )

    log_in_by_keys(page, officer.email)
    tab_to(page, by_text("a", "承办建议"), where="workbench")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text("交办的建议")
    tab_to(page, by_text("a", suggestion.title), where="assigned suggestions")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + f"/unit/assignments/{assignment.pk}/")
    tab_to(page, by_text("a", "填写答复"), where="assignment")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/unit/assignments/{assignment.pk}/reply/$"))
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text("答复代表")
    tab_to(page, "(el) => el.type === 'radio' && el.name === 'category'", where="reply")
    # Arrow keys move within the radio group; Space ticks the focused one.
    for _ in range(6):
        if page.evaluate("(document.activeElement.labels?.[0]?.innerText || '').trim().startsWith('A ')"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "(el) => el.name === 'text'", where="reply")
    page.keyboard.type(REPLY_TEXT)
    tab_to(page, "(el) => el.name === 'signer'", where="reply")
    page.keyboard.type(SIGNER)
    # The reply date starts at today.
    tab_to(page, "(el) => el.type === 'file' && el.name === 'letter'", where="reply")
    # A file chooser cannot be driven by keys in a headless browser: the file is set on the
    # focused input itself (what the chooser would do once the person picks the letter).
    page.evaluate_handle("document.activeElement").as_element().set_input_files(
        {"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    tab_to(
        page,
        "(el) => el.type === 'checkbox' && (el.labels?.[0]?.innerText || '').trim().startsWith('已核对答复内容和答复函')",
        where="reply",
    )
    page.keyboard.press("Space")
    tab_to(page, by_text("button", "提交答复"), where="reply")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_have_text("答复已提交，已请代表评价。")
    the_reply = assignment.replies.get()
    assert (the_reply.category.code, the_reply.text, the_reply.signer) == ("A", REPLY_TEXT, SIGNER)
    letter = the_reply.attachments.get()
    assert (letter.original_name, letter.content_type) == ("答复函.pdf", "application/pdf")
