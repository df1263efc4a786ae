"""The public home page brings the public face together: the latest handled suggestions, this
year's livelihood projects with their progress, the station finder, stories, the awards and the
year's figures. Only published data, never a contact; a fixed number of queries however many rows;
from the page cache for anonymous visitors, emptied by a new publication."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from livelihood.models import Project
from portal import home
from proposals import cache as page_cache
from proposals import services_awards as awards
from proposals.models import Assignment, Award, Rating, Reply
from proposals.selectors.public import unit_statistics
from publicity import services as publicity_services

from .. import factories
from ..builders import english, handled, make_officer, officer_of, replied
from ..liaison.factories import StationFactory
from ..livelihood import builders as lv
from ..publicity import builders as pb

pytestmark = pytest.mark.django_db

HOME = "/"
YEAR = timezone.localdate().year
K = Award.Kind
# Anonymous, every section filled: the city, its deputies' figures, the year's figures (one
# statement), the suggestions (ids, columns, reply categories, units), the projects (projects,
# items, targets), the stories (stories, deputies, photos), the awards (years, awards).
HOME_QUERIES = 15


def page(client=None) -> str:
    response = (client or Client()).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def publish_award(staff, city, **subject):
    award = awards.award_nominate(
        actor=staff, congress=city, year=YEAR, kind=subject.pop("kind"), reason="办理质量高", **subject
    )
    awards.award_shortlist(actor=staff, award=award)
    awards.award_decide(actor=staff, awards=[award], meeting="第十二次主任会议", decided_on=timezone.localdate())
    return award


def build(*, staff, city, term, deputy, unit_officer, n: int, year: int = YEAR):
    """``n`` of everything the home page shows (at least one), each published; returns the first item."""
    items = [
        handled(deputy, staff, [unit_officer], title=f"关于改善第{i}片区停车的建议", field_name="交通出行")
        for i in range(n)
    ]
    cycle = lv.voted(
        staff,
        city,
        year=year,
        unit=factories.UnitFactory(congress=city, name=f"示例市民政局{year}"),
        seats=n,
        candidates=n + 1,
        votes={i: (80, 10, 5) for i in range(1, n + 1)} | {n + 1: (30, 60, 5)},
    )
    item = lv.elected(cycle)[0].items.first()
    lv.report(lv_officer(item), item, value="5")
    stories = [pb.story(city, title=f"代表履职故事第{i}篇", deputies=[deputy.mandate]) for i in range(n)]
    pb.photo(stories[-1])
    for i in range(n):
        StationFactory(congress=city, name=f"{year}年示例{i}街道代表联络站")
    publish_award(staff, city, kind=K.EXCELLENT_SUGGESTION, suggestion=items[0])
    publish_award(staff, city, kind=K.ADVANCED_UNIT, unit=unit_officer.unit)
    awards.award_publish_year(actor=staff, congress=city, year=YEAR)
    return items[0]


def lv_officer(item):
    """An officer of the item's department (who may report its progress)."""
    return officer_of(item.department, f"{item.department.name}联系人")


@pytest.fixture
def world(staff, city, term, deputy, unit_officer):
    return build(staff=staff, city=city, term=term, deputy=deputy, unit_officer=unit_officer, n=1)


def test_home_shows_every_section_with_its_links(client, world):
    html = page(client)
    # Suggestions: the item, its detail page, the list.
    assert world.title in html
    assert reverse("proposals:detail", args=[world.pk]) in html
    assert f'href="{reverse("proposals:list")}"' in html
    # Livelihood: the elected project with its progress, its page and the year's page.
    project = Project.objects.filter(status=Project.Status.ELECTED).get()
    assert project.title in html
    assert reverse("livelihood:project", args=[project.pk]) in html
    assert reverse("livelihood:year", args=[YEAR]) in html
    assert '<progress max="100" value="50"' in html  # 5 of 10 points built
    assert "第2类项目" not in html  # the candidate that was not elected
    # The station finder posts to the station list.
    assert f'action="{reverse("liaison:stations")}"' in html and 'name="q"' in html
    # Stories, with the first photo, and the stories page.
    assert "代表履职故事第0篇" in html and f'href="{reverse("publicity:stories")}"' in html
    # Awards of the year, the excellent suggestion linked to its page.
    assert reverse("proposals:awards_year", args=[YEAR]) in html
    assert "示例市交通运输局" in html
    # Figures: one item handled, its reply on time, the deputy satisfied.
    assert f"{reverse('proposals:unit_stats')}?year={YEAR}" in html
    assert '<span class="stat-value">100.0%</span>' in html


def test_english_home_page(client, world):
    html = page(english(client))
    for heading in ("Latest handled suggestions", "Find a liaison station", "Deputies at work"):
        assert heading in html


def test_only_published_data_and_never_a_contact(client, staff, city, deputy, unit_officer, world):
    hidden_item = handled(deputy, staff, [unit_officer], title="尚未公开的建议", publish=False)
    pending, _a, _r = replied(deputy, staff, unit_officer, title="已答复但未公开的建议")
    pb.story(city, title="未发布的故事", published=False)
    nominee = awards.award_nominate(
        actor=staff, congress=city, year=YEAR, kind=K.EXCELLENT_SUGGESTION, reason="好", suggestion=hidden_item
    )
    station = StationFactory(congress=city, contact_phone="025-8888-7777", contact_name="站长王某")
    factories.DeputyFactory(congress=city, term=deputy.mandate.term, mobile="13900001111", email="li@example.org")
    html = page(client)
    for text in ("尚未公开的建议", "已答复但未公开的建议", "未发布的故事", "025-8888-7777", "站长王某"):
        assert text not in html
    assert "13900001111" not in html and "li@example.org" not in html
    assert nominee.status != Award.Status.PUBLISHED and station.is_active
    assert pending.published is False


def test_headline_figures_equal_a_recount(staff, city, term, deputy, unit_officer, world):
    """GIVEN this year's handled items (one late, one unsatisfied), one of last year, one withdrawn
    unit WHEN the figures are read THEN they equal the statistics page's totals for the year and a
    recount from the rows."""
    other = make_officer(city, "示例市住房保障局")
    late = handled(deputy, staff, [other], title="答复迟了的建议")
    Reply.objects.filter(assignment__suggestion=late).update(on_time=False)
    Rating.objects.filter(reply__assignment__suggestion=late).update(value=Rating.Value.UNSATISFIED)
    old = handled(deputy, staff, [other], title="去年的建议")
    Assignment.objects.filter(suggestion=old).update(assigned_on=datetime.date(YEAR - 1, 6, 1))
    _rows, totals, _cats = unit_statistics(year=YEAR)
    figures = home.headline_figures()

    assert figures.replied == totals.replied == 2
    assert figures.on_time == totals.on_time == 1
    assert figures.rated == totals.rated == 2
    assert figures.satisfied == totals.satisfied + totals.basically == 1
    assert figures.on_time_rate == totals.on_time_rate == 50.0
    assert figures.satisfaction_rate == totals.satisfaction_rate == 50.0
    this_year = (
        Assignment.objects.exclude(status=Assignment.Status.WITHDRAWN)
        .filter(assigned_on__year=YEAR, replies__round=1)
        .values("suggestion_id")
        .distinct()
    )
    assert figures.handled == this_year.count() == 2
    assert figures.stations == 1
    assert home.headline_figures(year=YEAR - 1).handled == 1


def test_an_empty_site_still_answers(client):
    html = page(client)
    assert "—" in html  # no rate without replies
    assert reverse("liaison:stations") in html


def test_queries_are_the_same_with_small_and_large_data(
    staff, city, term, deputy, unit_officer, django_assert_num_queries
):
    build(staff=staff, city=city, term=term, deputy=deputy, unit_officer=unit_officer, n=1)
    with CaptureQueriesContext(connection) as small:
        page()
    # A second, larger year of projects (the newest cycle is shown) and a second unit's items.
    more = make_officer(city, "示例市住房保障局")
    build(staff=staff, city=city, term=term, deputy=deputy, unit_officer=more, n=8, year=YEAR + 1)
    with CaptureQueriesContext(connection) as large:
        html = page()
    assert html.count('class="hm-item"') == home.HOME_SUGGESTIONS
    assert html.count("<progress") == home.HOME_PROJECTS
    assert html.count('class="pp-excerpt"') == home.HOME_STORIES
    assert len(small.captured_queries) == len(large.captured_queries) == HOME_QUERIES
    with django_assert_num_queries(HOME_QUERIES):
        page()


@pytest.fixture
def cached(settings):
    """The page cache on (the tests' default is off), in a namespace of its own."""
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    page_cache._bump()
    yield
    page_cache._bump()


def test_a_second_anonymous_visit_costs_no_query(client, cached, world, django_assert_num_queries):
    first = page(client)
    with django_assert_num_queries(0):
        second = page(client)
    assert world.title in first and world.title in second


def test_a_new_publication_shows_at_once(
    client, cached, staff, city, deputy, unit_officer, world, django_capture_on_commit_callbacks
):
    page(client)
    with django_capture_on_commit_callbacks(execute=True):
        handled(deputy, staff, [unit_officer], title="刚刚公开的建议")
    assert "刚刚公开的建议" in page(client)
    draft = pb.story(city, title="刚发布的故事", published=False)
    assert "刚发布的故事" not in page(client)
    with django_capture_on_commit_callbacks(execute=True):
        publicity_services.story_set_published(actor=staff, story=draft, published=True)
    assert "刚发布的故事" in page(client)


def test_a_logged_in_visitor_is_never_served_the_cached_page(client, cached, deputy, world):
    assert 'class="button" href="/accounts/login/"' in page(client)
    client.force_login(deputy)
    assert 'class="button" href="/accounts/login/"' not in page(client)
