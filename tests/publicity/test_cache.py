"""The stories pages share the proposals page cache: a second anonymous visit costs no query, and
publishing, withdrawing or editing a story in the admin shows at once."""

import pytest
from django.urls import reverse

from proposals import cache as page_cache
from publicity import services

from . import builders

pytestmark = pytest.mark.django_db

STORIES = reverse("publicity:stories")


@pytest.fixture
def cached(settings):
    """The page cache on (the tests' default is off), in a namespace of its own."""
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    page_cache._bump()
    yield
    page_cache._bump()


def test_a_second_anonymous_visit_costs_no_query(client, cached, city, django_assert_num_queries):
    story = builders.story(city, title="缓存的故事")
    for url in (STORIES, reverse("publicity:story", args=[story.pk])):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200 and "缓存的故事" in second.content.decode()
        assert len(second.content) > 0 and first.status_code == 200


def test_publishing_and_withdrawing_refresh_the_pages(client, cached, city, staff, django_capture_on_commit_callbacks):
    draft = builders.story(city, title="新发布的故事", published=False)
    assert "新发布的故事" not in client.get(STORIES).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_set_published(actor=staff, story=draft, published=True)
    assert "新发布的故事" in client.get(STORIES).content.decode()
    url = reverse("publicity:story", args=[draft.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.story_set_published(actor=staff, story=draft, published=False)
    assert "新发布的故事" not in client.get(STORIES).content.decode()
    assert client.get(url).status_code == 404


def test_an_edit_in_the_admin_refreshes_the_pages(client, cached, city, staff, django_capture_on_commit_callbacks):
    story = builders.story(city, title="旧标题")
    assert "旧标题" in client.get(STORIES).content.decode()
    editor = client.__class__()
    editor.force_login(staff)
    data = {
        "congress": city.pk,
        "title": "新标题",
        "summary": "",
        "body": "正文",
        "published_on": story.published_on.isoformat(),
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "12",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("admin:publicity_story_change", args=[story.pk]), data)
    assert response.status_code == 302
    html = client.get(STORIES).content.decode()
    assert "新标题" in html and "旧标题" not in html
