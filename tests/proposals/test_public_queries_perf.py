"""Every public page costs a fixed number of queries, the same over 5 and over 200 suggestions;
served from the page cache, none at all. Here the pages are drawn from the models; with the
stored renditions (PostgreSQL) their counts are asserted in test_renditions.py."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.management.commands.bench_proposals import build_dataset
from proposals import cache as page_cache
from proposals.models import Assignment, ReplyCategory, Suggestion

# The four filter lists (sessions, reply categories, fields, units; cached for a minute outside
# the tests; one round trip on PostgreSQL), the page's ids, their columns (only those shown, the
# excerpt cut in SQL), and their units with each one's latest reply category.
CHOICES = 1 if connection.vendor == "postgresql" else 4
LIST = CHOICES + 3
# A page past the end has no columns or units to read.
LIST_PAST_THE_END = CHOICES + 1
# The item (session, field, deputies, key supervision joined), co-signers, units, replies,
# ratings, commitments, attachments.
DETAIL = 7
# The replies of the newest items and the newest replies (then merged in Python).
FEED = 2
# Sessions, the one statement of figures, unit names, categories (the figures' cache off).
STATS = 4


def first_published():
    return Suggestion.objects.filter(published=True).order_by("pk").first()


def newest_published():
    return Suggestion.objects.filter(published=True).order_by("-published_at", "-pk").first()


PAGES = {
    "list": (lambda: reverse("proposals:list"), LIST),
    "list-past-the-end": (lambda: reverse("proposals:list") + "?page=400", LIST_PAST_THE_END),
    "search": (lambda: reverse("proposals:list") + "?q=建议", LIST),
    "search-two-words": (lambda: reverse("proposals:list") + "?q=关于建议", LIST),
    "search-ranked": (lambda: reverse("proposals:list") + "?q=建议&sort=relevance", LIST),
    "field-year": (
        lambda: (
            reverse("proposals:list")
            + f"?field={first_published().field_id}&year={timezone.localtime(first_published().submitted_at).year}"
        ),
        LIST,
    ),
    "unit-category": (
        lambda: (
            reverse("proposals:list")
            + f"?unit={Assignment.objects.filter(suggestion=first_published()).values_list('unit_id', flat=True)[0]}"
            + f"&category={ReplyCategory.objects.get(code='A').pk}"
        ),
        LIST,
    ),
    "detail-newest": (lambda: reverse("proposals:detail", args=[newest_published().pk]), DETAIL),
    "detail-oldest": (lambda: reverse("proposals:detail", args=[first_published().pk]), DETAIL),
    "feed": (lambda: reverse("proposals:feed"), FEED),
    "stats": (lambda: reverse("proposals:unit_stats"), STATS),
}


def queries(url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_queries_are_the_same_with_5_and_200_suggestions(settings, page, django_assert_num_queries):
    settings.PROPOSALS_RENDITIONS = False
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 0
    url_of, expected = PAGES[page]
    build_dataset(count=5, published_share=1.0, seed=21)
    small = queries(url_of())
    build_dataset(count=195, published_share=0.9, seed=22)
    assert Suggestion.objects.count() == 200
    url = url_of()
    large = queries(url)

    assert small == large == expected
    with django_assert_num_queries(expected):
        Client().get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_from_the_page_cache_a_page_costs_no_query(settings, page, django_assert_num_queries):
    settings.PROPOSALS_RENDITIONS = False
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = 0
    page_cache._bump()
    build_dataset(count=200, published_share=0.9, seed=23)
    url_of, expected = PAGES[page]
    url = url_of()

    assert queries(url) == expected
    with django_assert_num_queries(0):
        assert Client().get(url).status_code == 200
    page_cache._bump()
