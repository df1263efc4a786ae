"""The staff archive list and the activity dashboard panel over 10,000 deputies and
1,000,000 participations on PostgreSQL, against the real views.

    .venv/bin/python scripts/bench_archive_summaries.py            # recreate, migrate, build, time
    .venv/bin/python scripts/bench_archive_summaries.py --reuse    # keep the data, migrate, time

The database (``BENCH_DATABASE_URL``, default ``perf_archive_bench``; its name must contain
"bench") is dropped and recreated unless ``--reuse`` finds the data already there. The rows
are generated in SQL by ``demo``'s ``bench_archive`` builder (one INSERT … SELECT over
generate_series). Each page is fetched through Django's test client, logged in as staff,
``--runs`` times after one warm-up; the median is printed as ``BENCH <name>_ms <value> ms``,
followed by the raw-SQL floor: the same page's queries (as captured) run again straight
through the cursor, median of the same number of runs.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perf_archive_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("PERSONAL_DATA_KEY", "bench-only-personal-data-key")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=1_000)
    parser.add_argument("--per-deputy", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it holds the data")
    args = parser.parse_args()

    if not args.reuse:
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

    from activities.dashboard import activities_panel
    from activities.models import Participation
    from demo.management.commands.bench_archive import Command as BenchArchive

    t0 = time.perf_counter()
    staff = BenchArchive().build(args.deputies, args.activities, args.per_deputy)
    print(f"data: {Participation.objects.count():,} participations ({time.perf_counter() - t0:.1f} s to build or find)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('activities_participationsummary') IS NOT NULL")
        has_summaries = cursor.fetchone()[0]
        tables = ["deputies_participation", "deputies_deputy", "deputies_activity"]
        if has_summaries:
            tables.append("activities_participationsummary")
            t0 = time.perf_counter()
            call_command("rebuild_participation_summaries", verbosity=0)
            print(f"rebuild_participation_summaries: {time.perf_counter() - t0:.1f} s")
            cursor.execute("SELECT count(*) FROM activities_participationsummary")
            print(f"summaries: {cursor.fetchone()[0]:,} rows")
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")

    settings.REQUIRE_STAFF_MFA = False
    # The pages' static links need no collected manifest (nothing is written under staticfiles/).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(staff)
    year = datetime.date.today().year
    pages = [
        ("archive_by_name", f"/office/archive/?year={year}"),
        ("archive_sorted", f"/office/archive/?year={year}&order=-attended_year"),
        ("archive_least_active", f"/office/archive/?year={year}&order=attended_year"),
        ("archive_grassroots_no_activity", f"/office/archive/?year={year}&grassroots=yes&no_activity=1"),
        ("archive_page_100", f"/office/archive/?year={year}&order=-attended_term&page=100"),
    ]

    def floor(queries) -> float:
        """Median time of running the captured SQL again through the cursor, in ms."""
        sqls = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        times = []
        with connection.cursor() as cursor:
            for _ in range(args.runs):
                start = time.perf_counter()
                for sql in sqls:
                    cursor.execute(sql)
                    cursor.fetchall()
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    def timed(name, call, *, data_only):
        call()
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            call()
        queries = captured.captured_queries
        data = [q for q in queries if data_only(q["sql"])]
        print(f"BENCH {name}_ms {statistics.median(times):.1f} ms  (slowest {max(times):.1f}, {len(queries)} queries)")
        print(f"BENCH {name}_sql_floor_ms {floor(data):.1f} ms  ({len(data)} queries over the deputies and the ledger)")

    def touches_data(sql: str) -> bool:
        return "deputies_deputy" in sql or "participation" in sql

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"load average before timing: {load} ({os.cpu_count()} cores; other work on the machine shows in the figures)"
    )
    for name, url in pages:

        def get(url=url):
            response = client.get(url, secure=True)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")

        timed(name, get, data_only=touches_data)

    today = datetime.date.today()
    timed("dashboard_panel", lambda: activities_panel(staff, today), data_only=lambda sql: True)


if __name__ == "__main__":
    main()
