"""``manage.py seed_liaison``: demo liaison stations, a duty schedule and public opinions,
run after ``seed_demo`` (and ``seed_activities``).

Every district of the city gets one station of each kind, staffed by city deputies elected
there; 玄武区's own congress gets its own stations with its district deputies. Each station
has a duty every week from three weeks ago to four weeks ahead (receptions in the ledger;
past ones with attendance recorded), and opinions in every state, all through
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

from accounts.models import User
from activities.models import Participation
from activities.services import attendance_record
from demo import demo_data as data
from deputies.models import Congress, Deputy
from liaison import services
from liaison.models import Duty, Opinion, Station

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
            opinions = sum(self.opinions(s, i) for i, s in enumerate(stations))
        self.stdout.write(
            f"Demo liaison: {len(stations)} stations, {duties} new duties, {opinions} new opinions "
            f"({Station.objects.count()} stations, {Duty.objects.count()} duties, {Opinion.objects.count()} opinions)."
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
