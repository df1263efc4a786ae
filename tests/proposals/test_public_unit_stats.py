"""Per-unit statistics /proposals/units/: every number equals a recount in Python from the raw rows."""

import datetime
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.management.commands.bench_proposals import build_dataset
from proposals import services
from proposals.models import Assignment, Rating
from proposals.selectors.public import unit_statistics

from ..builders import (
    assigned,
    make_officer,
    rate,
    reply,
)

A = Assignment.Status
STATS = reverse("proposals:unit_stats")
# Sessions for the filter, the one statement of figures, the units' names and the reply
# categories; once the figures are cached, only the sessions.
STATS_QUERIES = 4
STATS_QUERIES_CACHED = 1


@pytest.fixture(autouse=True)
def no_stats_cache(settings):
    """Figures computed on every request, so each test sees its own rows."""
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 0


def recount(*, today, session_id=None, year=None) -> dict:
    """The figures per unit, counted one assignment at a time in Python."""
    out: dict[int, dict] = {}
    qs = (
        Assignment.objects.exclude(status=A.WITHDRAWN)
        .select_related("unit", "suggestion")
        .prefetch_related("replies__category", "replies__ratings")
    )
    for a in qs:
        if session_id and a.suggestion.session_id != session_id:
            continue
        if year and a.assigned_on.year != year:
            continue
        row = out.setdefault(
            a.unit_id,
            {
                "name": a.unit.name,
                "assigned": 0,
                "replied": 0,
                "on_time": 0,
                "overdue": 0,
                "categories": Counter(),
                "rated": 0,
                "good": 0,
            },
        )
        row["assigned"] += 1
        replies = sorted(a.replies.all(), key=lambda r: r.round)
        if replies:
            row["replied"] += 1
            row["on_time"] += replies[0].round == 1 and replies[0].on_time
            row["categories"][replies[-1].category.code] += 1
        if a.status in {A.ASSIGNED, A.REASSIGN_REQUESTED, A.REHANDLING} and a.deadline < today:
            row["overdue"] += 1
        rated = [r for r in replies if list(r.ratings.all())]
        if rated:
            ratings = list(rated[-1].ratings.all())
            row["rated"] += len(ratings)
            row["good"] += sum(r.value in {Rating.Value.SATISFIED, Rating.Value.BASICALLY} for r in ratings)
    return out


def assert_matches(rows, totals, categories, expected) -> None:
    assert {r.unit_id for r in rows} == set(expected)
    for r in rows:
        e = expected[r.unit_id]
        assert (r.name, r.assigned, r.replied, r.on_time, r.overdue, r.rated, r.satisfied + r.basically) == (
            e["name"],
            e["assigned"],
            e["replied"],
            e["on_time"],
            e["overdue"],
            e["rated"],
            e["good"],
        ), r.name
        assert {c.code: n for c, n, _share in r.category_shares(categories) if n} == dict(e["categories"]), r.name
        assert r.on_time_rate == (round(100 * e["on_time"] / e["replied"], 1) if e["replied"] else None)
        assert r.satisfaction_rate == (round(100 * e["good"] / e["rated"], 1) if e["rated"] else None)
        shares = {c.code: share for c, _n, share in r.category_shares(categories)}
        total = sum(e["categories"].values())
        for code, n in e["categories"].items():
            assert shares[code] == round(100 * n / total, 1)
    assert totals.assigned == sum(e["assigned"] for e in expected.values())
    assert totals.overdue == sum(e["overdue"] for e in expected.values())
    assert totals.rated == sum(e["rated"] for e in expected.values())


class TableCells(HTMLParser):
    """Rows of the statistics table as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_table = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "pp-stats" in (dict(attrs).get("class") or "").split():
            self.in_table = True
        elif self.in_table and tag == "tr":
            self.rows.append([])
        elif self.in_table and tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False
        elif self.in_table and tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


@pytest.fixture
def varied(deputy, staff, unit_officer, city):
    """Generated rows in every state, plus service-made cases: re-handling, a granted
    re-assignment (withdrawn), an assisting unit, a late reply and an overdue assignment."""
    build_dataset(count=300, published_share=0.6, seed=11)
    police = make_officer(city, "示例市公安局")
    helper = make_officer(city, "示例市财政局")
    # Re-handled: C unsatisfied, then A satisfied.
    item = assigned(deputy, staff, [unit_officer], title="关于再办理事项的建议")
    rate(deputy, reply(unit_officer, item, code="C"), Rating.Value.UNSATISFIED, "未解决")
    rate(deputy, reply(unit_officer, item, code="A"), Rating.Value.SATISFIED)
    # Withdrawn after a granted request; the police take it over and reply late.
    moved = assigned(
        deputy, staff, [unit_officer], title="关于调整承办单位的建议", assigned_on=datetime.date(2026, 1, 5)
    )
    first = moved.assignments.get()
    services.assignment_request_reassign(
        actor=unit_officer, assignment=first, reason="不属于本单位职责", today=datetime.date(2026, 1, 6)
    )
    services.assignment_decide_reassign(
        actor=staff, assignment=Assignment.objects.get(pk=first.pk), grant=True, new_unit=police.unit
    )
    late = moved.assignments.exclude(status=A.WITHDRAWN).get()
    Assignment.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    rate(deputy, reply(police, moved, code="B"), Rating.Value.BASICALLY)
    # An assisting unit that never replied, overdue.
    assigned(
        deputy,
        staff,
        [police, helper],
        roles=["lead", "assisting"],
        title="关于协办事项的建议",
        assigned_on=datetime.date(2025, 3, 1),
    )
    return {"police": police, "helper": helper}


@pytest.mark.django_db
def test_every_number_equals_a_recount(client, varied):
    today = timezone.localdate()
    rows, totals, categories = unit_statistics(today=today)
    expected = recount(today=today)

    assert_matches(rows, totals, categories, expected)
    assert totals.assigned > 200 and totals.overdue > 0 and totals.rated > 0
    # The page shows the same figures.
    parser = TableCells()
    parser.feed(client.get(STATS).content.decode())
    body = {cells[0]: cells[1:] for cells in parser.rows[1:-1]}
    for r in rows:
        cells = body[r.name]
        assert cells[:3] == [str(r.assigned), str(r.replied), str(r.on_time)]
        assert cells[4] == str(r.overdue)
        assert cells[-2] == str(r.rated)
        assert cells[-1] == (f"{r.satisfaction_rate:.1f}%" if r.satisfaction_rate is not None else "—")
    assert parser.rows[-1][0] and parser.rows[-1][1] == str(totals.assigned)


@pytest.mark.django_db
def test_withdrawn_assignments_and_late_first_replies_are_counted_right(varied, unit_officer):
    today = timezone.localdate()
    rows, _totals, _categories = unit_statistics(today=today)
    by_unit = {r.unit_id: r for r in rows}
    police = by_unit[varied["police"].unit_id]
    # Two police assignments (the moved item, the assisting case's lead): one late reply.
    assert (police.assigned, police.replied, police.on_time, police.late) == (2, 1, 0, 1)
    # The assisting unit never replied and is overdue.
    helper = by_unit[varied["helper"].unit_id]
    assert (helper.assigned, helper.replied, helper.overdue) == (1, 0, 1)
    # The re-handled item: counted once, latest category A, latest rating satisfied.
    mine = by_unit[unit_officer.unit_id]
    assert (mine.assigned, mine.replied, mine.rated, mine.satisfied, mine.unsatisfied) == (1, 1, 1, 1, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["session", "year"])
def test_filters_match_a_recount(client, varied, which):
    today = timezone.localdate()
    assignment = (
        Assignment.objects.exclude(status=A.WITHDRAWN)
        .filter(suggestion__session__isnull=False)
        .select_related("suggestion")
        .first()
    )
    kwargs = (
        {"session_id": assignment.suggestion.session_id}
        if which == "session"
        else {"year": assignment.assigned_on.year}
    )
    rows, totals, categories = unit_statistics(today=today, **kwargs)

    assert_matches(rows, totals, categories, recount(today=today, **kwargs))
    params = {"session": kwargs.get("session_id")} if which == "session" else {"year": kwargs["year"]}
    response = client.get(STATS, params)
    assert response.status_code == 200 and not response.context["form"].errors


@pytest.mark.django_db
def test_an_empty_statistics_page_says_so(client, db):
    response = client.get(STATS)

    assert response.status_code == 200 and response.context["rows"] == []


@pytest.mark.django_db
def test_query_count_is_the_same_with_10_and_1000_items(client, settings, django_assert_num_queries):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(STATS).status_code == 200
        return len(ctx.captured_queries)

    build_dataset(count=10, published_share=0.9, seed=12)
    small = count()
    build_dataset(count=1000, published_share=0.9, seed=13)
    large = count()

    assert small == large == STATS_QUERIES
    with django_assert_num_queries(STATS_QUERIES):
        client.get(STATS, {"year": timezone.localdate().year})
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 600
    cache.clear()
    assert count() == STATS_QUERIES
    assert count() == STATS_QUERIES_CACHED


@pytest.mark.django_db
def test_figures_are_cached_per_filter_for_a_few_minutes(client, settings, deputy, staff, unit_officer):
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 600
    cache.clear()
    assigned(deputy, staff, [unit_officer], title="关于第一件事的建议")
    assert client.get(STATS).context["totals"].assigned == 1

    assigned(deputy, staff, [unit_officer], title="关于第二件事的建议")
    assert client.get(STATS).context["totals"].assigned == 1  # cached
    assert client.get(STATS, {"year": timezone.localdate().year}).context["totals"].assigned == 2  # another key

    cache.clear()
    assert client.get(STATS).context["totals"].assigned == 2
