"""The public pages: the stories (published only, newest first, by year), one story with its
photos and deputies, the photos (only while public), and a deputy's public profile (what the
public may know, never the private contact details); exact query counts with few and many rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.models import Deputy
from liaison.models import Duty, Station
from proposals.models import CoSigner, Suggestion
from publicity.views import public as public_views

from .. import factories
from . import builders

pytestmark = pytest.mark.django_db

STORIES = reverse("publicity:stories")
MOBILE = "13800009876"
ID_NUMBER = "11010119900307451X"
ADDRESS = "示例市玄武区秘密路8号"
EMAIL = "private-deputy@example.org"


def story_url(pk):
    return reverse("publicity:story", args=[pk])


def profile_url(pk):
    return reverse("publicity:deputy", args=[pk])


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def mandate(city, term, electoral_unit):
    """A serving, public deputy with every private detail filled in."""
    return factories.DeputyFactory(
        congress=city,
        term=term,
        electoral_unit=electoral_unit,
        name="王代表",
        mobile=MOBILE,
        id_number=ID_NUMBER,
        address=ADDRESS,
        email=EMAIL,
        occupation="社区书记",
        employer="示例市玄武区梅园街道某社区党委书记",
        public_bio="长期从事社区工作。",
    )


def _assert_no_private(html: str):
    for secret in (MOBILE, ID_NUMBER, ADDRESS, EMAIL, "1380000987"):
        assert secret not in html


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_published_stories_newest_first(client, city, mandate):
    old = builders.story(city, title="旧的故事", published_on=datetime.date(2024, 3, 1), deputies=[mandate])
    new = builders.story(city, title="新的故事", published_on=datetime.date(2025, 6, 1))
    builders.story(city, title="草稿故事", published=False)
    html = text(client.get(STORIES))
    assert "草稿故事" not in html
    assert html.index(new.title) < html.index(old.title)
    assert "王代表" in html and "摘要" in html
    _assert_no_private(html)


def test_the_list_filters_by_year_and_ignores_a_year_without_stories(client, city):
    builders.story(city, title="二四年的故事", published_on=datetime.date(2024, 3, 1))
    builders.story(city, title="二五年的故事", published_on=datetime.date(2025, 6, 1))
    html = text(client.get(STORIES, {"year": "2024"}))
    assert "二四年的故事" in html and "二五年的故事" not in html
    for bad in ("1999", "abc", "-1", "2024.0"):
        html = text(client.get(STORIES, {"year": bad}))
        assert "二四年的故事" in html and "二五年的故事" in html


def test_the_list_pages(client, city):
    for n in range(public_views.PAGE_SIZE + 1):
        builders.story(city, title=f"分页故事{n:02d}", published_on=datetime.date(2025, 1, 1) + datetime.timedelta(n))
    first = text(client.get(STORIES))
    second = text(client.get(STORIES, {"page": "2"}))
    assert "分页故事00" not in first and "分页故事00" in second
    assert client.get(STORIES, {"page": "x"}).status_code == 200


def test_the_list_says_when_there_is_nothing(client, db):
    assert "还没有发布的履职故事" in text(client.get(STORIES))


def _list_world(city, deputies, n):
    for _i in range(n):
        story = builders.story(city, deputies=deputies)
        for k in range(2):
            builders.photo(story, order=k)


@pytest.mark.parametrize("n", [2, 12])
def test_the_list_costs_the_same_queries_with_few_and_many_stories(
    client, city, term, electoral_unit, n, django_assert_num_queries
):
    deputies = [factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit) for _ in range(3)]
    _list_world(city, deputies, n)
    # Years, count, the page's stories, their deputies, their photos.
    with django_assert_num_queries(5):
        response = client.get(STORIES)
    assert response.status_code == 200


# --- One story --------------------------------------------------------------------------------------


def test_a_story_shows_its_photos_and_links_its_public_deputies(client, city, term, electoral_unit, mandate):
    hidden = factories.DeputyFactory(
        congress=city, term=term, electoral_unit=electoral_unit, name="隐藏代表", is_public=False
    )
    gone = factories.DeputyFactory(
        congress=city, term=term, electoral_unit=electoral_unit, name="离任代表", status=Deputy.Status.TERMINATED
    )
    story = builders.story(city, body="第一段。\n\n- 要点一\n- 要点二", deputies=[mandate, hidden, gone])
    photo = builders.photo(story, caption="代表在现场")
    html = text(client.get(story_url(story.pk)))
    assert "<li>要点一</li>" in html
    assert reverse("publicity:photo", args=[photo.pk]) in html and "代表在现场" in html
    assert f'href="{profile_url(mandate.pk)}"' in html
    assert "隐藏代表" not in html and "离任代表" not in html
    _assert_no_private(html)


def test_an_unpublished_or_unknown_story_answers_404(client, city):
    draft = builders.story(city, published=False)
    assert client.get(story_url(draft.pk)).status_code == 404
    assert client.get(story_url(999999)).status_code == 404


def test_the_story_text_is_escaped(client, city):
    story = builders.story(city, body="<img src=x onerror=alert(1)>正文")
    html = text(client.get(story_url(story.pk)))
    assert "<img src=x" not in html and "&lt;img src=x" in html


@pytest.mark.parametrize("n", [1, 10])
def test_a_story_costs_the_same_queries_with_few_and_many_photos_and_deputies(
    client, city, term, electoral_unit, n, django_assert_num_queries
):
    deputies = [factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit) for _ in range(n)]
    story = builders.story(city, deputies=deputies)
    for k in range(n):
        builders.photo(story, order=k)
    # The story with its congress, its deputies, its photos.
    with django_assert_num_queries(3):
        response = client.get(story_url(story.pk))
    assert response.status_code == 200


# --- Photos ------------------------------------------------------------------------------------------


def test_a_photo_is_served_while_its_story_is_published(client, city, staff):
    from publicity import services

    story = builders.story(city)
    photo = builders.photo(story)
    url = reverse("publicity:photo", args=[photo.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    services.story_set_published(actor=staff, story=story, published=False)
    assert client.get(url).status_code == 404
    assert client.get(reverse("publicity:photo", args=[999999])).status_code == 404


def test_a_draft_photo_is_shown_to_staff_of_its_congress_only(client, city, district, staff, district_staff):
    photo = builders.photo(builders.story(city, published=False))
    url = reverse("publicity:photo", args=[photo.pk])
    assert client.get(url).status_code == 404
    client.force_login(district_staff)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


# --- The deputy's profile -----------------------------------------------------------------------------


def _suggestion(mandate, staff, *, title, published=True, status=Suggestion.Status.CLOSED, number=None):
    return Suggestion.objects.create(
        congress_id=mandate.congress_id,
        title=title,
        body="正文",
        lead_deputy=mandate,
        status=status,
        number=number,
        number_series="十七届三次" if number else "",
        created_by=staff,
        submitted_at=timezone.now(),
        published=published,
        published_at=timezone.now() if published else None,
    )


def _station(city, name, *, active=True):
    return Station.objects.create(
        congress=city, district="玄武区", street="梅园新村街道", name=name, address="示例路1号", is_active=active
    )


def _duty(station, deputy, day, hour=9):
    return Duty.objects.create(
        station=station, deputy=deputy, date=day, start_time=datetime.time(hour), end_time=datetime.time(hour + 2)
    )


def test_the_profile_shows_what_the_public_may_know(client, city, term, electoral_unit, staff, mandate, deputy):
    group = factories.DeputyGroupFactory(congress=city, term=term, name="梅园代表小组")
    group.members.add(mandate)
    led = _suggestion(mandate, staff, title="关于增设停车位的建议", number=12)
    _suggestion(mandate, staff, title="尚未公开的建议", published=False)
    _suggestion(mandate, staff, title="已办未发布的建议", published=False, status=Suggestion.Status.REPLIED)
    other = _suggestion(deputy.mandate, staff, title="联名的建议")
    CoSigner.objects.create(suggestion=other, deputy=mandate, status=CoSigner.Status.CONFIRMED)
    declined = _suggestion(deputy.mandate, staff, title="拒绝联名的建议")
    CoSigner.objects.create(suggestion=declined, deputy=mandate, status=CoSigner.Status.DECLINED)
    story = builders.story(city, title="王代表的故事", deputies=[mandate])
    builders.story(city, title="王代表的草稿", deputies=[mandate], published=False)
    builders.story(city, title="别人的故事", deputies=[deputy.mandate])
    today = timezone.localdate()
    station = _station(city, "梅园代表联络站")
    station.deputies.add(mandate)
    _station(city, "已关闭的联络站", active=False).deputies.add(mandate)
    _duty(station, mandate, today + datetime.timedelta(days=3))
    _duty(station, mandate, today - datetime.timedelta(days=3), hour=13)
    _duty(station, mandate, today + datetime.timedelta(days=40), hour=15)
    cancelled = _duty(station, mandate, today + datetime.timedelta(days=5), hour=8)
    Duty.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())

    html = text(client.get(profile_url(mandate.pk)))
    for shown in (
        "王代表",
        city.name,
        "第十七届",
        "玄武区",
        "梅园代表小组",
        "社区书记",
        "梅园街道某社区党委书记",
        "长期从事社区工作。",
    ):
        assert shown in html, shown
    assert "关于增设停车位的建议" in html and "十七届三次第12号" in html
    assert reverse("proposals:detail", args=[led.pk]) in html
    assert "联名的建议" in html
    assert "尚未公开的建议" not in html and "已办未发布的建议" not in html and "拒绝联名的建议" not in html
    assert "王代表的故事" in html and story_url(story.pk) in html
    assert "王代表的草稿" not in html and "别人的故事" not in html
    assert "梅园代表联络站" in html and "已关闭的联络站" not in html
    assert (today + datetime.timedelta(days=3)).isoformat() in html
    for absent_day in (-3, 40, 5):
        assert (today + datetime.timedelta(days=absent_day)).isoformat() not in html
    _assert_no_private(html)


def test_the_profile_of_a_deputy_without_anything_yet(client, mandate):
    response = client.get(profile_url(mandate.pk))
    assert response.status_code == 200
    _assert_no_private(text(response))


@pytest.mark.parametrize(
    "change",
    [
        {"status": Deputy.Status.TERMINATED},
        {"status": Deputy.Status.SUSPENDED},
        {"status": Deputy.Status.PENDING},
        {"is_public": False},
    ],
)
def test_a_mandate_that_is_not_public_answers_404(client, mandate, change):
    Deputy.objects.filter(pk=mandate.pk).update(**change)
    assert client.get(profile_url(mandate.pk)).status_code == 404


def test_an_unknown_deputy_answers_404(client, db):
    assert client.get(profile_url(999999)).status_code == 404


@pytest.mark.parametrize("n", [1, 8])
def test_the_profile_costs_the_same_queries_with_few_and_many_rows(
    client, city, term, staff, mandate, n, django_assert_num_queries
):
    today = timezone.localdate()
    station = _station(city, "梅园代表联络站")
    for i in range(n):
        factories.DeputyGroupFactory(congress=city, term=term).members.add(mandate)
        _suggestion(mandate, staff, title=f"建议{i}", number=i + 1)
        builders.story(city, deputies=[mandate])
        extra = _station(city, f"联络站{i}")
        extra.deputies.add(mandate)
        _duty(station, mandate, today + datetime.timedelta(days=i))
    # The mandate, its groups, suggestions, stories, stations and coming duty.
    with django_assert_num_queries(6):
        response = client.get(profile_url(mandate.pk))
    assert response.status_code == 200
