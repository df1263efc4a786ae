"""Journeys of the two connections, every step in the browser.

1. A citizen finds a station on /stations/ (searching by street), leaves an opinion and gets
   the private link; the office assigns the opinion to the station's deputy; the deputy
   answers it in the portal; the citizen reads the answer through the link, and nobody else
   can (a changed token answers 404).
2. The office invites deputies to a topic of today's SC meeting; a grassroots deputy accepts in
   the portal and leaves a written opinion for the symposium; the office sees it on the
   meeting page, records attendance, and the coverage page's share of grassroots deputies at
   an SC meeting moves from 0 of 3 to 1 of 3, the deputy gone from the missing list.

Each person has a browser context of their own. Selectors use ids, names and values rather
than interface text where they can; data (names, texts) is Chinese. The form's minimum fill
time is set to 0 seconds (a person typing takes longer; the rule itself is tested in
tests/liaison/test_public_form.py). On each of our pages: nothing wider than the screen, no
serious or critical axe violation, a clean console.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.models import Activity, Participation
from liaison.models import Committee, Opinion, Station, Topic, TopicOpinion
from tests import factories
from tests.builders import make_deputy_user

# One viewport: the phone, where deputies and the public are and where reflow is checked
# (both viewports are walked by the suggestion journey and the login test).
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

PASSWORD = "correct-horse-42"
STATION = "玄武区梅园新村街道代表联络站"
OPINION = "梅园新村公交站台没有遮雨棚，雨天候车很不方便，希望增设。"
ANSWER = "已与公交公司沟通，遮雨棚将在下月安装。感谢您的意见！"
MEETING = "市人大常委会第二十次会议"
TOPIC = "关于上半年国民经济和社会发展计划执行情况的报告"
TOPIC_OPINION = "建议加大对小微企业的帮扶力度，稳定就业。"


@dataclass
class Visitor:
    """One person's browser tab, with every console message and page error it has seen."""

    page: Page
    seen: list = field(default_factory=list)

    @property
    def main(self):
        return self.page.get_by_role("main")


@pytest.fixture
def browsers(new_context, viewport, live_server, tmp_path, assert_no_horizontal_overflow, assert_accessible):
    """``open()`` a fresh tab, ``log_in(login)`` a person, ``check(visitor, where)`` a page."""

    def open_browser() -> Visitor:
        page = new_context(viewport=viewport).new_page()
        page.set_default_timeout(10_000)
        visitor = Visitor(page)
        page.on("console", lambda msg: visitor.seen.append((msg.type, msg.text)))
        page.on("pageerror", lambda exc: visitor.seen.append(("pageerror", str(exc))))
        return visitor

    def check(visitor: Visitor, where: str) -> None:
        csp = [text for _kind, text in visitor.seen if "Content Security Policy" in text]
        errors = [f"{kind}: {text}" for kind, text in visitor.seen if kind in ("error", "pageerror")]
        visitor.seen.clear()
        assert not csp, f"{where}: the Content-Security-Policy blocked something: {csp}"
        assert not errors, f"{where}: errors in the browser console: {errors}"
        assert_no_horizontal_overflow(visitor.page, where)
        assert_accessible(visitor.page, where)
        visitor.page.screenshot(path=tmp_path / f"{where.replace(' ', '-')}-{viewport['width']}.png", full_page=True)

    def log_in(login: str) -> Visitor:
        visitor = open_browser()
        page = visitor.page
        page.goto(live_server.url + "/accounts/login/")
        page.locator("#id_login").fill(login)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        # Staff land in the admin, which asks for /favicon.ico (not served): not our page.
        visitor.seen.clear()
        return visitor

    class Kit:
        open = staticmethod(open_browser)
        login = staticmethod(log_in)
        check_page = staticmethod(check)

    return Kit


@pytest.fixture
def people(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False  # no TOTP code to type in a browser test
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    li = make_deputy_user(city, term, "李代表", electoral_unit=xuanwu, is_grassroots=True)
    others = [
        factories.DeputyFactory(congress=city, term=term, electoral_unit=xuanwu, name=name, is_grassroots=True)
        for name in ("王代表", "赵代表")
    ]
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    return {"city": city, "term": term, "li": li, "others": others, "staff": staff}


def success(visitor: Visitor):
    return visitor.page.locator(".message-success")


def test_a_citizens_opinion_from_the_station_page_to_the_answer(live_server, people, browsers):
    station = Station.objects.create(
        congress=people["city"],
        kind=Station.Kind.STATION,
        district="玄武区",
        street="梅园新村街道",
        name=STATION,
        address="示例市玄武区长江路1号",
        opening_hours="周一至周五 9:00–17:00",
    )
    station.deputies.add(people["li"].mandate)
    Station.objects.create(
        congress=people["city"],
        district="鼓楼区",
        street="宁海路街道",
        name="宁海路代表之家",
        address="示例市鼓楼区宁海路2号",
    )

    # --- 1. The citizen finds the station and leaves an opinion ---------------------------------
    citizen = browsers.open()
    page, main = citizen.page, citizen.main
    page.goto(live_server.url + "/stations/")
    expect(main.locator(".ls-stations > li")).to_have_count(2)
    browsers.check_page(citizen, "stations")
    main.locator("#station-q").fill("梅园")
    main.get_by_role("search").locator("button[type=submit]").click()
    expect(main.locator(".ls-stations > li")).to_have_count(1)
    main.get_by_role("link", name=STATION).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(STATION)
    browsers.check_page(citizen, "station")

    form = main.locator("#opinion form")
    form.locator("#id_deputy").select_option(str(people["li"].mandate.pk))
    form.locator("#id_category").select_option(Opinion.Category.TRAFFIC)
    form.locator("#id_text").fill(OPINION)
    form.locator("#id_author_name").fill("刘女士")
    form.locator("#id_contact").fill("13900001234")
    form.locator("button[type=submit]").click()
    # (The browser keeps the form's "#opinion" anchor across the redirect.)
    expect(page).to_have_url(re.compile(r"/opinions/[A-Za-z0-9_-]{32}/\?new=1(#opinion)?$"))
    link = main.locator(".ls-link").inner_text().strip()
    assert link == page.url.split("?")[0]
    expect(main).to_contain_text(OPINION)
    assert "13900001234" not in page.content()  # never on the citizen's page either
    browsers.check_page(citizen, "opinion received")
    opinion = Opinion.objects.get()
    assert (opinion.status, opinion.deputy, opinion.station) == (Opinion.Status.RECEIVED, people["li"].mandate, station)

    # --- 2. The office assigns it to the deputy --------------------------------------------------------
    office = browsers.login(people["staff"].email)
    page, main = office.page, office.main
    page.goto(live_server.url + "/office/opinions/")
    row = main.locator("tbody tr", has_text=STATION)
    expect(row).to_have_count(1)
    browsers.check_page(office, "office opinions")
    row.locator("a").first.click()
    expect(main).to_contain_text(OPINION)
    expect(main).to_contain_text("刘女士")
    browsers.check_page(office, "office opinion")
    main.locator("#id_assign-assignee").select_option(str(people["li"].pk))
    main.locator("#id_assign-note").fill("请李代表联系公交公司。")
    main.locator(f"form[action$='/office/opinions/{opinion.pk}/assign/'] button[type=submit]").click()
    expect(success(office)).to_be_visible()
    opinion.refresh_from_db()
    assert (opinion.status, opinion.assignee) == (Opinion.Status.ASSIGNED, people["li"])
    browsers.check_page(office, "office opinion assigned")

    # --- 3. The deputy answers in the portal -------------------------------------------------------------
    deputy = browsers.login(people["li"].email)
    page, main = deputy.page, deputy.main
    page.goto(live_server.url + "/portal/liaison/")
    mine = main.locator("tbody tr", has_text=STATION)
    expect(mine).to_have_count(1)
    browsers.check_page(deputy, "portal duties")
    mine.locator("a").first.click()
    expect(main).to_contain_text(OPINION)
    browsers.check_page(deputy, "portal opinion")
    main.locator("#id_answer").fill(ANSWER)
    main.locator(f"form[action$='/portal/liaison/opinions/{opinion.pk}/answer/'] button[type=submit]").click()
    expect(success(deputy)).to_be_visible()
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.ANSWERED and opinion.answer == ANSWER
    browsers.check_page(deputy, "portal opinion answered")

    # --- 4. The citizen reads the answer through the link; an altered link finds nothing ----------------
    page, main = citizen.page, citizen.main
    page.goto(link)
    expect(main).to_contain_text(ANSWER)
    expect(main.locator(".ls-keep")).to_have_count(0)  # the "keep this link" box is for the first visit
    browsers.check_page(citizen, "opinion answered")
    token = link.rstrip("/").rsplit("/", 1)[1]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = page.goto(link.replace(token, altered))
    assert response.status == 404
    # Opinions never appear on a public page.
    page.goto(live_server.url + f"/stations/{station.pk}/")
    expect(main).not_to_contain_text(OPINION)
    expect(main).not_to_contain_text(ANSWER)


def test_a_committee_invites_a_deputy_to_a_topic_and_coverage_moves(live_server, people, browsers):
    today = timezone.localdate()
    city, staff, li = people["city"], people["staff"], people["li"]
    meeting = Activity.objects.create(
        congress=city,
        kind=Activity.Kind.SC_MEETING,
        title=MEETING,
        start_date=today,
        end_date=today,
        place="市人大常委会会议室",
        organiser="市人大常委会办公厅",
        recorder=staff,
        created_by=staff,
    )
    committee = Committee.objects.create(congress=city, name="财政经济委员会", kind=Committee.Kind.SPECIAL)
    topic = Topic.objects.create(meeting=meeting, title=TOPIC, committee=committee, order=1)

    # --- 1. Coverage before: nobody at an SC meeting yet ---------------------------------------------
    office = browsers.login(staff.email)
    page, main = office.page, office.main
    page.goto(live_server.url + f"/office/liaison/coverage/?congress={city.pk}&list=meetings")
    expect(main.locator("#coverage-meetings")).to_contain_text("0")
    expect(main.locator("#coverage-meetings")).to_contain_text("3")
    missing = main.get_by_role("table").locator("tbody tr")
    expect(missing).to_have_count(3)
    expect(missing.filter(has_text="李代表")).to_have_count(1)
    browsers.check_page(office, "coverage before")
    before = main.locator("#coverage-meetings").inner_text()

    # --- 2. The committee invites the deputy for the topic -------------------------------------------
    page.goto(live_server.url + "/office/liaison/meetings/")
    main.get_by_role("link", name=MEETING).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(MEETING)
    browsers.check_page(office, "meeting")
    main.locator(f"#id_invite-{topic.pk}-deputies").select_option(str(li.mandate.pk))
    main.locator(f"form[action$='/office/liaison/topics/{topic.pk}/invite/'] button[type=submit]").click()
    expect(success(office)).to_be_visible()
    participation = Participation.objects.get(activity=meeting, deputy=li.mandate)
    assert participation.status == Participation.Status.INVITED
    assert topic.invitations.get().participation == participation
    browsers.check_page(office, "meeting invited")

    # --- 3. The deputy accepts and leaves a written opinion for the symposium --------------------------
    deputy = browsers.login(li.email)
    page, main = deputy.page, deputy.main
    page.goto(live_server.url + "/portal/liaison/topics/")
    row = main.locator("tbody tr", has_text=TOPIC)
    expect(row).to_contain_text(MEETING)
    expect(row).to_contain_text(committee.name)
    browsers.check_page(deputy, "portal topics")
    main.locator("a[href='/portal/activities/']").first.click()
    invitation = main.locator("article.invitation", has_text=MEETING)
    invitation.locator("button[name=answer][value=accept]").click()
    expect(success(deputy)).to_be_visible()
    participation.refresh_from_db()
    assert participation.status == Participation.Status.ACCEPTED
    browsers.check_page(deputy, "portal accepted")

    page.goto(live_server.url + "/portal/liaison/topics/")
    main.get_by_role("link", name=TOPIC).click()
    expect(main.get_by_role("heading", level=1)).to_have_text(TOPIC)
    browsers.check_page(deputy, "portal topic")
    main.locator("#id_text").fill(TOPIC_OPINION)
    main.locator(f"form[action$='/portal/liaison/topics/{topic.pk}/opinion/'] button[type=submit]").click()
    expect(success(deputy)).to_be_visible()
    assert TopicOpinion.objects.get(topic=topic, deputy=li.mandate).text == TOPIC_OPINION
    browsers.check_page(deputy, "portal topic opinion")

    # --- 4. The office sees the opinion and records attendance; coverage moves --------------------------
    page, main = office.page, office.main
    page.goto(live_server.url + f"/office/liaison/meetings/{meeting.pk}/")
    section = main.locator("section", has=page.locator(f"#topic-{topic.pk}"))
    expect(section).to_contain_text(TOPIC_OPINION)
    expect(section.locator("tbody tr", has_text="李代表")).to_have_count(1)
    main.locator(f"a[href='/activities/{meeting.pk}/attendance/']").first.click()
    expect(page.locator(f"#status-{participation.pk}")).to_have_value(Participation.Status.ATTENDED)
    main.locator("button[name=action][value=save]").first.click()
    expect(success(office)).to_be_visible()
    participation.refresh_from_db()
    assert participation.status == Participation.Status.ATTENDED

    page.goto(live_server.url + f"/office/liaison/coverage/?congress={city.pk}&list=meetings")
    figure = main.locator("#coverage-meetings")
    expect(figure).not_to_have_text(before)
    expect(figure).to_contain_text("1")
    expect(figure).to_contain_text("33")  # 1 of 3: 33%
    missing = main.get_by_role("table").locator("tbody tr")
    expect(missing).to_have_count(2)
    expect(missing.filter(has_text="李代表")).to_have_count(0)
    browsers.check_page(office, "coverage after")
