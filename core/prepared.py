"""Statements planned once per database connection (PostgreSQL's PREPARE), for the hottest reads.

On the public pages' fast path (stored renditions, ``proposals.renditions``) most of a query's
time is PostgreSQL planning it, not running it: a few index lookups take a tenth of a
millisecond, their plan one or two. ``fetch`` prepares a statement the first time a connection
runs it and executes it by name afterwards. The statement is the caller's SQL with psycopg's
``%s`` placeholders; parameters go with each EXECUTE. A queryset can be passed too: its SQL is
taken from Django's compiler once per process (``queryset_sql``).

The PREPARE goes through the driver's own cursor, as connection set-up does (Django's
``init_connection_state``), so it is not among a request's logged queries; the EXECUTE is.
Elsewhere (SQLite) ``fetch`` simply runs the SQL. A statement the server forgot (a new
connection behind the same object) is prepared again. A connection keeps at most
``MAX_PER_CONNECTION`` statements: past that it forgets them all and starts again.
"""

import hashlib
import re
import threading

from django.db import connection

_PLACEHOLDER = re.compile(r"%%|%s")
_sql_of: dict[str, tuple[str, tuple]] = {}
_lock = threading.Lock()
# Statements kept per connection at most: the list's pages and filters each make their own, so
# a long-lived connection walked through every page would otherwise keep every plan.
MAX_PER_CONNECTION = 256


def _numbered(sql: str) -> str:
    count = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(count)}", sql)


def digest(sql: str) -> str:
    """A statement name for this SQL text."""
    return hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()


def queryset_sql(name: str, build) -> tuple[str, tuple]:
    """(sql, params) of the queryset ``build()`` returns, compiled once per process. On
    PostgreSQL its parameters (constants of the query: states, limits) are written into the SQL,
    so that its one plan is made for them rather than a generic one."""
    found = _sql_of.get(name)
    if found is None:
        sql, params = build().query.sql_with_params()
        if connection.vendor == "postgresql":
            found = (connection.ops.compose_sql(sql, params).replace("%", "%%"), ())
        else:
            found = (sql, params)
        with _lock:
            _sql_of[name] = found
    return found


def fetch(name: str, sql: str, params=()) -> list[tuple]:
    """The rows of ``sql`` run with ``params``, planned once per connection on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        raw = connection.connection
        prepared = getattr(connection, "_prepared_statements", None)
        if prepared is None or prepared[0] is not raw:
            prepared = (raw, set())
            connection._prepared_statements = prepared
        if name not in prepared[1]:
            with raw.cursor() as setup:
                if len(prepared[1]) >= MAX_PER_CONNECTION:
                    setup.execute("DEALLOCATE ALL")
                    prepared[1].clear()
                setup.execute(f"PREPARE {name} AS {_numbered(sql)}")
            prepared[1].add(name)
        args = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXECUTE {name}({args})" if params else f"EXECUTE {name}", params)
        return cursor.fetchall()


def rows(name: str, build) -> list[tuple]:
    """The rows of the ``values_list`` queryset ``build()`` returns: on PostgreSQL compiled once
    per process and planned once per connection; elsewhere through the ORM as usual."""
    if connection.vendor != "postgresql":
        return list(build())
    sql, params = queryset_sql(name, build)
    return fetch(name, sql, params)


def rows_together(name: str, builds: list) -> list[list[tuple]]:
    """The rows of several small ``values_list`` querysets in one round trip (PostgreSQL: each
    as a JSON array, in its own order). Values come back as JSON gives them (dates as text)."""
    if connection.vendor != "postgresql":
        return [list(build()) for build in builds]
    found = _sql_of.get(name)
    if found is None:
        parts = [queryset_sql(f"{name}_{i}", build)[0] for i, build in enumerate(builds)]
        # An aggregate over a sorted subquery takes its rows in that order.
        sql = "SELECT " + ", ".join(
            f"(SELECT coalesce(json_agg(to_json(q)), '[]') FROM ({part}) AS q)" for part in parts
        )
        found = _sql_of[name] = (sql, ())
    (row,) = fetch(name, found[0])
    return [[tuple(item.values()) for item in part] for part in row]
