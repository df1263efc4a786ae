"""Similar suggestions: items of the same congress, of the same session or submitted in the last two
years, whose indexed words share enough of a draft's distinctive words, so that a deputy can ask to
co-sign instead of writing a duplicate, and staff can merge at review.

The draft's words are its title's jieba words and the most frequent words of its text, less the
words almost every title holds (关于…的建议). An item matches on its search text (core.search:
the words and character pairs of its title, text and replies, written at acceptance); an item
submitted but not yet accepted has no search text yet and matches on its title. Scored by the
number of shared words, in one query; candidates are bounded by congress and time, so the query
stays small whatever the table's size.
"""

import datetime
from collections import Counter

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.search import segment_query

from ..models import Suggestion
from .public import PUBLIC_STATUSES

S = Suggestion.Status
LIMIT = 5
YEARS_BACK = 2
# Words of nearly every suggestion's title or text: matching on them says nothing.
COMMON_WORDS = frozenset(
    "关于 建议 议案 问题 进一步 加强 加快 推进 推动 提升 完善 优化 促进 改善 解决 有关 相关 工作 方面 我市 全市 "
    "本市 一些 目前 存在 希望 部门 政府 以及 进行 开展 实施 做好 建立 健全 提高 研究 情况 措施".split()
)
# States in which an item is someone's submitted work (drafts and returned items are private,
# merged ones live on in the item they were merged into).
VISIBLE = (S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.RATED, S.REHANDLING, S.CLOSED)
BODY_WORDS = 5
MAX_WORDS = 12


def distinctive_words(title: str, body: str = "") -> list[str]:
    """The title's words, then the body's most frequent ones: two characters or more, not common."""

    def keep(word: str) -> bool:
        return len(word) >= 2 and word not in COMMON_WORDS and any(ch.isalnum() for ch in word)

    words = list(dict.fromkeys(w for w in segment_query(title or "") if keep(w)))
    counts = Counter(w for w in _body_words(body) if keep(w) and w not in words)
    words += [w for w, _n in counts.most_common(BODY_WORDS)]
    return words[:MAX_WORDS]


def _body_words(body: str) -> list[str]:
    import jieba

    return [w.strip().lower() for w in jieba.cut((body or "")[:2000]) if w.strip()]


def _shared_words_score(words: list[str]):
    return sum(
        (
            Case(
                When(Q(search_text__contains=word) | Q(search_text="", title__contains=word), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for word in words
        ),
        Value(0, output_field=IntegerField()),
    )


def similar_suggestions(*, congress_id: int, session_id: int | None, title: str, body: str = "", exclude_pk=None):
    """Up to LIMIT items like the given text, most shared words first (newest among equals).

    Not scoped to an actor on purpose: the titles, lead deputies and states of submitted items are
    shared within a congress so that deputies can co-sign; callers pass the congress of an item
    the actor may already see (the deputy's own draft, or an item in staff's scope)."""
    words = distinctive_words(title, body)
    if not words:
        return []
    since = timezone.now() - datetime.timedelta(days=365 * YEARS_BACK)
    window = Q(submitted_at__gte=since)
    if session_id:
        window |= Q(session_id=session_id)
    needed = min(2, len(words))
    qs = (
        Suggestion.objects.filter(window, congress_id=congress_id, status__in=VISIBLE)
        .annotate(shared=Coalesce(_shared_words_score(words), Value(0)))
        .filter(shared__gte=needed)
        .select_related("lead_deputy", "session")
        .only(
            "pk",
            "title",
            "status",
            "number",
            "number_series",
            "published",
            "submitted_at",
            "session__name",
            "lead_deputy__name",
        )
        .order_by("-shared", "-submitted_at", "-id")
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    items = list(qs[:LIMIT])
    for item in items:
        item.is_public = item.published and item.status in PUBLIC_STATUSES
    return items


def similar_for_suggestion(*, suggestion: Suggestion):
    """The items like a suggestion (its draft page, the office's review page)."""
    return similar_suggestions(
        congress_id=suggestion.congress_id,
        session_id=suggestion.session_id,
        title=suggestion.title,
        body=suggestion.body,
        exclude_pk=suggestion.pk,
    )
