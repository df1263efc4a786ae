"""``manage.py seed_activities``: a year of deputies' activities on top of ``seed_demo``.

Every kind of activity, invitations to a district's deputies, a professional group or a
sample, answers, and attendance recorded through the services (so the archive counts,
notifications and audit rows are what real use gives). Also letters, duty reports,
special supervisors, group plans and performance assistants.

Idempotent: it does nothing when the demo activities exist. Deterministic: fixed seed.
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Unit, User
from activities import services
from activities.models import Activity, DeputyLetter, DutyReport, GroupActivityPlan, Participation, SpecialSupervisor
from deputies.models import Congress, Deputy, DeputyGroup, PerformanceAssistant

SEED = 20241
MARKER = "【示例】"
K = Activity.Kind

# (kind, title, organiser, how many invited: a district / a group / a number)
PLAN = [
    (K.RESEARCH, "城市更新与老旧小区改造专题调研", "市人大城建环保委", 40),
    (K.RESEARCH, "养老服务体系建设专题调研", "市人大社会建设委", 35),
    (K.RESEARCH, "营商环境优化专题调研", "市人大财经委", "district"),
    (K.INSPECTION, "年终集中视察：重大项目建设情况", "市人大常委会代表工作委员会", "district"),
    (K.INSPECTION, "集中视察：长江大保护和河道整治", "市人大常委会代表工作委员会", "district"),
    (K.INSPECTION, "集中视察：民生实事项目推进情况", "市人大常委会代表工作委员会", 60),
    (K.LAW_ENFORCEMENT, "《南京市养老服务条例》执法检查", "市人大社会建设委", 20),
    (K.LAW_ENFORCEMENT, "《南京市河道管理条例》执法检查", "市人大城建环保委", 18),
    (K.SYMPOSIUM, "列席代表座谈会（常委会第二十次会议前）", "市人大常委会办公厅", 25),
    (K.SYMPOSIUM, "基层代表座谈会：社区治理", "市人大常委会代表工作委员会", 30),
    (K.BRIEFING, "政情通报会：上半年经济社会发展情况", "市人大常委会办公厅", 120),
    (K.BRIEFING, "政情通报会：市级财政预算执行情况", "市人大财经委", 80),
    (K.GOVERNMENT_BODIES, "市中级人民法院开放日活动", "南京市中级人民法院", 30),
    (K.GOVERNMENT_BODIES, "市人民检察院公益诉讼工作座谈", "南京市人民检察院", 20),
    (K.GOVERNMENT_BODIES, "市交通运输局代表建议办理面商会", "市交通运输局", 15),
    (K.GROUP, "代表小组活动：走访社区听取群众意见", "代表小组", "group"),
    (K.GROUP, "代表小组活动：视察街道便民服务中心", "代表小组", "group"),
    (K.PROFESSIONAL_GROUP, "专业代表小组活动：财政预算初审", "专业代表小组", "professional"),
    (K.PROFESSIONAL_GROUP, "专业代表小组活动：教育资源布局研讨", "专业代表小组", "professional"),
    (K.SC_MEETING, "列席市人大常委会第十九次会议", "市人大常委会办公厅", 12),
    (K.SC_MEETING, "列席市人大常委会第二十次会议", "市人大常委会办公厅", 12),
    (K.SC_MEETING, "列席市人大常委会第二十一次会议", "市人大常委会办公厅", 12),
    (K.TRAINING, "“人大代表讲坛”：全过程人民民主", "市人大常委会代表工作委员会", 150),
    (K.TRAINING, "新任代表履职学习培训班", "市人大常委会代表工作委员会", 50),
    (K.LIVELIHOOD, "民生实事项目监督：口袋公园建设", "民生实事监督第三小组", 25),
    (K.LIVELIHOOD, "民生实事项目监督：老年助餐点", "民生实事监督第五小组", 25),
    (K.STATION, "代表联络站进站接待群众", "玄武区梅园新村街道代表联络站", 8),
    (K.STATION, "代表之家接待日", "江宁区东山街道人大代表之家", 8),
]
EXCUSES = ["出差在外", "单位重要会议", "身体不适请假", "参加省人大活动", "家中有事"]
DECLINES = ["与单位工作冲突", "在外地出差", "已安排其他履职活动"]


class Command(BaseCommand):
    help = "Create a year of demo activities, attendance, letters and duty reports (after seed_demo)."

    def handle(self, *args, **options):
        if Activity.objects.filter(title__startswith=MARKER).exists():
            self.stdout.write("Demo activities exist already: nothing to do.")
            return
        city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
        staff = User.objects.filter(email="staff@example.org").first()
        if city is None or staff is None:
            raise CommandError("Run seed_demo first.")
        rng = random.Random(SEED)
        today = timezone.localdate()
        deputies = list(
            Deputy.objects.filter(congress=city, term__is_current=True, status=Deputy.Status.SERVING)
            .select_related("electoral_unit", "user")
            .order_by("pk")
        )
        demo_deputy = Deputy.objects.filter(congress=city, user__email="deputy@example.org").first()
        unit_officer = User.objects.filter(email="unit@example.org").first()
        groups = list(DeputyGroup.objects.filter(congress=city, term__is_current=True).prefetch_related("members"))
        # Demo notifications go to the inboxes; no e-mail is sent for them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            count = self.activities(city, staff, unit_officer, deputies, demo_deputy, groups, rng, today)
            self.letters(city, staff, deputies, demo_deputy, rng, today)
            self.reports_and_posts(city, deputies, demo_deputy, rng, today)
        self.stdout.write(f"Demo activities: {count} activities, {Participation.objects.count()} participations.")

    def activities(self, city, staff, unit_officer, deputies, demo_deputy, groups, rng, today) -> int:
        by_unit: dict[int, list[Deputy]] = {}
        for d in deputies:
            by_unit.setdefault(d.electoral_unit_id, []).append(d)
        unit_ids = sorted(by_unit)
        district_groups = [g for g in groups if g.kind == DeputyGroup.Kind.DEPUTY_GROUP]
        professional = [g for g in groups if g.kind == DeputyGroup.Kind.PROFESSIONAL]
        serving_ids = {d.pk for d in deputies}
        created = 0
        # Spread over the last eleven months, plus a few coming up (invitations to answer).
        for i, (kind, title, organiser, invited) in enumerate(PLAN):
            start = today - datetime.timedelta(days=330 - i * 12)
            if i >= len(PLAN) - 3:
                start = today + datetime.timedelta(days=3 + (i - len(PLAN) + 3) * 5)
            end = start + datetime.timedelta(days=1 if kind in (K.RESEARCH, K.INSPECTION) else 0)
            group = None
            if invited == "district":
                chosen = by_unit[unit_ids[i % len(unit_ids)]]
            elif invited == "group" and district_groups:
                group = district_groups[i % len(district_groups)]
                chosen = [d for d in group.members.all() if d.pk in serving_ids]
            elif invited == "professional" and professional:
                group = professional[i % len(professional)]
                chosen = [d for d in group.members.all() if d.pk in serving_ids]
            else:
                chosen = rng.sample(deputies, min(int(invited) if str(invited).isdigit() else 20, len(deputies)))
            if demo_deputy is not None and demo_deputy not in chosen and (i % 3 == 0 or start > today):
                chosen = [*chosen, demo_deputy]
            recorder = unit_officer if kind == K.GOVERNMENT_BODIES and unit_officer else staff
            organiser_unit = Unit.objects.filter(name=organiser).first() if kind == K.GOVERNMENT_BODIES else None
            activity = services.activity_create(
                actor=staff,
                congress=city,
                kind=kind,
                title=f"{MARKER}{title}",
                start_date=start,
                end_date=end,
                place=rng.choice(["市人大常委会会议中心", "相关区街道", "承办单位会议室", "项目现场"]),
                organiser=organiser,
                organiser_unit=organiser_unit,
                group=group,
                recorder=recorder,
                description="示例数据：活动安排、参加范围和工作要求。",
            )
            services.activity_invite(actor=staff, activity=activity, deputies=chosen)
            created += 1
            if start > today:
                self.answer_upcoming(activity, rng, demo_deputy)
                continue
            # One activity of a unit officer is left unrecorded, to show the reminder and the to-do list.
            if recorder == unit_officer and kind == K.GOVERNMENT_BODIES and title.startswith("市交通运输局"):
                continue
            self.record(activity, recorder, rng)
        return created

    def answer_upcoming(self, activity, rng, demo_deputy):
        for p in Participation.objects.filter(activity=activity).select_related("deputy__user"):
            if p.deputy.user_id is None or p.deputy == demo_deputy:
                continue  # the demo deputy answers in the browser
            roll = rng.random()
            if roll < 0.6:
                services.participation_respond(actor=p.deputy.user, participation=p, accept=True)
            elif roll < 0.7:
                services.participation_respond(
                    actor=p.deputy.user, participation=p, accept=False, reason=rng.choice(DECLINES)
                )

    def record(self, activity, recorder, rng):
        marks = {}
        for p in Participation.objects.filter(activity=activity):
            roll = rng.random()
            if roll < 0.85:
                marks[p.pk] = (Participation.Status.ATTENDED, "")
            elif roll < 0.95:
                marks[p.pk] = (Participation.Status.EXCUSED, rng.choice(EXCUSES))
            else:
                marks[p.pk] = (Participation.Status.ABSENT, "")
        services.attendance_record(actor=recorder, activity=activity, marks=marks)

    def letters(self, city, staff, deputies, demo_deputy, rng, today):
        units = list(Unit.objects.filter(congress=city, is_active=True).order_by("pk"))
        subjects = [
            ("小区电梯加装推进缓慢", "多位居民反映加装电梯审批周期长，希望简化流程。"),
            ("学校周边上下学交通拥堵", "建议增设临时停车位并错峰放学。"),
            ("农贸市场环境脏乱", "群众反映市场排水不畅，夏季异味严重。"),
            ("公交线路调整影响老年人出行", "线路调整后老年人换乘不便，希望恢复原站点。"),
        ]
        authors = [demo_deputy] if demo_deputy else []
        authors += rng.sample(deputies, 3)
        for i, (subject, content) in enumerate(subjects):
            letter = DeputyLetter.objects.create(
                deputy=authors[i % len(authors)],
                subject=subject,
                content=content,
                received_on=today - datetime.timedelta(days=60 - i * 12),
            )
            if i == 3:
                continue  # just received
            unit = units[(i * 7) % len(units)]
            services.letter_forward(
                actor=staff, letter=letter, body=unit, forwarded_on=letter.received_on + datetime.timedelta(days=2)
            )
            if i == 0:
                officer = unit.officers.filter(is_active=True).first()
                services.letter_reply(
                    actor=officer or staff,
                    letter=letter,
                    reply="已会同街道和住建部门现场协调，审批时限压缩至15个工作日。",
                    replied_on=letter.received_on + datetime.timedelta(days=20),
                )

    def reports_and_posts(self, city, deputies, demo_deputy, rng, today):
        for i, d in enumerate(([demo_deputy] if demo_deputy else []) + rng.sample(deputies, 5)):
            DutyReport.objects.create(
                deputy=d,
                kind=DutyReport.Kind.TO_ELECTORAL_UNIT,
                scheduled_on=today - datetime.timedelta(days=40 - i),
                held_on=today - datetime.timedelta(days=40 - i) if i % 2 == 0 else None,
                audience=f"{d.electoral_unit.name}人大常委会",
                summary="年度履职情况报告。" if i % 2 == 0 else "",
                result=DutyReport.Result.SATISFIED if i % 2 == 0 else "",
            )
        bodies = list(
            Unit.objects.filter(
                congress=city, kind__in=[Unit.Kind.COURT, Unit.Kind.PROCURATORATE, Unit.Kind.SUPERVISION]
            )
        )
        for i, d in enumerate(rng.sample(deputies, 6)):
            if bodies:
                SpecialSupervisor.objects.create(
                    deputy=d,
                    body=bodies[i % len(bodies)],
                    start_date=datetime.date(2023, 3, 1),
                    end_date=datetime.date(2027, 2, 28),
                )
        for group in DeputyGroup.objects.filter(
            congress__level__in=[Congress.Level.PROVINCIAL, Congress.Level.NATIONAL]
        ):
            GroupActivityPlan.objects.get_or_create(
                group=group,
                year=today.year,
                defaults={"content": "1. 年中专题调研\n2. 会前集中视察\n3. 走访原选举单位", "planned_activities": 3},
            )
        for i, d in enumerate(Deputy.objects.filter(congress__level=Congress.Level.NATIONAL).order_by("pk")[:6]):
            PerformanceAssistant.objects.get_or_create(
                deputy=d,
                name=rng.choice(["陈助理", "王助理", "刘助理", "周助理"]) + str(i + 1),
                defaults={"employer": "市人大常委会代表工作委员会", "start_date": datetime.date(2023, 3, 1)},
            )
