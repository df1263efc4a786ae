"""Prove that a database made by ``make run`` at an older commit migrates forward with every row kept.

    .venv/bin/python scripts/check_migrate_forward.py [--base COMMIT] [--database sqlite|postgres] [--keep]

Steps: export the base commit with ``git archive`` into a temporary directory; create a fresh
database (an SQLite file there, or a PostgreSQL database named ``portal_migrate_forward``); in
the old tree run what ``make run`` runs before serving (migrate, seed_demo, seed_activities,
seed_proposals); snapshot every table; in the current tree run ``migrate`` and ``check``;
snapshot again and compare. Exit 0 when every old row is still there, 1 when rows were lost or
changed, 2 when a step could not run.

The snapshots use plain DB-API connections (sqlite3 / psycopg2), never Django, so that what is
compared does not depend on the models of either tree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
# The last commit before the apps were restructured (8f0f40a).
DEFAULT_BASE = "8f0f40ac4f5a51abef9c79c794424df50f6f4a33"
PG_DATABASE = "portal_migrate_forward"
PG_DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
# Exactly what `make run` runs before it starts serving.
SEED_COMMANDS = [["migrate", "--noinput"], ["seed_demo"], ["seed_activities"], ["seed_proposals"]]
# Django's own record of applied migrations: it is meant to grow.
SKIPPED_TABLES = {"django_migrations"}
# Columns whose values legitimately change: a model moved to another app; the search index,
# derived from a suggestion's own text and rebuilt when the segmentation improves.
IGNORED_COLUMNS = {"django_content_type": {"app_label"}, "proposals_suggestion": {"search_text"}}
# Columns encrypted at rest by a later migration (core/fields.py): compared by their plain values,
# opened with the key the trees run with (PERSONAL_DATA_KEY, or the development default).
ENCRYPTED_COLUMNS = {"accounts_user": {"mobile"}, "deputies_deputy": {"mobile", "id_number", "address"}}
DEV_PERSONAL_DATA_KEY = "insecure-personal-data-key-only-for-debug-and-tests"
# Tables that may gain rows; their old rows are compared by a key that survives a move (content
# type ids may be re-pointed, app labels change), so each rule is a query for those keys.
GROWING_TABLES = {
    # A new model brings its content type.
    "django_content_type": "SELECT model FROM django_content_type",
    # post_migrate creates the permissions of new models.
    "auth_permission": (
        "SELECT ct.model, p.codename FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id"
    ),
    # accounts.groups.ensure_groups creates the role groups (a new role is a new group).
    "auth_group": "SELECT name FROM auth_group",
}
# The role groups' grants: accounts.groups.ensure_groups sets them exactly after every migrate,
# so a change of who may do what (a permission taken from office staff, say) is policy, not
# lost data. Every group must keep existing; the grants added and withdrawn are printed.
POLICY_TABLES = {
    "auth_group_permissions": (
        "SELECT g.name, ct.model, p.codename FROM auth_group_permissions gp"
        " JOIN auth_group g ON g.id = gp.group_id"
        " JOIN auth_permission p ON p.id = gp.permission_id"
        " JOIN django_content_type ct ON ct.id = p.content_type_id"
    ),
}
# A data migration may schedule new periodic tasks; the old rows must stay as they were.
GROWING_PREFIXES = ("django_celery_beat_",)


class StepFailed(Exception):
    """A step could not run; the message says what to do."""


# --- output ----------------------------------------------------------------------------------

TIMINGS: list[tuple[str, float]] = []


def say(text: str = "") -> None:
    # Flushed at once, so CI logs interleave our lines and the children's in order.
    print(text, flush=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    say(f"==> {title}")
    started = time.monotonic()
    # The slot is taken now, so that the step is listed before the commands it ran.
    slot = len(TIMINGS)
    TIMINGS.append((title, 0.0))
    try:
        yield
    finally:
        elapsed = time.monotonic() - started
        TIMINGS[slot] = (title, elapsed)
        say(f"    ({elapsed:.1f}s)")


def indent(text: str, prefix: str = "    | ") -> str:
    return "\n".join(prefix + line for line in text.rstrip().splitlines())


# --- git -------------------------------------------------------------------------------------


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)


def resolve_commit(ref: str) -> str:
    found = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode == 0:
        return found.stdout.strip()
    shallow = git("rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    hint = (
        "this is a shallow clone: fetch the full history (`git fetch --unshallow`, or in GitHub Actions"
        " actions/checkout with `fetch-depth: 0`) and run again"
        if shallow
        else "fetch the full history (`git fetch origin`) or pass an existing commit with --base"
    )
    raise StepFailed(f"commit {ref} is not in the repository at {REPO_ROOT}; {hint}")


def export_tree(commit: str, dest: Path) -> None:
    dest.mkdir(parents=True)
    archive = subprocess.Popen(["git", "archive", commit], cwd=REPO_ROOT, stdout=subprocess.PIPE)
    untar = subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, capture_output=True, text=True)
    archive.stdout.close()
    if archive.wait() != 0 or untar.returncode != 0:
        raise StepFailed(f"git archive {commit} | tar -x -C {dest} failed: {untar.stderr.strip()}")


# --- databases -------------------------------------------------------------------------------


def env_value(name: str) -> str | None:
    # The same convention as config/settings.py: NAME_FILE holds the value when it is set.
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name)


@dataclass
class Database:
    kind: str  # "sqlite" or "postgres"
    url: str  # DATABASE_URL for the manage.py runs
    sqlite_path: Path | None = None
    pg_server_url: str | None = None  # the maintenance database on the same server

    @classmethod
    def make(cls, kind: str, tmp: Path) -> Database:
        if kind == "sqlite":
            path = tmp / "db.sqlite3"
            return cls(kind, f"sqlite:///{path}", sqlite_path=path)
        current = env_value("DATABASE_URL") or ""
        server = current if current.startswith("postgres") else PG_DEFAULT_SERVER
        parts = urlsplit(server)
        return cls(
            kind,
            urlunsplit(parts._replace(path=f"/{PG_DATABASE}")),
            pg_server_url=urlunsplit(parts._replace(path="/postgres")),
        )

    def describe(self) -> str:
        if self.kind == "sqlite":
            return f"SQLite file {self.sqlite_path}"
        parts = urlsplit(self.url)
        return f"PostgreSQL database {PG_DATABASE} on {parts.hostname or 'localhost'}:{parts.port or 5432}"

    def _pg_connect(self, url: str):
        import dj_database_url
        import psycopg2

        cfg = dj_database_url.parse(url)
        options = dict(cfg.get("OPTIONS", {}))
        # A fixed zone, so that timestamps print the same in both snapshots whatever the server says.
        options["options"] = f"{options.get('options', '')} -c TimeZone=UTC".strip()
        return psycopg2.connect(
            dbname=cfg["NAME"],
            user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None,
            host=cfg["HOST"] or None,
            port=cfg["PORT"] or None,
            **options,
        )

    def _pg_admin(self, statement: str) -> None:
        import psycopg2
        from psycopg2 import sql

        try:
            conn = self._pg_connect(self.pg_server_url)
        except psycopg2.OperationalError as exc:
            server = urlsplit(self.pg_server_url)
            raise StepFailed(
                f"cannot connect to PostgreSQL at {server.hostname}:{server.port or 5432}"
                f" (from DATABASE_URL, else {PG_DEFAULT_SERVER}): {str(exc).strip()}"
            )
        conn.autocommit = True  # CREATE / DROP DATABASE cannot run in a transaction
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL(statement).format(sql.Identifier(PG_DATABASE)))
        finally:
            conn.close()

    def create(self) -> None:
        if self.kind == "postgres":
            # WITH (FORCE): a run that was killed may have left a connection behind.
            self._pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            self._pg_admin("CREATE DATABASE {}")

    def drop(self) -> None:
        if self.kind == "postgres":
            self._pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def connect(self):
        if self.kind == "sqlite":
            # Read-only, so that taking a snapshot can never change what it measures.
            return sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True)
        conn = self._pg_connect(self.url)
        conn.set_session(readonly=True)
        return conn


# --- snapshots -------------------------------------------------------------------------------


def decrypted(value: object) -> object:
    sys.path.insert(0, str(REPO_ROOT))
    from core.crypto import PREFIX, _keys  # pure functions of the key: no Django settings needed

    if not isinstance(value, str) or not value.startswith(PREFIX):
        return value
    fernet, _ = _keys(os.environ.get("PERSONAL_DATA_KEY") or DEV_PERSONAL_DATA_KEY, ())
    return fernet.decrypt(value[len(PREFIX) :].encode()).decode()


def normalise(value: object) -> object:
    if isinstance(value, memoryview):  # psycopg2's bytea; its repr is an address
        return bytes(value)
    if isinstance(value, dict | list):  # jsonb: one spelling whatever the key order
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value


@dataclass
class Table:
    columns: list[str]  # every column, sorted by name
    compared: list[str]  # the columns the rows below are made of
    rows: list[str] = field(default_factory=list)  # repr of each row, sorted
    keys: Counter[str] | None = None  # for GROWING_TABLES: the move-proof key of each row

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def checksum(self) -> str:
        return hashlib.sha256("\n".join(self.rows).encode()).hexdigest()


def list_tables(conn, kind: str) -> list[str]:
    cur = conn.cursor()
    if kind == "sqlite":
        # sqlite_* are SQLite's own bookkeeping (e.g. sqlite_sequence), not data.
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    return sorted(name for (name,) in cur.fetchall() if name not in SKIPPED_TABLES)


def list_columns(conn, kind: str, table: str) -> list[str]:
    cur = conn.cursor()
    if kind == "sqlite":
        cur.execute(f'PRAGMA table_info("{table}")')
        return sorted(row[1] for row in cur.fetchall())
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
        [table],
    )
    return sorted(name for (name,) in cur.fetchall())


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def snapshot(db: Database, before: dict[str, Table] | None = None) -> dict[str, Table]:
    """Every table's rows; after the migration, only the columns the old table had.

    A column added by a migration is a schema change, not lost data, so the second snapshot
    compares the old columns only (a dropped column is reported by compare()).
    """
    conn = db.connect()
    try:
        tables = {}
        for name in list_tables(conn, db.kind):
            columns = list_columns(conn, db.kind, name)
            wanted = before[name].compared if before and name in before else columns
            compared = [c for c in wanted if c in columns and c not in IGNORED_COLUMNS.get(name, ())]
            cur = conn.cursor()
            # SELECT 1 when every old column is gone: the rows still count, compare() reports the columns.
            selected = ", ".join(quote(c) for c in compared) or "1"
            cur.execute(f"SELECT {selected} FROM {quote(name)}")
            secret = ENCRYPTED_COLUMNS.get(name, set())
            rows = sorted(
                repr(tuple(normalise(decrypted(v) if c in secret else v) for c, v in zip(compared, row, strict=False)))
                for row in cur.fetchall()
            )
            table = Table(columns, compared, rows)
            keyed = GROWING_TABLES.get(name) or POLICY_TABLES.get(name)
            if keyed:
                cur.execute(keyed)
                table.keys = Counter(repr(tuple(row)) for row in cur.fetchall())
            tables[name] = table
        return tables
    finally:
        conn.close()


# --- comparison ------------------------------------------------------------------------------


@dataclass
class Verdict:
    ok: bool
    note: str = ""
    details: list[str] = field(default_factory=list)


def sample(rows: Counter[str], limit: int = 3) -> list[str]:
    shown = [f"      {row[:200]}" for row in list(rows.elements())[:limit]]
    if rows.total() > limit:
        shown.append(f"      ... and {rows.total() - limit} more")
    return shown


def compare_table(name: str, old: Table, new: Table) -> Verdict:
    dropped = [c for c in old.compared if c not in new.columns]
    if dropped:
        return Verdict(False, "COLUMNS DROPPED", [f"    columns no longer in the table: {', '.join(dropped)}"])
    added = [c for c in new.columns if c not in old.columns and c not in IGNORED_COLUMNS.get(name, ())]
    extra = f" (new columns: {', '.join(added)})" if added else ""

    if name in POLICY_TABLES:
        withdrawn, granted = old.keys - new.keys, new.keys - old.keys
        if not withdrawn and not granted:
            return Verdict(True, "OK" + extra)
        note = f"OK, policy: +{granted.total()} granted, -{withdrawn.total()} withdrawn"
        return Verdict(True, note + extra, ["    withdrawn:", *sample(withdrawn)] if withdrawn else [])

    if name in GROWING_TABLES:
        lost = old.keys - new.keys
        if lost:
            return Verdict(False, f"LOST: {lost.total()}", ["    missing (compared by name, not id):", *sample(lost)])
        grown = new.count - old.count
        return Verdict(True, (f"OK, old rows kept, +{grown}" if grown else "OK") + extra)

    old_rows, new_rows = Counter(old.rows), Counter(new.rows)
    lost, gained = old_rows - new_rows, new_rows - old_rows
    if name.startswith(GROWING_PREFIXES) and not lost:
        return Verdict(True, (f"OK, old rows kept, +{gained.total()}" if gained else "OK") + extra)
    if old.count == new.count and old.checksum == new.checksum:
        return Verdict(True, "OK" + extra)
    details = [f"    columns: {', '.join(old.compared)}"]
    if lost:
        details += [f"    {lost.total()} rows lost or changed, e.g.:", *sample(lost)]
    if gained:
        details += [f"    {gained.total()} rows new or changed, e.g.:", *sample(gained)]
    return Verdict(False, f"CHANGED: {lost.total()} lost, {gained.total()} new", details)


def compare(before: dict[str, Table], after: dict[str, Table]) -> list[str]:
    """Print the table of tables; return the verdict, whose last line says whether every row was kept."""
    width = max(len(name) for name in {*before, *after, "table"})
    say(f"    {'table':<{width}}  {'before':>7}  {'after':>7}  result")
    say(f"    {'-' * width}  {'-' * 7}  {'-' * 7}  ------")
    failures: list[list[str]] = []
    for name in sorted({*before, *after}):
        old, new = before.get(name), after.get(name)
        if old is None:
            say(f"    {name:<{width}}  {'-':>7}  {new.count:>7}  new table")
            continue
        if new is None:
            say(f"    {name:<{width}}  {old.count:>7}  {'-':>7}  MISSING")
            failures.append([f"  {name}: table no longer exists ({old.count} rows lost)"])
            continue
        verdict = compare_table(name, old, new)
        say(f"    {name:<{width}}  {old.count:>7}  {new.count:>7}  {verdict.note}")
        if not verdict.ok:
            failures.append(
                [f"  {name}: {verdict.note} ({old.count} rows before, {new.count} after)", *verdict.details]
            )
    if failures:
        lines = ["what was lost or changed:", *(line for failure in failures for line in failure)]
        return [
            *lines,
            f"migrate-forward: FAILED, {len(failures)} of {len(before)} tables lost or changed rows (see above)",
        ]
    return [f"migrate-forward: {len(before)} tables, {sum(t.count for t in before.values())} rows kept"]


# --- manage.py -------------------------------------------------------------------------------


def child_env(db: Database, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Each tree's manage.py picks its own settings module; a test run's PORTAL_TESTING or a
    # developer's REDIS_URL would make the runs differ from `make run`. A NAME_FILE would win
    # over the NAME we set, so both go.
    for name in ["DJANGO_SETTINGS_MODULE", "PORTAL_TESTING", "REDIS_URL", "DEBUG", "DATABASE_URL"]:
        env.pop(name, None)
    for name in ["PORTAL_TESTING", "REDIS_URL", "DEBUG", "DATABASE_URL", "MEDIA_ROOT", "PRIVATE_ROOT"]:
        env.pop(f"{name}_FILE", None)
    env.update(
        DEBUG="1",
        DATABASE_URL=db.url,
        MEDIA_ROOT=str(tmp / "media"),
        PRIVATE_ROOT=str(tmp / "private"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(tree: Path, args: list[str], env: dict[str, str], verbose: bool) -> None:
    command = [sys.executable, "manage.py", *args]
    started = time.monotonic()
    result = subprocess.run(command, cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - started
    TIMINGS.append((f"  manage.py {' '.join(args)}", elapsed))
    say(f"    $ manage.py {' '.join(args):<20} {elapsed:6.1f}s  exit {result.returncode}")
    if verbose or result.returncode != 0:
        say(indent(result.stdout))
    if result.returncode != 0:
        raise StepFailed(f"`manage.py {' '.join(args)}` failed in {tree} (exit {result.returncode}); output above")


# --- main ------------------------------------------------------------------------------------


def default_database() -> str:
    return "postgres" if (env_value("DATABASE_URL") or "").startswith("postgres") else "sqlite"


def run(args: argparse.Namespace, tmp: Path) -> list[str]:
    with step(f"export the trees into {tmp}"):
        base = resolve_commit(args.base)
        old_tree = tmp / "base"
        export_tree(base, old_tree)
        say(f"    base    {base} -> {old_tree}")
        if args.target:
            target = resolve_commit(args.target)
            new_tree = tmp / "target"
            export_tree(target, new_tree)
            say(f"    current {target} -> {new_tree}")
        else:
            new_tree = REPO_ROOT
            say(f"    current the working tree, {new_tree}")

    db = Database.make(args.database, tmp)
    env = child_env(db, tmp)
    with step(f"create a fresh {db.describe()}"):
        db.create()
    try:
        with step(f"base tree: what `make run` does before serving ({', '.join(c[0] for c in SEED_COMMANDS)})"):
            for command in SEED_COMMANDS:
                manage(old_tree, command, env, args.verbose)
        with step("snapshot the base database"):
            before = snapshot(db)
            say(f"    {len(before)} tables, {sum(t.count for t in before.values())} rows")
        with step("current tree: migrate, check"):
            manage(new_tree, ["migrate", "--noinput"], env, args.verbose)
            manage(new_tree, ["check"], env, args.verbose)
        with step("snapshot again and compare"):
            after = snapshot(db, before)
            return compare(before, after)
    finally:
        with step("clean up"):
            if args.keep:
                say(f"    --keep: the database stays: {db.url}")
            else:
                db.drop()
            if args.keep:
                say(f"    --keep: the temporary directory stays: {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base", default=DEFAULT_BASE, help="commit whose `make run` database is migrated (%(default)s)"
    )
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default=default_database(), help="default: %(default)s"
    )
    parser.add_argument(
        "--target",
        help="migrate with this commit's tree instead of the working tree (to test the machinery while the"
        " working tree is mid-change)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and the database")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the output of every manage.py run")
    args = parser.parse_args()

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="migrate-forward-"))
    try:
        verdict = run(args, tmp)
        status = 1 if "FAILED" in verdict[-1] else 0
    except StepFailed as exc:
        verdict, status = [f"migrate-forward: ERROR: {exc}"], 2
    except Exception as exc:
        traceback.print_exc(file=sys.stdout)
        verdict, status = [f"migrate-forward: ERROR: the check itself failed: {exc!r} (traceback above)"], 2
    finally:
        # run() cleans up; this covers a failure before it got that far.
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    say()
    say("timings:")
    for title, elapsed in TIMINGS:
        say(f"  {elapsed:7.1f}s  {title}")
    say(f"  {time.monotonic() - started:7.1f}s  total")
    say()
    # Last, so that the final line of a CI log is the verdict.
    for line in verdict:
        say(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
