"""The home page is served whole from the public page cache; a livelihood or liaison write that
changes what the public sees empties it (``core.public_cache.public_pages_changed``, after
commit), so the next anonymous visit of ``/`` shows the change: the vote, a progress report, a
new target, a completed project, a cycle's step, a station's summary or schedule.

Each test first proves the page is cached (a second visit costs no query), so a change that
shows afterwards was shown because the cache was emptied."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import public_cache
from liaison import services as liaison
from liaison.models import Station
from livelihood import services as livelihood
from livelihood import services_delivery as delivery
from livelihood.models import Target

from .. import factories
from ..builders import english, officer_of
from ..liaison.factories import StationFactory
from ..livelihood import builders as lv

pytestmark = pytest.mark.django_db

HOME = "/"
DEPARTMENT = "示例市民政局"


@pytest.fixture(autouse=True)
def cached(settings):
    """The page cache on (the tests' default is off), in a local-memory cache of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"pcache-home-{uuid.uuid4().hex}",
        }
    }
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 0
    yield
    cache.clear()


def visit(url=HOME, client=None) -> tuple[str, int]:
    """The page an anonymous visitor gets, and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries.captured_queries)


def warm(url=HOME, client=None) -> str:
    """The page, requested until it comes from the cache (the second visit costs no query)."""
    visit(url, client)
    html, queries = visit(url, client)
    assert queries == 0, f"{url} is not served from the cache"
    return html


def home(client=None) -> str:
    return visit(HOME, client)[0]


def officer(item):
    return officer_of(item.department, f"{item.department.name}联系人")


@pytest.fixture
def department(city):
    return factories.UnitFactory(congress=city, name=DEPARTMENT)


@pytest.fixture
def voted(staff, city, department):
    """A voted cycle: projects 1 and 2 elected (each one item, one target of 10), 3 not."""
    return lv.voted(staff, city, unit=department)


# --- The control: a write past the services waits for the expiry ------------------------------


def test_a_write_that_bypasses_the_services_stays_unseen_until_the_version_moves(voted):
    """GIVEN the home page cached WHEN a target's value is changed in the database directly THEN
    visitors still get the cached page; once the version moves they see the new progress."""
    before = warm()
    assert 'value="0"' in before and 'value="50"' not in before
    Target.objects.filter(item__project__number=1).update(current_value=Decimal("5"))

    assert 'value="50"' not in home()
    public_cache._bump()
    assert 'value="50"' in home()


# --- Livelihood -----------------------------------------------------------------------------


def test_the_vote_puts_the_elected_projects_on_the_home_page_at_once(
    staff, city, department, django_capture_on_commit_callbacks
):
    cycle = lv.screening(staff, city, unit=department)
    before = warm()
    assert "第1类项目" not in before
    assert Client().get(reverse("livelihood:year", args=[cycle.year])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        livelihood.vote_record(
            actor=staff,
            cycle=cycle,
            deputies_total=100,
            results={1: (80, 10, 5), 2: (70, 20, 5), 3: (40, 40, 10)},
            held_on=timezone.localdate(),
        )

    html = home()
    assert "第1类项目" in html and "第2类项目" in html
    assert "第3类项目" not in html  # not elected
    assert f'href="{reverse("livelihood:year", args=[cycle.year])}"' in html
    year_page, _ = visit(reverse("livelihood:year", args=[cycle.year]))
    assert "第1类项目" in year_page


def test_a_progress_report_shows_on_the_home_page_and_the_project_page_at_once(
    voted, django_capture_on_commit_callbacks
):
    project = lv.elected(voted)[0]
    item = project.items.get()
    before = warm()
    assert 'value="50"' not in before

    with django_capture_on_commit_callbacks(execute=True):
        lv.report(officer(item), item, value="5")

    assert 'value="50"' in home()
    project_page, _ = visit(reverse("livelihood:project", args=[project.pk]))
    assert "有序推进。" in project_page


def test_a_new_target_of_an_elected_project_changes_its_progress_at_once(
    staff, voted, django_capture_on_commit_callbacks
):
    """GIVEN project 1 half done on its one target WHEN staff add a second target THEN the home
    page shows the mean of the two, 25 %."""
    item = lv.elected(voted)[0].items.get()
    with django_capture_on_commit_callbacks(execute=True):
        lv.report(officer(item), item, value="5")
    assert 'value="50"' in warm()

    with django_capture_on_commit_callbacks(execute=True):
        livelihood.target_add(
            actor=staff,
            item=item,
            name="培训人次",
            unit="人次",
            target_value=100,
            due_date=timezone.localdate() + datetime.timedelta(days=90),
        )

    html = home()
    assert 'value="25"' in html and 'value="50"' not in html


def test_a_completed_project_is_marked_on_the_home_page_at_once(staff, voted, django_capture_on_commit_callbacks):
    project = lv.elected(voted)[0]
    item = project.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        lv.report(officer(item), item, value="10")
    visitor = english(Client())
    before = warm(client=visitor)
    assert 'value="100"' in before and f"{DEPARTMENT} · Completed" not in before

    with django_capture_on_commit_callbacks(execute=True):
        delivery.project_complete(actor=staff, project=project)

    assert f"{DEPARTMENT} · Completed" in home(english(Client()))


def _open_evaluation(staff, cycle):
    livelihood.cycle_open_evaluation(
        actor=staff, cycle=cycle, closes_on=timezone.localdate() + datetime.timedelta(days=10)
    )


def _close(staff, cycle):
    _open_evaluation(staff, cycle)
    cycle.refresh_from_db()
    public_cache._bump()  # the page below is cached after the first step
    warm()
    livelihood.cycle_close(actor=staff, cycle=cycle)


@pytest.mark.parametrize("step", [_open_evaluation, _close], ids=["open_evaluation", "close"])
def test_each_step_of_a_published_cycle_renders_the_home_page_afresh(
    staff, voted, step, django_capture_on_commit_callbacks
):
    """The projects stay on the page; the cached copy is dropped, so the next visit renders it
    (and the year page, which shows the cycle's state, is current)."""
    warm()
    with django_capture_on_commit_callbacks(execute=True):
        step(staff, voted)

    html, queries = visit()
    assert queries > 0 and "第1类项目" in html
    assert visit()[1] == 0  # and it is cached again


@pytest.mark.parametrize("step", ["open_collection", "close_collection"])
def test_the_collection_window_opening_and_closing_renders_the_home_page_afresh(
    staff, city, step, django_capture_on_commit_callbacks
):
    cycle = lv.cycle(staff, city, year=2030, open_=step == "close_collection")
    warm()
    with django_capture_on_commit_callbacks(execute=True):
        if step == "open_collection":
            livelihood.cycle_open_collection(actor=staff, cycle=cycle, announce=False)
        else:
            livelihood.cycle_close_collection(actor=staff, cycle=cycle)
    assert visit()[1] > 0


def test_a_reached_milestone_and_a_new_item_render_the_home_page_afresh(
    staff, voted, django_capture_on_commit_callbacks
):
    project = lv.elected(voted)[0]
    item = project.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        milestone = livelihood.milestone_add(
            actor=staff, item=item, title="完成选址", due_date=timezone.localdate() + datetime.timedelta(days=30)
        )
    warm()
    with django_capture_on_commit_callbacks(execute=True):
        delivery.milestone_reach(actor=officer(item), milestone=milestone, reached_on=timezone.localdate())
    assert visit()[1] > 0
    warm()
    with django_capture_on_commit_callbacks(execute=True):
        livelihood.item_add(actor=staff, project=project, title="第1类项目第二子项")
    assert visit()[1] > 0
    project_page, _ = visit(reverse("livelihood:project", args=[project.pk]))
    assert "第1类项目第二子项" in project_page and "完成选址" in project_page


def test_a_refused_report_leaves_the_cached_page_alone(voted, django_capture_on_commit_callbacks):
    """Nothing written, nothing bumped: a value above the target is refused, the page stays cached."""
    item = lv.elected(voted)[0].items.get()
    warm()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError):
            lv.report(officer(item), item, value="11")
    assert visit()[1] == 0


# --- Liaison --------------------------------------------------------------------------------


@pytest.fixture
def station(city, deputy):
    station = StationFactory(congress=city, name="玄武区梅园新村街道代表联络站", street="梅园新村街道")
    station.deputies.add(deputy.mandate)
    return station


NINE, NOON = datetime.time(9), datetime.time(12)


def test_a_published_station_summary_shows_at_once(staff, station, django_capture_on_commit_callbacks):
    page = reverse("liaison:station", args=[station.pk])
    warm()
    with django_capture_on_commit_callbacks(execute=True):
        liaison.station_summary_publish(actor=staff, station=station, summary="本季度办结群众意见十二件。")

    assert visit()[1] > 0
    assert "本季度办结群众意见十二件。" in visit(page)[0]


def test_a_duty_scheduled_moved_and_cancelled_renders_the_pages_afresh(
    staff, station, deputy, django_capture_on_commit_callbacks
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = tomorrow + datetime.timedelta(days=1)
    page = reverse("liaison:station", args=[station.pk])
    warm()
    with django_capture_on_commit_callbacks(execute=True):
        duty = liaison.duty_schedule(
            actor=staff, station=station, deputy=deputy.mandate, date=tomorrow, start_time=NINE, end_time=NOON
        )
    assert visit()[1] > 0
    assert tomorrow.isoformat() in visit(page)[0]

    warm()
    with django_capture_on_commit_callbacks(execute=True):
        liaison.duty_update(actor=staff, duty=duty, date=later, start_time=NINE, end_time=NOON)
    assert visit()[1] > 0
    schedule = visit(page)[0]
    assert later.isoformat() in schedule and tomorrow.isoformat() not in schedule

    warm()
    with django_capture_on_commit_callbacks(execute=True):
        liaison.duty_cancel(actor=staff, duty=duty, reason="代表临时出差")
    assert visit()[1] > 0
    assert later.isoformat() not in visit(page)[0]


def test_the_station_count_follows_the_version(city, station):
    """The home page counts the active stations; a station closed shows once the version moves
    (station changes are made in the admin: see /tmp/shared-pcache.md)."""
    assert "1 station" in warm(client=english(Client()))
    Station.objects.filter(pk=station.pk).update(is_active=False)
    public_cache._bump()
    assert "0 stations" in home(english(Client()))
