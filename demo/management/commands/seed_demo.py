"""``manage.py seed_demo``: invented but realistic demo data for Nanjing's deputy work.

Idempotent: every row is found by a natural key (names, term numbers, the
deputy's mobile within a term, the account's e-mail or mobile) before it is
created, and the roster events (terminations, by-elections, reviews) run only
when their StatusChange / ByElectionResult rows are missing. A second run
creates nothing and changes nothing.

Deterministic: the whole data set is planned in memory first by ``build_plan``
from one fixed seed (demo_data.SEED), with no database reads, so every run on
every machine plans the same people; the database part only fills in what is
missing.

Status changes go through deputies.services so the demo data obeys the same
rules (and leaves the same audit rows) as real use.
"""

import dataclasses
import random
import time
from collections import Counter

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts import roles
from accounts.audit import audit
from accounts.models import SecurityEvent, Unit, User
from accounts.services import user_sync_roles
from core.exceptions import InvalidTransition, NotAllowed
from demo import demo_data as data
from deputies import services
from deputies.models import (
    ByElectionResult,
    Congress,
    CongressSession,
    CredentialsReview,
    Deputy,
    DeputyGroup,
    ElectoralUnit,
    StandingCommitteeMember,
    StatusChange,
    Term,
    Vacancy,
)

M, F = Deputy.Gender.MALE, Deputy.Gender.FEMALE
Membership = DeputyGroup.members.through
SC_POS = StandingCommitteeMember.Position

# GB 11643 check digit (the same table as accounts.validators).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(body17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


# --- The plan: pure, seeded, no database ------------------------------------------


@dataclasses.dataclass(eq=False)
class Person:
    """One invented person; a person with two mandates is one Person, two Deputy rows."""

    name: str
    gender: str
    ethnicity: str
    birth_year: int
    party: str
    occupation: str
    employer: str
    is_grassroots: bool
    mobile: str  # unique across the whole plan: the person's natural key
    id_number: str
    address: str
    kind: str
    fields: tuple = ()

    def roster_fields(self) -> dict:
        sex = "男" if self.gender == M else "女"
        bio = f"{self.name}，{sex}，{self.ethnicity}，{self.birth_year}年出生，{self.party}，{self.employer}。"
        return {
            "name": self.name,
            "gender": self.gender,
            "ethnicity": self.ethnicity,
            "birth_year": self.birth_year,
            "party": self.party,
            "occupation": self.occupation,
            "employer": self.employer,
            "is_grassroots": self.is_grassroots,
            "mobile": self.mobile,
            "id_number": self.id_number,
            "address": self.address,
            "public_bio": bio,
        }


@dataclasses.dataclass
class Plan:
    municipal: list  # [(electoral unit name, Person)] in unit order
    provincial: list  # [Person]
    national: list  # [Person]
    xuanwu: list  # [(street, Person)]
    sc: list  # [(Person, position)]
    group_leaders: dict  # unit name -> Person
    professional: list  # [(field, leader, [Person])]
    terminated: list  # [Person], parallel to demo_data.TERMINATIONS
    by_elected: dict  # index in TERMINATIONS -> Person
    suspended: Person
    demo: dict  # "deputy", "deputy2", "sc" -> Person
    accounts: list  # [Person] with a login (besides the demo ones)
    units: list  # [(name, short name, kind, contact name, phone)]


class _Planner:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.ids: set[str] = set()
        self.surnames = [s for s, _ in data.SURNAMES]
        self.surname_weights = [w for _, w in data.SURNAMES]
        self.ethnicities = [e for e, _ in data.ETHNICITIES]
        self.ethnicity_weights = [w for _, w in data.ETHNICITIES]
        self.profiles = {p.key: p for p in data.PROFILES}

    def name(self, gender: str) -> str:
        pool = data.GIVEN_MALE if gender == M else data.GIVEN_FEMALE
        while True:  # ~60 surnames x ~64 given names: plenty for ~800 distinct names
            surname = self.rng.choices(self.surnames, self.surname_weights)[0]
            given = self.rng.choice(pool)
            if surname + given not in self.names:
                self.names.add(surname + given)
                return surname + given

    def id_number(self, birth_year: int, gender: str) -> str:
        """990000 (no such area) + birth date + serial (odd for men, GB 11643) + check digit."""
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        while True:
            serial = self.rng.randint(0, 499) * 2 + (1 if gender == M else 0)
            body = f"990000{birth_year:04d}{month:02d}{day:02d}{serial:03d}"
            if body not in self.ids:
                self.ids.add(body)
                return body + id_check_digit(body)

    def party(self, mix: str) -> str:
        weights = data.PARTY_MIX[mix]
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def pick_profile(self, villages: bool) -> data.Profile:
        options = [p for p in data.PROFILES if villages or not p.villages_only]
        return self.rng.choices(options, [p.weight for p in options])[0]

    def person(self, district: str, mobile: str, profile=None, villages: bool = True) -> Person:
        profile = profile or self.pick_profile(villages)
        gender = F if self.rng.random() < profile.women else M
        birth_year = min(1992, max(1958, round(self.rng.triangular(1958, 1992, 1973))))
        occupation, template = self.rng.choice(profile.jobs)
        brand = "".join(self.rng.sample(data.BRAND_CHARS, 2))
        employer = template.format(district=district, brand=brand, industry=self.rng.choice(data.INDUSTRIES))
        return Person(
            name=self.name(gender),
            gender=gender,
            ethnicity=self.rng.choices(self.ethnicities, self.ethnicity_weights)[0],
            birth_year=birth_year,
            party=self.party(profile.party_mix),
            occupation=occupation,
            employer=employer,
            is_grassroots=profile.grassroots,
            mobile=mobile,
            id_number=self.id_number(birth_year, gender),
            address=f"南京市{district}（地址略）",
            kind=profile.key,
            fields=profile.fields,
        )

    def soldier(self, mobile: str) -> Person:
        gender = F if self.rng.random() < 0.1 else M
        occupation, employer, grassroots = self.rng.choice(data.GARRISON_JOBS)
        return Person(
            name=self.name(gender),
            gender=gender,
            ethnicity=self.rng.choices(self.ethnicities, self.ethnicity_weights)[0],
            birth_year=min(1992, max(1962, round(self.rng.triangular(1962, 1992, 1978)))),
            party="中共党员",
            occupation=occupation,
            employer=employer,
            is_grassroots=grassroots,
            mobile=mobile,
            id_number="",  # servicemen are registered by military ID, not a resident ID
            address="驻宁部队（地址略）",
            kind="garrison",
        )


def _mobile(prefix: str, serial: int) -> str:
    # Only the invented ranges 1380000xxxx and 1390000xxxx are ever used.
    if prefix not in ("1380000", "1390000") or not 0 < serial < 10000:
        raise ValueError(f"{prefix}/{serial} is outside the invented mobile ranges")
    return f"{prefix}{serial:04d}"


def build_plan(seed: int = data.SEED) -> Plan:
    """Plan every person, mandate, seat and event of the demo. Same seed, same plan."""
    p = _Planner(seed)
    rng = p.rng
    seats = data.district_seats()
    has_villages = {name: villages for name, _code, _pop, villages in data.DISTRICTS}

    # Municipal deputies, unit by unit; mobiles 1380000 0001… in that order.
    municipal: list[tuple[str, Person]] = []
    for name, _code, _pop, _villages in data.DISTRICTS:
        for _ in range(seats[name]):
            # The very first one is the demo deputy: a grassroots community worker of 玄武区.
            profile = p.profiles["community"] if not municipal else None
            municipal.append(
                (name, p.person(name, _mobile("1380000", len(municipal) + 1), profile, has_villages[name]))
            )
    for _ in range(data.GARRISON_SEATS):
        municipal.append((data.GARRISON[0], p.soldier(_mobile("1380000", len(municipal) + 1))))
    people = [person for _, person in municipal]
    civilians = [person for person in people if person.kind != "garrison"]

    demo = {"deputy": people[0]}
    demo["deputy2"] = next(x for u, x in municipal if u == "鼓楼区" and x.kind == "entrepreneur")
    reserved = set(map(id, demo.values()))

    # Standing committee: older non-grassroots deputies lead it; CPC members among
    # them become full-time congress officials; two deputy directors come from the
    # democratic parties or are non-party, and keep their jobs.
    senior = [x for x in civilians if x.birth_year <= 1970 and not x.is_grassroots and id(x) not in reserved]
    cpc = [x for x in senior if x.party == "中共党员"]
    others = [x for x in senior if x.party not in ("中共党员", "群众")]
    leaders = rng.sample(cpc, 6) + rng.sample(others, 2)
    positions = [SC_POS.DIRECTOR] + [SC_POS.DEPUTY_DIRECTOR] * 6 + [SC_POS.SECRETARY_GENERAL]
    order = [leaders[0], leaders[1], leaders[6], leaders[2], leaders[7], leaders[3], leaders[4], leaders[5]]
    sc = list(zip(order, positions, strict=True))
    for person, _pos in sc:
        if person.party == "中共党员":
            person.occupation, person.employer = "人大机关干部", "南京市人大常委会机关"
    reserved |= set(map(id, leaders))
    eligible = [x for x in civilians if x.kind in data.SC_ELIGIBLE and id(x) not in reserved]
    members = rng.sample(eligible, 35)
    sc += [(x, SC_POS.MEMBER) for x in members]
    reserved |= set(map(id, members))
    demo["sc"] = sc[1][0]  # the first deputy director

    # One provincial-and-municipal person is the demo deputy (one account, two mandates).
    dual_pool = [x for x in civilians if id(x) not in reserved]
    provincial_dual = [demo["deputy"]] + rng.sample(dual_pool, data.PROVINCIAL_ALSO_MUNICIPAL - 1)
    reserved |= set(map(id, provincial_dual))
    national_dual = rng.sample([x for x in civilians if id(x) not in reserved], data.NATIONAL_ALSO_MUNICIPAL)
    reserved |= set(map(id, national_dual))
    districts = [d[0] for d in data.DISTRICTS]
    provincial = provincial_dual + [
        p.person(d, _mobile("1390000", i + 1), villages=has_villages[d])
        for i, d in enumerate(rng.choices(districts, k=data.PROVINCIAL_DEPUTIES - len(provincial_dual)))
    ]
    national = national_dual + [
        p.person(d, _mobile("1390000", 101 + i), villages=has_villages[d])
        for i, d in enumerate(rng.choices(districts, k=data.NATIONAL_DEPUTIES - len(national_dual)))
    ]

    # Group leaders: an official of the district where there is one.
    group_leaders = {}
    for name in districts:
        unit_people = [x for u, x in municipal if u == name]
        officials = [x for x in unit_people if x.kind == "official" and id(x) not in reserved]
        group_leaders[name] = officials[0] if officials else unit_people[-1]
        reserved.add(id(group_leaders[name]))

    # Professional groups: each deputy in at most one, chosen by field of work.
    professional, placed = [], set()
    for field in data.FIELDS:
        candidates = [x for x in civilians if field in x.fields and id(x) not in placed]
        chosen = rng.sample(candidates, min(data.PROFESSIONAL_GROUP_SIZE, len(candidates)))
        placed |= set(map(id, chosen))
        # Led by a non-grassroots member who leads nothing else yet.
        heads = [x for x in chosen if not x.is_grassroots and id(x) not in reserved] or chosen
        leader = rng.choice(heads)
        reserved.add(id(leader))
        professional.append((field, leader, chosen))

    # Who leaves, who is suspended: ordinary deputies of the named units.
    def ordinary(unit_name):
        return [x for u, x in municipal if u == unit_name and id(x) not in reserved]

    terminated = []
    for unit_name, *_rest in data.TERMINATIONS:
        terminated.append(rng.choice(ordinary(unit_name)))
        reserved.add(id(terminated[-1]))
    suspended = rng.choice(ordinary(data.SUSPENSION[0]))
    reserved.add(id(suspended))
    by_elected = {}
    for i, (unit_name, *_rest, by_election) in enumerate(data.TERMINATIONS):
        if by_election:
            by_elected[i] = p.person(unit_name, _mobile("1380000", 9001 + i), villages=has_villages[unit_name])

    # ~50 more accounts: municipal deputies of every unit, a few provincial and national ones.
    gone = set(map(id, terminated)) | {id(suspended)} | set(map(id, demo.values()))
    accounts = rng.sample([x for x in people if id(x) not in gone], 40)
    accounts += provincial[len(provincial_dual) :][:5] + national[len(national_dual) :][:3]

    # A sample of 玄武区's own district deputies, so its office has a roster to work on.
    xuanwu = []
    for i in range(data.XUANWU_DEPUTIES):
        street = data.XUANWU_STREETS[i % len(data.XUANWU_STREETS)]
        xuanwu.append((street, p.person("玄武区", _mobile("1390000", 1001 + i), villages=False)))
    accounts += [x for _, x in xuanwu[:2]]

    units = []
    for i, (name, short, kind) in enumerate(data.UNITS):
        contact = p.name(F if rng.random() < 0.5 else M)
        units.append((name, short, kind, contact, data.UNIT_PHONE_FORMAT.format(101 + i)))

    return Plan(
        municipal=municipal,
        provincial=provincial,
        national=national,
        xuanwu=xuanwu,
        sc=sc,
        group_leaders=group_leaders,
        professional=professional,
        terminated=terminated,
        by_elected=by_elected,
        suspended=suspended,
        demo=demo,
        accounts=accounts,
        units=units,
    )


# --- Writing the plan ---------------------------------------------------------------


class Seeder:
    def __init__(self, plan: Plan, out):
        self.plan = plan
        self.out = out
        self.created: Counter = Counter()
        self.today = timezone.localdate()
        self._password_hash = None
        self.deputies: dict[tuple[int, str], Deputy] = {}  # (term id, mobile) -> mandate

    # helpers
    def goc(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.created[model.__name__] += 1
        return obj

    @property
    def password_hash(self) -> str:
        # One PBKDF2 hash shared by every demo account: hashing ~60 times would
        # take most of the run, and these accounts share a published password anyway.
        if self._password_hash is None:
            self._password_hash = make_password(data.DEMO_PASSWORD)
        return self._password_hash

    def run(self) -> None:
        self.congresses()
        self.terms_and_sessions()
        self.electoral_units()
        self.handling_units()
        self.staff_accounts()
        self.roster()
        self.groups()
        self.standing_committee()
        self.deputy_accounts()
        self.roster_events()

    def _congress(self, name, **defaults):
        return self.goc(Congress, name=name, defaults=defaults)

    def congresses(self):
        Level = Congress.Level
        # The city first: the public home page shows the first city-level congress.
        self.city = self._congress(**data.CITY, level=Level.CITY)
        self.district_congress = {
            name: self._congress(
                f"南京市{name}人民代表大会",
                short_name=name,
                level=Level.DISTRICT,
                parent=self.city,
                motion_min_cosigners=10,
            )
            for name, *_rest in data.DISTRICTS
        }
        self.province = self._congress(**data.PROVINCE, level=Level.PROVINCIAL)
        self.nation = self._congress(**data.NATION, level=Level.NATIONAL)

    def _term(self, congress, number, name, start, end, current):
        return self.goc(
            Term,
            congress=congress,
            number=number,
            defaults={"name": name, "start_date": start, "end_date": end, "is_current": current},
        )

    def terms_and_sessions(self):
        terms = {n: self._term(self.city, n, name, s, e, cur) for n, name, s, e, cur in data.CITY_TERMS}
        self.term = terms[17]
        for number, name, start, end in data.CITY_SESSIONS:
            self.goc(
                CongressSession,
                term=self.term,
                number=number,
                defaults={"name": name, "start_date": start, "end_date": end},
            )
        self.district_term = {
            name: self._term(congress, *data.DISTRICT_TERM, True) for name, congress in self.district_congress.items()
        }
        self.province_term = self._term(self.province, *data.PROVINCE_TERM, True)
        self.nation_term = self._term(self.nation, *data.NATION_TERM, True)

    def electoral_units(self):
        seats = data.district_seats()
        self.unit = {}
        for order, (name, code, _pop, _villages) in enumerate(data.DISTRICTS, start=1):
            self.unit[name] = self.goc(
                ElectoralUnit,
                congress=self.city,
                name=name,
                defaults={
                    "code": code,
                    "electing_congress": self.district_congress[name],
                    "seats": seats[name],
                    "order": order,
                },
            )
        garrison, code = data.GARRISON
        self.unit[garrison] = self.goc(
            ElectoralUnit,
            congress=self.city,
            name=garrison,
            defaults={"code": code, "seats": data.GARRISON_SEATS, "order": len(data.DISTRICTS) + 1},
        )
        # Provincial deputies are elected by the city congress; national ones by the provincial congress.
        self.province_unit = self.goc(
            ElectoralUnit,
            congress=self.province,
            name="南京市",
            defaults={"code": "320100", "electing_congress": self.city, "seats": data.PROVINCIAL_DEPUTIES, "order": 1},
        )
        # Seats left empty: only the deputies who live in the city are in this roster.
        self.nation_unit = self.goc(
            ElectoralUnit,
            congress=self.nation,
            name="江苏省",
            defaults={"code": "320000", "electing_congress": self.province, "order": 1},
        )
        xuanwu = self.district_congress["玄武区"]
        self.street_unit = {
            street: self.goc(ElectoralUnit, congress=xuanwu, name=street, defaults={"order": i})
            for i, street in enumerate(data.XUANWU_STREETS, start=1)
        }

    def handling_units(self):
        self.handling = {}
        for name, short, kind, contact, phone in self.plan.units:
            self.handling[name] = self.goc(
                Unit,
                congress=self.city,
                name=name,
                defaults={"short_name": short, "kind": kind, "public_contact": contact, "public_phone": phone},
            )

    # accounts
    def user(self, *, full_name, email=None, mobile=None, **extra) -> User:
        lookup = {"email": email} if email else {"mobile": mobile}
        user = User.objects.filter(**lookup).first()
        if user is None:
            user = User(email=email, mobile=mobile, full_name=full_name, password=self.password_hash, **extra)
            user.save()
            self.created["User"] += 1
            audit(SecurityEvent.Kind.ACCOUNT_CREATED, actor=None, target_user=user, via="seed_demo")
        if email:
            # Demo e-mail addresses count as verified, as after an accepted invitation.
            _addr, created = EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            self.created["EmailAddress"] += created
        return user

    def _join_staff_group(self, user):
        group = Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF])
        # Checked first: adding an existing member still sends m2m_changed, which
        # would write an empty role-change entry to the audit log on every run.
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)

    def staff_accounts(self):
        self.admin = self.user(
            email="admin@example.org",
            full_name="系统管理员（演示）",
            is_staff=True,
            is_superuser=True,
            congress=self.city,
        )
        self.staff = self.user(
            email="staff@example.org", full_name="市代表工作机构工作人员（演示）", is_staff=True, congress=self.city
        )
        self._join_staff_group(self.staff)
        xuanwu_staff = self.user(
            email="xuanwu.staff@example.org",
            full_name="玄武区人大工作人员（演示）",
            is_staff=True,
            congress=self.district_congress["玄武区"],
        )
        self._join_staff_group(xuanwu_staff)
        for email, unit_name in (("unit@example.org", "市交通运输局"), ("unit2@example.org", "市教育局")):
            unit = self.handling[unit_name]
            officer = self.user(email=email, full_name=unit.public_contact or unit_name, unit=unit)
            user_sync_roles(user=officer)

    # roster
    def _mandates(self, term, rows, elected_on) -> None:
        """Create the term's missing mandates in one INSERT; keep all of them by (term, mobile)."""
        mobiles = [person.mobile for _unit, person in rows]
        existing = {d.mobile: d for d in Deputy.objects.filter(term=term, mobile__in=mobiles)}
        new = [
            Deputy(
                congress_id=term.congress_id,
                term=term,
                electoral_unit=unit,
                elected_on=elected_on(unit),
                status=Deputy.Status.SERVING,
                **person.roster_fields(),
            )
            for unit, person in rows
            if person.mobile not in existing
        ]
        Deputy.objects.bulk_create(new)
        self.created["Deputy"] += len(new)
        for deputy in [*existing.values(), *new]:
            self.deputies[(term.pk, deputy.mobile)] = deputy

    def roster(self):
        plan = self.plan

        # District congresses elected the city's deputies in December 2021; the
        # garrison's servicemen's congress a few days earlier.
        def municipal_elected_on(unit):
            return data.D(2021, 12, 16) if unit.electing_congress_id is None else data.D(2021, 12, 20 + unit.order % 8)

        self._mandates(self.term, [(self.unit[u], x) for u, x in plan.municipal], municipal_elected_on)
        # Provincial deputies at the city congress's session before the new provincial term;
        # national ones at the provincial congress's first session.
        self._mandates(
            self.province_term, [(self.province_unit, x) for x in plan.provincial], lambda unit: data.D(2023, 1, 8)
        )
        self._mandates(
            self.nation_term, [(self.nation_unit, x) for x in plan.national], lambda unit: data.D(2023, 1, 16)
        )
        self._mandates(
            self.district_term["玄武区"],
            [(self.street_unit[s], x) for s, x in plan.xuanwu],
            lambda unit: data.D(2021, 11, 16),
        )

    def mandate(self, person, term=None) -> Deputy:
        return self.deputies[((term or self.term).pk, person.mobile)]

    def mandates_of(self, person) -> list[Deputy]:
        return [d for (_t, mobile), d in self.deputies.items() if mobile == person.mobile]

    def _fill_group(self, group, people) -> None:
        deputies = [self.mandate(x) for x in people]
        rows = [
            Membership(deputygroup_id=group.pk, deputy_id=d.pk)
            for d in deputies
            if d.status != Deputy.Status.TERMINATED
        ]
        Membership.objects.bulk_create(rows, ignore_conflicts=True)
        self.created["membership"] += len(rows)

    def groups(self):
        plan = self.plan
        # Members are filled in only when a group is created: later changes
        # (terminations, by-elections, staff edits) are left alone on a re-run.
        for name, *_rest in data.DISTRICTS:
            group, created = DeputyGroup.objects.get_or_create(
                term=self.term,
                name=f"{name}代表小组",
                defaults={
                    "congress": self.city,
                    "kind": DeputyGroup.Kind.DEPUTY_GROUP,
                    "electoral_unit": self.unit[name],
                    "leader": self.mandate(plan.group_leaders[name]),
                },
            )
            if created:
                self.created["DeputyGroup"] += 1
                self._fill_group(group, [x for u, x in plan.municipal if u == name])
        for field, leader, members in plan.professional:
            group, created = DeputyGroup.objects.get_or_create(
                term=self.term,
                name=f"{field}专业代表小组",
                defaults={
                    "congress": self.city,
                    "kind": DeputyGroup.Kind.PROFESSIONAL,
                    "field": field,
                    "leader": self.mandate(leader),
                },
            )
            if created:
                self.created["DeputyGroup"] += 1
                self._fill_group(group, members)

    def standing_committee(self):
        elected_on = data.CITY_SESSIONS[0][3]  # elected at the first session's close
        for person, position in self.plan.sc:
            self.goc(
                StandingCommitteeMember,
                term=self.term,
                deputy=self.mandate(person),
                defaults={"position": position, "start_date": elected_on},
            )

    def _link(self, user, person) -> None:
        """Link every mandate of the person to the account (one account, several mandates)."""
        ids = [d.pk for d in self.mandates_of(person)]
        self.created["linked mandate"] += Deputy.objects.filter(pk__in=ids, user__isnull=True).update(user=user)
        user_sync_roles(user=user)

    def deputy_accounts(self):
        demo = self.plan.demo
        for email, key in (
            ("deputy@example.org", "deputy"),
            ("deputy2@example.org", "deputy2"),
            ("sc@example.org", "sc"),
        ):
            person = demo[key]
            self._link(self.user(email=email, mobile=person.mobile, full_name=person.name), person)
        for person in self.plan.accounts:
            # Log in with the mobile number; no e-mail is known for these.
            self._link(self.user(mobile=person.mobile, full_name=person.name), person)

    # roster events (item 16)
    def roster_events(self):
        """Replay terminations, by-elections, the review and a suspension in date order.

        Order matters: approving a review marks every vacancy not yet reported
        as reported in it, so later terminations must come after it.
        """
        events = []
        for i, (_unit, _reason, date, _note, by_election) in enumerate(data.TERMINATIONS):
            events.append((date, "terminate", i))
            if by_election:
                events.append((by_election[0], "by_election", i))
        events.append((data.REVIEW_CONFIRMED[2], "approve", None))
        events.append((data.SUSPENSION[2], "suspend", None))
        for date, kind, i in sorted(events, key=lambda e: e[0]):
            if date > self.today:
                self.out.write(f"  skipped a {kind} dated {date}: after today")
                continue
            try:
                getattr(self, f"_{kind}")(i)
            except (InvalidTransition, NotAllowed) as exc:
                # Staff may have changed the demo roster by hand since the last run.
                self.out.write(f"  skipped a {kind} on {date}: {exc}")

    def _terminate(self, i):
        _unit, reason, date, note, _by = data.TERMINATIONS[i]
        deputy = self.mandate(self.plan.terminated[i])
        if StatusChange.objects.filter(deputy=deputy, kind=StatusChange.Kind.TERMINATE).exists():
            return
        services.deputy_terminate(actor=self.staff, deputy=deputy, reason=reason, effective_date=date, note=note)
        self.created["StatusChange"] += 1
        # A former deputy leaves the groups (the service keeps to the roster status).
        Membership.objects.filter(deputy=deputy).delete()

    def _review(self, outcome):
        title, meeting = (data.REVIEW_CONFIRMED if outcome == "confirmed" else data.REVIEW_PENDING)[:2]
        return self.goc(CredentialsReview, term=self.term, title=title, defaults={"meeting_date": meeting})

    def _by_election(self, i):
        unit_name, _reason, _date, _note, (held_on, outcome) = data.TERMINATIONS[i]
        vacancy = Vacancy.objects.filter(vacated_by=self.mandate(self.plan.terminated[i])).first()
        if vacancy is None or ByElectionResult.objects.filter(vacancy=vacancy).exists():
            return
        person = self.plan.by_elected[i]
        result = services.by_election_record(
            actor=self.staff,
            vacancy=vacancy,
            held_on=held_on,
            held_by=f"南京市{unit_name}人民代表大会常务委员会",
            elected=person.roster_fields(),
            review=self._review(outcome),
            note="闭会期间由区人大常委会补选。",
        )
        self.deputies[(self.term.pk, person.mobile)] = result.deputy
        self.created["ByElection"] += 1

    def _approve(self, _i):
        title, _meeting, approved_on = data.REVIEW_CONFIRMED
        review = CredentialsReview.objects.filter(term=self.term, title=title).first()
        if review is None or review.status != CredentialsReview.Status.DRAFT:
            return
        services.credentials_review_approve(actor=self.staff, review=review, approved_on=approved_on)
        self.created["approved review"] += 1
        # The confirmed deputies join their district's group.
        for result in ByElectionResult.objects.filter(by_election__review=review).select_related("deputy"):
            group = DeputyGroup.objects.filter(
                term=self.term, electoral_unit_id=result.deputy.electoral_unit_id
            ).first()
            if group is not None:
                group.members.add(result.deputy)

    def _suspend(self, _i):
        _unit, reason, date, note = data.SUSPENSION
        deputy = self.mandate(self.plan.suspended)
        if StatusChange.objects.filter(deputy=deputy, kind=StatusChange.Kind.SUSPEND).exists():
            return
        services.deputy_suspend(actor=self.staff, deputy=deputy, reason=reason, effective_date=date, note=note)
        self.created["StatusChange"] += 1


# --- The command --------------------------------------------------------------------


def summary_lines(city_name: str = data.CITY["name"]) -> list[str]:
    """Counts read back from the database, for the command's report."""
    S = Deputy.Status
    city = Congress.objects.get(name=city_name)
    term = Term.objects.get(congress=city, is_current=True)
    by_status = dict(
        Deputy.objects.filter(term=term).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    vacancies = Vacancy.objects.filter(term=term)
    levels = (
        Deputy.objects.filter(term__is_current=True)
        .exclude(congress=city)
        .values_list("congress__short_name")
        .annotate(n=Count("pk"))
        .order_by("congress_id")
    )
    groups = DeputyGroup.objects.filter(term=term)
    seats = sum(ElectoralUnit.objects.filter(congress=city).values_list("seats", flat=True).exclude(seats=None))
    return [
        f"  congresses {Congress.objects.count()} · terms {Term.objects.count()} · "
        f"sessions {CongressSession.objects.filter(term=term).count()} · electoral units {ElectoralUnit.objects.count()}",
        f"  {city.short_name}{term.name}: seats {seats} · serving {by_status.get(S.SERVING, 0)} · "
        f"suspended {by_status.get(S.SUSPENDED, 0)} · awaiting review {by_status.get(S.PENDING, 0)} · "
        f"terminated {by_status.get(S.TERMINATED, 0)} · open vacancies {vacancies.filter(status='open').count()} · "
        f"filled {vacancies.filter(status='filled').count()}",
        "  other current mandates: " + " · ".join(f"{name} {n}" for name, n in levels),
        f"  deputy groups {groups.filter(kind=DeputyGroup.Kind.DEPUTY_GROUP).count()} · "
        f"professional groups {groups.filter(kind=DeputyGroup.Kind.PROFESSIONAL).count()} · "
        f"memberships {Membership.objects.filter(deputygroup__term=term).count()} · "
        f"SC members {StandingCommitteeMember.objects.filter(term=term).count()}",
        f"  handling units {Unit.objects.filter(congress=city).count()} · user accounts {User.objects.count()} "
        f"({User.objects.filter(mandates__isnull=False).distinct().count()} linked to mandates, "
        f"{User.objects.filter(Q(is_staff=True) | Q(unit__isnull=False)).count()} staff or unit officers)",
    ]


class Command(BaseCommand):
    help = (
        "Create the demo data set (Nanjing, invented people): congresses, terms, ~600 deputies, "
        "groups, standing committee, handling units, demo accounts. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off (e.g. a demo server). Never on production: it creates a superuser "
            "whose password is published.",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options["allow_without_debug"]):
            raise CommandError(
                "seed_demo creates accounts with a published password (a superuser among them). "
                "Run it with DEBUG=1, or pass --allow-without-debug on a demo server."
            )
        started = time.monotonic()
        plan = build_plan()
        seeder = Seeder(plan, self.stdout)
        # One transaction: all or nothing, and SQLite writes it in one go.
        with transaction.atomic():
            seeder.run()
        elapsed = time.monotonic() - started
        created = sum(seeder.created.values())
        detail = ", ".join(f"{name} {n}" for name, n in seeder.created.items() if n)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f} s."))
        self.stdout.write(
            f"  created this run: {created} ({detail})" if created else "  created this run: nothing (already seeded)"
        )
        for line in summary_lines():
            self.stdout.write(line)
        self.stdout.write(
            f"  demo logins (password {data.DEMO_PASSWORD}): admin@, staff@, xuanwu.staff@, deputy@ (or 13800000001), "
            "deputy2@, sc@, unit@, unit2@example.org; other deputies' accounts log in by mobile."
        )
