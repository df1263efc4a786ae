"""``manage.py seed_livelihood``: demo livelihood projects (民生实事), run after ``seed_demo``,
``seed_activities``, ``seed_proposals`` and ``seed_liaison``.

Three cycles of the city congress, all built through livelihood's services so that events,
ledger activities and notifications are what real use leaves:

- last year's: ideas entered, twelve candidates for ten seats voted, delivered to the end
  with reports, evaluated by the deputies and closed;
- this year's: ten elected categories holding forty items with targets and reports at
  different stages (some ahead, some behind, one moved back with its reason), two supervision
  groups with their inspections in the ledger, observations answered and open;
- next year's: the collection window open, with ideas from the public (one held for a
  sensitive word), deputies' candidates (one joint, one taking up a public idea), an offline
  entry, and screening begun.

Deterministic and idempotent: a cycle is known by its congress and year; one that exists is
left as it is. Department officers missing for the responsible departments are created
(demo password), known by e-mail.
"""

import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Unit, User
from accounts.services import user_create
from activities.services import attendance_record
from demo import demo_data as data
from deputies.models import Congress, Deputy
from livelihood import services, services_delivery
from livelihood.models import Cycle, Idea, Project

SEED = 20261203
STAFF_EMAIL = "staff@example.org"

# (title, department, budget, [(item, target name, unit, value)])
CATEGORIES = [
    (
        "养老服务类",
        "市民政局",
        52000,
        [
            ("新建社区老年助餐点", "建成助餐点", "个", 120),
            ("改造家庭养老床位", "改造床位", "张", 3000),
            ("建设街道综合养老服务中心", "建成中心", "个", 20),
            ("适老化改造困难老人家庭", "完成改造", "户", 2000),
        ],
    ),
    (
        "教育托育类",
        "市教育局",
        86000,
        [
            ("新建改扩建中小学幼儿园", "建成学校", "所", 30),
            ("增加普惠性托位", "新增托位", "个", 5000),
            ("推广课后延时服务", "覆盖学校", "所", 400),
            ("建设校园食堂明厨亮灶", "完成改造", "所", 300),
        ],
    ),
    (
        "交通出行类",
        "市交通运输局",
        120000,
        [
            ("新增公共停车泊位", "新增泊位", "个", 20000),
            ("优化公交线路", "优化线路", "条", 50),
            ("建设口袋公交站台", "建成站台", "个", 200),
            ("改善学校周边交通", "完成整治", "所", 100),
        ],
    ),
    (
        "医疗卫生类",
        "市卫生健康委员会",
        64000,
        [
            ("建设社区医院", "建成社区医院", "家", 15),
            ("配置社区急救设备", "配置点位", "个", 500),
            ("开展老年人健康体检", "完成体检", "万人次", 60),
            ("扩大家庭医生签约", "新增签约", "万人", 20),
        ],
    ),
    (
        "城市更新类",
        "市住房保障和房产局",
        150000,
        [
            ("老旧小区改造", "完成改造", "个", 150),
            ("既有住宅加装电梯", "加装电梯", "部", 800),
            ("棚户区改造", "完成改造", "户", 3000),
            ("建设保障性租赁住房", "筹集房源", "套", 20000),
        ],
    ),
    (
        "生态环境类",
        "市生态环境局",
        45000,
        [
            ("整治黑臭水体", "完成整治", "条", 40),
            ("建设口袋公园", "建成公园", "个", 60),
            ("治理噪声扰民", "完成治理", "处", 100),
            ("建设垃圾分类示范小区", "建成小区", "个", 500),
        ],
    ),
    (
        "就业创业类",
        "市人力资源和社会保障局",
        30000,
        [
            ("开展职业技能培训", "完成培训", "万人次", 15),
            ("建设零工市场", "建成市场", "个", 12),
            ("帮扶困难人员就业", "实现就业", "人", 8000),
            ("建设青年驿站", "建成驿站", "个", 30),
        ],
    ),
    (
        "文体惠民类",
        "市文化和旅游局",
        28000,
        [
            ("建设城市书房", "建成书房", "个", 50),
            ("新建全民健身场地", "建成场地", "处", 120),
            ("开展惠民演出", "完成演出", "场", 1000),
            ("免费开放学校体育场地", "开放学校", "所", 200),
        ],
    ),
    (
        "食品安全类",
        "市市场监督管理局",
        12000,
        [
            ("建设农贸市场快检室", "建成快检室", "个", 80),
            ("改造标准化菜市场", "完成改造", "个", 40),
            ("开展食品抽检", "完成抽检", "批次", 60000),
            ("建设放心消费示范街区", "建成街区", "条", 20),
        ],
    ),
    (
        "为民服务类",
        "市政务服务管理办公室",
        9000,
        [
            ("建设15分钟政务服务圈", "建成服务点", "个", 300),
            ("推行一件事一次办", "上线事项", "件", 40),
            ("建设便民服务驿站", "建成驿站", "个", 100),
            ("提升12345热线接通率", "接通率", "%", 95),
        ],
    ),
    (
        "防汛安全类",
        "市水务局",
        70000,
        [
            ("改造易淹易涝片区", "完成改造", "片", 30),
            ("建设雨水泵站", "建成泵站", "座", 10),
            ("疏浚城市河道", "完成疏浚", "公里", 80),
            ("更新排水管网", "更新管网", "公里", 120),
        ],
    ),
    (
        "数字便民类",
        "市数据局",
        8000,
        [
            ("建设城市一码通", "接入场景", "个", 100),
            ("开展适老化数字培训", "完成培训", "万人次", 5),
            ("推进公共场所免费WiFi", "覆盖点位", "个", 800),
            ("建设数据开放平台", "开放数据集", "个", 500),
        ],
    ),
]

PUBLIC_IDEAS = [
    (
        "小区周边增设充电桩",
        "我们小区有几百辆电动自行车，只有十几个充电口，建议在小区周边集中建设充电车棚。",
        "很多人把车推进楼道充电，有火灾隐患。",
    ),
    ("增加社区老年食堂", "希望在梅园新村街道增加一处老年食堂，中午能提供热饭。", "独居老人做饭困难。"),
    ("学校门口建设接送区", "建议在附近小学门口建设家长接送等候区。", "放学时段道路拥堵严重。"),
    ("公园厕所延长开放时间", "建议城市公园的公共厕所开放到晚上十点。", "晚上锻炼的市民很多。"),
    ("河道沿岸增设照明", "秦淮河部分步道夜间没有路灯，建议增设照明。", "夜间散步不安全。"),
    ("代开发票小广告清理", "小区楼道里贴满了代开发票的小广告，希望清理。", "影响环境。"),
]
DEPUTY_CANDIDATES = [
    (
        "新建一批社区嵌入式托育点",
        "在老城区社区用房中建设嵌入式托育点，每处不少于30个托位。",
        "双职工家庭托育需求大。",
        3000,
        "0—3岁婴幼儿家庭",
    ),
    (
        "建设电动自行车集中充电设施",
        "在老旧小区和城中村建设电动自行车集中充电设施。",
        "消除楼道充电火灾隐患。",
        5000,
        "老旧小区居民",
    ),
    ("推进背街小巷整治", "对主城区背街小巷的路面、照明、管线进行整治。", "改善居民出行环境。", 8000, "主城区居民"),
]


def _png(seed: int) -> SimpleUploadedFile:
    from PIL import Image

    colour = ((seed * 53) % 200 + 30, (seed * 97) % 200 + 30, (seed * 29) % 200 + 30)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(f"现场照片{seed}.png", buffer.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Demo livelihood projects: last year closed and evaluated, this year delivering, next year collecting."

    def handle(self, *args, **options):
        city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
        staff = User.objects.filter(email=STAFF_EMAIL).first()
        if city is None or staff is None:
            raise CommandError("Run seed_demo first.")
        self.city, self.staff = city, staff
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.deputies = list(
            Deputy.objects.filter(congress=city, status=Deputy.Status.SERVING).select_related("user").order_by("pk")
        )
        self.with_accounts = [d for d in self.deputies if d.user_id and d.user.is_active]
        if len(self.deputies) < 20:
            raise CommandError("Run seed_demo first: too few serving deputies.")
        year = self.today.year
        made = []
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            self.officers = self.ensure_officers()
            if not Cycle.objects.filter(congress=city, year=year - 1).exists():
                made.append(self.past_cycle(year - 1))
            if not Cycle.objects.filter(congress=city, year=year).exists():
                made.append(self.current_cycle(year))
            if not Cycle.objects.filter(congress=city, year=year + 1).exists():
                made.append(self.collecting_cycle(year + 1))
        self.stdout.write(
            f"Demo livelihood: {len(made)} new cycles ({Cycle.objects.filter(congress=city).count()} in all, "
            f"{Project.objects.filter(cycle__congress=city).count()} projects, "
            f"{Idea.objects.filter(cycle__congress=city).count()} ideas and candidates)."
        )

    # --- People ------------------------------------------------------------------------------

    def ensure_officers(self) -> dict[str, User]:
        """An officer for every responsible department (unit@ and unit2@ are seed_demo's)."""
        password = make_password(data.DEMO_PASSWORD)
        officers = {}
        for n, (_title, unit_name, _budget, _items) in enumerate(CATEGORIES, start=1):
            unit = Unit.objects.get(congress=self.city, name=unit_name)
            officer = unit.officers.filter(is_active=True).order_by("pk").first()
            if officer is None:
                email = f"livelihood{n:02d}@example.org"
                officer = User.objects.filter(email=email).first() or user_create(
                    actor=self.staff, full_name=f"{unit.short_name or unit.name}联系人", email=email, unit=unit
                )
                officer.password = password
                officer.save(update_fields=["password"])
            officers[unit_name] = officer
        return officers

    def unit(self, name) -> Unit:
        return Unit.objects.get(congress=self.city, name=name)

    # --- Shared steps ------------------------------------------------------------------------

    def list_and_vote(self, cycle, *, number_of=12, ideas=()):
        """Put ``number_of`` categories on the list, each with four items and a target each;
        vote: the first ten comfortably elected, the last two short of the majority."""
        services.cycle_close_collection(actor=self.staff, cycle=cycle)
        ideas = list(ideas)
        projects = []
        for n, (title, unit_name, budget, items) in enumerate(CATEGORIES[:number_of], start=1):
            project = services.project_add(
                actor=self.staff,
                cycle=cycle,
                number=n,
                title=title,
                department=self.unit(unit_name),
                budget=budget,
                description=f"{cycle.year}年{title}民生实事项目。",
                ideas=[ideas[n - 1]] if n <= len(ideas) else [],
            )
            for item_title, target_name, unit_of, value in items:
                item = services.item_add(
                    actor=self.staff, project=project, title=item_title, budget=Decimal(budget) / 4
                )
                services.target_add(
                    actor=self.staff,
                    item=item,
                    name=target_name,
                    unit=unit_of,
                    target_value=value,
                    due_date=datetime.date(cycle.year, 11, 30),
                )
                services.milestone_add(
                    actor=self.staff, item=item, title="完成项目选址和立项", due_date=datetime.date(cycle.year, 3, 31)
                )
            projects.append(project)
        total = len(self.deputies)
        results = {}
        absent = total // 60
        for p in projects:
            if p.number <= 10:
                votes_for = total - absent - 1 - round(total * 0.04 * p.number)
            else:
                votes_for = total // 2 - (p.number - 10) * max(1, total // 40)
            against = min(self.rng.randint(3, 25), (total - absent - votes_for) // 2)
            results[p.number] = (votes_for, against, max(0, total - absent - votes_for - against))
        return projects, results

    def report(self, item, *, period, share, narrative, reason="", photo=None):
        target = item.targets.first()
        value = (target.target_value * Decimal(share)).quantize(Decimal("1"))
        value = min(value, target.target_value)
        officer = self.officers[item.department.name] if item.department.name in self.officers else None
        if officer is None:
            officer = item.department.officers.filter(is_active=True).first()
        return services_delivery.report_submit(
            actor=officer,
            item=item,
            period=period,
            narrative=narrative,
            values={target.pk: (str(value), reason)},
            photos=[photo] if photo else [],
        )

    # --- Last year: closed and evaluated ---------------------------------------------------------

    def past_cycle(self, year) -> Cycle:
        cycle = services.cycle_create(
            actor=self.staff,
            congress=self.city,
            year=year,
            title=f"{year}年度市级民生实事项目",
            opens_on=datetime.date(year - 1, 9, 1),
            closes_on=datetime.date(year - 1, 10, 31),
            seats=10,
            notice="面向社会公开征集民生实事项目建议。",
        )
        services.cycle_open_collection(actor=self.staff, cycle=cycle, announce=False)
        ideas = []
        for n, (title, _unit, _b, _i) in enumerate(CATEGORIES[:12]):
            idea = services.idea_enter_offline(
                actor=self.staff,
                cycle=cycle,
                title=f"关于{title.removesuffix('类')}的建议",
                what_where=f"建议将{title.removesuffix('类')}列入{year}年民生实事。",
                why="群众反映集中。",
                deputies=[self.deputies[(n * 3) % len(self.deputies)]],
            )
            services.idea_shortlist(actor=self.staff, idea=idea)
            ideas.append(idea)
        projects, results = self.list_and_vote(cycle, ideas=ideas)
        services.vote_record(
            actor=self.staff,
            cycle=cycle,
            deputies_total=len(self.deputies),
            results=results,
            held_on=datetime.date(year, 1, 12),
        )
        for project in cycle.projects.filter(status=Project.Status.ELECTED).prefetch_related("items__targets"):
            for item in project.items.all():
                self.report(item, period=f"{year}-Q2", share=0.5, narrative="项目按计划推进，已完成年度目标的一半。")
                self.report(item, period=f"{year}-Q4", share=1, narrative="已全面完成年度目标任务。")
            services_delivery.project_complete(actor=self.staff, project=project)
        services.cycle_open_evaluation(actor=self.staff, cycle=cycle, closes_on=self.today, announce=False)
        raters = self.with_accounts[:60]
        values = ["satisfied"] * 7 + ["basically"] * 2 + ["unsatisfied"]
        for project in cycle.projects.filter(status__in=(Project.Status.ELECTED, Project.Status.COMPLETED)):
            for i, deputy in enumerate(raters):
                services_delivery.rating_submit(
                    actor=deputy.user, project=project, value=values[(i + project.number) % len(values)]
                )
        services.cycle_close(actor=self.staff, cycle=cycle)
        return cycle

    # --- This year: delivering, supervised --------------------------------------------------------

    def current_cycle(self, year) -> Cycle:
        cycle = services.cycle_create(
            actor=self.staff,
            congress=self.city,
            year=year,
            title=f"{year}年度市级民生实事项目",
            opens_on=datetime.date(year - 1, 9, 1),
            closes_on=datetime.date(year - 1, 10, 31),
            seats=10,
            notice="面向社会公开征集民生实事项目建议，群众提、代表定、政府办、人大评。",
        )
        services.cycle_open_collection(actor=self.staff, cycle=cycle, announce=False)
        _projects, results = self.list_and_vote(cycle)
        services.vote_record(
            actor=self.staff,
            cycle=cycle,
            deputies_total=len(self.deputies),
            results=results,
            held_on=datetime.date(year, 1, 10),
        )
        elected = list(cycle.projects.filter(status=Project.Status.ELECTED).prefetch_related("items__targets"))
        # Reports at different stages: ahead, on track, behind, one never reported.
        shares = [1, 0.9, 0.8, 0.75, 0.6, 0.5, 0.4, 0.3, 0.2, 0]
        photo_no = 0
        for project, share in zip(elected, shares, strict=True):
            for k, item in enumerate(project.items.all()):
                if share == 0:
                    continue
                self.report(item, period=f"{year}-Q1", share=share / 3, narrative="完成选址立项，陆续开工建设。")
                photo_no += 1
                self.report(
                    item,
                    period=f"{year}-Q2",
                    share=share / 2,
                    narrative="项目建设有序推进。",
                    photo=_png(photo_no) if k == 0 else None,
                )
                if share >= 0.5:
                    self.report(item, period=f"{year}-Q3", share=share, narrative="主体工程基本完成，进入验收阶段。")
            if share == 0.6:
                # A value moved back, with its reason kept in the timeline.
                item = project.items.first()
                self.report(
                    item,
                    period=f"{year}-10",
                    share=0.5,
                    narrative="复核后调整统计口径。",
                    reason="复核发现部分点位未达验收标准，按实际验收数重新统计。",
                )
        groups = []
        # The demo deputy sits in the first group.
        demo = Deputy.objects.filter(
            congress=self.city, status=Deputy.Status.SERVING, user__email="deputy@example.org"
        ).first()
        for g, chunk in enumerate((elected[:5], elected[5:])):
            members = self.deputies[10 + g * 12 : 22 + g * 12]
            if g == 0 and demo is not None and demo not in members:
                members = [*members, demo]
            groups.append(
                services_delivery.group_create(
                    actor=self.staff,
                    cycle=cycle,
                    name=f"民生实事监督第{'一二'[g]}小组",
                    deputies=members,
                    projects=chunk,
                    leader=members[0],
                )
            )
        for group in groups:
            for m, project in enumerate(group.projects.order_by("number")[:2]):
                day = datetime.date(year, 5 + m * 3, 15)
                inspection = services_delivery.inspection_record(
                    actor=self.staff, group=group, project=project, date=day, place=f"{project.title}项目现场"
                )
                if day < self.today:
                    invited = inspection.activity.participations.order_by("pk")
                    marks = {
                        p.pk: ("attended", "") if i % 5 else ("excused", "工作冲突") for i, p in enumerate(invited)
                    }
                    attendance_record(actor=self.staff, activity=inspection.activity, marks=marks)
        for group in groups:
            project = group.projects.order_by("number").first()
            member = next((d for d in group.deputies.order_by("pk") if d.user_id), None)
            if member is None:
                continue
            first = services_delivery.observation_make(
                actor=member.user, project=project, text="部分点位施工围挡影响居民出行，建议优化施工组织。"
            )
            services_delivery.observation_answer(
                actor=self.officers[project.department.name],
                observation=first,
                answer="已要求施工单位错峰施工并增设临时通道，感谢代表监督。",
            )
            services_delivery.observation_make(
                actor=member.user, project=project, text="建议公开各点位建设进度，方便群众监督。"
            )
        return cycle

    # --- Next year: collecting ------------------------------------------------------------------

    def collecting_cycle(self, year) -> Cycle:
        cycle = services.cycle_create(
            actor=self.staff,
            congress=self.city,
            year=year,
            title=f"{year}年度市级民生实事项目征集",
            opens_on=self.today - datetime.timedelta(days=30),
            closes_on=self.today + datetime.timedelta(days=20),
            seats=10,
            notice="欢迎市民通过网上表单提出民生实事项目建议；人大代表可在代表履职平台提出候选项目。",
        )
        services.cycle_open_collection(actor=self.staff, cycle=cycle, announce=False)
        public = []
        for n, (title, what, why) in enumerate(PUBLIC_IDEAS):
            public.append(
                services.idea_submit_public(
                    cycle=cycle,
                    title=title,
                    what_where=what,
                    why=why,
                    author_name="市民",
                    contact="",
                    ip=f"198.51.100.{n + 10}",
                )
            )
        lead = (
            Deputy.objects.filter(congress=self.city, user__email="deputy2@example.org").first()
            or self.with_accounts[0]
        )
        partner = self.with_accounts[1] if self.with_accounts[1].pk != lead.pk else self.with_accounts[2]
        candidates = []
        for n, (title, what, why, cost, who) in enumerate(DEPUTY_CANDIDATES):
            candidates.append(
                services.candidate_submit(
                    actor=lead.user,
                    cycle=cycle,
                    title=title,
                    what_where=what,
                    why=why,
                    estimated_cost=cost,
                    beneficiaries=who,
                    co_deputies=[partner] if n == 0 else [],
                    adopted_idea=public[0] if n == 1 else None,
                )
            )
        services.idea_enter_offline(
            actor=self.staff,
            cycle=cycle,
            title="增设社区儿童游乐设施",
            what_where="12345热线来电：建议在老旧小区增设儿童游乐设施。",
            author_name="来电市民",
        )
        services.idea_shortlist(actor=self.staff, idea=candidates[0])
        services.idea_group(actor=self.staff, idea=candidates[1], group="安全类")
        services.idea_group(actor=self.staff, idea=public[0], group="安全类")
        services.idea_merge(actor=self.staff, idea=public[0], into=candidates[1])
        services.idea_reject(actor=self.staff, idea=public[3], reason="属于日常管理事项，已转市城管局办理。")
        return cycle
