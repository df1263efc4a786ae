"""Stored renditions of the public pages' parts (PostgreSQL): rendered when an item changes, not
each time it is read.

A published item's public HTML (the detail page's content, its row on the list, the feed's
entry of each of its replies) is kept in ``PublicRendition``, one row per part and language, with
the item's ``public_revision`` at the time it was read. That column is raised by the database
itself on every write that can change what the item's public pages show (the triggers of
migration 0013: the item, its co-signers, assignments, replies, ratings, commitments,
attachments, key supervision, and the names of its units, deputies, electoral units, session,
field, reply categories and SC leader). A rendition counts only while its revision is the item's
and its ``stamp`` the running code's (a hash of the templates and translations that draw it), so
the request right after a change renders the part afresh and stores it again: nothing waits for
an expiry, and no service has to remember to clear anything.

The revision is read before the data the part is drawn from: a write committed in between
raises the revision past the stored one, so a part drawn from newer data than its revision says
is thrown away, never the other way round. Storing is an upsert that never replaces a newer
revision. With SQLite (no triggers) or ``PROPOSALS_RENDITIONS = False`` the parts are drawn from
the models on every request.
"""

import hashlib
import threading
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError, connection, transaction

from core import prepared

from .models import PublicRendition, Suggestion
from .selectors.public import PUBLIC_STATUSES, ReplyKey, reply_keys_sql

# Raised by hand when the Python that draws a part (views.public.list_rows, the feed's entry)
# changes its markup; templates and translations are hashed.
FORMAT = 1
_TEMPLATES = ("proposals/templates/proposals/public/_detail_content.html",)

_stamp: str | None = None
_lock = threading.Lock()


def _reset(**kwargs) -> None:
    global _stamp
    _stamp = None


setting_changed.connect(_reset)


def enabled() -> bool:
    return connection.vendor == "postgresql" and getattr(settings, "PROPOSALS_RENDITIONS", True)


def stamp() -> str:
    """What the stored parts were drawn with: this code's markup, templates and translations."""
    global _stamp
    if _stamp is None:
        root = Path(settings.BASE_DIR)
        digest = hashlib.blake2b(digest_size=12)
        digest.update(f"{FORMAT}:{settings.TIME_ZONE}:{settings.LANGUAGE_CODE}".encode())
        for name in _TEMPLATES:
            digest.update((root / name).read_bytes())
        for path in sorted(root.glob("locale/*/LC_MESSAGES/django.mo")):
            digest.update(path.read_bytes())
        with _lock:
            _stamp = digest.hexdigest()
    return _stamp


_PUBLIC = "s.published AND s.status IN ({})".format(", ".join(f"'{status}'" for status in PUBLIC_STATUSES))
_TABLE = PublicRendition._meta.db_table
_ITEMS = Suggestion._meta.db_table


_ONE = (
    f"SELECT r.title, r.html FROM {_TABLE} r JOIN {_ITEMS} s ON s.id = r.suggestion_id"
    f" WHERE r.suggestion_id = %s AND r.key = %s AND r.language = %s AND r.stamp = %s"
    f" AND r.revision = s.public_revision AND {_PUBLIC}"
)
# Driven by the wanted pairs, each looked up in the unique index (suggestion, key, language):
# LATERAL with OFFSET 0 (not pulled up into a join) keeps that plan whatever the table's
# statistics say (a table that grew since it was last analysed was read whole).
_MANY = (
    f"SELECT w.id, w.key, r.html FROM unnest(%s::bigint[], %s::text[]) AS w (id, key)"
    f" CROSS JOIN LATERAL (SELECT r.html FROM {_TABLE} r JOIN {_ITEMS} s ON s.id = r.suggestion_id"
    f" WHERE r.suggestion_id = w.id AND r.key = w.key AND r.language = %s AND r.stamp = %s"
    f" AND r.revision = s.public_revision OFFSET 0) AS r"
)


def one(pk: int, key: str, language: str) -> tuple[str, str] | None:
    """(title, html) of a published item's part, when stored and current; else None."""
    rows = prepared.fetch("rendition_one", _ONE, [pk, key, language, stamp()])
    return rows[0] if rows else None


def many(pairs: list[tuple[int, str]], language: str) -> dict[tuple[int, str], str]:
    """{(item id, key): html} of the current stored parts among ``pairs``."""
    if not pairs:
        return {}
    rows = prepared.fetch(
        "rendition_many", _MANY, [[pk for pk, _ in pairs], [key for _, key in pairs], language, stamp()]
    )
    return {(pk, key): html for pk, key, html in rows}


def latest_entries(limit: int, language: str) -> list[tuple]:
    """The feed's newest public replies, newest first, each as (ReplyKey, stored entry or None):
    one statement."""
    sql = (
        f"SELECT k.pk, k.suggestion_id, k.public_at, r.html FROM ({reply_keys_sql(limit)}) AS k"
        f" LEFT JOIN LATERAL (SELECT r.html FROM {_TABLE} r JOIN {_ITEMS} s ON s.id = r.suggestion_id"
        f" WHERE r.suggestion_id = k.suggestion_id AND r.key = 'entry:' || k.pk"
        f" AND r.language = %s AND r.stamp = %s AND r.revision = s.public_revision OFFSET 0) AS r ON true"
        f" ORDER BY k.public_at DESC, k.pk DESC"
    )
    rows = prepared.fetch(f"rendition_entries_{limit}", sql, [language, stamp()])
    return [(ReplyKey(pk, suggestion_id, public_at), html) for pk, suggestion_id, public_at, html in rows]


def revisions(ids: list[int]) -> dict[int, int]:
    """The items' revisions now: read before their data, to store what is drawn from it."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, public_revision FROM {_ITEMS} WHERE id = ANY(%s)", [list(ids)])
        return dict(cursor.fetchall())


def store(parts: list[tuple[int, str, int, str, str]], language: str) -> None:
    """Keep (item id, key, revision, title, html) parts; a stored newer revision stays. A failure
    to store (a conflict, a read-only replica) costs only the next request's rendering."""
    if not parts:
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_TABLE} (suggestion_id, key, language, revision, stamp, title, html)"
                f" SELECT id, key, %s, revision, %s, title, html"
                f" FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::text[])"
                f" AS p(id, key, revision, title, html)"
                f" ON CONFLICT (suggestion_id, key, language) DO UPDATE SET revision = EXCLUDED.revision,"
                f" stamp = EXCLUDED.stamp, title = EXCLUDED.title, html = EXCLUDED.html"
                f" WHERE {_TABLE}.revision <= EXCLUDED.revision",
                [
                    language,
                    stamp(),
                    [p[0] for p in parts],
                    [p[1] for p in parts],
                    [p[2] for p in parts],
                    [p[3] for p in parts],
                    [p[4] for p in parts],
                ],
            )
    except DatabaseError:
        pass
