"""``manage.py seed_training``: demo trainings, briefings, materials and data requests, run after
``seed_demo``, ``seed_activities``, ``seed_proposals`` and ``seed_liaison``.

- A year of the city's lectures and courses (人大代表讲坛, thematic and targeted trainings, a
  training of district chairs): past sessions with attendance recorded in the ledger and
  feedback from deputies with accounts; coming ones open for enrolment (the demo deputy
  enrolled in one).
- Two briefings (政情通报会): one before the last congress session, attendance recorded; one to come.
- A dozen materials with various audiences, some important, with read receipts; a typical
  case shared with the districts; one sent to the district chairs.
- Data requests in every state, routed to 市交通运输局 and 市教育局 (the demo unit accounts).
- 玄武区's own office running its own course for its deputies.

Everything goes through the training services (sessions open their activities in the ledger,
enrolment invites, receipts come from opening a material). Idempotent: a course or material is
known by its congress and title, a request by its deputy and subject; what exists is skipped.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from accounts.models import Unit, User
from activities.models import Participation
from activities.services import attendance_record
from deputies.models import (
    ByElection,
    Congress,
    CongressSession,
    Deputy,
    DeputyGroup,
    ElectoralUnit,
    StandingCommitteeMember,
)
from training import audience, services, services_courses, services_requests
from training.models import Course, DataRequest, Material

SEED = 20261212
STAFF_EMAIL = "staff@example.org"
XUANWU_STAFF_EMAIL = "xuanwu.staff@example.org"
DEMO_DEPUTY_EMAIL = "deputy@example.org"
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# (title, kind, speaker, months ago of the first session (negative: to come), sessions, audience)
COURSES = [
    ("人大代表讲坛：预算审查监督实务", "lecture", "市人大财经委 张主任", 11, 1, "all"),
    ("人大代表讲坛：如何写好一件代表建议", "lecture", "市人大常委会代表工委 李处长", 9, 1, "all"),
    ("生态环境保护专题培训", "thematic", "南京大学环境学院 王教授", 7, 2, "group"),
    ("民生实事项目监督专题培训", "targeted", "市发展改革委 赵副主任", 5, 1, "all"),
    ("区、镇人大主席团主席履职培训", "chairs", "市人大常委会研究室", 4, 2, "district_chairs"),
    ("新任代表履职学习班", "targeted", "市人大常委会代表工委", 3, 2, "by_elected"),
    ("人大代表讲坛：法治政府建设", "lecture", "东南大学法学院 陈教授", 1, 1, "all"),
    ("人大代表讲坛：城市更新与老旧小区改造", "lecture", "市住房保障和房产局 孙局长", -1, 1, "all"),
    ("数字经济专题培训", "thematic", "市工业和信息化局", -2, 2, "electoral_unit"),
]
FEEDBACK_COMMENTS = ["案例丰富，很有启发。", "希望多安排互动交流时间。", "内容实用，对提建议很有帮助。", "", ""]
BRIEFINGS = [
    (
        "市十七届人大三次会议前政情通报会",
        -50,
        [
            ("全市经济社会发展情况", "市发展改革委"),
            ("2025年预算执行情况", "市财政局"),
            ("法院工作情况", "市中级人民法院"),
        ],
    ),
    ("2026年上半年政情通报会", 20, [("城市更新工作进展", "市住房保障和房产局"), ("生态环境质量状况", "市生态环境局")]),
]
# (title, kind, important, audience, days ago sent, share of the audience's accounts who read it)
MATERIALS = [
    ("关于2026年市级预算草案的说明", "document", True, "all", 40, 0.8),
    ("市人大常委会2026年工作要点", "document", True, "all", 30, 0.6),
    ("关于开展代表集中视察活动的通知", "notice", False, "all", 25, 0.5),
    ("营商环境优化政策解读", "policy", False, "group", 21, 0.7),
    ("养老服务体系建设政策汇编", "policy", False, "electoral_unit", 18, 0.4),
    ("关于做好代表建议办理工作的通知", "notice", True, "all", 12, 0.3),
    ("城市更新条例（草案）学习材料", "document", False, "all", 9, 0.2),
    ("典型案例：代表督办老旧小区加装电梯", "case", False, "all", 8, 0.5),
    ("典型案例：代表联络站推动解决停车难", "case", False, "all", 6, 0.4),
    ("关于区人大主席团工作规范的指导意见", "document", True, "district_chairs", 5, 0.5),
    ("新任代表履职手册", "document", True, "by_elected", 4, 0.5),
    ("关于开展代表述职活动的通知", "notice", True, "all", 1, 0.1),
]
REQUESTS = [
    (
        "全市公共停车泊位数量及分布",
        "市交通运输局",
        "2025年全市各区公共停车泊位数量、分布及利用率。",
        "准备关于缓解停车难的建议。",
        "rated",
    ),
    ("地铁各线路客流数据", "市交通运输局", "2025年各地铁线路日均客流、高峰满载率。", "调研公共交通出行。", "answered"),
    ("中小学课后服务开展情况", "市教育局", "各区中小学课后服务覆盖率、收费标准。", "关注“双减”后课后服务。", "routed"),
    ("学前教育学位供给情况", "市教育局", "未来三年各区学前教育学位供需测算。", "准备关于托育服务的建议。", "overdue"),
    (
        "公交线网优化方案",
        "市交通运输局",
        "2026年公交线网优化调整方案及征求意见情况。",
        "群众反映换乘不便。",
        "declined",
    ),
    ("全市养老机构床位数据", "", "各区养老机构床位数及入住率。", "准备关于养老服务的建议。", "submitted"),
    ("企业个人所得税明细", "", "某企业职工个人所得税缴纳明细。", "了解企业情况。", "refused"),
]


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


class Command(BaseCommand):
    help = "Demo trainings, briefings, materials and data requests (idempotent)."

    def handle(self, *args, **options):
        self.city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
        self.staff = User.objects.filter(email=STAFF_EMAIL).first()
        if self.city is None or self.staff is None:
            raise CommandError("Run seed_demo first.")
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.deputies = list(
            Deputy.objects.filter(congress=self.city, term__is_current=True, status=Deputy.Status.SERVING)
            .select_related("user", "electoral_unit")
            .order_by("pk")
        )
        self.demo = next((d for d in self.deputies if d.user and d.user.email == DEMO_DEPUTY_EMAIL), None)
        counts = {"courses": 0, "briefings": 0, "materials": 0, "requests": 0}
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            for row in COURSES:
                counts["courses"] += self.course(*row)
            for row in BRIEFINGS:
                counts["briefings"] += self.briefing(*row)
            for index, row in enumerate(MATERIALS):
                counts["materials"] += self.material(index, *row)
            for row in REQUESTS:
                counts["requests"] += self.data_request(*row)
            counts["courses"] += self.district_course()
        self.stdout.write(
            "Demo training: "
            + ", ".join(f"{n} new {what}" for what, n in counts.items())
            + f" ({Course.objects.count()} courses and briefings, {Material.objects.count()} materials, "
            f"{DataRequest.objects.count()} data requests)."
        )

    # --- Audiences ------------------------------------------------------------------------------

    def audience(self, kind: str, congress=None) -> dict:
        congress = congress or self.city
        if kind == "group":
            group = (
                DeputyGroup.objects.filter(congress=congress, term__is_current=True, members__isnull=False)
                .order_by("pk")
                .first()
            )
            if self.demo is not None and group is not None:
                group.members.add(self.demo)
            return {"audience_kind": "group", "group": group} if group else {"audience_kind": "all"}
        if kind == "electoral_unit":
            unit = self.demo.electoral_unit if self.demo else ElectoralUnit.objects.filter(congress=congress).first()
            return {"audience_kind": "electoral_unit", "unit": unit}
        if kind == "by_elected":
            # Those by-elected this term (the demo's by-elections were held in 2023).
            first = (
                ByElection.objects.filter(term__congress=congress, term__is_current=True).order_by("held_on").first()
            )
            since = first.held_on if first else self.today - datetime.timedelta(days=730)
            return {"audience_kind": "by_elected", "since": since}
        if kind == "district_chairs":
            self.district_chair()
            return {"audience_kind": "district_chairs"}
        return {"audience_kind": "all"}

    def district_chair(self) -> None:
        """玄武区's congress gets its SC director (a deputy with an account if one has), so the
        city's materials and training for district chairs reach someone in the demo."""
        xuanwu = Congress.objects.filter(level=Congress.Level.DISTRICT, short_name="玄武区").first()
        term = xuanwu.terms.filter(is_current=True).first() if xuanwu else None
        if term is None or StandingCommitteeMember.objects.filter(term=term, position="director").exists():
            return
        chair = (
            Deputy.objects.filter(term=term, status=Deputy.Status.SERVING)
            .order_by(F("user_id").asc(nulls_last=True), "pk")
            .first()
        )
        if chair is not None:
            StandingCommitteeMember.objects.create(
                term=term, deputy=chair, position="director", start_date=term.start_date
            )

    # --- Courses --------------------------------------------------------------------------------

    def _session_dates(self, months_ago: int, sessions: int) -> list[datetime.date]:
        first = self.today - datetime.timedelta(days=30 * months_ago)
        return [first + datetime.timedelta(days=7 * i) for i in range(sessions)]

    def course(self, title, kind, speaker, months_ago, sessions, audience_kind) -> int:
        if Course.objects.filter(congress=self.city, title=title).exists():
            return 0
        past = months_ago > 0
        course = services_courses.course_create(
            actor=self.staff,
            congress=self.city,
            title=title,
            kind=kind,
            speaker=speaker,
            organiser="南京市人大常委会代表工作委员会",
            place="市人大常委会机关二楼报告厅",
            online_link="https://meeting.example.org/rddb" if kind == "lecture" else "",
            enrolment="assigned" if past else "open",
            capacity=None if past else 120,
            description="围绕代表依法履职需要，讲解相关法律法规和工作实务，并进行交流研讨。",
            **self.audience(audience_kind),
        )
        services_courses.course_add_files(actor=self.staff, course=course, uploads=[pdf(f"{title[:20]}课件.pdf")])
        if not past:
            for i, date in enumerate(self._session_dates(months_ago, sessions)):
                self._session(course, i, date)
            services_courses.course_publish(actor=self.staff, course=course)
            offered = audience.deputies_in(course).filter(user__isnull=False).select_related("user").order_by("pk")
            enrol = [d for d in offered if d != self.demo][:12]
            # The demo deputy is enrolled in the first coming lecture and can enrol in the other.
            if self.demo is not None and title == COURSES[-2][0]:
                enrol.insert(0, self.demo)
            for deputy in enrol:
                services_courses.course_enrol(actor=deputy.user, course=course)
            return 1
        # A past assigned course: published first (the audience is enrolled), then its sessions,
        # each inviting the enrolled, then attendance and feedback.
        services_courses.course_publish(actor=self.staff, course=course)
        for i, date in enumerate(self._session_dates(months_ago, sessions)):
            session = self._session(course, i, date)
            self._attendance(session)
            self._feedback(session)
        return 1

    def _session(self, course, index, date):
        return services_courses.session_add(
            actor=self.staff,
            course=course,
            title=f"第{index + 1}讲" if course.kind != "briefing" else "通报会",
            date=date,
            start_time=datetime.time(9),
            end_time=datetime.time(11, 30),
            speaker=course.speaker,
        )

    def _attendance(self, session) -> None:
        rows = list(Participation.objects.filter(activity=session.activity).order_by("pk"))
        if not rows:
            return
        marks = {}
        for p in rows:
            roll = self.rng.random()
            if p.deputy_id == getattr(self.demo, "pk", None) or roll < 0.82:
                marks[p.pk] = ("attended", "")
            elif roll < 0.93:
                marks[p.pk] = ("excused", "因公出差请假")
            else:
                marks[p.pk] = ("absent", "")
        attendance_record(actor=self.staff, activity=session.activity, marks=marks)

    def _feedback(self, session) -> None:
        attended = (
            Participation.objects.filter(activity=session.activity, status="attended", deputy__user__isnull=False)
            .select_related("deputy__user")
            .order_by("pk")
        )
        for i, p in enumerate(attended[:15]):
            services_courses.feedback_give(
                actor=p.deputy.user,
                session=session,
                score=self.rng.choice([5, 5, 4, 4, 3]),
                usefulness=self.rng.choice(["very", "very", "some", "little"]),
                comment=FEEDBACK_COMMENTS[i % len(FEEDBACK_COMMENTS)],
            )

    def briefing(self, title, days, topics) -> int:
        if Course.objects.filter(congress=self.city, title=title).exists():
            return 0
        session = CongressSession.objects.filter(term__congress=self.city).order_by("-start_date").first()
        course = services_courses.course_create(
            actor=self.staff,
            congress=self.city,
            title=title,
            kind="briefing",
            speaker="",
            organiser="南京市人大常委会办公厅",
            place="市人民大会堂第一会议室",
            enrolment="assigned",
            congress_session=session if days < 0 else None,
            description="向代表通报全市经济社会发展和“一府一委两院”工作情况，听取代表意见。",
            audience_kind="all",
        )
        for topic, presenter in topics:
            services_courses.topic_add(actor=self.staff, course=course, title=topic, presenter=presenter)
        services_courses.course_add_files(actor=self.staff, course=course, uploads=[pdf("通报材料.pdf")])
        services_courses.course_publish(actor=self.staff, course=course)
        s = self._session(course, 0, self.today + datetime.timedelta(days=days))
        if days < 0:
            self._attendance(s)
        return 1

    def district_course(self) -> int:
        xuanwu = Congress.objects.filter(level=Congress.Level.DISTRICT, short_name="玄武区").first()
        staff = User.objects.filter(email=XUANWU_STAFF_EMAIL).first()
        title = "玄武区人大代表履职能力提升培训"
        if xuanwu is None or staff is None or Course.objects.filter(congress=xuanwu, title=title).exists():
            return 0
        course = services_courses.course_create(
            actor=staff,
            congress=xuanwu,
            title=title,
            kind="thematic",
            speaker="玄武区人大常委会代表工委",
            organiser="玄武区人大常委会",
            place="玄武区人大常委会会议室",
            enrolment="assigned",
            audience_kind="all",
        )
        services_courses.course_publish(actor=staff, course=course)
        s = services_courses.session_add(
            actor=staff,
            course=course,
            title="代表建议撰写与督办",
            date=self.today - datetime.timedelta(days=20),
            start_time=datetime.time(14),
            end_time=datetime.time(16),
        )
        rows = Participation.objects.filter(activity=s.activity).order_by("pk")
        attendance_record(actor=staff, activity=s.activity, marks={p.pk: ("attended", "") for p in rows})
        services.material_create(
            actor=staff, congress=xuanwu, title="玄武区人大常委会2026年代表工作要点", audience_kind="all"
        )
        return 1

    # --- Materials ------------------------------------------------------------------------------

    def material(self, index, title, kind, important, audience_kind, days_ago, share) -> int:
        if Material.objects.filter(congress=self.city, title=title).exists():
            return 0
        material = services.material_create(
            actor=self.staff,
            congress=self.city,
            title=title,
            kind=kind,
            important=important,
            shared_with_districts=kind == "case",
            body="一、主要内容\n\n本材料供各位代表学习参考，请结合履职实际认真阅读。\n\n二、有关要求\n\n- 请及时阅读\n- 有意见建议请反馈代表工委",
            uploads=[pdf(f"{title[:24]}.pdf")],
            **self.audience(audience_kind),
        )
        services.material_publish(actor=self.staff, material=material)
        # Backdated so the list shows a spread of sending days; not a status.
        Material.objects.filter(pk=material.pk).update(published_at=timezone.now() - datetime.timedelta(days=days_ago))
        readers = [d for d in audience.deputies_in(material).select_related("user").order_by("pk") if d.user_id]
        for deputy in readers:
            # The demo deputy leaves the three newest unread, so the portal shows unread first.
            if deputy == self.demo and index >= len(MATERIALS) - 3:
                continue
            if deputy == self.demo or self.rng.random() < share:
                services.material_open(actor=deputy.user, material=material)
        return 1

    # --- Data requests --------------------------------------------------------------------------

    def data_request(self, subject, unit_name, wanted, reason, state) -> int:
        asker = self.demo or next(d for d in self.deputies if d.user_id)
        if DataRequest.objects.filter(deputy=asker, subject=subject).exists():
            return 0
        user = asker.user
        r = services_requests.request_submit(
            actor=user, deputy=asker, subject=subject, wanted=wanted, reason=reason, suggested_body=unit_name
        )
        if state == "submitted":
            return 1
        if state == "refused":
            services_requests.request_refuse(
                actor=self.staff, request=r, reason="所需信息涉及个人隐私和商业秘密，不属于可提供的范围。"
            )
            return 1
        unit = Unit.objects.get(congress=self.city, name=unit_name)
        services_requests.request_route(actor=self.staff, request=r, unit=unit, workdays=10)
        officer = unit.officers.filter(is_active=True).order_by("pk").first()
        if state == "overdue":
            # Routed three weeks ago, so the deadline has passed (the dates only, not the status).
            DataRequest.objects.filter(pk=r.pk).update(
                routed_at=timezone.now() - datetime.timedelta(days=21), due=self.today - datetime.timedelta(days=5)
            )
            return 1
        if state == "routed" or officer is None:
            return 1
        if state == "declined":
            services_requests.request_decline(
                actor=officer, request=r, reason="该方案尚在研究论证中，未最终定稿，定稿后将及时向代表通报。"
            )
            return 1
        services_requests.request_answer(
            actor=officer,
            request=r,
            answer="经统计，相关数据详见附件。如需进一步了解，请与我局联系。",
            uploads=[pdf(f"{subject[:20]}.pdf")],
        )
        if state == "rated":
            services_requests.request_rate(actor=user, request=r, rating="met", note="数据翔实，满足需要。")
        return 1
