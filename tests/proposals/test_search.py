"""Chinese keyword search on the public list: jieba words, two-character words found in titles,
bodies and replies; every word must match; PostgreSQL uses the GIN index."""

import pytest
from django.db import connection
from django.urls import reverse

from core.search import segment_for_index
from proposals.models import Suggestion
from proposals.selectors.public import apply_search, search_words, tsquery_for

from ..builders import handled, listed_ids

LIST = reverse("proposals:list")


def found(client, q, **extra) -> list[str]:
    response = client.get(LIST, {"q": q, **extra})
    assert response.status_code == 200
    # The page holds its items' ids, in order (the rows themselves may be stored renditions).
    ids = listed_ids(response)
    by_id = dict(Suggestion.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [by_id[pk] for pk in ids]


@pytest.fixture
def corpus(deputy, staff, unit_officer):
    """Three published items and one unpublished; the words sit in title, body or reply."""
    items = {
        "title": handled(
            deputy,
            staff,
            [unit_officer],
            title="关于缓解老旧小区停车难问题的建议",
            body="居民反映夜间车辆无处可去。",
            texts={0: "已施划夜间限时泊位。"},
        ),
        "body": handled(
            deputy,
            staff,
            [unit_officer],
            title="关于改善社区养老服务的建议",
            body="多层住宅老人上下楼困难，希望加装电梯。",
            texts={0: "已纳入年度计划。"},
        ),
        "reply": handled(
            deputy,
            staff,
            [unit_officer],
            title="关于整治河道水环境的建议",
            body="沿岸污水直排，水体发黑。",
            texts={0: "已完成清淤疏浚，雨污分流改造同步推进。"},
        ),
    }
    handled(deputy, staff, [unit_officer], title="关于未公开的停车与电梯问题的建议", publish=False)
    return {k: v.title for k, v in items.items()}


def test_segmentation_gives_two_character_words():
    indexed = set(segment_for_index("老旧小区加装电梯和停车位不足").split())
    assert {"电梯", "停车", "停车位", "老旧", "小区"} <= indexed
    assert search_words("停车 电梯") == ["停车", "电梯"]
    assert search_words("“停车”，电梯！") == ["停车", "电梯"]


def test_query_words_cannot_break_the_tsquery():
    words = search_words("停车' | !电梯 & (x) :*")
    assert tsquery_for(words) == "'停车' & '电梯' & 'x'"
    assert search_words("！？，。") == []


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "where"), [("停车", "title"), ("电梯", "body"), ("清淤", "reply"), ("河道", "reply")])
def test_two_character_words_are_found_in_titles_bodies_and_replies(client, corpus, q, where):
    assert found(client, q) == [corpus[where]]


@pytest.mark.django_db
def test_every_word_must_match(client, corpus):
    assert found(client, "停车 夜间") == [corpus["title"]]
    assert found(client, "停车 电梯") == []


@pytest.mark.django_db
def test_unpublished_items_are_never_found(client, corpus):
    assert "关于未公开的停车与电梯问题的建议" not in found(client, "停车") + found(client, "电梯")


@pytest.mark.django_db
def test_search_words_found_by_segmentation_not_only_by_substring(client, corpus):
    """A phrase whose words are spread over the text is found: each word is matched on its own."""
    assert found(client, "老旧小区夜间停车") == [corpus["title"]]


@pytest.mark.django_db
def test_empty_or_punctuation_only_query_lists_everything(client, corpus):
    assert len(found(client, "")) == 3
    assert len(found(client, "，。！")) == 3


@pytest.mark.django_db
def test_relevance_order_only_when_asked(client, deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-05-01 10:00 +0800", tick=False)
    many = handled(
        deputy,
        staff,
        [unit_officer],
        title="关于停车泊位共享和停车收费的建议",
        body="停车难。停车贵。停车位少。",
        texts={0: "停车泊位已增加。"},
    )
    time_machine.move_to("2026-05-02 10:00 +0800", tick=False)
    once = handled(deputy, staff, [unit_officer], title="关于改善社区环境的建议", body="顺带提及停车。")

    assert found(client, "停车") == [once.title, many.title]  # newest first by default
    assert found(client, "停车", sort="relevance") == [many.title, once.title]  # the word is in its title


@pytest.mark.django_db
def test_search_text_covers_replies_after_they_arrive(deputy, staff, unit_officer):
    item = handled(deputy, staff, [unit_officer], texts={0: "经研究已开通微循环公交。"})
    text = Suggestion.objects.get(pk=item.pk).search_text.split()
    assert "公交" in text and "微循环" in text


@pytest.mark.django_db
def test_search_uses_the_full_text_index_on_postgresql_and_word_containment_elsewhere(corpus):
    """On PostgreSQL the search condition reads the stored, GIN-indexed vector, so the planner can
    use the index (on a few rows it would rather not: sequential scans are switched off for the
    question). On SQLite, which has no such index, each word must be contained in the text."""
    qs = apply_search(Suggestion.objects.all(), search_words("停车"))
    sql, params = qs.query.sql_with_params()
    if connection.vendor != "postgresql":
        assert "LIKE" in sql.upper() and "search_text" in sql
        assert any("停车" in str(p) for p in params)
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The stored vector (migration 0006) under its GIN index: no to_tsvector per row any more.
    assert "suggestion_search_vector_gin" in plan, plan
    assert "to_tsvector" not in plan, plan
