"""``manage.py seed_activities``: a year of deputies' activities on top of ``seed_demo``.

Every kind of activity, invitations to a district's deputies, a professional group or a
sample, answers, and attendance recorded through the services (so the archive counts,
notifications and audit rows are what real use gives). Also letters, duty reports,
special supervisors; deputies' letters in every state; and, for the national and provincial
deputies elected in the city (item 7), their groups and plans, assistants and an invitation.

Idempotent: each part does nothing when its demo rows exist. Deterministic: fixed seed.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
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
# The smallest valid PDF: the demo letters' attachments.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
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
    (K.RECEPTION_DAY, "主任接待代表日：听取基层代表意见", "市人大常委会办公厅", 6),
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
        city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
        staff = User.objects.filter(email="staff@example.org").first()
        if city is None or staff is None:
            raise CommandError("Run seed_demo first.")
        # Notifications of the demo go to the inboxes; no e-mail is sent for them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            if Activity.objects.filter(title__startswith=MARKER).exists():
                self.stdout.write("Demo activities exist already.")
            else:
                self.ledger(city, staff)
            # Each of these has its own guard, so a database seeded before it existed gets it on a re-run.
            with transaction.atomic():
                self.letters(city, staff)
                self.higher_level(city, staff)
        self.stdout.write(f"Demo letters: {DeputyLetter.objects.count()}.")

    def ledger(self, city, staff):
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
        with transaction.atomic():
            count = self.activities(city, staff, unit_officer, deputies, demo_deputy, groups, rng, today)
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

    def letters(self, city, staff):
        """Deputies' letters in every state, lodged in the portal and moved on by the services:
        the demo deputy's own, and those of 市交通运输局 (unit@example.org) to answer."""
        if DeputyLetter.objects.filter(lodged_by__isnull=False).exists():
            return
        demo_deputy = Deputy.objects.filter(congress=city, user__email="deputy@example.org").first()
        deputy2 = Deputy.objects.filter(congress=city, user__email="deputy2@example.org").first()
        transport = Unit.objects.filter(congress=city, name="市交通运输局").first()
        education = Unit.objects.filter(congress=city, name="市教育局").first()
        if not (demo_deputy and deputy2 and transport and education):
            return
        today = timezone.localdate()
        officers = {u.pk: u.officers.filter(is_active=True).first() or staff for u in (transport, education)}

        def lodge(deputy, subject, content, with_file=False):
            uploads = (
                [SimpleUploadedFile("现场情况说明.pdf", DEMO_PDF, content_type="application/pdf")] if with_file else []
            )
            return services.letter_lodge(
                actor=deputy.user, deputy=deputy, subject=subject, content=content, uploads=uploads
            )

        def forward(letter, unit, days_ago, workdays=15):
            return services.letter_forward(
                actor=staff,
                letter=letter,
                body=unit,
                forwarded_on=today - datetime.timedelta(days=days_ago),
                workdays=workdays,
            )

        # Just lodged: waits for the office to forward it (staff@example.org, /office/letters/).
        lodge(
            demo_deputy, "公交线路调整影响老年人出行", "线路调整后老年人换乘不便，希望恢复原站点或增设接驳线路。", True
        )
        # Forwarded, due in a few days and overdue: the unit's page and its reminders.
        forward(lodge(deputy2, "学校周边上下学交通拥堵", "建议增设临时停车位并错峰放学。"), transport, 14, 12)
        forward(
            lodge(demo_deputy, "路口信号灯配时不合理", "早高峰左转车辆排队过长，建议优化信号配时。"), transport, 40, 15
        )
        # Answered, waiting for the deputy's feedback (deputy@example.org).
        answered = forward(
            lodge(demo_deputy, "小区电梯加装推进缓慢", "多位居民反映加装电梯审批周期长，希望简化流程。", True),
            transport,
            25,
        )
        services.letter_reply(
            actor=officers[transport.pk],
            letter=answered,
            reply="已会同街道和住建部门现场协调，审批时限压缩至15个工作日，并安排专人跟进。",
            replied_on=today - datetime.timedelta(days=3),
            upload=SimpleUploadedFile("答复函.pdf", DEMO_PDF, content_type="application/pdf"),
        )
        # Answered and rated.
        rated = forward(lodge(deputy2, "校车线路覆盖不足", "城郊学校校车线路少，学生通勤时间长。"), education, 50)
        services.letter_reply(
            actor=officers[education.pk],
            letter=rated,
            reply="已新增两条校车线路，下学期起运行。",
            replied_on=today - datetime.timedelta(days=20),
        )
        services.letter_feedback(actor=deputy2.user, letter=rated, feedback="satisfied", note="答复及时，措施具体。")
        # Closed by the office without a unit's answer.
        services.letter_close(
            actor=staff,
            letter=lodge(demo_deputy, "农贸市场环境脏乱", "群众反映市场排水不畅，夏季异味严重。"),
            note="该事项已在代表座谈会上由市场监管局当面答复，代表同意办结。",
        )

    def higher_level(self, city, staff):
        """Item 7: the national and provincial deputies elected in the city, served by the city
        office: their groups with plans, assistants, and an activity they are invited to."""
        national = Deputy.objects.filter(congress__level=Congress.Level.NATIONAL).order_by("pk")
        national.filter(served_by__isnull=True).update(served_by=city)
        provincial = Deputy.objects.filter(
            congress__level=Congress.Level.PROVINCIAL, electoral_unit__electing_congress=city
        ).order_by("pk")
        today = timezone.localdate()
        groups = []
        for members, name in ((national, "全国人大代表南京代表小组"), (provincial, "省人大代表南京代表小组")):
            first = members.select_related("term", "electoral_unit").first()
            if first is None:
                continue
            group, created = DeputyGroup.objects.get_or_create(
                term=first.term,
                name=name,
                defaults={
                    "congress_id": first.congress_id,
                    "served_by": city,
                    "electoral_unit": first.electoral_unit
                    if first.electoral_unit.electing_congress_id == city.pk
                    else None,
                    "leader": first,
                },
            )
            if created:
                group.members.add(*members)
            groups.append(group)
            GroupActivityPlan.objects.get_or_create(
                group=group,
                year=today.year,
                defaults={"content": "1. 年中专题调研\n2. 会前集中视察\n3. 走访原选举单位", "planned_activities": 3},
            )
        rng = random.Random(SEED + 7)
        for i, d in enumerate(national[:6]):
            PerformanceAssistant.objects.get_or_create(
                deputy=d,
                defaults={
                    "name": rng.choice(["陈助理", "王助理", "刘助理", "周助理"]) + str(i + 1),
                    "employer": "市人大常委会代表工作委员会",
                    "start_date": datetime.date(2023, 3, 1),
                },
            )
        title = f"{MARKER}在宁全国和省人大代表集中视察：长江岸线保护"
        if groups and not Activity.objects.filter(title=title).exists():
            start = today + datetime.timedelta(days=10)
            activity = services.activity_create(
                actor=staff,
                congress=city,
                kind=K.INSPECTION,
                title=title,
                start_date=start,
                end_date=start,
                place="长江南京段",
                organiser="市人大常委会代表工作委员会",
                group=groups[0],
                recorder=staff,
                description="示例数据：在宁全国人大代表和省人大代表集中视察。",
            )
            services.activity_invite(
                actor=staff, activity=activity, deputies=[*national.select_related(), *provincial.select_related()]
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
