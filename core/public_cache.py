"""The version of the public pages kept whole in Django's cache (``proposals/cache.py`` stores
and serves them; the home page, /proposals/… and the stories pages share it).

A cached page's key carries this version. Every write that changes what the public sees calls
``public_pages_changed()``, which adds one to the version after the transaction commits, so the
next anonymous request renders afresh; the stale entries are never read again and expire on
their own. It lives here, at the bottom layer, so that apps beside proposals (livelihood,
liaison) and above it can empty the cache without importing proposals: one version for every
public page, one ``incr`` to invalidate them all. Nothing here imports a project app.

With the cache down (``core.cache.FailSafeRedisCache`` answers every call as a miss) the bump is
lost quietly and ``current_version()`` answers None: the pages are then rendered each time.
"""

import time

from django.core.cache import cache
from django.db import transaction

# The key keeps its first name (from proposals), so a deployment keeps the version it has.
VERSION_KEY = "proposals:public-pages:version"


def _fresh_version() -> int:
    # After an eviction the version starts again above every number used before (microseconds;
    # far more than the bumps in between), so an old entry can never come back.
    return time.time_ns() // 1000


def bump_version(key: str) -> None:
    """Add one to the version kept under ``key`` (started afresh when missing)."""
    # add() first: incr() of a missing key raises, which FailSafeRedisCache would take for an
    # outage (and leave Redis alone for a few seconds).
    if cache.add(key, _fresh_version(), None):
        return
    try:
        cache.incr(key)
    except ValueError:  # evicted in between, or Redis down
        cache.set(key, _fresh_version(), None)


def read_version(key: str) -> int | None:
    """The version kept under ``key`` (started when missing); None with the cache down."""
    version = cache.get(key)
    if version is None:
        cache.add(key, _fresh_version(), None)
        version = cache.get(key)
    return version


def _bump() -> None:
    bump_version(VERSION_KEY)


def public_pages_changed() -> None:
    """The public pages may show something else now: drop them all from the cache, after commit
    (a request between the bump and the commit would otherwise store the old page anew).
    Outside a transaction the bump is made at once; in a transaction that rolls back, never."""
    transaction.on_commit(_bump)


def current_version() -> int | None:
    """The version the cached pages' keys carry now (started when missing); None with the cache down."""
    return read_version(VERSION_KEY)
