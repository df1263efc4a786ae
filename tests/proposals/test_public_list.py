"""The public list /proposals/: only published items, filters, paging without COUNT, constant queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.management.commands.bench_proposals import build_dataset
from proposals import services
from proposals.models import Rating, Suggestion
from proposals.selectors.public import PAGE_SIZE

from .. import factories
from ..builders import (
    assigned,
    categories,
    draft,
    handled,
    listed_ids,
    make_officer,
    rate,
    reply,
    submitted,
)

LIST = reverse("proposals:list")
# The list page's queries: the four filter option lists (one round trip on PostgreSQL), the
# page's ids, their columns, and their units with the latest reply category as a subquery.
# An empty page skips the last two.
CHOICES = 1 if connection.vendor == "postgresql" else 4
LIST_QUERIES = CHOICES + 3


@pytest.fixture
def session(term):
    return factories.SessionFactory(term=term, number=3, name="市十七届人大三次会议")


@pytest.fixture
def police(city):
    return make_officer(city, "示例市公安局")


def titles(response) -> list[str]:
    # The page holds its items' ids, in order (the rows themselves may be stored renditions).
    ids = listed_ids(response)
    by_id = dict(Suggestion.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [by_id[pk] for pk in ids]


@pytest.mark.django_db
def test_only_published_handled_items_are_listed(client, deputy, staff, unit_officer):
    shown = handled(deputy, staff, [unit_officer], title="关于加密夜间公交班次的建议")
    handled(deputy, staff, [unit_officer], title="关于未公开事项的建议", publish=False)
    draft(deputy, title="关于草稿事项的建议")
    submitted(deputy, title="关于已提交事项的建议")
    assigned(deputy, staff, [unit_officer], title="关于办理中事项的建议")

    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == [shown.title]
    html = response.content.decode()
    assert "未公开事项" not in html and "草稿事项" not in html and "办理中事项" not in html


@pytest.mark.django_db
def test_a_stray_published_flag_never_shows_a_draft(client, deputy):
    """GIVEN a draft whose published flag was set by something other than the service
    THEN the list (and the detail page) still do not show it."""
    item = draft(deputy, title="关于被误标为公开的草稿的建议")
    Suggestion.objects.filter(pk=item.pk).update(published=True)

    assert titles(client.get(LIST)) == []
    assert client.get(reverse("proposals:detail", args=[item.pk])).status_code == 404


@pytest.mark.django_db
def test_list_shows_units_roles_and_the_latest_reply_category(client, deputy, staff, unit_officer, police):
    handled(deputy, staff, [unit_officer, police], codes=["B", "A"], roles=["separate", "separate"])

    html = client.get(LIST).content.decode()

    assert unit_officer.unit.name in html and police.unit.name in html
    assert "pp-cat-b" in html and "pp-cat-a" in html
    assert deputy.mandate.name in html and deputy.mandate.electoral_unit.name in html


@pytest.mark.django_db
def test_newest_published_first(client, deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-03-01 10:00 +0800", tick=False)
    older = handled(deputy, staff, [unit_officer], title="关于较早公开事项的建议")
    time_machine.move_to("2026-03-05 10:00 +0800", tick=False)
    newer = handled(deputy, staff, [unit_officer], title="关于较晚公开事项的建议")

    assert titles(client.get(LIST)) == [newer.title, older.title]


@pytest.mark.django_db
def test_each_filter_narrows_the_list(client, deputy, staff, unit_officer, police, session, time_machine):
    time_machine.move_to("2025-06-01 10:00 +0800", tick=False)
    a = handled(deputy, staff, [unit_officer], title="关于公交线路优化的建议", codes=["A"], field_name="交通出行")
    time_machine.move_to("2026-02-01 10:00 +0800", tick=False)
    b = handled(
        deputy, staff, [police], title="关于学校周边交通的建议", codes=["C"], field_name="教育", session=session
    )
    cats = categories()

    assert set(titles(client.get(LIST))) == {a.title, b.title}
    assert titles(client.get(LIST, {"session": session.pk})) == [b.title]
    assert titles(client.get(LIST, {"year": 2025})) == [a.title]
    assert titles(client.get(LIST, {"field": b.field_id})) == [b.title]
    assert titles(client.get(LIST, {"unit": unit_officer.unit_id})) == [a.title]
    assert titles(client.get(LIST, {"category": cats["C"].pk})) == [b.title]
    assert titles(client.get(LIST, {"category": cats["B"].pk})) == []


@pytest.mark.django_db
def test_category_filter_counts_the_latest_reply_after_re_handling(client, deputy, staff, unit_officer):
    """GIVEN a C reply rated unsatisfied, then an A reply on the second round
    THEN the item is listed under A, no longer under C."""
    suggestion = assigned(deputy, staff, [unit_officer])
    first = reply(unit_officer, suggestion, code="C")
    rate(deputy, first, Rating.Value.UNSATISFIED, "仍未解决")
    second = reply(unit_officer, suggestion, code="A")
    rate(deputy, second)
    services.suggestion_close(actor=staff, suggestion=suggestion, publish=True)
    cats = categories()

    assert titles(client.get(LIST, {"category": cats["A"].pk})) == [suggestion.title]
    assert titles(client.get(LIST, {"category": cats["C"].pk})) == []


@pytest.mark.django_db
def test_bad_filter_values_are_reported_and_ignored(client, deputy, staff, unit_officer):
    handled(deputy, staff, [unit_officer])

    response = client.get(LIST, {"session": "abc", "unit": "999999", "page": "x"})

    assert response.status_code == 200
    assert len(titles(response)) == 1
    invalid = re.findall(r'<select name="(\w+)" id="id_\w+" aria-invalid="true"', response.content.decode())
    assert sorted(invalid) == ["session", "unit"]


@pytest.mark.django_db
def test_paging_fetches_one_row_more_and_never_counts(client):
    """GIVEN 45 published items WHEN pages 1..3 are read THEN 20, 20, 5 items, "next" only
    where there is more, and no COUNT query on any page."""
    build_dataset(count=45, published_share=1.0, seed=3)
    published = Suggestion.objects.filter(published=True).count()
    assert published == 45

    seen = []
    for number, size, has_next in [(1, PAGE_SIZE, True), (2, PAGE_SIZE, True), (3, 5, False)]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"page": number})
        html = response.content.decode()
        items = listed_ids(response)
        assert (len(items), 'rel="next"' in html, 'rel="prev"' in html) == (size, has_next, number > 1)
        assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
        seen += items
    assert len(set(seen)) == 45
    html = client.get(LIST, {"page": 2}).content.decode()
    assert 'rel="next"' in html and 'rel="prev"' in html


@pytest.mark.django_db
def test_a_page_past_the_end_says_so(client):
    build_dataset(count=3, published_share=1.0, seed=4)

    response = client.get(LIST, {"page": 9})

    assert listed_ids(response) == []
    assert "?page=1" in response.content.decode()


@pytest.mark.django_db
def test_titles_and_bodies_are_escaped(client, deputy, staff, unit_officer):
    """Entity-encoded markup survives clean_text as text ("<script>"); the page escapes it."""
    handled(
        deputy,
        staff,
        [unit_officer],
        title="&lt;script&gt;alert(1)&lt;/script&gt;停车",
        body="&lt;img src=x onerror=alert(2)&gt; 停车难",
    )
    stored = Suggestion.objects.get()
    assert "<script>" in stored.title  # stored as text, shown escaped

    html = client.get(LIST).content.decode()

    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_the_page_has_no_inline_script_or_style(client, deputy, staff, unit_officer):
    handled(deputy, staff, [unit_officer])

    html = client.get(LIST).content.decode()

    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "css/public.css" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"page": 2},
        {"q": "建议"},
        {"q": "建议", "sort": "relevance"},
        {"field": "FIELD", "year": "YEAR"},
        {"unit": "UNIT"},
    ],
    ids=["first-page", "page-2", "search", "search-ranked", "field-year", "unit"],
)
def test_query_count_is_the_same_with_10_and_1000_items(client, params, django_assert_num_queries, settings):
    """The list costs LIST_QUERIES queries whether 10 or 1,000 items are published (its rows
    drawn from the models; with the stored renditions: test_renditions.py)."""
    settings.PROPOSALS_RENDITIONS = False

    def get():
        resolved = dict(params)
        first = Suggestion.objects.filter(published=True).order_by("pk").first()
        if "field" in resolved:
            resolved["field"], resolved["year"] = first.field_id, timezone.localtime(first.submitted_at).year
        if "unit" in resolved:
            resolved["unit"] = first.assignments.values_list("unit_id", flat=True).first()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, resolved)
        assert listed_ids(response)
        return len(ctx.captured_queries)

    build_dataset(count=48, published_share=1.0, seed=5)
    small = get()
    build_dataset(count=1000, published_share=1.0, seed=6)
    assert Suggestion.objects.filter(published=True).count() == 1048
    large = get()

    assert small == large == LIST_QUERIES
    with django_assert_num_queries(LIST_QUERIES):
        client.get(LIST)


@pytest.mark.django_db
def test_filter_by_year_uses_the_local_calendar(client, deputy, staff, unit_officer, time_machine):
    """Submitted at 00:30 on 1 January in Beijing (still 31 December in UTC) counts for the new year."""
    time_machine.move_to(
        datetime.datetime(2026, 1, 1, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False
    )
    item = handled(deputy, staff, [unit_officer], title="关于元旦提交的建议")

    assert titles(client.get(LIST, {"year": 2026})) == [item.title]
    assert titles(client.get(LIST, {"year": 2025})) == []
