"""A Redis cache that a Redis outage cannot turn into a server error.

Sessions are cached in Redis in front of the database (``cached_db``) and the login rate
limits count there. If Redis is stopped or hangs, every cache call here fails fast (short
socket timeouts) and behaves as a miss: reads return the default, writes are dropped. Sessions
then come from the database, saves go through, and the rate limits count nothing until Redis
returns (they open rather than lock everyone out). Each outage is logged once a minute.

After a failure the process leaves Redis alone for ``BACKOFF_SECONDS``: a hung Redis then
costs one timeout per process every few seconds, not one per cache call (a login makes
several), and requests stay fast while it is away.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Connecting and each command give up after this long, so a hung Redis costs a request at
# most a few of these, not the client's default of no limit.
DEFAULT_TIMEOUT_SECONDS = 0.5
BACKOFF_SECONDS = 5.0


class FailSafeRedisCache(RedisCache):
    _last_warning = 0.0
    # Monotonic time until which this process does not try Redis (shared by every alias).
    _down_until = 0.0

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", DEFAULT_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", DEFAULT_TIMEOUT_SECONDS)
        options.setdefault("retry_on_timeout", False)
        params["OPTIONS"] = options
        super().__init__(server, params)

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        FailSafeRedisCache._down_until = now + BACKOFF_SECONDS
        if now - FailSafeRedisCache._last_warning > 60:
            FailSafeRedisCache._last_warning = now
            logger.warning("Cache unavailable (%s: %s); serving without it", operation, exc.__class__.__name__)


def _safe(name: str, fallback):
    original = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if time.monotonic() < FailSafeRedisCache._down_until:
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            return original(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - redis raises ConnectionError, TimeoutError, OSError…
            self._failed(name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    method.__doc__ = original.__doc__
    return method


def _default(key, default=None, *args, **kwargs):
    return default


def _incr_missing(key, delta=1, version=None):
    # Django's contract for a missing key; callers such as rate limits treat it as a miss.
    raise ValueError(f"Key {key!r} not found (cache unavailable)")


for _name, _fallback in {
    "get": _default,
    "set": None,
    # "Added": callers that claim with add() (the login rate limits, an import's double-click
    # guard) carry on rather than refuse everyone while Redis is away.
    "add": True,
    "delete": False,
    "touch": False,
    "has_key": False,
    "get_many": {},
    "set_many": [],
    "delete_many": None,
    "clear": False,
    "incr": _incr_missing,
}.items():
    setattr(FailSafeRedisCache, _name, _safe(_name, _fallback))
