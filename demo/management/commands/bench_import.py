"""``manage.py bench_import --rows 10000``: time a roster import the way the admin runs it.

Builds an .xlsx of invented deputies (Chinese headers, as an office would fill it in),
reads it, runs the dry run (the admin's preview) and then the real import through the same
``DeputyResource``, and prints the timings. It writes thousands of deputies, so it refuses
a database whose name does not contain "bench" unless told otherwise; ``make bench``
(scripts/bench.sh) recreates such a database on PostgreSQL first.

Everything about the people is invented: mobiles in the ranges 1380000xxxx, 1390000xxxx, …
and ID numbers with the nonexistent province code 99, so no row can be a real person's.
"""

import datetime
import io
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import translation

from accounts.models import User
from dataio.formats import XLSX
from deputies.models import Congress, Deputy, ElectoralUnit, Term
from deputies.resources import DeputyResource

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬文斌宇浩凯健俊帆帅旭宁鹏辉兰凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
PARTIES = ["中共党员"] * 6 + [
    "民革党员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
    "无党派人士",
    "群众",
]
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族"]
JOBS = [
    ("教师", "示例市某中学教师"),
    ("医生", "示例市某医院主任医师"),
    ("工人", "某制造公司一线工人"),
    ("农民", "某村种植合作社社员"),
    ("企业管理人员", "某科技公司总经理"),
    ("社区工作者", "某街道社区党委书记"),
    ("律师", "某律师事务所主任"),
    ("科研人员", "某研究院研究员"),
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
MOBILE_PREFIXES = ["138", "139", "150", "151", "152", "158", "159", "186", "187", "188"]


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def invented_id_number(n: int, birth: datetime.date) -> str:
    # Province code 99 does not exist, so the number cannot be anyone's; the check digit
    # is right (GB 11643), so the import's validation runs in full. 99xxxx + sequence
    # number keeps every row's number different.
    body = f"99{n // 1000 % 10_000:04d}{birth:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


class Command(BaseCommand):
    help = "Time an import of invented deputies (.xlsx): build the file, dry run, import. Writes to the database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument(
            "--accounts-every", type=int, default=10, help="every Nth row asks for a login account; 0 for none"
        )
        parser.add_argument(
            "--allow-any-database", action="store_true", help="run on a database whose name lacks 'bench'"
        )
        parser.add_argument("--reset", action="store_true", help="delete the deputies of the bench term first")

    def handle(self, *args, rows, accounts_every, allow_any_database, reset, **options):
        db_name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in db_name and not allow_any_database:
            raise CommandError(
                f"Refusing to write {rows} invented deputies into {db_name!r}: use `make bench` or --allow-any-database."
            )
        if not 1 <= rows <= len(MOBILE_PREFIXES) * 10_000:
            raise CommandError(f"--rows must be between 1 and {len(MOBILE_PREFIXES) * 10_000}")
        congress, term, units, actor = self._setup()
        existing = Deputy.objects.filter(term=term).count()
        if existing and not reset:
            raise CommandError(
                f"{term} already has {existing} deputies; run `make bench` (recreates the database) or pass --reset."
            )
        if reset:
            Deputy.objects.filter(term=term).delete()

        with translation.override("zh-hans"):
            started = time.perf_counter()
            content = self._build_file(congress, units, rows, accounts_every)
            built = time.perf_counter() - started

            started = time.perf_counter()
            dataset = XLSX().create_dataset(content)
            read = time.perf_counter() - started

            started = time.perf_counter()
            preview = DeputyResource(user=actor).import_data(dataset, dry_run=True, user=actor, file_name="bench.xlsx")
            dry = time.perf_counter() - started
            self._fail_on_errors(preview)

            # The admin's confirm step reads the stored file again and imports for real.
            started = time.perf_counter()
            dataset = XLSX().create_dataset(content)
            result = DeputyResource(user=actor).import_data(dataset, dry_run=False, user=actor, file_name="bench.xlsx")
            imported = time.perf_counter() - started
            self._fail_on_errors(result)

        count = Deputy.objects.filter(term=term).count()
        accounts = Deputy.objects.filter(term=term, user__isnull=False).count()
        if count != rows:
            raise CommandError(f"expected {rows} deputies in {term}, found {count}")
        out = self.stdout.write
        out(
            f"bench_import: {rows:,} rows ({accounts:,} with a login account) on {connection.vendor} database {db_name}"
        )
        out(f"  build .xlsx        {built:7.2f} s   ({len(content) / 1024:,.0f} KB)")
        out(f"  read .xlsx         {read:7.2f} s   {rows / read:9,.0f} rows/s")
        out(f"  dry run (preview)  {dry:7.2f} s   {rows / dry:9,.0f} rows/s")
        out(f"  read + import      {imported:7.2f} s   {rows / imported:9,.0f} rows/s")
        out(f"  upload to done     {read + dry + imported:7.2f} s   (read, preview, confirm)")

    def _setup(self):
        with transaction.atomic():
            congress = Congress.objects.filter(level=Congress.Level.CITY).order_by("pk").first()
            if congress is None:
                congress = Congress.objects.create(
                    name="示例市人民代表大会", short_name="示例市", level=Congress.Level.CITY
                )
            term = Term.objects.filter(congress=congress, is_current=True).first()
            if term is None:
                term = Term.objects.create(
                    congress=congress, number=17, name="第十七届", start_date=datetime.date(2022, 1, 6), is_current=True
                )
            units = list(ElectoralUnit.objects.filter(congress=congress))
            if not units:
                units = [
                    ElectoralUnit.objects.create(congress=congress, name=name, order=index, seats=50)
                    for index, name in enumerate(UNIT_NAMES, start=1)
                ]
            actor = User.objects.filter(email="bench@example.org").first()
            if actor is None:
                actor = User.objects.create_superuser(email="bench@example.org", full_name="基准测试")
        return congress, term, units, actor

    def _build_file(self, congress, units, rows, accounts_every) -> bytes:
        from openpyxl import Workbook

        rng = random.Random(2026)
        labels = DeputyResource()._labels
        columns = [
            "congress",
            "electoral_unit",
            "name",
            "gender",
            "ethnicity",
            "birth_year",
            "party",
            "occupation",
            "employer",
            "is_grassroots",
            "mobile",
            "id_number",
            "address",
            "elected_on",
            "create_account",
        ]
        # A normal (not write-only) workbook, like one saved by Excel or WPS: shared
        # strings and a <dimension> element, which readers rely on to be fast.
        book = Workbook()
        sheet = book.active
        sheet.title = "代表名单"
        sheet.append([labels[c] for c in columns])
        for n in range(rows):
            birth = datetime.date(rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28))
            occupation, employer = rng.choice(JOBS)
            unit = units[n % len(units)]
            sheet.append(
                [
                    congress.name,
                    unit.name,
                    rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                    rng.choice(("男", "女")),
                    rng.choice(ETHNICITIES),
                    birth.year,
                    rng.choice(PARTIES),
                    occupation,
                    employer,
                    "是" if occupation in ("工人", "农民", "教师", "医生", "社区工作者") else "否",
                    f"{MOBILE_PREFIXES[n // 10_000]}0000{n % 10_000:04d}",
                    invented_id_number(n, birth),
                    f"示例市{unit.name}示例路{rng.randint(1, 300)}号",
                    datetime.date(2022, 1, 6),
                    "是" if accounts_every and n % accounts_every == 0 else "否",
                ]
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def _fail_on_errors(self, result):
        if result.has_errors() or result.has_validation_errors():
            lines = [str(e.error) for e in result.base_errors[:5]]
            lines += [f"row {r.number}: {r.error_dict}" for r in result.invalid_rows[:5]]
            raise CommandError("the import reported problems:\n" + "\n".join(lines))
