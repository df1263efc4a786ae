"""``manage.py bench_proposals``: build many suggestions in bulk, then time the public pages.

    bash scripts/bench_proposals.sh            # scratch PostgreSQL database, 100,000 items

The builder (``build_dataset``) writes rows directly with bulk_create, not through the
services: it is a load generator for a scratch database (and for the query-count tests),
never for real data. Its rows are shaped like real ones: numbered per session, about
90% published with replies (A/B/C), ratings, commitments for B, some items still open
and overdue, and ``search_text`` segmented by jieba like the services do.

The command refuses a database whose name does not contain "bench" unless told
``--scratch-database``.
"""

import datetime
import functools
import random
import statistics
import time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import Unit, User
from core.search import segment_for_index
from deputies.models import Congress, CongressSession, Deputy, ElectoralUnit, Term
from proposals.models import (
    Assignment,
    Commitment,
    CoSigner,
    Field,
    NumberCounter,
    Rating,
    Reply,
    ReplyCategory,
    Suggestion,
)

from .seed_proposals import CITY_NAME, SIGNERS, TOPICS, body_for, reply_text_for, title_for, topic_places

S = Suggestion.Status
A = Assignment.Status
DISTRICTS = (
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
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = (
    "建国",
    "秀兰",
    "志强",
    "丽娟",
    "海燕",
    "国平",
    "文斌",
    "红梅",
    "晓明",
    "伟东",
    "静怡",
    "永刚",
    "玉兰",
    "立新",
    "卫东",
    "雅静",
    "俊杰",
    "晓燕",
    "明华",
    "春梅",
)
# Two-character words searched in the benchmark (all occur in the generated texts).
BENCH_WORDS = ("停车", "电梯", "养老", "公交", "噪声", "学位")


@functools.lru_cache(maxsize=200_000)
def _words(piece: str) -> frozenset:
    # Segmenting each distinct sentence once keeps 100,000 items at a few seconds of jieba.
    return frozenset(segment_for_index(piece).split())


def search_text_of(pieces) -> str:
    words = set()
    for piece in pieces:
        words |= _words(piece)
    return " ".join(sorted(words))


def _pieces(text: str) -> list[str]:
    # Split at sentence ends: jieba cuts there anyway, so the union of the pieces' words
    # equals the words of the whole text (give or take a word spanning a full stop).
    out, current = [], []
    for ch in text:
        current.append(ch)
        if ch in "。；\n":
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


class Roster:
    """The congress, sessions, deputies and units the generated items point at (created if missing)."""

    def __init__(self, *, deputies: int, rng: random.Random, today: datetime.date):
        self.city, _ = Congress.objects.get_or_create(
            name=CITY_NAME, defaults={"short_name": "南京市", "level": Congress.Level.CITY}
        )
        self.term = Term.objects.filter(congress=self.city, is_current=True).first() or Term.objects.create(
            congress=self.city,
            number=17,
            name="第十七届",
            start_date=datetime.date(today.year - 9, 1, 1),
            is_current=True,
        )
        sessions = list(CongressSession.objects.filter(term=self.term, start_date__lte=today).order_by("start_date"))
        if len(sessions) < 3:
            have = {s.number for s in CongressSession.objects.filter(term=self.term)}
            for i, year in enumerate(range(today.year - 9, today.year + 1), start=1):
                if i not in have:
                    CongressSession.objects.create(
                        term=self.term,
                        number=i,
                        name=f"基准测试第{i}次会议",
                        start_date=datetime.date(year, 1, 6),
                        end_date=datetime.date(year, 1, 9),
                    )
            sessions = list(
                CongressSession.objects.filter(term=self.term, start_date__lte=today).order_by("start_date")
            )
        self.sessions = sessions
        units = {}
        for name in sorted({n for t in TOPICS for n in t.units}):
            units[name], _ = Unit.objects.get_or_create(congress=self.city, name=name)
        self.units = units
        eunits = [ElectoralUnit.objects.get_or_create(congress=self.city, name=n)[0] for n in DISTRICTS]
        have = Deputy.objects.filter(term=self.term).count()
        if have < deputies:
            Deputy.objects.bulk_create(
                [
                    Deputy(
                        congress=self.city,
                        term=self.term,
                        electoral_unit=eunits[i % len(eunits)],
                        name=f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[(i // len(SURNAMES)) % len(GIVEN)]}{'' if i < 1000 else i}",
                        gender=Deputy.Gender.FEMALE if i % 3 == 0 else Deputy.Gender.MALE,
                        status=Deputy.Status.SERVING,
                    )
                    for i in range(have, deputies)
                ],
                batch_size=1000,
            )
        self.deputy_ids = list(
            Deputy.objects.filter(term=self.term, status=Deputy.Status.SERVING).values_list("pk", "name")
        )
        self.user = User.objects.filter(email="bench@example.org").first()
        if self.user is None:
            self.user = User(email="bench@example.org", full_name="基准测试")
            self.user.set_unusable_password()
            self.user.save()
        self.fields = {f.name: f.pk for f in Field.objects.all()}
        for order, name in enumerate(sorted({t.field for t in TOPICS})):
            if name not in self.fields:
                self.fields[name] = Field.objects.create(name=name, order=order).pk
        self.categories = {c.code: c for c in ReplyCategory.objects.all()}
        for order, (code, name, promise) in enumerate(
            [
                ("A", "已解决或基本解决", False),
                ("B", "正在解决或列入计划解决", True),
                ("C", "因条件限制留作参考", False),
            ],
            1,
        ):
            if code not in self.categories:
                self.categories[code] = ReplyCategory.objects.create(
                    code=code, name=name, creates_commitment=promise, order=order
                )
        self.combos = [(t, p) for t in TOPICS for p in topic_places(t)]
        rng.shuffle(self.combos)


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_dataset(*, count: int, seed: int = 7, published_share: float = 0.9, chunk: int = 5000, out=None) -> dict:
    """Bulk-create ``count`` suggestions with their co-signers, assignments, replies, ratings and commitments."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    roster = Roster(deputies=min(600, max(30, count // 10)), rng=rng, today=today)
    counters: dict[str, int] = dict(
        NumberCounter.objects.filter(congress=roster.city).values_list("series", "last_number")
    )
    for name, number in (
        Suggestion.objects.filter(congress=roster.city, number__isnull=False)
        .values("number_series")
        .annotate(top=Max("number"))
        .values_list("number_series", "top")
    ):
        counters[name] = max(counters.get(name, 0), number)
    totals = {
        "suggestions": 0,
        "published": 0,
        "assignments": 0,
        "replies": 0,
        "ratings": 0,
        "commitments": 0,
        "cosigners": 0,
    }
    started = time.monotonic()
    done = 0
    while done < count:
        n = min(chunk, count - done)
        with transaction.atomic():
            _build_chunk(
                roster,
                n,
                rng=rng,
                now=now,
                today=today,
                counters=counters,
                published_share=published_share,
                totals=totals,
            )
        done += n
        if out:
            out.write(f"  {done:,} suggestions ({time.monotonic() - started:.0f} s)")
    for series, last in counters.items():
        NumberCounter.objects.update_or_create(congress=roster.city, series=series, defaults={"last_number": last})
    totals["seconds"] = round(time.monotonic() - started, 1)
    return totals


def _build_chunk(roster, n, *, rng, now, today, counters, published_share, totals) -> None:
    suggestions, plans = [], []
    for _ in range(n):
        topic, place = roster.combos[rng.randrange(len(roster.combos))]
        session = rng.choice(roster.sessions)
        published = rng.random() < published_share
        if published:
            status = rng.choices([S.CLOSED, S.RATED, S.REPLIED], weights=(70, 20, 10))[0]
        else:
            status = rng.choices(
                [S.ASSIGNED, S.REPLIED, S.CLOSED, S.ACCEPTED, S.SUBMITTED, S.DRAFT, S.RETURNED, S.REHANDLING],
                weights=(30, 15, 15, 8, 8, 10, 8, 6),
            )[0]
        lead_id, lead_name = rng.choice(roster.deputy_ids)
        title = title_for(topic, place)
        body = body_for(topic, place, rng)
        submitted = _aware(session.start_date + datetime.timedelta(days=rng.randint(0, 3)), rng.randint(9, 17))
        number = series = None
        if status not in {S.DRAFT, S.SUBMITTED, S.RETURNED}:
            counters[session.name] = counters.get(session.name, 0) + 1
            number, series = counters[session.name], session.name
        item = Suggestion(
            congress=roster.city,
            session=session,
            title=title,
            body=body,
            field_id=roster.fields.get(topic.field),
            lead_deputy_id=lead_id,
            status=status,
            number=number,
            number_series=series or "",
            created_by=roster.user,
            created_at=submitted - datetime.timedelta(days=2),
            updated_at=submitted,
            submitted_at=None if status == S.DRAFT else submitted,
            accepted_at=submitted + datetime.timedelta(days=15) if number else None,
        )
        plan = {
            "topic": topic,
            "place": place,
            "lead_name": lead_name,
            "pieces": [title, *_pieces(body)],
            "assignments": [],
        }
        if status in {S.ASSIGNED, S.REPLIED, S.RATED, S.CLOSED, S.REHANDLING}:
            assigned_on = session.end_date + datetime.timedelta(days=rng.randint(15, 30))
            deadline = assigned_on + relativedelta(months=3)
            units = [(roster.units[topic.units[0]], Assignment.Role.LEAD)]
            if len(topic.units) > 1 and rng.random() < 0.3:
                units.append((roster.units[topic.units[1]], Assignment.Role.JOINT))
            last_public = submitted
            for unit, role in units:
                replies = []
                if status == S.ASSIGNED:
                    a_status = A.ASSIGNED
                else:
                    a_status = {S.REPLIED: A.REPLIED, S.REHANDLING: A.REHANDLING}.get(status, A.DONE)
                    two_rounds = status == S.REHANDLING or (status == S.CLOSED and rng.random() < 0.05)
                    replied_on = assigned_on + datetime.timedelta(
                        days=rng.randint(20, 84) if rng.random() < 0.9 else rng.randint(93, 130)
                    )
                    replied_on = min(replied_on, today)
                    code = rng.choices("ABC", weights=(50, 35, 15))[0]
                    text = reply_text_for(
                        topic, place, code, deputy=lead_name, title=title, due=replied_on + datetime.timedelta(days=150)
                    )
                    first = {
                        "round": 1,
                        "code": code,
                        "text": text,
                        "replied_on": replied_on,
                        "on_time": replied_on <= deadline,
                    }
                    if two_rounds:
                        first["rating"] = Rating.Value.UNSATISFIED
                        replies.append(first)
                        if status == S.CLOSED:
                            second_on = min(replied_on + datetime.timedelta(days=rng.randint(20, 30)), today)
                            text2 = reply_text_for(topic, place, "A", deputy=lead_name, title=title)
                            replies.append(
                                {
                                    "round": 2,
                                    "code": "A",
                                    "text": text2,
                                    "replied_on": second_on,
                                    "on_time": True,
                                    "rating": Rating.Value.SATISFIED,
                                }
                            )
                    else:
                        if status in {S.RATED, S.CLOSED}:
                            first["rating"] = rng.choices(
                                [Rating.Value.SATISFIED, Rating.Value.BASICALLY, Rating.Value.UNSATISFIED],
                                weights=(70, 26, 4),
                            )[0]
                        replies.append(first)
                    for r in replies:
                        plan["pieces"] += _pieces(r["text"])
                        last_public = max(last_public, _aware(r["replied_on"], 16))
                plan["assignments"].append(
                    {
                        "unit": unit,
                        "role": role,
                        "status": a_status,
                        "assigned_on": assigned_on,
                        "deadline": deadline,
                        "replies": replies,
                    }
                )
            if published:
                item.published = True
                item.published_at = min(last_public + datetime.timedelta(days=rng.randint(5, 40)), now)
        item.search_text = search_text_of(plan["pieces"]) if item.number else ""
        suggestions.append(item)
        plans.append(plan)
    Suggestion.objects.bulk_create(suggestions, batch_size=1000)
    cosigners = []
    for item in suggestions:
        if rng.random() < 0.4:
            for deputy_id, _name in rng.sample(roster.deputy_ids, k=rng.randint(1, 3)):
                if deputy_id != item.lead_deputy_id:
                    cosigners.append(
                        CoSigner(
                            suggestion=item,
                            deputy_id=deputy_id,
                            status=CoSigner.Status.CONFIRMED,
                            responded_at=item.submitted_at,
                        )
                    )
    CoSigner.objects.bulk_create(cosigners, batch_size=2000, ignore_conflicts=True)
    assignments, a_plans = [], []
    for item, plan in zip(suggestions, plans, strict=True):
        for a in plan["assignments"]:
            first = a["replies"][0]["replied_on"] if a["replies"] else None
            assignments.append(
                Assignment(
                    suggestion=item,
                    unit=a["unit"],
                    role=a["role"],
                    status=a["status"],
                    assigned_on=a["assigned_on"],
                    reassign_window_ends=a["assigned_on"] + datetime.timedelta(days=9),
                    deadline=a["deadline"],
                    first_replied_on=first,
                    assigned_by=roster.user,
                )
            )
            a_plans.append(a)
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    replies, r_plans = [], []
    for assignment, a in zip(assignments, a_plans, strict=True):
        for r in a["replies"]:
            replies.append(
                Reply(
                    assignment=assignment,
                    round=r["round"],
                    category=roster.categories[r["code"]],
                    text=r["text"],
                    signer=SIGNERS[r["round"] % len(SIGNERS)],
                    replied_on=r["replied_on"],
                    on_time=r["on_time"],
                    created_by=roster.user,
                    created_at=_aware(r["replied_on"], 17),
                )
            )
            r_plans.append((assignment, r))
    Reply.objects.bulk_create(replies, batch_size=2000)
    ratings, commitments = [], []
    for reply, (assignment, r) in zip(replies, r_plans, strict=True):
        if r.get("rating"):
            ratings.append(
                Rating(
                    reply=reply,
                    deputy_id=assignment.suggestion.lead_deputy_id,
                    value=r["rating"],
                    comment="",
                    rated_by=roster.user,
                    rated_at=reply.created_at + datetime.timedelta(days=5),
                )
            )
        if roster.categories[r["code"]].creates_commitment:
            due = r["replied_on"] + datetime.timedelta(days=150)
            commitments.append(
                Commitment(
                    reply=reply,
                    content="按答复承诺推进落实",
                    due_date=due,
                    status=Commitment.Status.FULFILLED if due < today else Commitment.Status.OPEN,
                    fulfilled_on=due if due < today else None,
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=2000)
    Commitment.objects.bulk_create(commitments, batch_size=2000)
    totals["suggestions"] += len(suggestions)
    totals["published"] += sum(1 for s in suggestions if s.published)
    totals["assignments"] += len(assignments)
    totals["replies"] += len(replies)
    totals["ratings"] += len(ratings)
    totals["commitments"] += len(commitments)
    totals["cosigners"] += len(cosigners)


# --- Timing ------------------------------------------------------------------------------------


def time_url(client: Client, url: str, *, runs: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    # Read now: the next request's request_started signal empties the query log.
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {"median": statistics.median(times), "p95": p95, "queries": queries, "bytes": len(response.content)}


class Command(BaseCommand):
    help = "Bulk-build suggestions in a scratch database (VACUUM ANALYZE on PostgreSQL), then time the public pages."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000, help="Suggestions to build (default 100,000).")
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page (after 3 warm-up requests).")
        parser.add_argument("--skip-build", action="store_true", help="Time only (the data is already there).")
        parser.add_argument(
            "--scratch-database", action="store_true", help="Allow a database whose name lacks 'bench'."
        )

    def handle(self, *args, count, runs, skip_build, scratch_database, **options):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name and not scratch_database:
            raise CommandError(
                f"Refusing to fill {name!r} with generated suggestions: use a scratch database (name with 'bench')."
            )
        self.stdout.write(f"Database: {connection.vendor} {name}")
        if not skip_build:
            self.stdout.write(f"Building {count:,} suggestions …")
            totals = build_dataset(count=count, out=self.stdout)
            self.stdout.write("  " + ", ".join(f"{k} {v:,}" for k, v in totals.items()))
            if connection.vendor == "postgresql":
                t0 = time.monotonic()
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
                self.stdout.write(f"  VACUUM ANALYZE {time.monotonic() - t0:.1f} s")
        self.report(runs)

    def report(self, runs: int) -> None:
        published = Suggestion.objects.filter(published=True)
        self.stdout.write(
            f"Rows: suggestions {Suggestion.objects.count():,} (published {published.count():,}), "
            f"assignments {Assignment.objects.count():,}, replies {Reply.objects.count():,}"
        )
        field_id = Field.objects.order_by("pk").values_list("pk", flat=True).first()
        unit_id = Assignment.objects.order_by("unit_id").values_list("unit_id", flat=True).first()
        category_b = ReplyCategory.objects.filter(code="B").values_list("pk", flat=True).first()
        year = published.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
        year = timezone.localtime(year).year if year else timezone.localdate().year
        detail_ids = list(published.order_by("-published_at").values_list("pk", flat=True)[:1]) + list(
            published.order_by("published_at").values_list("pk", flat=True)[:1]
        )
        pages = [
            ("list, first page", "/proposals/"),
            ("list, page 50", "/proposals/?page=50"),
            ("list, field + year", f"/proposals/?field={field_id}&year={year}"),
            ("list, unit + class B", f"/proposals/?unit={unit_id}&category={category_b}"),
            *[(f"search {w}, newest", f"/proposals/?q={w}") for w in BENCH_WORDS],
            *[(f"search {w}, ranked", f"/proposals/?q={w}&sort=relevance") for w in BENCH_WORDS],
            ("search 2 words, newest", "/proposals/?q=老旧小区停车"),
            *[(f"detail #{pk}", f"/proposals/{pk}/") for pk in detail_ids],
            ("unit statistics, computed", "/proposals/units/"),
            (f"unit statistics {year}, computed", f"/proposals/units/?year={year}"),
            ("unit statistics, cached", "/proposals/units/?cached"),
            ("Atom feed", "/proposals/feed/"),
        ]
        client = Client()
        # Static URLs without collectstatic's manifest (the timings do not depend on it).
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], DEBUG=False, STORAGES=storages):
            self.stdout.write(
                f"\n{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}   ({runs} runs each)"
            )
            for label, url in pages:
                # Statistics: timed without the cache (every request computes), then with it.
                seconds = 600 if url.endswith("?cached") else 0
                with override_settings(PROPOSALS_PUBLIC_STATS_CACHE_SECONDS=seconds):
                    r = time_url(client, url.removesuffix("?cached"), runs=runs)
                self.stdout.write(
                    f"{label:32} {r['median']:10.1f} {r['p95']:8.1f} {r['queries']:8d} {r['bytes'] / 1024:6.0f}   {url}"
                )
