"""Search recall: every two-character word of a published title or body is found, even where jieba
cuts across it (东侧/道/路旁 hides 道路); ranking still goes by the query's words. Runs on SQLite
and, with ``DATABASE_URL`` set to PostgreSQL, through the stored vector and its GIN index."""

import jieba
import pytest
from django.db import connection
from django.urls import reverse

from core.search import han_bigrams, segment_for_index
from proposals.models import Suggestion
from proposals.selectors.public import PublicFilters, apply_search, public_suggestion_list, search_words

from ..builders import handled, listed_ids

LIST = reverse("proposals:list")

# Real-looking titles and bodies of suggestions (invented, in the style of published ones).
TITLES = [
    "关于将某小区东侧道路旁院墙西移的建议",
    "关于加快推进城北片区雨污分流改造的建议",
    "关于在地铁出入口处增设非机动车停放点的建议",
    "关于进一步规范校外培训机构收费行为的建议",
    "关于老旧小区加装电梯财政补贴政策调整的建议",
    "关于优化中心城区公交线路和站点设置的建议",
]
BODIES = [
    "院墙占用人行道，行人只能走机动车道，存在安全隐患。",
    "汛期低洼路段积水严重，居民出行困难。",
]


def dictionary_words(text: str) -> set[str]:
    """Every two-character substring of the text that jieba's dictionary holds as a word."""
    jieba.initialize()
    return {pair for pair in han_bigrams(text) if jieba.dt.FREQ.get(pair)}


@pytest.fixture
def published(deputy, staff, unit_officer):
    items = []
    for i, title in enumerate(TITLES):
        body = BODIES[i] if i < len(BODIES) else "请有关部门研究解决。"
        items.append(handled(deputy, staff, [unit_officer], title=title, body=body, texts={0: "已研究办理。"}))
    return items


def test_the_pair_jieba_cuts_apart_is_indexed():
    """GIVEN a title jieba cuts 东侧/道/路旁 WHEN it is indexed THEN 道路 is a word of the index."""
    assert "道路" not in set(jieba.cut("东侧道路旁院墙西移的建议"))
    assert "道路" in segment_for_index("东侧道路旁院墙西移的建议").split()


def test_a_pair_jieba_leaves_as_two_characters_is_queried_as_a_pair():
    """人行道's 行道 is a dictionary word; jieba cuts the query 行道 into 行/道, which the index of a
    text reading 人行道 may not hold as single words: the query asks for the pair."""
    assert search_words("行道") == ["行道"]
    assert search_words("道路旁") == ["道", "路旁"]  # a single character beside a word stays as cut


def test_pairs_never_cross_punctuation_or_latin_words():
    assert han_bigrams("停车，电梯 abc 公交") == {"停车", "电梯", "公交"}


@pytest.mark.django_db
def test_every_dictionary_word_of_titles_and_bodies_is_found(published):
    """GIVEN published items WHEN each two-character dictionary word of a title or body is searched
    THEN the item holding it is among the results (on SQLite and on PostgreSQL alike)."""
    checked = 0
    for item in published:
        words = dictionary_words(item.title) | dictionary_words(item.body)
        assert words, item.title
        for word in sorted(words):
            hits = set(public_suggestion_list(PublicFilters(q=word)).values_list("pk", flat=True))
            assert item.pk in hits, (word, item.title)
            checked += 1
    assert checked > 60


@pytest.mark.django_db
def test_the_public_page_finds_daolu(client, published):
    response = client.get(LIST, {"q": "道路"})
    assert response.status_code == 200
    assert [Suggestion.objects.get(pk=pk).title for pk in listed_ids(response)] == [
        "关于将某小区东侧道路旁院墙西移的建议"
    ]


@pytest.mark.django_db
def test_a_long_query_word_is_found_through_its_pairs(published):
    """GIVEN a title jieba cuts 地铁/出/入口处 (so 出入口 is not an indexed word) WHEN 出入口 is
    searched THEN the item is found through the pairs 出入 and 入口; 出口处, whose pair 出口 the
    text lacks, finds nothing."""
    assert "出入口" not in segment_for_index("地铁出入口处").split()
    assert search_words("出入口") == ["出入口"]
    qs = public_suggestion_list(PublicFilters(q="出入口"))
    assert [s.title for s in qs] == ["关于在地铁出入口处增设非机动车停放点的建议"]
    assert list(public_suggestion_list(PublicFilters(q="出口处"))) == []


@pytest.mark.django_db
def test_ranking_still_goes_by_words_in_the_title(deputy, staff, unit_officer, time_machine):
    """GIVEN one item with 道路 in its title and a newer one with it only in its body WHEN ranked
    THEN the title match comes first; newest first otherwise."""
    time_machine.move_to("2026-05-01 10:00 +0800", tick=False)
    in_title = handled(deputy, staff, [unit_officer], title="关于东侧道路旁院墙西移的建议", body="请研究。")
    time_machine.move_to("2026-05-02 10:00 +0800", tick=False)
    in_body = handled(deputy, staff, [unit_officer], title="关于社区环境整治的建议", body="东侧道路旁堆物。")
    newest = [s.pk for s in public_suggestion_list(PublicFilters(q="道路"))]
    ranked = [s.pk for s in public_suggestion_list(PublicFilters(q="道路", sort="relevance"))]
    assert newest == [in_body.pk, in_title.pk]
    assert ranked == [in_title.pk, in_body.pk]


@pytest.mark.django_db
def test_postgresql_reads_the_stored_vector(published):
    qs = apply_search(public_suggestion_list(PublicFilters()), search_words("道路"))
    sql = str(qs.query)
    if connection.vendor == "postgresql":
        assert "search_vector" in sql and "to_tsquery" in sql
    else:
        assert "search_text" in sql and "LIKE" in sql
    assert qs.count() == 1
