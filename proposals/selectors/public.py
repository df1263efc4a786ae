"""Reads for the public pages (anonymous): handled items that staff published, with their replies.

Only ``published=True`` items in a handled state ever leave this module; a deputy's
private contact details are deferred so that no template can show them by accident
(reading one would cost a query, which the query-count tests would catch).

Paging never counts the rows: a page fetches one row more than it shows to know
whether there is a next page (TOOLCHAIN.md: the COUNT over 90,000 rows costs more
than the rest of the page).
"""

import dataclasses
import datetime
import functools
import itertools
import re
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Case, Exists, F, FloatField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Substr
from django.utils import timezone
from django.utils.translation import pgettext

from core import prepared
from core.search import segment_query, word_pairs
from deputies.models import CongressSession

from ..models import Assignment, Attachment, Commitment, CoSigner, Field, Rating, Reply, ReplyCategory, Suggestion

S = Suggestion.Status
A = Assignment.Status

PAGE_SIZE = 20
# A deep page costs an OFFSET scan; nobody reads past this on a public list.
MAX_PAGE = 500
# States in which an item has a reply to show. Publication is only possible from these
# (services.suggestion_set_published); checking again here keeps a stray flag from
# ever showing a draft.
PUBLIC_STATUSES = (S.REPLIED, S.RATED, S.REHANDLING, S.CLOSED)
# Never read on a public page (masked data of the roster).
PRIVATE_DEPUTY_FIELDS = ("mobile", "id_number", "address", "email")
ROLE_ORDER = {
    Assignment.Role.LEAD: 0,
    Assignment.Role.JOINT: 1,
    Assignment.Role.SEPARATE: 2,
    Assignment.Role.ASSISTING: 3,
}
# Assignments still waiting for the unit's reply.
OPEN_ASSIGNMENT = (A.ASSIGNED, A.REASSIGN_REQUESTED, A.REHANDLING)


def public_suggestions():
    return Suggestion.objects.filter(published=True, status__in=PUBLIC_STATUSES)


def _defer_private(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in PRIVATE_DEPUTY_FIELDS]


# --- Search ------------------------------------------------------------------------------------


# The stored vector of ``search_text`` (a generated column, PostgreSQL only: migration 0006), under
# its GIN index. Reading it, instead of to_tsvector(search_text), spares the vector's computation
# for every row the plan visits: on a frequent word PostgreSQL walks the date index and checks each
# row's vector until the page is full.
_SEARCH_MATCH = f'"{Suggestion._meta.db_table}"."search_vector" @@ to_tsquery(\'simple\', %s)'


def search_words(query: str) -> list[str]:
    """The query's words as jieba cuts them, reduced to letters and digits (safe in a tsquery)."""
    words: list[str] = []
    for word in segment_query(query or ""):
        for part in re.findall(r"[^\W_]+", word):
            if part not in words:
                words.append(part)
    return words[:10]


def _word_tsquery(word: str) -> str:
    pairs = word_pairs(word)
    if not pairs:
        return f"'{word}'"
    # A long word is also found through its character pairs (all indexed, core.search).
    return "('{}' | ({}))".format(word, " & ".join(f"'{pair}'" for pair in pairs))


def tsquery_for(words: list[str]) -> str:
    # Each word holds letters and digits only (search_words), so quoting cannot be broken.
    return " & ".join(_word_tsquery(word) for word in words)


def _title_hits(words: list[str]):
    """How many of the words the title contains (the strongest sign of relevance we have)."""
    return sum(
        (
            Case(When(title__contains=word, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
            for word in words
        ),
        Value(0.0, output_field=FloatField()),
    )


def apply_search(qs, words: list[str], *, ranked: bool = False):
    """Items whose title, body or replies contain every word. ``ranked`` annotates ``rank``:
    how many of the words the title holds (newest first among equals).

    PostgreSQL's ts_rank is left out on purpose: ``search_text`` holds each word once, in
    alphabetical order, so ts_rank would see the same frequency (1) for every item and
    "proximity" between unrelated positions; it would only cost a to_tsvector per match.
    """
    if not words:
        return qs
    if connection.vendor == "postgresql":
        qs = qs.filter(RawSQL(_SEARCH_MATCH, [tsquery_for(words)], output_field=BooleanField()))
    else:
        # SQLite (development): the segmented text is space-separated words; substring match.
        for word in words:
            match = Q(search_text__contains=word)
            pairs = word_pairs(word)
            if pairs:
                match |= Q(*(Q(search_text__contains=pair) for pair in pairs))
            qs = qs.filter(match)
    if ranked:
        qs = qs.annotate(rank=_title_hits(words))
    return qs


# --- The list --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PublicFilters:
    q: str = ""
    session: int | None = None
    year: int | None = None
    field: int | None = None
    unit: int | None = None
    category: int | None = None
    sort: str = "newest"  # or "relevance" (only with a query)


def _year_range(year: int):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def latest_reply_in_category(category_id: int):
    """An Exists() for "the current (latest-round) reply of one of the item's units is in this category"."""
    later = Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round"))
    return Exists(
        Reply.objects.filter(assignment__suggestion=OuterRef("pk"), category_id=category_id)
        .exclude(assignment__status=A.WITHDRAWN)
        .filter(~Exists(later))
    )


def public_suggestion_list(filters: PublicFilters):
    """The filtered, ordered queryset of published items (not yet sliced)."""
    qs = public_suggestions()
    if filters.session:
        qs = qs.filter(session_id=filters.session)
    if filters.year:
        start, end = _year_range(filters.year)
        qs = qs.filter(submitted_at__gte=start, submitted_at__lt=end)
    if filters.field:
        qs = qs.filter(field_id=filters.field)
    if filters.unit:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id=filters.unit).exclude(status=A.WITHDRAWN)
            )
        )
    if filters.category:
        qs = qs.filter(latest_reply_in_category(filters.category))
    words = search_words(filters.q)
    ranked = bool(words) and filters.sort == "relevance"
    qs = apply_search(qs, words, ranked=ranked)
    if ranked:
        qs = qs.order_by("-rank", "-published_at", "-id")
    else:
        qs = qs.order_by("-published_at", "-id")
    return qs


def _with_handling(qs):
    """Units (withdrawn ones left out) and their replies, in a fixed number of queries (the detail page)."""
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(status=A.WITHDRAWN).select_related("unit").order_by("id"),
            to_attr="public_assignments",
        ),
        Prefetch(
            "public_assignments__replies",
            queryset=Reply.objects.select_related("category").order_by("round"),
            to_attr="public_replies",
        ),
    )


def _arrange_handling(item) -> None:
    item.public_assignments.sort(key=lambda a: (ROLE_ORDER.get(a.role, 9), a.pk))
    for assignment in item.public_assignments:
        assignment.latest_reply = assignment.public_replies[-1] if assignment.public_replies else None


class Row(dict):
    """One row of the list: a dict, the template engine's first (and cheapest) lookup, that
    Python code can also read as attributes (``row.title``)."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


EXCERPT_CHARS = 140
# What a list row shows, and nothing more: building model instances (with the session, field,
# deputy and electoral unit joined in) cost more than the SQL. The excerpt is cut in SQL, one
# character longer than shown so that the ellipsis still tells a longer text.
LIST_COLUMNS = {
    "deputy": F("lead_deputy__name"),
    "deputy_unit": F("lead_deputy__electoral_unit__name"),
    "session_name": F("session__name"),
    "field_name": F("field__name"),
    "excerpt": Substr("body", 1, EXCERPT_CHARS + 1),
}


def _excerpt(text: str, ellipsis: str) -> str:
    """``truncatechars:EXCERPT_CHARS`` of the text (given its first EXCERPT_CHARS + 1 characters),
    without Truncator's walk over every character: NFC-normalised, cut so that with the
    language's ellipsis (``ellipsis``, Truncator's own translated string) it is EXCERPT_CHARS long."""
    text = unicodedata.normalize("NFC", text or "")
    if len(text) <= EXCERPT_CHARS:
        return text
    if "%(truncated_text)s" not in ellipsis:
        return text[: EXCERPT_CHARS - len(ellipsis)] + ellipsis
    marker = ellipsis % {"truncated_text": ""}
    return ellipsis % {"truncated_text": text[: EXCERPT_CHARS - len(marker)]}


def _local_day(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _handling_rows(ids: list[int], categories: dict) -> dict[int, list]:
    """Per item, its units (withdrawn left out; lead first), each with the category of its
    latest reply (None: no reply yet). One query: the category is a subquery, not the replies."""
    latest = Reply.objects.filter(assignment=OuterRef("pk")).order_by("-round").values("category_id")[:1]
    roles = dict(Assignment.Role.choices)
    by_item: dict[int, list] = {pk: [] for pk in ids}
    rows = (
        Assignment.objects.filter(suggestion_id__in=ids)
        .exclude(status=A.WITHDRAWN)
        .annotate(latest_category=Subquery(latest))
        .values_list("suggestion_id", "pk", "role", "unit__name", "latest_category")
    )
    for suggestion_id, _pk, role, unit, category_id in sorted(rows, key=lambda r: (ROLE_ORDER.get(r[2], 9), r[1])):
        code, label = categories.get(category_id, ("", "")) if category_id else ("", "")
        by_item[suggestion_id].append(
            Row(unit=unit, role=roles.get(role, role), category=label if category_id else None, code=code.lower())
        )
    return by_item


@dataclasses.dataclass
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.items else 0


_ASK = object()


def public_page_ids(
    filters: PublicFilters, page: int = 1, *, page_size: int = PAGE_SIZE, newest=_ASK
) -> tuple[list[int], bool]:
    """The ids of one page of the list, in order, and whether a next page exists: page_size + 1
    ids fetched (no COUNT). ``newest``: ``FilterChoices.newest``, which a search looks for
    otherwise (one query more)."""
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * page_size
    # The page's ids first, then their columns (two queries): PostgreSQL computes a row's
    # output (the joins, the excerpt) before sorting, so filtering, sorting and cutting bare ids
    # spares that work for every candidate row: a search for a frequent word went from 19-27 ms
    # to 2-8 ms in SQL over 100,000 items. (As one statement, ``pk__in`` a sliced subquery, the
    # planner chose a plan that ran for minutes.)
    if connection.vendor != "postgresql":
        ids = list(_ids_query(filters, start, page_size))
    elif filters.q:
        ids = _searched_ids(filters, start, page_size, newest_public() if newest is _ASK else newest)
    else:
        # Without search words the statement differs only by its filters' values: compiled once
        # per process and filters, planned once per connection and shape (a search keeps a plan
        # made for its words: a frequent word and a rare one want different plans).
        sql, params = _ids_sql(filters, start, page_size, timezone.get_current_timezone_name())
        ids = [pk for (pk,) in prepared.fetch(f"public_ids_{prepared.digest(sql)}", sql, params)]
    return ids[:page_size], len(ids) > page_size


# A search newest first looks first at the items published in the 90 days before the newest
# one, then in the year before it, then at the rest (see _searched_ids).
WINDOWS = (90, 365)


def window_edges(newest: datetime.datetime) -> list[datetime.datetime]:
    """Where each of the search's windows begins, newest first: whole days before the day of the
    newest public item, so that the statement's text stays the same all day."""
    day = timezone.localdate(newest)
    return [
        timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=days), datetime.time()))
        for days in WINDOWS
    ]


def _searched_ids(filters: PublicFilters, start: int, page_size: int, newest) -> list[int]:
    """A search's page of ids (PostgreSQL), as ``_ids_query`` gives them, in one statement that
    reads older matches only when the newer ones do not fill the page.

    The word index finds every match, but sorting them newest first means reading each match's
    row: thousands for a frequent word (养老: 3,259 of 90,000 items, 4 ms). The matches are read
    window by window (``WINDOWS`` before the newest item, ``newest``): those in the first are
    found by intersecting the word index with the date index; each later window is read only
    when the earlier ones hold fewer rows than the page's end (its condition is evaluated once,
    before it runs). Every row of a window sorts before every row of the next (NULL dates in the
    first, as ``published_at DESC`` puts them first), so the result is the plain query's. A
    ranked search orders by its rank and takes the plain query."""
    if filters.sort == "relevance" or newest is None:
        return list(_ids_query(filters, start, page_size))
    zone = timezone.get_current_timezone_name()
    name, sql = _searched_sql(filters, start, page_size, tuple(window_edges(newest)), zone)
    return [pk for (pk,) in prepared.fetch(name, sql)]


@functools.lru_cache(maxsize=512)
def _searched_sql(filters: PublicFilters, start: int, page_size: int, edges: tuple, zone: str) -> tuple[str, str]:
    # Compiled once per process and query (the edges change once a day at most; ``zone``: a
    # year's bounds are the current time zone's).
    wanted = start + page_size + 1
    base = public_suggestion_list(filters).values_list("pk", "published_at")
    windows = [base.filter(Q(published_at__gte=edges[0]) | Q(published_at__isnull=True))]
    windows += [
        base.filter(published_at__gte=edge, published_at__lt=later) for later, edge in itertools.pairwise(edges)
    ]
    windows.append(base.filter(published_at__lt=edges[-1]))
    parts, params = [], []
    for i, window in enumerate(windows):
        window_sql, window_params = window[:wanted].query.sql_with_params()
        params += window_params
        if i:
            earlier = " + ".join(f"(SELECT count(*) FROM w{j})" for j in range(i))
            window_sql = f"SELECT * FROM ({window_sql}) AS w WHERE {earlier} < %s"
            params.append(wanted)
        parts.append(f"w{i} (pk, published_at) AS MATERIALIZED ({window_sql})")
    found = " UNION ALL ".join(f"SELECT * FROM w{i}" for i in range(len(windows)))
    sql = (
        f"WITH {', '.join(parts)} SELECT pk FROM ({found}) AS found"
        " ORDER BY published_at DESC, pk DESC OFFSET %s LIMIT %s"
    )
    # The words and the rest written into the statement, which each connection then plans once
    # (core.prepared): a plan made for these very words (a frequent word and a rare one want
    # different plans), planned again only when the same search comes again on a new connection.
    sql = connection.ops.compose_sql(sql, (*params, start, page_size + 1)).replace("%", "%%")
    return f"public_search_{prepared.digest(sql)}", sql


def _ids_query(filters: PublicFilters, start: int, page_size: int):
    return public_suggestion_list(filters).values_list("pk", flat=True)[start : start + page_size + 1]


@functools.lru_cache(maxsize=512)
def _ids_sql(filters: PublicFilters, start: int, page_size: int, zone: str) -> tuple[str, tuple]:
    # ``zone``: a year's bounds are the current time zone's.
    return _ids_query(filters, start, page_size).query.sql_with_params()


def public_rows(ids: list[int], categories: dict | None = None) -> list:
    """The list's rows of these items, in this order: the shown columns, then one query for
    their units. Each is a ``Row`` holding only what the row shows. ``categories`` (id ->
    (code, label), as ``FilterChoices.category_codes``) saves a query when the caller has them."""
    if not ids:
        return []
    position = {pk: i for i, pk in enumerate(ids)}
    columns = Suggestion.objects.filter(pk__in=ids).values(
        "pk", "title", "number", "number_series", "published_at", **LIST_COLUMNS
    )
    items = [Row(row) for row in sorted(columns, key=lambda row: position[row["pk"]])]
    if items:
        if categories is None:
            categories = _category_codes()
        handling = _handling_rows([item["pk"] for item in items], categories)
        # As django.utils.text.Truncator words it, in the current language.
        ellipsis = pgettext("String to return when truncating text", "%(truncated_text)s…")
        for item in items:
            item["number_label"] = f"{item['number_series']}第{item['number']}号" if item["number"] else ""
            item["excerpt"] = _excerpt(item["excerpt"], ellipsis)
            item["published_on"] = _local_day(item["published_at"])
            item["handling"] = handling[item["pk"]]
    return items


def public_suggestion_page(
    filters: PublicFilters, page: int = 1, *, page_size: int = PAGE_SIZE, categories: dict | None = None
) -> Page:
    """One page of the list: its ids (``public_page_ids``), then their rows (``public_rows``)."""
    ids, has_next = public_page_ids(filters, page, page_size=page_size)
    return Page(items=public_rows(ids, categories), number=min(max(page, 1), MAX_PAGE), has_next=has_next)


def _category_codes() -> dict:
    return _codes_of(
        prepared.rows("public_categories", lambda: ReplyCategory.objects.values_list("pk", "code", "name"))
    )


def _codes_of(rows) -> dict:
    # The label as ReplyCategory.__str__ writes it.
    return {pk: (code, f"{code} {name}") for pk, code, name in rows}


@dataclasses.dataclass(frozen=True)
class FilterChoices:
    sessions: list
    years: list
    fields: list
    units: list
    categories: list
    # Reply category id -> (code, label), for the list's rows.
    category_codes: dict = dataclasses.field(default_factory=dict)
    # When the newest public item was published (None: none is), for a search's first look.
    newest: datetime.datetime | None = None


def session_choices(today: datetime.date | None = None) -> FilterChoices:
    """Only what the statistics page offers (sessions and years): one query."""
    today = today or timezone.localdate()
    sessions = prepared.rows(
        "public_sessions",
        lambda: CongressSession.objects.order_by("-start_date", "-id").values_list("pk", "name", "start_date"),
    )
    first_year = min([start.year for _pk, _name, start in sessions] + [today.year - 10])
    return FilterChoices(
        sessions=[(pk, name) for pk, name, _start in sessions],
        years=list(range(today.year, first_year - 1, -1)),
        fields=[],
        units=[],
        categories=[],
    )


def cached_filter_choices() -> FilterChoices:
    """``public_filter_choices`` kept in the cache for PROPOSALS_PUBLIC_CHOICES_CACHE_SECONDS
    (default 60; 0, the tests' default, turns it off): four queries of reference data that
    the office seldom changes, on every list page. A renamed unit shows within a minute."""
    default = 0 if getattr(settings, "TESTING", False) else 60
    seconds = getattr(settings, "PROPOSALS_PUBLIC_CHOICES_CACHE_SECONDS", default)
    if seconds <= 0:
        return public_filter_choices()
    today = timezone.localdate()
    key = f"proposals:public-filter-choices:v2:{today:%Y%m%d}"
    hit = cache.get(key)
    if hit is None:
        hit = public_filter_choices(today)
        cache.set(key, hit, seconds)
    return hit


def public_filter_choices(today: datetime.date | None = None) -> FilterChoices:
    """Options of the filter form: one small query per reference table, in one round trip."""
    from accounts.models import Unit

    today = today or timezone.localdate()
    parts = [
        lambda: CongressSession.objects.order_by("-start_date", "-id").values_list("pk", "name", "start_date"),
        lambda: Field.objects.values_list("pk", "name"),
        lambda: Unit.objects.filter(is_active=True).order_by("sort_key", "pk").values_list("pk", "name"),
        lambda: ReplyCategory.objects.values_list("pk", "code", "name"),
    ]
    # The newest publication, for a search's first look (PostgreSQL's windowed search only).
    searched = connection.vendor == "postgresql"
    sessions, fields, units, categories, *newest = prepared.rows_together(
        "public_choices", parts + [_newest_query] * searched
    )
    newest = newest[0] if newest else []
    # Years offered: back to the first session, and at least ten years (items between sessions).
    starts = [
        start if isinstance(start, datetime.date) else datetime.date.fromisoformat(start) for *_, start in sessions
    ]
    first_year = min([start.year for start in starts] + [today.year - 10])
    codes = _codes_of(categories)
    return FilterChoices(
        sessions=[(pk, name) for pk, name, _start in sessions],
        years=list(range(today.year, first_year - 1, -1)),
        fields=fields,
        units=units,
        categories=[(pk, label) for pk, (_code, label) in codes.items()],
        category_codes=codes,
        newest=_as_datetime(newest[0][0]) if newest else None,
    )


def _newest_query():
    return (
        public_suggestions()
        .filter(published_at__isnull=False)
        .order_by("-published_at")
        .values_list("published_at")[:1]
    )


def _as_datetime(value) -> datetime.datetime:
    # JSON gives it as text (PostgreSQL, core.prepared.rows_together).
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)


def newest_public() -> datetime.datetime | None:
    """When the newest public item was published (None: none is)."""
    found = list(_newest_query())
    return found[0][0] if found else None


# --- One item -----------------------------------------------------------------------------------


def public_suggestion_detail(pk: int) -> Suggestion | None:
    """A published item with everything the public page shows, or None (the view answers 404)."""
    item = (
        public_suggestions()
        .filter(pk=pk)
        .select_related(
            "session",
            "field",
            "lead_deputy",
            "lead_deputy__electoral_unit",
            "key_supervision",
            "key_supervision__sc_leader",
            "key_supervision__sc_leader__deputy",
        )
        .defer(*_defer_private("lead_deputy__"), *_defer_private("key_supervision__sc_leader__deputy__"), "search_text")
        .prefetch_related(
            Prefetch(
                "cosigners",
                queryset=CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED)
                .select_related("deputy", "deputy__electoral_unit")
                .defer(*_defer_private("deputy__"))
                .order_by("id"),
                to_attr="public_cosigners",
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(status=A.WITHDRAWN).select_related("unit").order_by("id"),
                to_attr="public_assignments",
            ),
            Prefetch(
                "public_assignments__replies",
                queryset=Reply.objects.select_related("category").order_by("round"),
                to_attr="public_replies",
            ),
            Prefetch(
                "public_assignments__public_replies__ratings",
                queryset=Rating.objects.order_by("rated_at", "id"),
                to_attr="public_ratings",
            ),
            Prefetch(
                "public_assignments__public_replies__commitments",
                queryset=Commitment.objects.order_by("due_date", "id"),
                to_attr="public_commitments",
            ),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(public=True).order_by("uploaded_at", "id"),
                to_attr="public_attachments",
            ),
        )
        .first()
    )
    if item is None:
        return None
    _arrange_handling(item)
    by_reply: dict[int, list] = {}
    item.own_attachments = []
    for attachment in item.public_attachments:
        if attachment.reply_id:
            by_reply.setdefault(attachment.reply_id, []).append(attachment)
        else:
            item.own_attachments.append(attachment)
    for assignment in item.public_assignments:
        for reply in assignment.public_replies:
            reply.public_attachments = by_reply.get(reply.pk, [])
    return item


def public_attachment(*, suggestion_pk: int, attachment_pk: int) -> Attachment | None:
    """A file cleared for publication, of an item that is public now (checked on every download)."""
    return (
        Attachment.objects.filter(
            pk=attachment_pk,
            suggestion_id=suggestion_pk,
            public=True,
            suggestion__published=True,
            suggestion__status__in=PUBLIC_STATUSES,
        )
        .filter(
            Q(reply__isnull=True) | (Q(reply__status=Reply.Status.SENT) & ~Q(reply__assignment__status=A.WITHDRAWN))
        )
        .first()
    )


# --- Per-unit statistics ------------------------------------------------------------------------


@dataclasses.dataclass
class UnitStats:
    unit_id: int | None
    name: str
    assigned: int = 0
    replied: int = 0
    on_time: int = 0
    overdue: int = 0
    categories: dict = dataclasses.field(default_factory=dict)  # category id -> latest replies in it
    rated: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0

    @property
    def late(self) -> int:
        return self.replied - self.on_time

    @property
    def on_time_rate(self) -> float | None:
        return _percent(self.on_time, self.replied)

    @property
    def satisfaction_rate(self) -> float | None:
        return _percent(self.satisfied + self.basically, self.rated)

    def category_shares(self, categories) -> list[tuple]:
        total = sum(self.categories.values())
        return [(c, self.categories.get(c.pk, 0), _percent(self.categories.get(c.pk, 0), total)) for c in categories]

    def add(self, other: "UnitStats") -> None:
        for name in ("assigned", "replied", "on_time", "overdue", "rated", "satisfied", "basically", "unsatisfied"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.categories.items():
            self.categories[key] = self.categories.get(key, 0) + n


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


_STATS_SQL = """
WITH a AS (
    SELECT a.id, a.unit_id, a.status, a.deadline
    FROM {assignment} a {join}
    WHERE a.status <> %s {where}
), r AS (
    SELECT a.unit_id, p.round, p.on_time, p.category_id,
           ROW_NUMBER() OVER (PARTITION BY p.assignment_id ORDER BY p.round DESC) AS newest
    FROM {reply} p JOIN a ON a.id = p.assignment_id
), g AS (
    SELECT a.unit_id, g.value,
           RANK() OVER (PARTITION BY p.assignment_id ORDER BY p.round DESC) AS newest
    FROM {rating} g JOIN {reply} p ON p.id = g.reply_id JOIN a ON a.id = p.assignment_id
)
SELECT unit_id, 'assigned', '', COUNT(*) FROM a GROUP BY unit_id
UNION ALL
SELECT unit_id, 'overdue', '', COUNT(*) FROM a WHERE status IN (%s, %s, %s) AND deadline < %s GROUP BY unit_id
UNION ALL
SELECT unit_id, 'replied', '', COUNT(*) FROM r WHERE round = 1 GROUP BY unit_id
UNION ALL
SELECT unit_id, 'on_time', '', COUNT(*) FROM r WHERE round = 1 AND on_time = %s GROUP BY unit_id
UNION ALL
SELECT unit_id, 'category', CAST(category_id AS TEXT), COUNT(*) FROM r WHERE newest = 1 GROUP BY unit_id, category_id
UNION ALL
SELECT unit_id, 'rating', value, COUNT(*) FROM g WHERE newest = 1 GROUP BY unit_id, value
"""


def unit_statistics(*, session_id: int | None = None, year: int | None = None, today: datetime.date | None = None):
    """Per handling unit, from the raw rows, in one SQL statement (plus unit names and categories):

    - assigned: assignments not withdrawn;
    - replied / on time: assignments with a first reply, and those whose first reply came
      by the deadline of the time (``Reply.on_time`` of round 1, since re-handling moves
      the deadline);
    - overdue: assignments still waiting for a reply after their deadline, today;
    - category shares: each assignment's latest reply;
    - satisfaction: each assignment's latest rated reply; satisfied + basically satisfied over rated.

    The latest reply and rating come from window functions (PostgreSQL and SQLite 3.25+):
    one pass over the replies instead of an anti-join per figure.
    ``session_id`` limits to one session's items, ``year`` to assignments made that year.
    Returns (rows ordered by unit name, totals, categories).
    """
    from accounts.models import Unit

    today = today or timezone.localdate()
    join, where, params = "", "", [A.WITHDRAWN]
    if session_id:
        join = f"JOIN {Suggestion._meta.db_table} s ON s.id = a.suggestion_id"
        where += " AND s.session_id = %s"
        params.append(session_id)
    if year:
        where += " AND a.assigned_on >= %s AND a.assigned_on < %s"
        params += [datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)]
    params += [*OPEN_ASSIGNMENT, today, True]
    sql = _STATS_SQL.format(
        assignment=Assignment._meta.db_table,
        reply=Reply._meta.db_table,
        rating=Rating._meta.db_table,
        join=join,
        where=where,
    )
    rows: dict[int, UnitStats] = {}
    field_for = {
        Rating.Value.SATISFIED: "satisfied",
        Rating.Value.BASICALLY: "basically",
        Rating.Value.UNSATISFIED: "unsatisfied",
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, kind, key, n in cursor.fetchall():
            stats = rows.setdefault(unit_id, UnitStats(unit_id=unit_id, name=""))
            if kind == "category":
                stats.categories[int(key)] = n
            elif kind == "rating":
                if key in field_for:
                    setattr(stats, field_for[key], getattr(stats, field_for[key]) + n)
                    stats.rated += n
            else:
                setattr(stats, kind, n)
    for pk, name in Unit.objects.filter(pk__in=list(rows)).values_list("pk", "name"):
        rows[pk].name = name
    ordered = sorted(rows.values(), key=lambda s: (s.name, s.unit_id))
    totals = UnitStats(unit_id=None, name="")
    for stats in ordered:
        totals.add(stats)
    return ordered, totals, list(ReplyCategory.objects.all())


def cached_unit_statistics(*, session_id: int | None = None, year: int | None = None):
    """``unit_statistics`` kept in the cache for PROPOSALS_PUBLIC_STATS_CACHE_SECONDS (default
    600; 0 turns the cache off), per filter and day: over 100,000 items the statement takes a
    few hundred milliseconds, too much for every anonymous request. Returns (figures, as_of)."""
    seconds = getattr(settings, "PROPOSALS_PUBLIC_STATS_CACHE_SECONDS", 600)
    today = timezone.localdate()
    if seconds <= 0:
        return unit_statistics(session_id=session_id, year=year, today=today), timezone.now()
    key = f"proposals:public-unit-stats:v1:{today:%Y%m%d}:{session_id or 0}:{year or 0}"
    hit = cache.get(key)
    if hit is None:
        hit = (unit_statistics(session_id=session_id, year=year, today=today), timezone.now())
        cache.set(key, hit, seconds)
    return hit


# --- The feed ---------------------------------------------------------------------------------


def latest_public_replies(limit: int = 30) -> list:
    """Replies of published items, newest first by the time they became public: the reply's
    entry, or the item's publication if that came later.

    Ordering all replies by that time would sort every reply of every published item.
    The newest ``limit`` are always among two small candidate sets, each read through an
    index: the replies of the ``limit`` items published last, and the ``limit`` replies
    entered last (by id: a reply's ``created_at`` is its insertion time).
    """
    return _latest(_public_replies(), limit)


def _public_replies():
    return (
        Reply.objects.filter(
            assignment__suggestion__published=True,
            assignment__suggestion__status__in=PUBLIC_STATUSES,
        )
        .exclude(assignment__status=A.WITHDRAWN)
        .select_related("category", "assignment__unit", "assignment__suggestion")
        # Only what an entry shows: the item's text (and the rest of each row) would be built
        # into model instances for some sixty candidates, of which thirty are kept.
        .only(
            "text",
            "created_at",
            "category__code",
            "category__name",
            "assignment__unit__name",
            "assignment__suggestion__title",
            "assignment__suggestion__number",
            "assignment__suggestion__number_series",
            "assignment__suggestion__published_at",
        )
        .annotate(public_at=Greatest(F("created_at"), F("assignment__suggestion__published_at")))
    )


def _latest(base, limit: int) -> list:
    newest_items = public_suggestions().order_by("-published_at", "-id").values("pk")[:limit]
    candidates = {r.pk: r for r in base.filter(assignment__suggestion__in=newest_items)}
    candidates.update({r.pk: r for r in base.order_by("-id")[:limit]})
    return sorted(candidates.values(), key=lambda r: (r.public_at, r.pk), reverse=True)[:limit]


class ReplyKey:
    """Which reply an entry of the feed is, and when it became public (the feed's stored entries)."""

    __slots__ = ("pk", "suggestion_id", "public_at")

    def __init__(self, pk, suggestion_id, public_at):
        self.pk, self.suggestion_id, self.public_at = pk, suggestion_id, public_at


def reply_keys_sql(limit: int = 30) -> str:
    """One statement (PostgreSQL, no parameters): ``latest_public_replies``' replies, in its
    order, as (pk, suggestion_id, public_at): the first rows of the index of the time each
    reply became public, which the database keeps (migration ``proposals/0014_reply_public_at``)."""
    return (
        "SELECT r.id AS pk, a.suggestion_id, r.public_at FROM proposals_reply r"
        " JOIN proposals_assignment a ON a.id = r.assignment_id"
        f" WHERE r.public_at IS NOT NULL ORDER BY r.public_at DESC, r.id DESC LIMIT {int(limit)}"
    )


def latest_public_reply_keys(limit: int = 30) -> list[ReplyKey]:
    """``latest_public_replies``' replies as their ids and times only, in one statement planned
    once per connection on PostgreSQL (``core.prepared``)."""
    if connection.vendor != "postgresql":
        return [ReplyKey(r.pk, r.assignment.suggestion_id, r.public_at) for r in latest_public_replies(limit)]
    return [ReplyKey(*row) for row in prepared.fetch(f"public_reply_keys_{limit}", reply_keys_sql(limit))]


def public_replies_by_id(ids: list[int]) -> list:
    """The public replies among ``ids``, with what a feed entry shows (as latest_public_replies)."""
    return list(_public_replies().filter(pk__in=ids))
