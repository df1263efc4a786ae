"""``manage.py seed_liaison``: demo liaison stations, a duty schedule and public opinions,
run after ``seed_demo`` (and ``seed_activities``).

Every district of the city gets one station of each kind, staffed by city deputies elected
there; 玄武区's own congress gets its own stations with its district deputies. Each station
has a duty every week from three weeks ago to four weeks ahead (receptions in the ledger;
past ones with attendance recorded; one coming duty of every fourth station cancelled), and opinions in every state, all through
liaison.services, so events, ledger rows and notifications are what real use leaves.

Deterministic (one fixed seed, deputies sorted by id) and idempotent: a station is known by
its congress and name, a duty by station, deputy, date and time, an opinion by its station
and text; whatever exists is skipped. Names, addresses and phone numbers are invented.
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Unit, User
from activities.models import Activity, Participation
from activities.services import activity_create, attendance_record, participation_respond
from demo import demo_data as data
from deputies.models import Congress, Deputy, StandingCommitteeMember
from liaison import services, services_consultations, services_contacts
from liaison.models import (
    Committee,
    Consultation,
    ContactAssignment,
    ContactRecord,
    Duty,
    Opinion,
    OpinionRouting,
    ReceptionDay,
    Station,
    Symposium,
    TopicInvitation,
    TopicOpinion,
)

SEED = 20261202
STAFF_EMAIL = "staff@example.org"
XUANWU_STAFF_EMAIL = "xuanwu.staff@example.org"
DEMO_DEPUTY_EMAIL = "deputy@example.org"

KINDS = [
    (Station.Kind.SERVICE_CENTER, "{district}政务服务中心人大代表联系点", "{district}政务服务中心二楼"),
    (Station.Kind.HOME, "{district}{street}人大代表之家", "{district}{street}社区服务中心三楼"),
    (Station.Kind.STATION, "{district}{street}人大代表联络站", "{district}{street}党群服务中心一楼"),
    (Station.Kind.PROFESSIONAL, "{district}生态环保专业代表工作站", "{district}生态环境局一楼接待室"),
]
STREETS = {
    "玄武区": ["梅园新村街道", "新街口街道"],
    "秦淮区": ["夫子庙街道", "中华门街道"],
    "建邺区": ["沙洲街道", "南苑街道"],
    "鼓楼区": ["宁海路街道", "湖南路街道"],
    "浦口区": ["江浦街道", "泰山街道"],
    "栖霞区": ["仙林街道", "尧化街道"],
    "雨花台区": ["赛虹桥街道", "铁心桥街道"],
    "江宁区": ["东山街道", "秣陵街道"],
    "六合区": ["雄州街道", "龙池街道"],
    "溧水区": ["永阳街道", "洪蓝街道"],
    "高淳区": ["淳溪街道", "古柏街道"],
}
HOURS = "周一至周五 9:00–17:00；每月第一个周六 9:00–12:00"

OPINIONS = [
    ("traffic", "早高峰时段小区门口的路口拥堵严重，建议增设红绿灯或安排交通协管员。"),
    ("housing", "老旧小区加装电梯的补贴申请流程复杂，希望能简化手续并公开办理进度。"),
    ("education", "附近小学放学时间早于家长下班时间，建议推广课后延时托管服务。"),
    ("health", "社区卫生服务中心的老年人慢病配药常缺货，希望增加常用药品种类。"),
    ("environment", "河道沿岸有居民乱倒垃圾，夏天气味很大，建议加强巡查并增设垃圾桶。"),
    ("economy", "夜市摊位管理不规范，希望统一规划摊位，既方便市民又不影响通行。"),
    ("safety", "地下车库电动自行车充电桩不足，很多人把车推到楼道里充电，存在火灾隐患。"),
    ("other", "公园的公共厕所晚上八点就关门了，晚上散步的老人很不方便。"),
    ("traffic", "公交线路调整后，到区医院需要换乘两次，建议恢复原线路或增设接驳车。"),
    ("housing", "物业公司收费后服务不到位，业主委员会成立困难，希望街道给予指导。"),
]
ANSWER = "感谢您的意见。已与相关部门沟通，相关部门已列入近期工作计划，将于本季度内落实，办理结果将在站点公示。"


class Command(BaseCommand):
    help = "Demo liaison stations, duty schedule and public opinions (idempotent)."

    def handle(self, *args, **options):
        city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
        staff = User.objects.filter(email=STAFF_EMAIL).first()
        if city is None or staff is None:
            raise CommandError("Run seed_demo first.")
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.staff = staff
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            stations = self.city_stations(city) + self.district_stations()
            duties = sum(self.schedule(s) for s in stations)
            cancelled = sum(self.cancel_one(s) for s in stations)
            opinions = sum(self.opinions(s, i) for i, s in enumerate(stations))
            connections = TwoConnections(city, staff, self.today).run()
        self.stdout.write(
            f"Demo liaison: {len(stations)} stations, {duties} new duties ({cancelled} cancelled), "
            f"{opinions} new opinions "
            f"({Station.objects.count()} stations, {Duty.objects.count()} duties, {Opinion.objects.count()} opinions); "
            + ", ".join(f"{n} {what}" for what, n in connections.items())
            + "."
        )

    # --- Stations -------------------------------------------------------------------------------

    def _station(self, congress, kind, district, street, name, address, deputies, phone) -> Station:
        station, created = Station.objects.get_or_create(
            congress=congress,
            name=name,
            defaults={
                "kind": kind,
                "district": district,
                "street": street,
                "address": address,
                "opening_hours": HOURS,
                "contact_name": "站点值班员",
                "contact_phone": phone,
            },
        )
        if created:
            station.deputies.set(deputies)
        return station

    def city_stations(self, city) -> list[Station]:
        deputies = list(
            Deputy.objects.filter(congress=city, term__is_current=True, status=Deputy.Status.SERVING)
            .select_related("electoral_unit", "user")
            .order_by("pk")
        )
        demo = next((d for d in deputies if d.user and d.user.email == DEMO_DEPUTY_EMAIL), None)
        stations, phone = [], 1
        for district, *_rest in data.DISTRICTS:
            here = [d for d in deputies if d.electoral_unit.name == district]
            if not here:
                continue
            for index, (kind, name, address) in enumerate(KINDS):
                street = STREETS[district][index % 2] if kind in (Station.Kind.HOME, Station.Kind.STATION) else ""
                chosen = self.rng.sample(here, min(4, len(here)))
                if demo is not None and demo.electoral_unit.name == district and kind == Station.Kind.STATION:
                    chosen = [demo, *[d for d in chosen if d.pk != demo.pk][:3]]
                stations.append(
                    self._station(
                        city,
                        kind,
                        district,
                        street,
                        name.format(district=district, street=street),
                        "南京市" + address.format(district=district, street=street) + "（示例地址）",
                        chosen,
                        f"025-0000-{phone:04d}",
                    )
                )
                phone += 1
        # The demo deputy's mandate must hold a station even if their district is not listed.
        if demo is not None and not any(demo in s.deputies.all() for s in stations):
            stations[0].deputies.add(demo)
        return stations

    def district_stations(self) -> list[Station]:
        xuanwu = Congress.objects.filter(level=Congress.Level.DISTRICT, short_name="玄武区").first()
        if xuanwu is None:
            return []
        deputies = list(
            Deputy.objects.filter(congress=xuanwu, status=Deputy.Status.SERVING).select_related("user").order_by("pk")
        )
        if not deputies:
            return []
        stations = []
        for index, (kind, name, address) in enumerate(KINDS[1:3]):
            street = data.XUANWU_STREETS[index]
            stations.append(
                self._station(
                    xuanwu,
                    kind,
                    "玄武区",
                    street,
                    "玄武区人大" + name.format(district="", street=street),
                    "南京市玄武区" + address.format(district="", street=street) + "（示例地址）",
                    deputies[index * 3 : index * 3 + 4] or deputies[:3],
                    f"025-0001-{index + 1:04d}",
                )
            )
        return stations

    # --- Duty schedule --------------------------------------------------------------------------

    def schedule(self, station: Station) -> int:
        deputies = sorted(station.deputies.filter(status=Deputy.Status.SERVING), key=lambda d: d.pk)
        if not deputies:
            return 0
        existing = set(Duty.objects.filter(station=station).values_list("deputy_id", "date", "start_time"))
        start = self.today - datetime.timedelta(days=self.today.weekday())  # this week's Monday
        created = 0
        for week in range(-3, 5):
            # One duty per week, on a weekday that depends on the station; tomorrow for the
            # demo deputy's station, so the reminder scan has something to send.
            day = start + datetime.timedelta(weeks=week, days=(station.pk % 5))
            deputy = deputies[(week + 3) % len(deputies)]
            begin = datetime.time(9 if station.pk % 2 else 14, 0)
            end = datetime.time(begin.hour + 3, 0)
            if (deputy.pk, day, begin) in existing:
                continue
            try:
                duty = services.duty_schedule(
                    actor=self.staff, station=station, deputy=deputy, date=day, start_time=begin, end_time=end
                )
            except ValidationError:  # on duty at another station at that hour: skip the week
                continue
            created += 1
            if day < self.today:
                self._record(duty)
        tomorrow = self.today + datetime.timedelta(days=1)
        demo = next((d for d in deputies if d.user and d.user.email == DEMO_DEPUTY_EMAIL), None)
        if demo is not None and (demo.pk, tomorrow, datetime.time(9, 0)) not in existing:
            if not Duty.objects.filter(deputy=demo, date=tomorrow).exists():
                services.duty_schedule(
                    actor=self.staff,
                    station=station,
                    deputy=demo,
                    date=tomorrow,
                    start_time=datetime.time(9, 0),
                    end_time=datetime.time(11, 30),
                )
                created += 1
        return created

    def cancel_one(self, station: Station) -> int:
        """Every fourth station has one coming duty called off, through the service (the ledger
        row withdrawn, the deputy told), so the office page shows a cancellation. Once only."""
        if station.pk % 4 or Duty.objects.filter(station=station, cancelled_at__isnull=False).exists():
            return 0
        coming = Duty.objects.filter(
            station=station, date__gt=self.today + datetime.timedelta(days=7), cancelled_at__isnull=True
        ).order_by("date", "start_time", "pk")
        # A deputy with an account first, so someone finds the notice in their inbox.
        duty = coming.filter(deputy__user__isnull=False).first() or coming.first()
        if duty is None:
            return 0
        services.duty_cancel(actor=self.staff, duty=duty, reason="站点场地维修，本次接待暂停，顺延至下周。")
        return 1

    def _record(self, duty: Duty) -> None:
        participation = Participation.objects.filter(activity=duty.activity, deputy=duty.deputy).first()
        if participation is None:
            return
        attendance_record(
            actor=self.staff,
            activity=duty.activity,
            marks={participation.pk: (Participation.Status.ATTENDED, "")},
        )

    # --- Opinions -------------------------------------------------------------------------------

    def opinions(self, station: Station, index: int) -> int:
        """A few opinions per station, in a different state each, through the real workflow."""
        if index % 3:  # every third station: enough for every list without burying the office
            return 0
        known = set(Opinion.objects.filter(station=station).values_list("text", flat=True))
        deputies = [d for d in station.deputies.filter(status=Deputy.Status.SERVING) if d.user_id]
        staff = self.staff
        if station.congress.level == Congress.Level.DISTRICT:
            staff = User.objects.filter(email=XUANWU_STAFF_EMAIL).first() or self.staff
        assignee = deputies[0].user if deputies else staff
        for d in deputies:
            if d.user.email == DEMO_DEPUTY_EMAIL:
                assignee = d.user
        plan = ["received", "held", "assigned", "answered", "closed", "closed_unanswered", "rejected"]
        created = 0
        for n, outcome in enumerate(plan):
            category, text = OPINIONS[(index + n) % len(OPINIONS)]
            if outcome in ("held", "rejected"):
                text = text + ("（内容涉及赌博）" if outcome == "held" else "（含推销广告：代开发票）")
            text = f"{text}（{station.name}）"
            if text in known:
                continue
            opinion, _token = services.opinion_submit(
                station=station,
                text=text,
                category=category,
                deputy=deputies[n % len(deputies)] if deputies and n % 2 else None,
                author_name="张先生" if n % 3 == 0 else "",
                contact=f"1390000{(index * 10 + n) % 10000:04d}" if n % 2 == 0 else "",
                ip=f"198.51.100.{(index * 7 + n) % 250 + 1}",
            )
            created += 1
            if outcome == "rejected":
                services.opinion_reject(actor=staff, opinion=opinion, reason="推销广告，与代表工作无关。")
            if outcome in ("assigned", "answered", "closed"):
                services.opinion_assign(actor=staff, opinion=opinion, assignee=assignee, note="请于五个工作日内答复。")
            if outcome in ("answered", "closed"):
                services.opinion_answer(actor=assignee, opinion=opinion, answer=ANSWER)
            if outcome == "closed":
                services.opinion_close(actor=staff, opinion=opinion, note="已电话回访，群众表示满意。")
            if outcome == "closed_unanswered":
                services.opinion_close_unanswered(
                    actor=staff, opinion=opinion, reason="与本站另一条意见内容相同，已合并办理。"
                )
        if created and not station.summary:
            services.station_summary_publish(
                actor=staff,
                station=station,
                summary="本站近期收到群众意见若干条，涉及交通出行、老旧小区改造、养老服务等方面，"
                "已全部转交相关代表和部门办理，大部分已答复。",
            )
        return created


# --- The two connections: committees, contact assignments and a year of contacts, reception
# days, six SC meetings with topics, invitations, symposia and opinions -------------------------

COMMITTEES = [
    ("法制委员会", Committee.Kind.SPECIAL),
    ("财政经济委员会", Committee.Kind.SPECIAL),
    ("教育科学文化卫生委员会", Committee.Kind.SPECIAL),
    ("城乡建设环境保护委员会", Committee.Kind.SPECIAL),
    ("社会建设委员会", Committee.Kind.SPECIAL),
    ("代表工作委员会", Committee.Kind.WORKING),
]
# A committee's short name as seed_activities writes it in an activity's organising body.
COMMITTEE_ORGANISERS = {
    "财政经济委员会": "财经委",
    "城乡建设环境保护委员会": "城建环保委",
    "社会建设委员会": "社会建设委",
    "代表工作委员会": "代表工作委员会",
}
CONTACT_OPINIONS = [
    "希望加快老旧小区雨污分流改造，雨季积水问题突出。",
    "建议优化地铁与公交接驳，增加末班公交。",
    "社区养老助餐点覆盖不够，建议向郊区街道延伸。",
    "中小企业融资难，希望政府性融资担保扩面降费。",
    "学校周边交通秩序需加强管理，上下学时段拥堵。",
    "",
]
NEW_MEETINGS = [  # (title, days from today); the three past meetings come from seed_activities
    ("列席市人大常委会第二十二次会议", 6),
    ("列席市人大常委会第二十三次会议", 20),
    ("列席市人大常委会第二十四次会议", 45),
]
TOPIC_TITLES = [
    ("审议《南京市养老服务条例（修订草案）》", "社会建设委员会"),
    ("听取和审议市政府关于上半年国民经济和社会发展计划执行情况的报告", "财政经济委员会"),
    ("审议《南京市城市绿化条例（修正草案）》", "城乡建设环境保护委员会"),
    ("听取和审议市政府关于义务教育优质均衡发展情况的报告", "教育科学文化卫生委员会"),
    ("审议《南京市优化营商环境条例（草案）》", "法制委员会"),
    ("听取和审议市人大常委会代表资格审查委员会的报告", "代表工作委员会"),
]
CONSULTATION_DRAFT = (
    "第一条 为了规范养老服务，保障老年人合法权益，根据有关法律法规，结合本市实际，制定本条例。\n\n"
    "第二条 本市行政区域内的养老服务及其监督管理活动，适用本条例。\n\n"
    "第三条 市、区人民政府应当将养老服务纳入国民经济和社会发展规划。\n\n"
    "第四条 民政部门负责本行政区域内养老服务的统筹协调和监督管理。"
)
TOPIC_OPINIONS = [
    "建议在条例中明确社区嵌入式养老机构的用房保障。",
    "建议进一步细化相关指标的统计口径，便于代表监督。",
    "建议增加公众参与的具体程序性规定。",
    "建议加大对郊区学校师资的倾斜力度。",
]


class TwoConnections:
    """The demo's contact assignments and records, reception days and SC meetings, through the
    liaison services wherever their rules allow; what happened before today at the three SC
    meetings of seed_activities (whose invitations and attendance are already in the ledger) is
    written as it would have been recorded. Each part is skipped when its rows exist."""

    def __init__(self, city, staff, today):
        self.city, self.staff, self.today = city, staff, today
        self.rng = random.Random(SEED + 1)
        self.counts = {}

    def run(self) -> dict:
        self.term = self.city.terms.filter(is_current=True).first()
        if self.term is None:
            return {}
        self.deputies = list(
            Deputy.objects.filter(term=self.term, status=Deputy.Status.SERVING).select_related("user").order_by("pk")
        )
        self.grassroots = [d for d in self.deputies if d.is_grassroots] or self.deputies
        self.seats = list(
            StandingCommitteeMember.objects.filter(term=self.term, end_date__isnull=True)
            .select_related("deputy__user", "term")
            .order_by("position", "pk")
        )
        self.committees = self.make_committees()
        self.counts["committee activities"] = self.committee_activities()
        self.counts["contact assignments"] = self.assignments()
        self.counts["contact records"] = self.contacts()
        self.counts["routed opinions"] = self.routings()
        self.counts["reception days"] = self.reception_days()
        self.counts["SC-meeting topics"] = self.meetings()
        self.counts["consultations"] = self.consultations()
        return self.counts

    def consultations(self) -> int:
        """One draft open for comment by article (the demo deputy has commented on one article,
        and the committee adopted it), one draft consulted as a whole that closed last month."""
        if Consultation.objects.filter(committee__congress=self.city).exists():
            return 0
        committee = self.committees["社会建设委员会"]
        open_draft = services_consultations.consultation_create(
            actor=self.staff,
            committee=committee,
            title="《南京市养老服务条例（修订草案）》征求代表意见",
            draft=CONSULTATION_DRAFT,
            by_article=True,
            closes_on=self.today + datetime.timedelta(days=14),
        )
        services_consultations.consultation_publish(actor=self.staff, consultation=open_draft)
        demo = next((d for d in self.deputies if d.user_id and d.user.email == "deputy@example.org"), None)
        if demo is not None:
            comment = services_consultations.consultation_comment(
                actor=demo.user,
                consultation=open_draft,
                deputy=demo,
                article=open_draft.articles.order_by("number")[1],
                text="建议将农村互助养老纳入适用范围。",
            )
            services_consultations.comment_decide(
                actor=self.staff, comment=comment, adopted=True, note="已在第二条中增加农村互助养老的内容。"
            )
        closed = services_consultations.consultation_create(
            actor=self.staff,
            committee=self.committees["法制委员会"],
            title="《南京市优化营商环境条例（草案）》征求代表意见",
            draft="全文略。请代表就草案整体提出意见。",
            by_article=False,
            closes_on=self.today + datetime.timedelta(days=1),
        )
        services_consultations.consultation_publish(actor=self.staff, consultation=closed)
        # It closed a month ago: the dates move back, as if published then.
        Consultation.objects.filter(pk=closed.pk).update(
            closes_on=self.today - datetime.timedelta(days=30),
            published_at=timezone.now() - datetime.timedelta(days=60),
        )
        return 2

    def make_committees(self) -> dict:
        found = {}
        for i, (name, kind) in enumerate(COMMITTEES):
            committee, created = Committee.objects.get_or_create(congress=self.city, name=name, defaults={"kind": kind})
            if created:
                committee.liaison_deputies.set(self.deputies[i * 8 : i * 8 + 8])
            found[name] = committee
        return found

    def committee_activities(self) -> int:
        """Each committee's page lists the ledger activities it organised (seed_activities names
        the organiser by a short name): linked once, for a committee that has none yet."""
        linked = 0
        for name, organiser in COMMITTEE_ORGANISERS.items():
            committee = self.committees.get(name)
            if committee is None or committee.activities.exists():
                continue
            found = list(Activity.objects.filter(congress=self.city, organiser__contains=organiser))
            committee.activities.add(*found)
            linked += len(found)
        return linked

    def assignments(self) -> int:
        made = 0
        pool = [d for d in self.grassroots if d.pk not in {s.deputy_id for s in self.seats}]
        for i, seat in enumerate(self.seats):
            if seat.contact_assignments.exists() or not pool:
                continue
            for j in range(5):
                deputy = pool[(i * 5 + j) % len(pool)]
                try:
                    services_contacts.assignment_create(actor=self.staff, member=seat, deputy=deputy)
                except ValidationError:
                    continue
                made += 1
        return made

    def contacts(self) -> int:
        made = 0
        assignments = (
            ContactAssignment.objects.filter(member__term=self.term)
            .select_related("member__deputy__user", "member__term", "deputy")
            .order_by("member_id", "pk")
        )
        for n, assignment in enumerate(assignments):
            if ContactRecord.objects.filter(member=assignment.member, deputy=assignment.deputy).exists():
                continue
            actor = assignment.member.deputy.user or self.staff
            is_demo = actor.email == "sc@example.org"
            # The demo SC member has one deputy not seen for seven months and one never contacted.
            if is_demo and n % 5 == 4:
                continue
            days = [210] if is_demo and n % 5 == 0 else sorted(self.rng.sample(range(5, 360), self.rng.randint(1, 3)))
            for k, ago in enumerate(days):
                services_contacts.contact_record(
                    actor=actor,
                    assignment=assignment,
                    kind=ContactRecord.Kind.values[(n + k) % len(ContactRecord.Kind.values)],
                    date=max(self.today - datetime.timedelta(days=ago), self.term.start_date),
                    opinions=CONTACT_OPINIONS[(n + k) % len(CONTACT_OPINIONS)],
                )
                made += 1
        return made

    def routings(self) -> int:
        if OpinionRouting.objects.filter(record__member__term=self.term).exists():
            return 0
        records = list(
            ContactRecord.objects.filter(member__term=self.term)
            .exclude(opinions="")
            .select_related("member__term", "deputy__user")
            .order_by("pk")[:12]
        )
        unit = Unit.objects.filter(congress=self.city, name="市交通运输局").first()
        made = 0
        for i, record in enumerate(records[:3]):
            target = ["committee", "letter", "suggestion"][i]
            if target == "letter" and unit is None:
                continue
            if target == "suggestion":
                record = (
                    ContactRecord.objects.filter(member__term=self.term, deputy__user__isnull=False)
                    .exclude(opinions="")
                    .select_related("member__term", "deputy__user")
                    .order_by("pk")
                    .first()
                )
                if record is None:
                    continue
            services_contacts.opinion_route(
                actor=self.staff,
                record=record,
                target=target,
                text=record.opinions,
                committee=self.committees["城乡建设环境保护委员会"],
                unit=unit,
            )
            made += 1
        return made

    def reception_days(self) -> int:
        if ReceptionDay.objects.filter(congress=self.city).exists():
            return 0
        leaders = [s for s in self.seats if s.is_leader]
        # The demo deputy was received at the latest one: it shows in their archive as its own kind.
        demo = [d for d in self.deputies if d.user and d.user.email == DEMO_DEPUTY_EMAIL]
        made = 0
        for i, ago in enumerate((300, 210, 120, 30)):
            if not leaders:
                break
            day = self.today - datetime.timedelta(days=ago)
            if day < self.term.start_date:
                continue
            received = self.grassroots[40 + i * 5 : 45 + i * 5] + (demo if ago == 30 else [])
            services_contacts.reception_day_record(
                actor=self.staff,
                congress=self.city,
                date=day,
                leader=leaders[i % len(leaders)],
                deputies=list({d.pk: d for d in received}.values()),
                raised=CONTACT_OPINIONS[i],
            )
            made += 1
        return made

    def meetings(self) -> int:
        made = 0
        past = list(Activity.objects.filter(congress=self.city, kind=Activity.Kind.SC_MEETING).order_by("start_date"))
        titles = {a.title for a in past}
        future = []
        for title, days in NEW_MEETINGS:
            if title in titles:
                continue
            day = self.today + datetime.timedelta(days=days)
            future.append(
                activity_create(
                    actor=self.staff,
                    congress=self.city,
                    kind=Activity.Kind.SC_MEETING,
                    title=title,
                    start_date=day,
                    end_date=day,
                    place="市人大常委会会议厅",
                    organiser="市人大常委会办公厅",
                    recorder=self.staff,
                )
            )
        for i, meeting in enumerate(past + future):
            if meeting.liaison_topics.exists():
                continue
            topics = []
            for k in range(2):
                title, committee = TOPIC_TITLES[(i * 2 + k) % len(TOPIC_TITLES)]
                topics.append(
                    services_contacts.topic_add(
                        actor=self.staff, meeting=meeting, title=title, committee=self.committees[committee], order=k
                    )
                )
                made += 1
            if meeting.end_date < self.today or meeting.attendance_closed_at is not None:
                self._past_meeting(meeting, topics)
            else:
                self._coming_meeting(meeting, topics)
        return made

    def _past_meeting(self, meeting, topics) -> None:
        """Its invitations exist in the ledger: share them out over the topics, with opinions."""
        participations = list(Participation.objects.filter(activity=meeting).select_related("deputy").order_by("pk"))
        TopicInvitation.objects.bulk_create(
            TopicInvitation(topic=topics[n % 2], participation=p, invited_by=self.staff)
            for n, p in enumerate(participations)
        )
        TopicOpinion.objects.bulk_create(
            TopicOpinion(topic=topics[n % 2], deputy=p.deputy, text=TOPIC_OPINIONS[n % len(TOPIC_OPINIONS)])
            for n, p in enumerate(participations)
            if p.status == Participation.Status.ATTENDED and n % 2 == 0
        )
        symposium = Activity.objects.filter(
            congress=self.city, kind=Activity.Kind.SYMPOSIUM, title__contains=meeting.title[5:12]
        ).first()
        if symposium is not None and not Symposium.objects.filter(meeting=meeting).exists():
            Symposium.objects.create(
                meeting=meeting, date=symposium.start_date, place=symposium.place, activity=symposium
            )

    def _coming_meeting(self, meeting, topics) -> None:
        """Invited through the services: a few deputies for the first topic (the demo deputies
        among them), the wide circle of grassroots deputies for the second; a symposium two days
        before; the demo deputy accepts and writes an opinion."""
        demo = [d for d in self.deputies if d.user_id and d.user.email in ("deputy@example.org", "deputy2@example.org")]
        chosen = demo + self.rng.sample(self.deputies, 8)
        services_contacts.topic_invite(actor=self.staff, topic=topics[0], deputies=chosen)
        try:
            services_contacts.topic_invite_wide(actor=self.staff, topic=topics[1], cap=15)
        except ValidationError:
            pass  # every grassroots deputy has been invited this term already
        day = max(meeting.start_date - datetime.timedelta(days=2), self.today)
        services_contacts.symposium_schedule(
            actor=self.staff, meeting=meeting, date=day, place="市人大常委会第一会议室"
        )
        for deputy in demo[:1]:
            participation = Participation.objects.get(activity=meeting, deputy=deputy)
            participation_respond(actor=deputy.user, participation=participation, accept=True)
            services_contacts.topic_opinion_submit(
                actor=deputy.user, topic=topics[0], deputy=deputy, text=TOPIC_OPINIONS[0]
            )
