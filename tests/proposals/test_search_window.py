"""A search newest first reads the last year's matches first (proposals.selectors.public.
_searched_ids, PostgreSQL): its pages equal the plain query's, whether the recent matches fill
the page, part of it or none of it, and it is one statement whatever the data."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from demo.management.commands.bench_proposals import build_dataset
from proposals import services
from proposals.models import Suggestion
from proposals.selectors import public as selectors
from proposals.selectors.public import PublicFilters

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the windowed search is PostgreSQL's")


def edge_of(newest) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate(newest) - datetime.timedelta(days=selectors.WINDOWS[-1]), datetime.time()
        )
    )


def plain(filters: PublicFilters, page: int, size: int) -> tuple[list[int], bool]:
    start = (page - 1) * size
    ids = list(selectors._ids_query(filters, start, size))
    return ids[:size], len(ids) > size


def spread(words: list[str]) -> None:
    """Every published item dated anew: a third in the last year, the rest older, one undated,
    some exactly on a window's edge or just past it; each of ``words`` in some titles."""
    now = timezone.now()
    edges = selectors.window_edges(now)
    items = list(Suggestion.objects.filter(published=True).order_by("pk"))
    for i, item in enumerate(items):
        if i % 3 == 0:
            item.published_at = now - datetime.timedelta(days=i % 300, minutes=i)
        else:
            item.published_at = now - datetime.timedelta(days=400 + i * 7)
        item.title = f"{item.title}（{words[i % len(words)]}）"
    for i, edge in enumerate(edges):
        items[2 + 4 * i].published_at = edge
        items[4 + 4 * i].published_at = edge - datetime.timedelta(microseconds=1)
    items[1].published_at = None
    Suggestion.objects.bulk_update(items, ["published_at", "title"])
    for item in items:
        services._reindex(item)


@pytest.fixture
def data(db):
    build_dataset(count=240, published_share=0.9, seed=31)
    spread(["养老", "交通", "养老服务", "停车"])


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["养老", "交通", "停车", "养老 交通", "无此词语", "养老%", "100%养老", "养老's", "养老\\"])
def test_every_page_equals_the_plain_querys(data, q):
    filters = PublicFilters(q=q)
    total = len(list(selectors._ids_query(filters, 0, 10_000)))
    for size in (5, 20):
        for page in range(1, total // size + 3):
            assert selectors.public_page_ids(filters, page, page_size=size) == plain(filters, page, size), (
                q,
                size,
                page,
            )


@pytest.mark.django_db
def test_filters_and_the_ranked_order_are_kept(data):
    session = Suggestion.objects.filter(published=True).values_list("session_id", flat=True).first()
    for filters in (PublicFilters(q="养老", session=session), PublicFilters(q="养老", sort="relevance")):
        for page in (1, 2, 3):
            assert selectors.public_page_ids(filters, page, page_size=5) == plain(filters, page, 5), filters


@pytest.mark.django_db
def test_the_older_matches_are_read_only_when_needed(data, django_assert_num_queries):
    filters = PublicFilters(q="养老")
    recent = Suggestion.objects.filter(
        published=True, published_at__gte=timezone.now() - datetime.timedelta(days=300)
    ).count()
    assert recent > 5
    newest = selectors.newest_public()
    with django_assert_num_queries(1) as captured:
        selectors.public_page_ids(filters, 1, page_size=2, newest=newest)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + captured.captured_queries[0]["sql"])
        plan = cursor.fetchone()[0]
    assert '"Actual Loops": 0' in str(plan).replace("'", '"') or "never executed" in str(plan)


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["养老", "交通"])
def test_pages_ending_at_the_windows_edge_equal_the_plain_querys(data, q):
    filters = PublicFilters(q=q)
    everything = list(selectors._ids_query(filters, 0, 10_000))
    for edge in selectors.window_edges(selectors.newest_public()):
        older = set(Suggestion.objects.filter(pk__in=everything, published_at__lt=edge).values_list("pk", flat=True))
        newer = len(everything) - len(older)
        assert newer > 2 and older
        for size in (newer - 1, newer, newer + 1):
            for page in (1, 2):
                found = selectors.public_page_ids(filters, page, page_size=size)
                assert found == plain(filters, page, size), (edge, size, page)


@pytest.mark.django_db
def test_the_window_follows_the_newest_item_not_the_calendar(data):
    """An office that published its last batch years ago: the window is the year before it."""
    items = list(Suggestion.objects.filter(published=True, published_at__isnull=False))
    for item in items:
        item.published_at -= datetime.timedelta(days=3 * 365)
    Suggestion.objects.bulk_update(items, ["published_at"])
    newest = selectors.newest_public()
    assert newest < timezone.now() - datetime.timedelta(days=2 * 365)
    filters = PublicFilters(q="养老")
    in_window = Suggestion.objects.filter(
        pk__in=list(selectors._ids_query(filters, 0, 10_000)), published_at__gte=edge_of(newest)
    )
    assert in_window.count() > 5
    for page in (1, 2, 3):
        assert selectors.public_page_ids(filters, page, page_size=5, newest=newest) == plain(filters, page, 5)
    for page in (1, 2):
        assert selectors.public_page_ids(filters, page, page_size=5) == plain(filters, page, 5)
