"""The office's suggestion pages, the staff dashboard and the reminder scan at the sizes the
performance issue names, on PostgreSQL.

    .venv/bin/python scripts/bench_office.py            # recreate, migrate, build, time
    .venv/bin/python scripts/bench_office.py --reuse    # keep the data (if there), migrate, time

Sizes: 100,000 suggestions, 10,000 deputies, 1,000,000 participations, 100,000 open
assignments of which 25,000 are due a reminder (15 days before the deadline or overdue),
one active officer per unit. The deputies, activities and participations come from
``demo``'s ``bench_archive`` builder; the suggestions and assignments are generated here in
SQL (INSERT … SELECT over generate_series), so building takes seconds, not the time of a
million ORM objects.

Printed (each page fetched through Django's test client, logged in as a city staff member,
median of ``--runs`` after one warm-up; the SQL floor is the page's captured queries run
again straight through the cursor):

    BENCH dashboard_ms …            the admin index (the staff dashboard), its panels from the cache
    BENCH dashboard_cold_ms …       the same right after a write to a domain table: every panel counted
    BENCH office_list_ms …          /office/suggestions/, page 1 and page 50
    BENCH scan_first_s …            proposals.reply_deadlines on the 25,000 due assignments
    BENCH scan_repeat_s …           the same scan again: nothing left to send

The scan's delivery tasks are queued, not run (a recorder stands in for the broker): the
scan's time is what the beat worker spends, the sending is the workers'. The database
(``BENCH_DATABASE_URL``, default ``perf_office_bench``) must contain "bench" in its name.
``build(...)`` is importable for other benchmarks.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perf_office_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("PERSONAL_DATA_KEY", "bench-only-personal-data-key")

TOPICS = ("停车难", "老旧小区加装电梯", "社区养老", "公交线路优化", "夜间施工噪声", "学位紧张", "垃圾分类", "河道整治")


def build(
    *,
    suggestions: int = 100_000,
    deputies: int = 10_000,
    activities: int = 1_000,
    per_deputy: int = 100,
    units: int = 50,
    joint: int = 10_000,
):
    """Build the data (once: a database that has it already is left as it is) and return the
    city staff member the pages are fetched as.

    Of ``suggestions``: 5% submitted (to review), 3% drafts, 2% closed, 3% being handled again
    and 87% assigned; each handled one has an open lead assignment and the first ``joint`` a
    second, joint one (90,000 + 10,000 = 100,000 open assignments by default). Every fourth
    open assignment is due a reminder: its deadline lies between 60 days ago and 15 days ahead.
    """
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts import roles
    from accounts.models import Unit, User
    from demo.management.commands.bench_archive import Command as BenchArchive
    from deputies.models import Congress, CongressSession, Deputy, Term
    from proposals.models import Field, Suggestion

    BenchArchive().build(deputies, activities, per_deputy)
    city = Congress.objects.get(name="基准测试市人民代表大会")
    term = Term.objects.get(congress=city, number=1)
    staff = User.objects.filter(email="office-staff@bench.example.org").first()
    if staff is None:
        staff = User.objects.create_user(
            email="office-staff@bench.example.org", password=None, full_name="代表工委工作人员", congress=city
        )
        staff.is_staff = True
        staff.save(update_fields=["is_staff"])
        staff.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]))
    if Suggestion.objects.filter(congress=city).count() >= suggestions:
        return staff

    with transaction.atomic():
        today = datetime.date.today()
        sessions = [
            CongressSession.objects.get_or_create(
                term=term,
                number=n,
                defaults={
                    "name": f"第一届人民代表大会第{n}次会议",
                    "start_date": datetime.date(today.year - 5 + n, 1, 6),
                    "end_date": datetime.date(today.year - 5 + n, 1, 9),
                },
            )[0]
            for n in range(1, 6)
        ]
        fields = [Field.objects.get_or_create(name=name, defaults={"order": i})[0] for i, name in enumerate(TOPICS)]
        unit_rows = [Unit.objects.get_or_create(congress=city, name=f"承办单位{i:02d}")[0] for i in range(units)]
        for i, unit in enumerate(unit_rows):
            if not unit.officers.exists():
                officer = User(email=f"officer{i:02d}@bench.example.org", full_name=f"承办人{i:02d}", unit=unit)
                officer.set_unusable_password()
                officer.save()
        first_deputy = Deputy.objects.filter(congress=city).order_by("pk").values_list("pk", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO proposals_suggestion
                    (kind, title, body, status, number, number_series, is_broad, entered_by_staff,
                     created_at, updated_at, submitted_at, accepted_at, return_reason,
                     converted_from_motion, published, published_at, search_text,
                     congress_id, created_by_id, field_id, lead_deputy_id, merged_into_id, session_id)
                SELECT 'suggestion',
                       '关于' || (%(topics)s::text[])[1 + g %% %(n_topics)s] || '问题的建议（' || g || '）',
                       '群众反映' || (%(topics)s::text[])[1 + g %% %(n_topics)s] || '问题突出，建议有关部门研究解决。',
                       st.status,
                       CASE WHEN st.status IN ('submitted', 'draft') THEN NULL ELSE g END,
                       CASE WHEN st.status IN ('submitted', 'draft') THEN ''
                            ELSE (%(series)s::text[])[1 + g %% %(n_sessions)s] END,
                       false, false,
                       now() - make_interval(mins => g * 47 + 60),
                       now() - make_interval(mins => g * 47),
                       CASE WHEN st.status = 'draft' THEN NULL ELSE now() - make_interval(mins => g * 47) END,
                       CASE WHEN st.status IN ('submitted', 'draft') THEN NULL
                            ELSE now() - make_interval(mins => g * 47 - 600) END,
                       '', false, false, NULL, '',
                       %(city)s, %(staff)s,
                       (%(fields)s::bigint[])[1 + g %% %(n_topics)s],
                       %(first_deputy)s + g %% %(deputies)s,
                       NULL,
                       (%(sessions)s::bigint[])[1 + g %% %(n_sessions)s]
                FROM generate_series(1, %(n)s) AS g
                CROSS JOIN LATERAL (SELECT CASE
                    WHEN g %% 100 < 5 THEN 'submitted' WHEN g %% 100 < 8 THEN 'draft'
                    WHEN g %% 100 < 10 THEN 'closed' WHEN g %% 100 < 13 THEN 'rehandling'
                    ELSE 'assigned' END AS status) AS st
                """,
                {
                    "topics": list(TOPICS),
                    "n_topics": len(TOPICS),
                    "series": [s.name for s in sessions],
                    "sessions": [s.pk for s in sessions],
                    "n_sessions": len(sessions),
                    "fields": [f.pk for f in fields],
                    "city": city.pk,
                    "staff": staff.pk,
                    "first_deputy": first_deputy,
                    "deputies": deputies,
                    "n": suggestions,
                },
            )
            # Open assignments: a lead one per handled item, a joint one for the first `joint`;
            # every fourth (by row) is due a reminder. Closed items have a done assignment.
            cursor.execute(
                """
                WITH handled AS (
                    SELECT id, status, row_number() OVER (ORDER BY id) AS n
                    FROM proposals_suggestion WHERE congress_id = %(city)s AND status IN ('assigned', 'rehandling')
                ), open AS (
                    SELECT id, status, n, 0 AS extra FROM handled
                    UNION ALL
                    SELECT id, status, n, 1 FROM handled WHERE n <= %(joint)s
                ), numbered AS (
                    SELECT open.*, row_number() OVER (ORDER BY n, extra) - 1 AS r FROM open
                ), dated AS (
                    SELECT numbered.*,
                           CASE WHEN r %% 4 = 0 THEN current_date - 60 + ((r * 7919) %% 76)::int
                                ELSE current_date + 16 + ((r * 7919) %% 200)::int END AS deadline
                    FROM numbered
                )
                INSERT INTO proposals_assignment
                    (role, status, pre_assignment, assigned_on, reassign_window_ends, deadline, reassign_reason,
                     received_at, first_replied_on, assigned_by_id, unit_id, suggestion_id)
                SELECT CASE WHEN extra = 0 THEN 'lead' ELSE 'joint' END,
                       status, false, deadline - 90, deadline - 81, deadline, '', NULL::timestamptz, NULL::date, %(staff)s,
                       (%(units)s::bigint[])[1 + (n + extra) %% %(n_units)s], id
                FROM dated
                UNION ALL
                SELECT 'lead', 'done', false, current_date - 400, current_date - 391, current_date - 310, '', NULL::timestamptz,
                       current_date - 330, %(staff)s, (%(units)s::bigint[])[1 + id %% %(n_units)s], id
                FROM proposals_suggestion WHERE congress_id = %(city)s AND status = 'closed'
                """,
                {
                    "city": city.pk,
                    "joint": joint,
                    "staff": staff.pk,
                    "units": [u.pk for u in unit_rows],
                    "n_units": len(unit_rows),
                },
            )
    return staff


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "proposals_suggestion",
            "proposals_assignment",
            "notifications_notification",
            "deputies_deputy",
            "deputies_participation",
            "accounts_user",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def database_exists() -> bool:
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    try:
        conn = psycopg2.connect(
            dbname=cfg["NAME"],
            user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None,
            host=cfg["HOST"] or None,
            port=cfg["PORT"] or None,
        )
    except psycopg2.OperationalError:
        return False
    conn.close()
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it holds the data")
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--only-dashboard", action="store_true", help="time the dashboard and its panels only")
    parser.add_argument("--profile", help="write a cProfile of --runs requests of --profile-url to this file")
    parser.add_argument("--profile-url", default="/admin/", help="the page to profile (default: the dashboard)")
    args = parser.parse_args()

    if not (args.reuse and database_exists()):  # --reuse on a machine without it: made here
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
    staff = build(suggestions=args.suggestions)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('activities_participationsummary') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT count(*) FROM activities_participationsummary")
            if not cursor.fetchone()[0]:
                call_command("rebuild_participation_summaries", verbosity=0)
        _vacuum()
        cursor.execute(
            "SELECT (SELECT count(*) FROM proposals_suggestion), (SELECT count(*) FROM deputies_deputy),"
            " (SELECT count(*) FROM deputies_participation),"
            " (SELECT count(*) FROM proposals_assignment WHERE status IN ('assigned', 'rehandling')),"
            " (SELECT count(*) FROM proposals_assignment WHERE status IN ('assigned', 'rehandling')"
            "  AND deadline <= current_date + 15)"
        )
        counts = cursor.fetchone()
    print(
        "data: {:,} suggestions, {:,} deputies, {:,} participations, {:,} open assignments, {:,} due "
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

    def floor(queries) -> float:
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

    def page(name, url, *, data_only):
        def get():
            response = client.get(url, secure=True)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")

        timed(name, get, data_only=data_only)

    def timed(name, call, *, data_only):
        call()
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        with CaptureQueriesContext(connection) as captured:
            call()
        queries = captured.captured_queries
        data = [q for q in queries if data_only(q["sql"])]
        slowest = sorted(queries, key=lambda q: -float(q["time"]))[:1]
        print(
            f"BENCH {name} {statistics.median(times):.1f} ms  (slowest {max(times):.1f}, {len(queries)} queries, "
            f"python CPU {statistics.median(cpu):.1f} ms)"
        )
        print(f"BENCH {name.removesuffix('_ms')}_sql_floor_ms {floor(data):.1f} ms  ({len(data)} queries)")
        if slowest and os.environ.get("BENCH_VERBOSE"):
            print(f"    slowest query {slowest[0]['time']} s: {slowest[0]['sql'][:300]}")

    def everything(sql: str) -> bool:
        return sql.startswith("SELECT")

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work inflates every time)")
    page("dashboard_ms", "/admin/", data_only=everything)
    # Right after a write (the figures' cache version bumped before each request, as any write
    # to a domain table does): every panel counted again.
    from core import figures

    def dashboard_after_write():
        figures.figures_changed()
        response = client.get("/admin/", secure=True)
        if response.status_code != 200:
            sys.exit(f"/admin/ answered {response.status_code}")

    timed("dashboard_cold_ms", dashboard_after_write, data_only=everything)
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            client.get(args.profile_url, secure=True)
        profiler.disable()
        profiler.dump_stats(args.profile)
        print(f"profile of {args.runs} requests of {args.profile_url}: {args.profile}")
    # Each registered panel alone (a fresh copy of the user per call: no scope kept from the
    # previous call), then the rest of the page: the admin's app list, the template.
    from core.registry import dashboard_panels

    today = datetime.date.today()
    panels_ms = 0.0
    for entry in dashboard_panels.entries():
        times = []
        for _ in range(args.runs + 1):
            actor = type(staff).objects.get(pk=staff.pk)
            start = time.perf_counter()
            entry.func(actor, today)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            entry.func(type(staff).objects.get(pk=staff.pk), today)
        median = statistics.median(times[1:])
        panels_ms += median
        print(f"    panel {entry.name:<24} {median:6.1f} ms  ({len(captured.captured_queries)} queries)")
    print(f"    panels together          {panels_ms:6.1f} ms")
    if args.only_dashboard:
        return
    page("office_list_ms", "/office/suggestions/", data_only=everything)
    page("office_list_page50_ms", "/office/suggestions/?page=50", data_only=everything)

    if args.skip_scan:
        return
    from django.utils import timezone

    from notifications import tasks
    from notifications.models import Notification
    from proposals.scans import reply_deadlines

    queued: list = []

    def record(args=(), kwargs=None, **options):  # the broker: remember what was queued
        queued.append(args)

    Notification.objects.filter(key__startswith="assignment:", key__contains=":deadline-").delete()
    _vacuum()
    patches = [mock.patch.object(tasks.deliver_notification, "apply_async", record)]
    if hasattr(tasks, "deliver_many"):
        patches.append(mock.patch.object(tasks.deliver_many, "apply_async", record))
    for p in patches:
        p.start()
    now = timezone.now()
    start, start_cpu = time.perf_counter(), time.process_time()
    first = reply_deadlines(now)
    first_s, first_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    start, start_cpu = time.perf_counter(), time.process_time()
    repeat = reply_deadlines(now)
    repeat_s, repeat_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    with CaptureQueriesContext(connection) as captured:
        reply_deadlines(now)
    repeat_floor = floor([q for q in captured.captured_queries if everything(q["sql"])])
    for p in patches:
        p.stop()
    ids = sum((len(a[0]) if a and isinstance(a[0], list | tuple) else 1 for a in queued), 0)
    dupes = (
        Notification.objects.filter(key__contains=":deadline-")
        .values("user_id", "key")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    print(
        f"BENCH scan_first_s {first_s:.2f} s  ({first:,} reminders, {len(queued):,} delivery tasks for {ids:,}; "
        f"python CPU {first_cpu:.2f} s)"
    )
    print(
        f"BENCH scan_repeat_s {repeat_s:.2f} s  ({repeat:,} reminders; {dupes} duplicate keys; "
        f"python CPU {repeat_cpu:.2f} s)"
    )
    print(f"BENCH scan_repeat_sql_floor_ms {repeat_floor:.1f} ms  (its one read, straight through the cursor)")


if __name__ == "__main__":
    main()
