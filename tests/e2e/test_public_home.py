"""Journey: a member of the public opens the home page on a phone (320 and 390 px) and on an
office screen, sees every section (figures, suggestions, livelihood projects, the station finder,
stories, awards), searches for a station, and follows a suggestion to its public page.

On each page: nothing wider than the screen, no serious or critical axe violation, a clean
console (no error, nothing blocked by the Content-Security-Policy).
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from proposals import services_awards as awards
from proposals.models import Award
from tests import factories
from tests.builders import handled, make_deputy_user, make_officer, officer_of
from tests.liaison.factories import StationFactory
from tests.livelihood import builders as lv
from tests.publicity import builders as pb

pytestmark = pytest.mark.e2e

YEAR = timezone.localdate().year
SCREENS = {
    "320": {"width": 320, "height": 640},
    "390": {"width": 390, "height": 844},
    "1280": {"width": 1280, "height": 900},
}


@pytest.fixture(params=list(SCREENS), ids=list(SCREENS))
def viewport(request):
    return SCREENS[request.param]


@pytest.fixture
def world(live_server):
    city = factories.CongressFactory()
    term = factories.TermFactory(congress=city)
    staff = factories.StaffFactory(congress=city, full_name="工作人员甲")
    li = make_deputy_user(city, term, "李代表")
    transport = make_officer(city, "示例市交通运输局")
    items = [
        handled(li, staff, [transport], title="关于在老旧小区加装电梯并统筹解决停车难和充电难问题的建议"),
        handled(li, staff, [transport], title="关于增设公交专用道的建议"),
    ]
    cycle = lv.voted(staff, city, year=YEAR, seats=2, candidates=3)
    item = lv.elected(cycle)[0].items.first()
    lv.report(officer_of(item.department, "民政局联系人"), item, value="5")
    story = pb.story(city, title="李代表走访社区听取加装电梯意见", deputies=[li.mandate])
    pb.photo(story)
    StationFactory(congress=city, name="示例街道代表联络站", street="示例街道")
    award = awards.award_nominate(
        actor=staff, congress=city, year=YEAR, kind=Award.Kind.EXCELLENT_SUGGESTION, reason="好", suggestion=items[0]
    )
    awards.award_shortlist(actor=staff, award=award)
    awards.award_decide(actor=staff, awards=[award], meeting="第十二次主任会议", decided_on=timezone.localdate())
    awards.award_publish_year(actor=staff, congress=city, year=YEAR)
    return {"items": items}


def test_the_public_home_page_brings_the_public_face_together(
    page, viewport, world, assert_no_horizontal_overflow, assert_accessible, assert_clean_console
):
    main = page.get_by_role("main")
    page.goto("/")
    # Each section by its heading (the new headings' Chinese comes with the next catalogue).
    for section in ("figures", "suggestions", "livelihood", "stations", "stories", "awards"):
        expect(main.locator(f"h2#hm-{section}-title")).to_be_visible()
    expect(main.get_by_role("heading", name="代表履职风采", level=2)).to_be_visible()
    expect(main.get_by_role("heading", name=f"{YEAR}年度评优", level=2)).to_be_visible()
    expect(main.locator("#hm-figures .stat-value").first).to_have_text("2")
    expect(main.locator("#hm-suggestions .hm-item")).to_have_count(2)
    expect(main.locator("progress")).to_have_count(2)
    expect(main.locator("#hm-stories img")).to_be_visible()
    assert_clean_console("home")
    assert_no_horizontal_overflow(page, f"home at {viewport['width']} px")
    assert_accessible(page, "home")

    # The station finder leads to the station list, searched.
    main.get_by_label("街道、镇或站点名称").fill("示例街道")
    main.get_by_role("button", name="搜索").click()
    expect(page).to_have_url("/stations/?q=%E7%A4%BA%E4%BE%8B%E8%A1%97%E9%81%93")
    expect(page.get_by_role("main").get_by_role("link", name="示例街道代表联络站")).to_be_visible()

    # A suggestion's title leads to its public page.
    page.goto("/")
    title = world["items"][0].title
    main.locator("#hm-suggestions").get_by_role("link", name=title).click()
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(title)
    assert_clean_console("suggestion detail")
    assert_no_horizontal_overflow(page, f"suggestion detail at {viewport['width']} px")
