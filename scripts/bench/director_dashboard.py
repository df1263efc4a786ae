"""The director's dashboard (``/dashboard/``) at the sizes the performance issue names, on PostgreSQL.

    .venv/bin/python scripts/bench/director_dashboard.py            # recreate, migrate, build, time
    .venv/bin/python scripts/bench/director_dashboard.py --reuse    # keep the data (if there), migrate, time
    .venv/bin/python scripts/bench/director_dashboard.py --reuse --explain   # EXPLAIN ANALYZE each query

The data is scripts/bench_office.py's ``build()`` (10,000 deputies, 1,000,000 participations,
100,000 suggestions and their assignments), so ``make bench`` runs this step on the office's
database with ``--reuse`` and nothing is built twice. Timed like the office's staff pages: the
page fetched through Django's test client, logged in as the city's staff member, median of
``--runs`` after one warm-up; the SQL floor is the page's captured queries run again straight
through the cursor (median of ``--runs`` passes over all of them).

The figures are kept in the cache (Redis, as deployed: ``REDIS_URL``, default database 5 on
127.0.0.1) until a write changes the records they count (``core/figures.py``). Both cases are
timed: the page as it is opened again and again (the figures from the cache), and the page
right after a write (the cache's version bumped before each request: every figure counted).

Printed:

    BENCH director_dashboard_ms …               the page, server time (its default filters: the
                                                staff member's congress, its newest session)
    BENCH director_dashboard_floor_ms …         that page's own SELECTs, straight through the cursor
    BENCH director_dashboard_queries …          the queries that page runs
    BENCH director_dashboard_cold_ms …          the page right after a write: every figure counted
    BENCH director_dashboard_sql_floor_ms …     that page's SELECTs, straight through the cursor
    BENCH director_dashboard_cold_queries …     the queries it runs

The database (``BENCH_DATABASE_URL``, default ``perf_office_bench``) must contain "bench" in its name.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
# Sets DATABASE_URL from BENCH_DATABASE_URL and the settings' defaults, as for the office's step.
import scripts.bench_office as office_bench  # noqa: E402

URL = "/dashboard/"


def small_queries(large: int, large_cold: int) -> None:
    """The page's query count on small data (200 suggestions, 100 deputies: the same builder in a
    database of its own, ``<name>_small``, dropped afterwards unless KEEP_DB=1) must equal the
    large data's: exit 1 otherwise (the step's row fails)."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    url = os.environ["DATABASE_URL"]
    cfg = dj_database_url.parse(url)
    small_name = f"{cfg['NAME']}_small"
    small_url = url.rsplit("/", 1)[0] + "/" + small_name
    env = {**os.environ, "BENCH_DATABASE_URL": small_url, "DATABASE_URL": small_url}
    t0 = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, __file__, "--small"], env=env, capture_output=True, text=True, timeout=900
        )
    finally:
        if os.environ.get("KEEP_DB") != "1":
            conn = psycopg2.connect(
                dbname="postgres",
                user=cfg["USER"] or None,
                password=cfg["PASSWORD"] or None,
                host=cfg["HOST"] or None,
                port=cfg["PORT"] or None,
            )
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(small_name)))
            conn.close()
    found = {
        line.split()[1]: line
        for line in result.stdout.splitlines()
        if line.startswith("BENCH director_dashboard_small_")
    }
    if result.returncode != 0 or len(found) != 2:
        sys.exit(
            f"the small data's run failed (rc {result.returncode}):\n{result.stdout[-1500:]}\n{result.stderr[-2000:]}"
        )
    took = time.perf_counter() - t0
    for name, count in (
        ("director_dashboard_small_queries", large),
        ("director_dashboard_small_cold_queries", large_cold),
    ):
        small = int(found[name].split()[2])
        print(f"{found[name]}  ({small_name}, {took:.0f} s)")
        if small != count:
            sys.exit(f"the query count changes with the data: {small} queries on small data, {count} on large")
    print(f"    query count the same on small and large data: {large} (cached figures), {large_cold} (counted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it exists (build what is missing)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the page's slowest queries")
    parser.add_argument(
        "--no-small", action="store_true", help="skip the query count on small data (its own database, a minute)"
    )
    parser.add_argument("--profile", help="write a cProfile of --runs page requests to this file")
    parser.add_argument("--small", action="store_true", help=argparse.SUPPRESS)  # the small database's run
    args = parser.parse_args()

    if args.small or not (args.reuse and office_bench.database_exists()):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "recreate_bench_db.py")], check=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        sys.exit("run on a PostgreSQL database whose name contains 'bench'")

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    if args.small:
        staff = office_bench.build(suggestions=200, deputies=100, activities=20, per_deputy=10, units=5, joint=20)
    else:
        staff = office_bench.build(suggestions=args.suggestions)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('activities_participationsummary') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT count(*) FROM activities_participationsummary")
            if not cursor.fetchone()[0]:
                call_command("rebuild_participation_summaries", verbosity=0)
        office_bench._vacuum()
        cursor.execute(
            "SELECT (SELECT count(*) FROM proposals_suggestion), (SELECT count(*) FROM deputies_deputy),"
            " (SELECT count(*) FROM deputies_participation), (SELECT count(*) FROM proposals_assignment)"
        )
        counts = cursor.fetchone()
    print(
        "data: {:,} suggestions, {:,} deputies, {:,} participations, {:,} assignments "
        "({:.1f} s to build or find)".format(*counts, time.perf_counter() - t0)
    )

    settings.REQUIRE_STAFF_MFA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(staff)

    def get():
        response = client.get(URL, secure=True)
        if response.status_code != 200:
            sys.exit(f"{URL} answered {response.status_code}")
        return response

    from core import figures

    def cold():
        figures.figures_changed()  # as a write does: the next request counts every figure
        return get()

    response = get()  # warm-up: the session, the caches a first request fills
    print(f"page: {URL} as {staff.email} (its default filters), {len(response.content) / 1024:.0f} KB")
    if args.small:
        for name, fetch in (("small_queries", get), ("small_cold_queries", cold)):
            fetch()
            with CaptureQueriesContext(connection) as captured:
                fetch()
            print(f"BENCH director_dashboard_{name} {len(captured.captured_queries)} queries")
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work inflates every time)")

    def measure(fetch):
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            fetch()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        fetch()
        with CaptureQueriesContext(connection) as captured:
            fetch()
        queries = list(captured.captured_queries)
        selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
        # The floor: the same SELECTs straight through the cursor, each timed on its own too.
        per_query = [[] for _ in selects]
        totals = []
        with connection.cursor() as cursor:
            for _ in range(args.runs):
                start = time.perf_counter()
                for i, sql in enumerate(selects):
                    t = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    per_query[i].append((time.perf_counter() - t) * 1000)
                totals.append((time.perf_counter() - start) * 1000)
        return times, cpu, queries, selects, per_query, statistics.median(totals)

    times, cpu, queries, selects, per_query, floor = measure(get)
    median = statistics.median(times)
    print(
        f"BENCH director_dashboard_ms {median:.1f} ms  (slowest {max(times):.1f}, {len(queries)} queries, "
        f"python CPU {statistics.median(cpu):.1f} ms; the figures from the cache)"
    )
    print(f"BENCH director_dashboard_floor_ms {floor:.1f} ms  ({len(selects)} queries)")
    print(f"BENCH director_dashboard_queries {len(queries)} queries")
    warm_queries = len(queries)

    times, cpu, queries, selects, per_query, floor = measure(cold)
    median = statistics.median(times)
    print(
        f"BENCH director_dashboard_cold_ms {median:.1f} ms  (slowest {max(times):.1f}, {len(queries)} queries, "
        f"python CPU {statistics.median(cpu):.1f} ms; right after a write, every figure counted)"
    )
    print(f"BENCH director_dashboard_sql_floor_ms {floor:.1f} ms  ({len(selects)} queries)")
    print(f"BENCH director_dashboard_cold_queries {len(queries)} queries")
    print(f"    cold page / its SQL floor {median / floor:.1f}x" if floor else "    page / floor -")

    ranked = sorted(range(len(selects)), key=lambda i: -statistics.median(per_query[i]))
    print("    slowest queries (median ms over the floor's passes):")
    for i in ranked[:5]:
        print(f"    {statistics.median(per_query[i]):7.2f} ms  {' '.join(selects[i].split())[:220]}")
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            get()
        profiler.disable()
        profiler.dump_stats(args.profile)
        print(f"profile of {args.runs} requests: {args.profile}")
    if not args.no_small:
        small_queries(warm_queries, len(queries))
    if args.explain:
        with connection.cursor() as cursor:
            for i in ranked[:3]:
                print(f"\n--- EXPLAIN ANALYZE ({statistics.median(per_query[i]):.2f} ms): {selects[i]}")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + selects[i])
                for (line,) in cursor.fetchall():
                    print(f"    {line}")


if __name__ == "__main__":
    main()
