"""``manage.py bench_archive``: the performance archive at the size the office plans for.

Builds 10,000 deputies, 1,000 activities and 1,000,000 participations on PostgreSQL
(generated in SQL: a million ORM objects would time the generator, not the portal),
runs VACUUM ANALYZE, then times the staff list (``/office/archive/``) with its sorts and
filters and one deputy's archive page through Django's test client, printing the
median and the slowest of several runs. Refuses a database whose name lacks "bench".
"""

import datetime
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from accounts.models import User
from activities.models import Activity, Participation
from deputies.models import Congress, Deputy, ElectoralUnit, Term


class Command(BaseCommand):
    help = "Time the archive pages over 10,000 deputies and 1,000,000 participations (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--deputies", type=int, default=10_000)
        parser.add_argument("--activities", type=int, default=1_000)
        parser.add_argument("--per-deputy", type=int, default=100, help="participations per deputy")
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, deputies, activities, per_deputy, runs, **options):
        if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
            raise CommandError("Run on a PostgreSQL database whose name contains 'bench' (make bench).")
        t0 = time.perf_counter()
        staff = self.build(deputies, activities, per_deputy)
        self.stdout.write(
            f"built {deputies:,} deputies, {activities:,} activities, "
            f"{Participation.objects.count():,} participations in {time.perf_counter() - t0:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE deputies_participation")
            cursor.execute("VACUUM ANALYZE deputies_deputy")
            cursor.execute("VACUUM ANALYZE deputies_activity")

        settings.REQUIRE_STAFF_MFA = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(staff)
        year = datetime.date.today().year
        one = Deputy.objects.order_by("pk").values_list("pk", flat=True)[deputies // 2]
        pages = [
            ("staff list, by name", f"/office/archive/?year={year}"),
            ("staff list, most active first", f"/office/archive/?year={year}&order=-attended_year"),
            ("staff list, grassroots with no activity", f"/office/archive/?year={year}&grassroots=yes&no_activity=1"),
            ("staff list, page 100", f"/office/archive/?year={year}&order=-attended_term&page=100"),
            ("one deputy's archive", f"/office/archive/{one}/?year={year}"),
        ]
        self.stdout.write(f"{'page':45} {'median':>9} {'slowest':>9}  (ms, {runs} runs, warm)")
        for label, url in pages:
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url, secure=True)
                times.append((time.perf_counter() - start) * 1000)
            self.stdout.write(f"{label:45} {statistics.median(times):9.1f} {max(times):9.1f}")

    def build(self, n_deputies, n_activities, per_deputy) -> User:
        city, _ = Congress.objects.get_or_create(name="基准测试市人民代表大会", defaults={"level": Congress.Level.CITY})
        term, _ = Term.objects.get_or_create(
            congress=city,
            number=1,
            defaults={"name": "第一届", "start_date": datetime.date(2022, 1, 1), "is_current": True},
        )
        units = [ElectoralUnit.objects.get_or_create(congress=city, name=f"第{i + 1}区")[0] for i in range(12)]
        staff = User.objects.filter(email="bench@example.org").first() or User.objects.create_superuser(
            email="bench@example.org", password=None, full_name="基准", congress=city
        )
        if Deputy.objects.filter(congress=city).count() >= n_deputies:
            return staff
        Deputy.objects.bulk_create(
            [
                Deputy(
                    congress=city,
                    term=term,
                    electoral_unit=units[i % len(units)],
                    name=f"代表{i:05d}",
                    gender="F" if i % 3 == 0 else "M",
                    is_grassroots=i % 2 == 0,
                )
                for i in range(n_deputies)
            ],
            batch_size=5000,
        )
        today = datetime.date.today()
        kinds = [k for k in Activity.Kind.values]
        Activity.objects.bulk_create(
            [
                Activity(
                    congress=city,
                    kind=kinds[i % len(kinds)],
                    title=f"活动{i}",
                    organiser="代表工作委员会",
                    start_date=today - datetime.timedelta(days=(i * 7) % 1400),
                    end_date=today - datetime.timedelta(days=(i * 7) % 1400),
                    recorder=staff,
                    created_by=staff,
                )
                for i in range(n_activities)
            ],
            batch_size=5000,
        )
        # Each deputy takes part in `per_deputy` distinct activities, mostly attended.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH d AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM deputies_deputy WHERE congress_id = %s),
                     a AS (SELECT id, start_date, kind, row_number() OVER (ORDER BY id) - 1 AS n FROM deputies_activity WHERE congress_id = %s)
                INSERT INTO deputies_participation
                    (activity_id, deputy_id, role, status, reason, walk_in, activity_date, activity_kind)
                SELECT a.id, d.id, 'participant',
                       CASE WHEN (d.n + k) %% 20 = 0 THEN 'absent' WHEN (d.n + k) %% 11 = 0 THEN 'excused' ELSE 'attended' END,
                       CASE WHEN (d.n + k) %% 20 <> 0 AND (d.n + k) %% 11 = 0 THEN '出差' ELSE '' END,
                       false, a.start_date, a.kind
                FROM d CROSS JOIN generate_series(0, %s - 1) AS k
                JOIN a ON a.n = (d.n * 7 + k * (%s / %s)) %% %s
                """,
                [city.pk, city.pk, per_deputy, n_activities, per_deputy, n_activities],
            )
        return staff
