"""The public page cache (proposals/cache.py): anonymous pages stored whole, never anyone's CSRF
token or a logged-in page, and every write that changes a public page shows on the next request."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.cache import FailSafeRedisCache
from deputies.models import StandingCommitteeMember
from proposals import cache as page_cache
from proposals import services
from proposals.models import Assignment, Attachment, Commitment, Rating, Reply, Suggestion

from ..builders import (
    english,
    handled,
    make_officer,
    pdf,
    rate,
    replied,
    reply,
)

# Real Redis (one database for the module): its tests run in one process under pytest-xdist.
pytestmark = pytest.mark.xdist_group("redis-db-9")

LIST = reverse("proposals:list")
FEED = reverse("proposals:feed")
STATS = reverse("proposals:unit_stats")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def detail(pk: int) -> str:
    return reverse("proposals:detail", args=[pk])


@pytest.fixture
def cached(settings):
    """The page cache on (the tests' default is off), in a namespace of its own."""
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 0
    page_cache._bump()
    yield
    page_cache._bump()
    # A test that stopped "Redis" leaves the process's backoff set: other tests must not inherit it.
    FailSafeRedisCache._down_until = 0.0


@pytest.fixture
def item(deputy, staff, unit_officer):
    return handled(deputy, staff, [unit_officer], title="关于缓解老旧小区停车难问题的建议")


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


# --- What is stored, and for whom ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["list", "search", "detail", "feed", "stats"])
def test_a_second_anonymous_request_costs_no_query_and_gets_the_same_page(
    client, cached, item, url, django_assert_num_queries
):
    url = {"list": LIST, "search": LIST + "?q=停车", "detail": detail(item.pk), "feed": FEED, "stats": STATS}[url]
    first = client.get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)

    assert second.status_code == 200
    assert without_tokens(text(second)) == without_tokens(text(first))
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.django_db
def test_each_visitor_gets_a_working_csrf_token_of_their_own(cached, item):
    """GIVEN a page cached for one visitor WHEN another visitor is served it THEN the language
    form carries a token of the second visitor's own, which their CSRF cookie accepts."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = TOKEN.search(text(first.get(LIST))).group(1)
    html = text(second.get(LIST))
    tokens = TOKEN.findall(html)

    assert tokens and first_token not in tokens
    assert "\x00" not in html
    assert second.cookies["csrftoken"].value  # set by this visit, as when rendered
    answer = second.post(reverse("set_language"), {"language": "en", "next": LIST, "csrfmiddlewaretoken": tokens[0]})
    assert answer.status_code == 302
    refused = Client(enforce_csrf_checks=True).post(
        reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": tokens[0]}
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_logged_in_users_are_never_served_or_stored(client, cached, item, deputy):
    anonymous = text(Client().get(LIST))
    assert 'class="user-name"' not in anonymous
    client.force_login(deputy)

    mine = text(client.get(LIST))

    assert 'class="user-name"' in mine  # their own header, not the anonymous page
    assert 'class="user-name"' not in text(Client().get(LIST))  # and their page was not stored


@pytest.mark.django_db
def test_a_visitor_with_a_message_waiting_sees_it_and_the_page_is_not_stored(cached, item, deputy):
    """Logging out leaves the visitor anonymous with a message: it is shown, not cached for others."""
    Client().get(LIST)  # cached without a message
    visitor = Client()
    visitor.force_login(deputy)
    visitor.post(reverse("account_logout"))

    shown = text(visitor.get(LIST))

    assert 'class="messages"' in shown
    assert 'class="messages"' not in text(Client().get(LIST))


@pytest.mark.django_db
def test_languages_are_cached_apart(cached, item):
    chinese = text(Client().get(LIST))
    in_english = text(english(Client()).get(LIST))

    assert "Suggestions and replies" in in_english and "Suggestions and replies" not in chinese
    assert "Suggestions and replies" not in text(Client().get(LIST))


@pytest.mark.django_db
def test_only_successful_get_answers_are_stored(cached, item):
    missing = detail(item.pk + 1000)
    assert Client().get(missing).status_code == 404
    assert Client().get(missing).status_code == 404
    assert Client().post(LIST).status_code == 405


@pytest.mark.django_db
def test_with_redis_down_pages_are_rendered_each_time(settings, cached, item, django_assert_max_num_queries):
    """A stopped Redis: every cache call is a miss, the pages are still served (uncached)."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": "redis://127.0.0.1:1/9"}}
    try:
        for _ in range(2):
            html = text(Client().get(LIST))
            assert item.title in html
        with page_cache.transaction.atomic():
            page_cache.public_pages_changed()  # the bump is lost, quietly
    finally:
        FailSafeRedisCache._down_until = 0.0


@pytest.mark.django_db
def test_on_redis_the_version_bump_empties_the_cache(settings, cached, item, staff, django_capture_on_commit_callbacks):
    """The real backend (db 9, keys under a prefix of this test): stored, served, invalidated."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSafeRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": f"test-public-cache-{datetime.datetime.now().timestamp()}",
            "TIMEOUT": 60,
        }
    }
    try:
        assert item.title in text(Client().get(LIST))
        assert cache.get(page_cache.VERSION_KEY) is not None, "Redis at 127.0.0.1:6379 is needed here"
        version = cache.get(page_cache.VERSION_KEY)
        with django_capture_on_commit_callbacks(execute=True):
            services.suggestion_set_published(actor=staff, suggestion=item, published=False)

        assert cache.get(page_cache.VERSION_KEY) == version + 1
        assert item.title not in text(Client().get(LIST))
        cache.delete(page_cache.VERSION_KEY)
    finally:
        FailSafeRedisCache._down_until = 0.0


# --- Each write shows on the next anonymous request ------------------------------------------


def warm(*urls) -> dict[str, str]:
    """Each page requested twice (the second from the cache)."""
    pages = {}
    for url in urls:
        Client().get(url)
        pages[url] = text(Client().get(url))
    return pages


@pytest.mark.django_db
def test_publication_shows_at_once(cached, deputy, staff, unit_officer, django_capture_on_commit_callbacks):
    hidden = handled(deputy, staff, [unit_officer], title="关于增设公交微循环线路的建议", publish=False)
    before = warm(LIST, LIST + "?q=公交", FEED)
    assert all(hidden.title not in html for html in before.values())
    assert Client().get(detail(hidden.pk)).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_set_published(actor=staff, suggestion=hidden, published=True)

    assert hidden.title in text(Client().get(LIST))
    assert hidden.title in text(Client().get(LIST + "?q=公交"))
    assert hidden.title in text(Client().get(FEED))
    assert hidden.title in text(Client().get(detail(hidden.pk)))


@pytest.mark.django_db
def test_unpublication_shows_at_once(cached, item, staff, django_capture_on_commit_callbacks):
    before = warm(LIST, LIST + "?q=停车", FEED, detail(item.pk))
    assert all(item.title in html for html in before.values())

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_set_published(actor=staff, suggestion=item, published=False)

    assert item.title not in text(Client().get(LIST))
    assert item.title not in text(Client().get(LIST + "?q=停车"))
    assert item.title not in text(Client().get(FEED))
    assert Client().get(detail(item.pk)).status_code == 404


@pytest.mark.django_db
def test_a_new_reply_shows_at_once(cached, deputy, staff, unit_officer, django_capture_on_commit_callbacks):
    """GIVEN a published item sent back for handling again WHEN the unit replies a second time
    THEN the detail, the feed and the search show the new reply."""
    suggestion, assignment, first = replied(deputy, staff, unit_officer, code="A", text="第一次答复。")
    services.suggestion_set_published(actor=staff, suggestion=suggestion, published=True)
    rate(deputy, first, Rating.Value.UNSATISFIED, comment="未落实")
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.REHANDLING
    warm(detail(suggestion.pk), FEED, LIST + "?q=微循环")

    with django_capture_on_commit_callbacks(execute=True):
        reply(unit_officer, suggestion, code="A", text="已开通社区微循环公交线路。")

    assert "已开通社区微循环公交线路" in text(Client().get(detail(suggestion.pk)))
    assert "已开通社区微循环公交线路" in text(Client().get(FEED))
    assert suggestion.title in text(Client().get(LIST + "?q=微循环"))


@pytest.mark.django_db
def test_a_rating_shows_at_once(cached, deputy, staff, unit_officer, django_capture_on_commit_callbacks):
    suggestion, _assignment, the_reply = replied(deputy, staff, unit_officer, code="A")
    services.suggestion_set_published(actor=staff, suggestion=suggestion, published=True)
    page = detail(suggestion.pk)
    english(Client()).get(page)
    assert "Not yet rated" in text(english(Client()).get(page))

    with django_capture_on_commit_callbacks(execute=True):
        rate(deputy, the_reply, Rating.Value.SATISFIED)

    html = text(english(Client()).get(page))
    assert "Not yet rated" not in html and "Satisfied" in html


@pytest.mark.django_db
def test_an_attachment_cleared_and_withdrawn_shows_at_once(
    cached, item, staff, deputy, django_capture_on_commit_callbacks
):
    attachment = services.attachment_add(actor=staff, suggestion=item, upload=pdf("现场照片说明.pdf"))
    assert Attachment.objects.get(pk=attachment.pk).public is False
    assert "现场照片说明.pdf" not in warm(detail(item.pk))[detail(item.pk)]

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_set_public(actor=staff, attachment=attachment, public=True)
    assert "现场照片说明.pdf" in text(Client().get(detail(item.pk)))

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_set_public(actor=staff, attachment=attachment, public=False)
    assert "现场照片说明.pdf" not in text(Client().get(detail(item.pk)))


@pytest.mark.django_db
def test_a_fulfilled_commitment_shows_at_once(cached, deputy, staff, unit_officer, django_capture_on_commit_callbacks):
    suggestion, _assignment, the_reply = replied(deputy, staff, unit_officer, code="B")
    services.suggestion_set_published(actor=staff, suggestion=suggestion, published=True)
    commitment = Commitment.objects.get(reply=the_reply)
    page = detail(suggestion.pk)
    warm(page)
    before = text(english(Client()).get(page))
    assert "Fulfilled" not in before

    with django_capture_on_commit_callbacks(execute=True):
        services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="已完成", fulfilled=True)

    assert "Fulfilled" in text(english(Client()).get(page))


@pytest.mark.django_db
def test_key_supervision_shows_at_once(cached, item, staff, deputy, term, django_capture_on_commit_callbacks):
    leader = StandingCommitteeMember.objects.create(
        term=term, deputy=deputy.mandate, position="director", start_date=datetime.date(2023, 1, 1)
    )
    page = detail(item.pk)
    warm(page)

    with django_capture_on_commit_callbacks(execute=True):
        services.key_supervision_select(
            actor=staff, suggestion=item, sc_leader=leader, government_leader="王副市长", committee="城建环资委"
        )

    assert "王副市长" in text(Client().get(page))


@pytest.mark.django_db
def test_statistics_follow_a_new_assignment(
    cached, deputy, staff, unit_officer, item, django_capture_on_commit_callbacks
):
    """The statistics count every assignment, published or not: assigning a new item changes them."""
    police = make_officer(item.congress, "示例市公安局")
    before = warm(STATS)[STATS]
    assert "示例市公安局" not in before

    with django_capture_on_commit_callbacks(execute=True):
        from ..builders import assigned

        assigned(deputy, staff, [police])

    assert "示例市公安局" in text(Client().get(STATS))
    assert Assignment.objects.filter(unit=police.unit).exists() and Reply.objects.exists()
