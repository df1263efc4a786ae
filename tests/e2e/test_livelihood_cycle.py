"""The livelihood year in the browser (issue 11), every step a person takes:

a citizen proposes an idea on /livelihood/ideas/new/; a deputy takes it up as a candidate in
the portal; the office shortlists it; (the window closes and the government's candidate list
is drawn up from it, with an item and a target); the office imports the vote results from
the voting system's CSV, previewed then confirmed; the department reports progress; the
public page's bar moves from 0 % to 40 %; (the evaluation opens) and the deputy rates the
project, once.

Each person has a browser context of their own. On each of our pages: nothing wider than the
screen, no serious or critical axe violation, a clean console.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from livelihood import services
from livelihood.models import Cycle, Idea, Project, Rating, Report
from tests import factories
from tests.builders import make_deputy_user, officer_of, open_livelihood_cycle
from tests.e2e import test_liaison_journeys as journeys

# One viewport: the phone, where deputies and the public are and where reflow is checked
# (both viewports are walked by the suggestion journey and the login test).
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

# The liaison journeys' browser kit: a tab per person, log-in, and the checks of each page.
browsers = journeys.browsers
success = journeys.success

IDEA = "增设社区电动自行车充电车棚"
WHAT = "在梅园新村小区周边集中建设电动自行车充电车棚。"


@pytest.fixture
def world(live_server, settings):
    settings.REQUIRE_STAFF_MFA = False
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    li = make_deputy_user(city, term, "李代表", electoral_unit=xuanwu)
    factories.DeputyFactory(congress=city, term=term, electoral_unit=xuanwu, name="王代表")
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲", email="staff@example.org")
    unit = factories.UnitFactory(congress=city, name="示例市民政局")
    officer = officer_of(unit, "民政局联系人")
    cycle = open_livelihood_cycle(staff, city)
    return {"city": city, "li": li, "staff": staff, "unit": unit, "officer": officer, "cycle": cycle}


def test_the_livelihood_year_from_an_idea_to_the_rating(live_server, world, browsers, tmp_path):
    cycle = world["cycle"]

    # --- 1. A citizen proposes an idea ------------------------------------------------------
    citizen = browsers.open()
    page, main = citizen.page, citizen.main
    page.goto(live_server.url + "/livelihood/")
    browsers.check_page(citizen, "livelihood home")
    main.get_by_role("link", name="提出建议").click()
    expect(page).to_have_url(re.compile(r"/livelihood/ideas/new/$"))
    main.locator("#id_title").fill(IDEA)
    main.locator("#id_what_where").fill(WHAT)
    main.locator("#id_why").fill("很多人在楼道里充电，有火灾隐患。")
    main.locator("#id_contact").fill("13900001234")
    browsers.check_page(citizen, "idea form")
    main.locator("form button[type=submit]").click()
    expect(main).to_contain_text("谢谢您！您的建议已收到。")
    public_idea = Idea.objects.get()
    assert public_idea.source == Idea.Source.PUBLIC and public_idea.contact == "13900001234"

    # --- 2. A deputy takes it up as a candidate ----------------------------------------------
    deputy = browsers.login(world["li"].email)
    page, main = deputy.page, deputy.main
    page.goto(live_server.url + "/portal/livelihood/")
    expect(main).to_contain_text(IDEA)
    assert "13900001234" not in page.content()
    browsers.check_page(deputy, "portal livelihood")
    main.get_by_role("link", name="采纳为我的候选项目").click()
    expect(main.locator("#id_title")).to_have_value(IDEA)
    main.locator("#id_why").fill("群众呼声高，消除火灾隐患。")
    main.locator("#id_estimated_cost").fill("500")
    browsers.check_page(deputy, "candidate form")
    main.locator("form button[type=submit]").click()
    expect(success(deputy)).to_be_visible()
    candidate = Idea.objects.get(source=Idea.Source.DEPUTY)
    assert candidate.adopted_idea == public_idea and candidate.lead == world["li"].mandate

    # --- 3. The office shortlists it -----------------------------------------------------------
    office = browsers.login(world["staff"].email)
    page, main = office.page, office.main
    page.goto(live_server.url + f"/office/livelihood/cycles/{cycle.pk}/ideas/")
    browsers.check_page(office, "office ideas")
    main.locator(f"form[action$='/office/livelihood/ideas/{candidate.pk}/shortlist/'] button").click()
    expect(success(office)).to_be_visible()
    candidate.refresh_from_db()
    assert candidate.status == Idea.Status.SHORTLISTED

    # (The window closes; the candidate list: this idea's project and another, for one seat.)
    staff = world["staff"]
    services.cycle_close_collection(actor=staff, cycle=cycle)
    project = services.project_add(
        actor=staff, cycle=cycle, number=1, title="充电设施类", department=world["unit"], budget=500, ideas=[candidate]
    )
    other = services.project_add(actor=staff, cycle=cycle, number=2, title="背街小巷类", department=world["unit"])
    for p in (project, other):
        item = services.item_add(actor=staff, project=p, title=f"{p.title}子项")
        services.target_add(
            actor=staff,
            item=item,
            name="建成车棚",
            unit="个",
            target_value=10,
            due_date=timezone.localdate() + datetime.timedelta(days=200),
        )

    # --- 4. The results are imported, previewed, confirmed -------------------------------------
    results = tmp_path / "results.csv"
    results.write_text("编号,项目,赞成,反对,弃权\n1,充电设施类,2,0,0\n2,背街小巷类,1,1,0\n", encoding="utf-8")
    page.goto(live_server.url + f"/office/livelihood/cycles/{cycle.pk}/vote/")
    browsers.check_page(office, "office vote")
    form = main.locator("form:has(input[name=step][value=preview])")
    form.locator("#id_deputies_total").fill("2")
    form.locator("#id_held_on").fill(timezone.localdate().isoformat())
    form.locator("#id_file").set_input_files(str(results))
    form.locator("button[type=submit]").click()
    expect(main).to_contain_text("充电设施类")
    browsers.check_page(office, "office vote preview")
    confirm = main.locator("form:has(input[name=step][value=confirm])")
    confirm.locator("input[name=confirm]").check()
    confirm.locator("button[type=submit]").click()
    expect(success(office)).to_be_visible()
    project.refresh_from_db()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.VOTED and project.status == Project.Status.ELECTED
    assert other.__class__.objects.get(pk=other.pk).status == Project.Status.NOT_ELECTED

    # --- 5. The public page shows the bar at 0 %, the department reports, the bar moves ---------
    page = citizen.page
    page.goto(live_server.url + f"/livelihood/projects/{project.pk}/")
    expect(citizen.main.locator(".lv-figure").first).to_have_text("0%")
    browsers.check_page(citizen, "public project before")

    department = browsers.login(world["officer"].email)
    page, main = department.page, department.main
    page.goto(live_server.url + "/unit/livelihood/")
    browsers.check_page(department, "unit livelihood")
    main.locator("a[href*='/unit/livelihood/items/']").first.click()
    target = project.items.get().targets.get()
    main.locator("#id_period").fill(f"{cycle.year}-Q1")
    main.locator(f"#id_target_{target.pk}").fill("4")
    main.locator("#id_narrative").fill("已建成4个充电车棚。")
    browsers.check_page(department, "unit report form")
    main.locator("form button[type=submit]").click()
    expect(success(department)).to_be_visible()
    assert Report.objects.get().narrative == "已建成4个充电车棚。"

    page = citizen.page
    page.reload()
    expect(citizen.main.locator(".lv-figure").first).to_have_text("40%")
    expect(citizen.main).to_contain_text("已建成4个充电车棚。")
    page.goto(live_server.url + "/livelihood/")
    expect(citizen.main.locator("progress").first).to_have_attribute("value", "40")
    expect(citizen.main).to_contain_text("票决结果")
    assert "13900001234" not in page.content()
    browsers.check_page(citizen, "public home after")

    # --- 6. The evaluation opens; the deputy rates the project once ---------------------------
    services.cycle_open_evaluation(
        actor=staff, cycle=cycle, closes_on=timezone.localdate() + datetime.timedelta(days=7)
    )
    page, main = deputy.page, deputy.main
    page.goto(live_server.url + f"/portal/livelihood/projects/{project.pk}/")
    browsers.check_page(deputy, "portal project")
    main.locator("#rate input[value=satisfied]").check()
    main.locator("#rate textarea").fill("车棚很实用。")
    main.locator("#rate button[type=submit]").click()
    expect(success(deputy)).to_be_visible()
    expect(main.locator("#rate")).to_contain_text("满意")
    expect(main.locator("#rate button[type=submit]")).to_have_count(0)
    rating = Rating.objects.get()
    assert (rating.deputy, rating.value, rating.comment) == (world["li"].mandate, "satisfied", "车棚很实用。")
