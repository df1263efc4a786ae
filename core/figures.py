"""Dashboard figures kept in Django's cache until a write changes the records they count.

The director's dashboard and the staff dashboard (the admin index) count across every domain
table: dozens of aggregate queries, each cheap, together too slow for a page that is opened
all day. ``cached(parts, compute)`` keeps what ``compute()`` returned under a key made of the
caller's parts (the actor's scope, the filters, the language, today's date) and a version.

The version changes whenever a row of a domain app is inserted, updated or deleted, whatever
did it (a service, the admin, a bulk update, an import, a scan, raw SQL through Django): a
wrapper on every database connection (``watch_writes``, installed by ``core.apps``) looks at
each statement's verb and table. The bump is made at once and again after the transaction
commits (a request reading between the two would otherwise store the old figures under the
new version); within one transaction only once each. Stale entries are never read again and
expire on their own. ``TTL_SECONDS`` bounds what a write from outside Django (psql) could
leave behind.

With the cache down (``core.cache.FailSafeRedisCache`` answers every call as a miss), nothing
is kept and the figures are counted on each request, as before. Nothing here imports a
project app: the watched apps are named by label.
"""

import hashlib
import re
from collections.abc import Callable, Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone, translation

from core.public_cache import bump_version, read_version

VERSION_KEY = "figures:version"
TTL_SECONDS = 600

# The apps whose rows the dashboards count (accounts are in the key: the actor's scope), and
# the permissions (the admin's app list is kept per user: a group's permissions or a user's
# groups changing renews it).
WATCHED_APPS = ("deputies", "activities", "proposals", "liaison", "livelihood", "training", "publicity", "auth")

# The statement's verb and first table: INSERT (SQLite's "INSERT OR IGNORE" for conflicts
# skipped), UPDATE, DELETE; a TRUNCATE (of any tables) counts as a write to every table.
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+|IGNORE\s+)?INTO|UPDATE|DELETE\s+FROM|(TRUNCATE))\b\s*(?:TABLE\s+)?"?([A-Za-z0-9_]*)"?',
    re.IGNORECASE,
)
_tables: frozenset[str] | None = None
# Tables of other apps that kept figures and forms show (``watch``: the handling units).
_also_watched: set[str] = set()


def watch(model) -> None:
    """Writes to ``model``'s table renew the kept figures too (called from an app's ``ready``)."""
    global _tables
    _also_watched.add(model._meta.db_table)
    _tables = None


def watched_tables() -> frozenset[str]:
    global _tables
    if _tables is None:
        configs = [c for c in apps.get_app_configs() if c.label in WATCHED_APPS]
        names = {model._meta.db_table for config in configs for model in config.get_models(include_auto_created=True)}
        # The user's groups and own permissions (the user's other columns are read per request).
        names.update(field.remote_field.through._meta.db_table for field in get_user_model()._meta.many_to_many)
        names.update(_also_watched)
        _tables = frozenset(names)
    return _tables


def _bump() -> None:
    bump_version(VERSION_KEY)


def figures_changed(connection=None) -> None:
    """The records behind the figures changed: bump the version now and after the commit, once
    per transaction (outside one, the statement is the commit). Within a transaction that has
    itself read cached figures since (a test, a view that reads after it writes), each write
    bumps again, so that connection never reads its own stale figures."""
    connection = connection or db_connection
    if not connection.in_atomic_block:
        _bump()
        return
    # Django replaces the list of commit callbacks on every commit and rollback (of a
    # savepoint too): while it is the list ours went into, ours is still queued.
    queued = getattr(connection, "_figures_queue", None) is connection.run_on_commit
    if queued and not getattr(connection, "_figures_read", False):
        return
    connection._figures_read = False
    _bump()
    if not queued:
        transaction.on_commit(_bump, using=connection.alias, robust=True)
        connection._figures_queue = connection.run_on_commit


class _WriteWatcher:
    """A connection's execute wrapper: after a write to a watched table, ``figures_changed``."""

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        if match and (match.group(1) or match.group(2) in watched_tables()):
            figures_changed(self.connection)
        return result


def watch_writes(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: install the watcher on the new connection, once."""
    if not any(isinstance(w, _WriteWatcher) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_WriteWatcher(connection))


def current_version() -> int | None:
    return read_version(VERSION_KEY)


def cache_key(parts: Iterable) -> str | None:
    version = current_version()
    if version is None:
        return None
    text = "|".join(str(p) for p in (*parts, translation.get_language(), timezone.localdate().isoformat()))
    return f"figures:{version}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def cached(parts: Iterable, compute: Callable[[], dict]) -> dict:
    """``compute()``'s figures, from the cache when nothing they count has changed since.

    ``parts`` must name everything the figures depend on besides the records: the actor's scope
    and role, the filters. The language and today's date are added here. The dict returned
    carries ``counted_at``: when the figures were counted."""
    key = cache_key(parts)
    if db_connection.in_atomic_block:
        db_connection._figures_read = True
    if key is not None:
        found = cache.get(key)
        if found is not None:
            return found
    figures = {**compute(), "counted_at": timezone.now()}
    if key is not None:
        cache.set(key, figures, TTL_SECONDS)
    return figures
