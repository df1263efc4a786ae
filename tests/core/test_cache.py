"""With Redis stopped the site keeps working: the cache behaves as empty, sessions come from
the database, logins and saves go through, and no call waits long."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.cache import FailSafeRedisCache
from proposals.models import Suggestion
from tests.builders import field

# Nothing listens on port 1: every connection is refused at once, as when Redis is stopped.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _forget_outages():
    # The back-off is process-wide: an outage seen by one test must not reach the next.
    FailSafeRedisCache._down_until = 0.0
    yield
    FailSafeRedisCache._down_until = 0.0


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": DEAD_REDIS}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield


def test_every_cache_call_is_a_quick_miss(redis_down):
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    cache.set("k", 1)
    assert cache.add("k", 1) is True  # claims go through rather than refuse everyone
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")
    assert time.monotonic() - started < 3


def test_a_hung_redis_gives_up_within_the_timeouts():
    """A listening socket that never answers (a hung Redis) costs a call at most the timeouts."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        port = server.getsockname()[1]
        hung = FailSafeRedisCache(f"redis://127.0.0.1:{port}/0", {})
        started = time.monotonic()
        assert hung.get("k", "miss") == "miss"
        assert time.monotonic() - started < 2
    finally:
        server.close()


def test_after_a_failure_redis_is_left_alone_for_a_while():
    """A hung Redis costs one timeout, then calls answer at once until the back-off ends."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        hung = FailSafeRedisCache(f"redis://127.0.0.1:{server.getsockname()[1]}/0", {})
        assert hung.get("k", "miss") == "miss"  # pays the timeout
        started = time.monotonic()
        for _ in range(20):
            assert hung.get("k", "miss") == "miss"
            assert hung.add("k", 1) is True
        assert time.monotonic() - started < 0.1
        # Once the back-off has passed, Redis is tried again (and, still hung, costs the timeout).
        FailSafeRedisCache._down_until = time.monotonic() - 1
        started = time.monotonic()
        assert hung.get("k", "miss") == "miss"
        assert time.monotonic() - started >= 0.4
    finally:
        server.close()


@pytest.mark.django_db
def test_with_redis_down_a_deputy_logs_in_and_saves_a_draft(client, deputy, redis_down):
    started = time.monotonic()
    login = client.post("/accounts/login/", {"login": deputy.email, "password": "correct-horse-42"})
    assert login.status_code == 302
    response = client.post(
        reverse("proposals_portal:new"),
        {"kind": "suggestion", "title": "停车难", "body": "正文", "field": field().pk, "session": "", "action": "save"},
    )
    assert response.status_code == 302
    assert Suggestion.objects.filter(title="停车难", lead_deputy=deputy.mandate).exists()
    assert client.get(reverse("proposals_portal:list")).status_code == 200
    assert time.monotonic() - started < 10
