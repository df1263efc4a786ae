"""Time the roster import as staff run it: upload + preview, then confirm, through the admin.

    .venv/bin/python scripts/bench_import.py [--rows 10000] [--accounts-every 10] [--fresh] [--profile out.prof]

Uses its own PostgreSQL database (``perf_import_bench`` on 127.0.0.1, or PERF_IMPORT_DB):
created and migrated on the first run (``--fresh`` drops it first); each run deletes the
deputies and accounts of the previous one. It builds a realistic .xlsx of invented deputies
(Chinese headers; mobiles 1380000xxxx; ID numbers 990000… with valid check digits, a
province code that does not exist), logs a staff member in with Django's test client and
posts the file to the deputy admin's import page (the preview: a dry run) and then to its
confirm page (the real import), as a browser would. It prints

    BENCH import_10k_s <seconds> s

(upload to done, the two requests) and the split: reading the file, checking/preview (the
dry run), writing (the confirm's import), and the rest (upload handling, rendering); then, inside
those, the row checks of both steps, the confirm's bulk inserts, the admin history's entries,
the accounts' roles and the admin's app list.
"""

import argparse
import cProfile
import datetime
import io
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("PERF_IMPORT_DB", "perf_import_bench")
if not DB_NAME.startswith("perf_import_"):
    sys.exit(f"refusing database {DB_NAME!r}: its name must start with perf_import_")
# Production-like settings: DEBUG off (it records every query), plain HTTP for the test client.
os.environ.update(
    {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "DEBUG": "0",
        "PORTAL_TESTING": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "PERSONAL_DATA_KEY": "bench-only-personal-data-key",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "REQUIRE_STAFF_MFA": "0",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
        # The uploads waiting for the confirm step: outside the project.
        "PRIVATE_ROOT": str(Path(tempfile.gettempdir()) / "perf_import_uploads"),
    }
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬文斌宇浩凯健俊帆帅旭宁鹏辉兰凤洁梅琳素云莲真环雪荣爱妹香月"
PARTIES = ["中共党员"] * 6 + ["民革党员", "民盟盟员", "民建会员", "民进会员", "九三学社社员", "无党派人士", "群众"]
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族"]
JOBS = [
    ("教师", "示例市某中学教师"),
    ("医生", "示例市某医院主任医师"),
    ("工人", "某制造公司一线工人"),
    ("农民", "某村种植合作社社员"),
    ("企业管理人员", "某科技公司总经理"),
    ("社区工作者", "某街道社区党委书记"),
    ("律师", "某律师事务所主任"),
    ("公务员", "某区人民政府副区长"),
]
UNIT_NAMES = [
    "玄武区",
    "秦淮区",
    "建邺区",
    "鼓楼区",
    "浦口区",
    "栖霞区",
    "雨花台区",
    "江宁区",
    "六合区",
    "溧水区",
    "高淳区",
    "驻军",
]
CITY = "示例市人民代表大会"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
HEADERS = [
    "人大",
    "选举单位",
    "姓名",
    "性别",
    "民族",
    "出生年份",
    "党派",
    "职业",
    "工作单位及职务",
    "基层代表",
    "手机号码",
    "身份证号码",
    "通讯地址",
    "当选日期",
    "开通账号",
]


def id_number(n: int, birth: datetime.date) -> str:
    # 990000: province code 99 does not exist, so no row is a real person; the check digit
    # is right (GB 11643), so the import validates it in full.
    body = f"990000{birth:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def build_xlsx(rows: int, accounts_every: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(2026)
    # A normal workbook (shared strings, a <dimension>), like one saved by Excel or WPS.
    book = Workbook()
    sheet = book.active
    sheet.title = "代表名单"
    sheet.append(HEADERS)
    for n in range(rows):
        # One birth date per row keeps every ID number different.
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=n * 3 % 12_000 + n // 4000)
        occupation, employer = rng.choice(JOBS)
        unit = UNIT_NAMES[n % len(UNIT_NAMES)]
        sheet.append(
            [
                CITY,
                unit,
                rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                rng.choice(("男", "女")),
                rng.choice(ETHNICITIES),
                birth.year,
                rng.choice(PARTIES),
                occupation,
                employer,
                "是" if occupation in ("工人", "农民", "教师", "医生", "社区工作者") else "否",
                f"1380000{n:04d}",
                id_number(n, birth),
                f"示例市{unit}示例路{rng.randint(1, 300)}号",
                datetime.date(2022, 1, 6),
                "是" if accounts_every and n % accounts_every == 0 else "否",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE_NAME = f"{DB_NAME}_template"


def _postgres(*statements) -> bool:
    """Run statements on the server's maintenance database; True if the template exists."""
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    conn.autocommit = True
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE_NAME])
        exists = cur.fetchone() is not None
    conn.close()
    return exists


def prepare_database(fresh: bool) -> None:
    """A clean database per run, copied from a migrated template with the setup rows.

    Copying beats cleaning up: the security log's triggers refuse deletes, so the previous
    run's accounts and their audit rows cannot be removed."""
    from psycopg2 import sql

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    bench, template = sql.Identifier(DB_NAME), sql.Identifier(TEMPLATE_NAME)
    if fresh or not _postgres():
        _postgres(drop.format(template), drop.format(bench), sql.SQL("CREATE DATABASE {}").format(bench))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", interactive=False, verbosity=0)
        setup_rows()
        connections.close_all()
        _postgres(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(template, bench))
    else:
        _postgres(drop.format(bench), sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(bench, template))
        import django

        django.setup()


def setup_rows():
    """The city congress, its current term and electoral units, and one staff member."""
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import User
    from deputies.models import Congress, ElectoralUnit, Term

    congress, _ = Congress.objects.get_or_create(
        name=CITY, defaults={"short_name": "示例市", "level": Congress.Level.CITY}
    )
    if not Term.objects.filter(congress=congress, is_current=True).exists():
        Term.objects.create(
            congress=congress, number=17, name="第十七届", start_date=datetime.date(2022, 1, 6), is_current=True
        )
    for index, name in enumerate(UNIT_NAMES, start=1):
        # Seats enough for the file's share of each unit (the import refuses seats beyond them).
        ElectoralUnit.objects.update_or_create(
            congress=congress, name=name, defaults={"order": index, "seats": 10_000 // len(UNIT_NAMES) + 1}
        )
    staff = User.objects.filter(email="perf-import-staff@example.org").first()
    if staff is None:
        staff = User.objects.create_user(
            email="perf-import-staff@example.org", full_name="基准工作人员", is_staff=True, congress=congress
        )
        staff.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]))
    return staff


class Timer:
    """Adds up the time spent inside wrapped functions, by label."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, owner, name, label_of):
        original = getattr(owner, name)
        timer = self

        def wrapper(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                label = label_of(*args, **kwargs)
                timer.spent[label] = timer.spent.get(label, 0.0) + time.perf_counter() - started
                timer.cpu[label] = timer.cpu.get(label, 0.0) + time.process_time() - cpu

        setattr(owner, name, wrapper)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--accounts-every", type=int, default=10, help="every Nth row asks for an account; 0: none")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--profile", help="write a cProfile of the two requests to this file")
    parser.add_argument("--queries", action="store_true", help="print the statements that took the most time")
    args = parser.parse_args()
    if not 1 <= args.rows <= 10_000:
        sys.exit("--rows must be between 1 and 10000 (mobiles 13800000000-13800009999)")

    prepare_database(args.fresh)
    from django.conf import settings

    # No collectstatic here: plain static URLs instead of the manifest's.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.test import Client

    from accounts.models import User
    from dataio import formats
    from deputies.models import Deputy
    from deputies.resources import DeputyResource

    staff = User.objects.get(email="perf-import-staff@example.org")
    content = build_xlsx(args.rows, args.accounts_every)

    timer = Timer()
    # The confirm step's read is told apart by the flag it sets (dataio.formats.accept_parsed).
    in_confirm = getattr(formats, "accept_parsed", None)
    timer.wrap(
        formats.XLSX,
        "create_dataset",
        lambda *a, **k: "read (confirm)" if in_confirm is not None and in_confirm.get() else "read",
    )
    timer.wrap(
        DeputyResource, "import_data", lambda *a, **k: "validate/preview" if k.get("dry_run") else "write (confirm)"
    )

    # Parts inside the steps above (not added to them): where the confirm's time goes.
    from import_export.admin import ImportExportMixin
    from import_export.resources import Resource

    from deputies import resources as deputy_resources
    from portal.admin_site import PortalAdminSite

    inner = Timer()
    inner.wrap(Resource, "import_row", lambda *a, **k: "row checks (both steps)")
    inner.wrap(DeputyResource, "bulk_create", lambda *a, **k: "bulk insert (confirm)")
    inner.wrap(ImportExportMixin, "_log_actions", lambda *a, **k: "admin log entries")
    inner.wrap(deputy_resources, "user_sync_roles_many", lambda *a, **k: "accounts' roles")
    inner.wrap(PortalAdminSite, "get_app_list", lambda *a, **k: "admin app list")

    statements: dict[str, list] = {}

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements.setdefault(re.sub(r"\(%s(, %s)*\)(, \(%s(, %s)*\))*", "(…)", sql)[:150], [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    if args.queries:
        from django.db import connection

        connection.execute_wrappers.append(record)
    client = Client()
    client.force_login(staff)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    upload = io.BytesIO(content)
    upload.name = "代表名单.xlsx"
    response = client.post("/admin/deputies/deputy/import/", {"import_file": upload, "format": "0", "resource": "0"})
    preview_done = time.perf_counter()
    # The confirm form's hidden fields, read from the page as a browser would (the test
    # client's response.context needs the test environment's template instrumentation).
    html = response.content.decode()
    form = re.search(r'<form action="[^"]*process_import/" method="POST">(.*?)</form>', html, re.S)
    if response.status_code != 200 or form is None:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        sys.exit(f"the preview offers no confirmation ({response.status_code}): {text[-2000:]}")
    confirm = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))
    confirm.pop("csrfmiddlewaretoken", None)
    response = client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    done, cpu_done = time.perf_counter(), time.process_time()
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    if response.status_code != 302:
        sys.exit(f"the confirmation failed ({response.status_code})")
    imported = Deputy.objects.filter(term__is_current=True, congress__name=CITY).count()
    if imported != args.rows:
        sys.exit(f"expected {args.rows} deputies, found {imported}")

    total = done - started
    spent = timer.spent
    other = total - sum(spent.values())
    accounts = Deputy.objects.filter(congress__name=CITY, user__isnull=False).count()
    print(
        f"bench_import: {args.rows:,} rows ({accounts:,} with an account), {len(content) / 1024:,.0f} KB, db {DB_NAME}"
    )
    # Wall time, and this process's CPU time (the database server's work is not in it; on
    # a busy machine the CPU figures are the steadier ones).
    print(f"  upload + preview   {preview_done - started:6.2f} s")
    print(f"  confirm            {done - preview_done:6.2f} s")
    for label in ("read", "validate/preview", "read (confirm)", "write (confirm)"):
        print(f"    {label:<18} {spent.get(label, 0.0):6.2f} s   cpu {timer.cpu.get(label, 0.0):5.2f} s")
    other_cpu = cpu_done - cpu_started - sum(timer.cpu.values())
    print(f"    {'other':<18} {other:6.2f} s   cpu {other_cpu:5.2f} s   (upload, storage, rendering, sessions)")
    for label, seconds in inner.spent.items():
        print(f"      of which {label:<24} {seconds:6.2f} s   cpu {inner.cpu[label]:5.2f} s")
    print(f"  load average {os.getloadavg()[0]:.1f}; cpu of this process {cpu_done - cpu_started:.2f} s")
    if args.queries:
        print(f"  queries: {sum(n for n, _t in statements.values())}, {sum(t for _n, t in statements.values()):.2f} s")
        for sql, (n, spent) in sorted(statements.items(), key=lambda item: -item[1][1])[:12]:
            print(f"    {spent:6.2f} s {n:6d}x  {sql}")
    size = f"{args.rows // 1000}k" if args.rows % 1000 == 0 else f"{args.rows}rows"
    print(f"BENCH import_{size}_s {total:.2f} s")


if __name__ == "__main__":
    main()
