"""The public pages' cache version (core/public_cache.py): at the bottom layer, so that any app
may empty the cache; bumped only after a commit; above every earlier number after an eviction;
re-exported by proposals.cache, whose pages (and the home page) follow it."""

import ast
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import public_cache
from core.cache import FailSafeRedisCache
from proposals import cache as page_cache

SOURCE = Path(public_cache.__file__)


def top_level_imports(path: Path) -> set[str]:
    """The top-level packages a module imports (no relative import allowed)."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            modules.add(node.module.split(".")[0])
    return modules


@pytest.fixture
def local_cache(settings):
    """A local-memory cache of this test's own (no Redis), with the page cache on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"pcache-core-{uuid.uuid4().hex}",
        }
    }
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 0
    yield
    cache.clear()


def version():
    return cache.get(public_cache.VERSION_KEY)


def test_the_module_imports_nothing_but_the_standard_library_and_django():
    """GIVEN core, the bottom layer WHEN its imports are read THEN none is of a project app."""
    modules = top_level_imports(SOURCE)
    assert modules == {"time", "django"}


def test_proposals_cache_re_exports_the_same_version_and_bump():
    assert page_cache.VERSION_KEY is public_cache.VERSION_KEY
    assert page_cache._bump is public_cache._bump
    assert page_cache._fresh_version is public_cache._fresh_version
    assert page_cache.public_pages_changed is public_cache.public_pages_changed
    assert page_cache._version is public_cache.current_version
    assert page_cache.transaction is transaction  # callers wrap their writes in it


def test_a_missing_version_starts_fresh_and_each_bump_adds_one(local_cache):
    assert version() is None
    public_cache._bump()
    first = version()
    assert first >= public_cache._fresh_version() - 60_000_000  # microseconds: started just now
    public_cache._bump()
    public_cache._bump()
    assert version() == first + 2


def test_current_version_starts_a_missing_one_and_then_keeps_it(local_cache):
    started = public_cache.current_version()
    assert started is not None and version() == started
    assert public_cache.current_version() == started


def test_after_an_eviction_the_version_is_above_every_earlier_one(local_cache):
    """GIVEN a version bumped a few times WHEN the key is evicted THEN the next one is higher, so
    a page stored under an old number can never be served again."""
    public_cache._bump()
    for _ in range(3):
        public_cache._bump()
    before = version()
    cache.delete(public_cache.VERSION_KEY)
    assert public_cache.current_version() > before
    cache.delete(public_cache.VERSION_KEY)
    public_cache._bump()
    assert version() > before


@pytest.mark.django_db
def test_the_bump_waits_for_the_commit(local_cache, django_capture_on_commit_callbacks):
    before = public_cache.current_version()
    with django_capture_on_commit_callbacks() as callbacks:
        public_cache.public_pages_changed()
        assert version() == before  # not while the transaction is open
    assert version() == before
    for callback in callbacks:
        callback()
    assert version() == before + 1


@pytest.mark.django_db
def test_a_rolled_back_change_never_bumps(local_cache, django_capture_on_commit_callbacks):
    before = public_cache.current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                public_cache.public_pages_changed()
                raise RuntimeError("the write failed")
    assert callbacks == []
    assert version() == before


@pytest.mark.django_db
def test_one_bump_empties_the_home_page_and_the_proposals_pages(local_cache, django_capture_on_commit_callbacks):
    """GIVEN the home page and the suggestions list cached WHEN core's bump runs THEN both are
    rendered afresh on the next anonymous request (then cached again)."""
    pages = ["/", reverse("proposals:list")]
    for url in pages:
        assert Client().get(url).status_code == 200
        with CaptureQueriesContext(connection) as again:
            assert Client().get(url).status_code == 200
        assert len(again.captured_queries) == 0, url

    with django_capture_on_commit_callbacks(execute=True):
        public_cache.public_pages_changed()

    for url in pages:
        with CaptureQueriesContext(connection) as fresh:
            assert Client().get(url).status_code == 200
        assert len(fresh.captured_queries) > 0, url
        with CaptureQueriesContext(connection) as again:
            Client().get(url)
        assert len(again.captured_queries) == 0, url


@pytest.mark.django_db
def test_with_the_cache_down_the_bump_is_lost_quietly_and_there_is_no_version(settings):
    """A stopped Redis (nothing listens on port 1): no error, no version, pages rendered each time."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": "redis://127.0.0.1:1/9"}}
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    try:
        public_cache._bump()
        assert public_cache.current_version() is None
        assert Client().get("/").status_code == 200
    finally:
        FailSafeRedisCache._down_until = 0.0
