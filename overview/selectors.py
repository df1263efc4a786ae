"""The director's dashboard: each figure one aggregate query, each with the list behind it.

A figure's link is an existing office list with filters that select exactly the rows the
figure counts, so the list's count equals the figure (the tests request both and compare).
The suggestion figures start from the office list's own base queryset
(``proposals.selectors.office.suggestions_for_office`` plus its ``apply_filters``), so the
list and the figure cannot drift apart.

The standing committee's leaders (director, deputy directors) read the dashboard for the
congresses they lead, without the links (the lists are the office's): their figures start from
the same rules over their congresses (``_office_items``, ``_scoped``).
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.scoping import scoped
from activities.models import Activity, Participation
from deputies.models import Congress, CongressSession, StandingCommitteeMember
from liaison.models import Opinion
from liaison.selectors import contacts, overdue_q
from liaison.selectors import office as liaison_office
from livelihood.models import Project, Target
from proposals.models import Assignment, Commitment, Extension, Rating, Reply, ReplyCategory, Suggestion, UrgingNotice
from proposals.selectors import office
from training.models import DataRequest, Material
from training.selectors import office as training_office

A = Assignment.Status
S = Suggestion.Status


@dataclass(frozen=True)
class Bar:
    """One figure of a chart: its label, its count and the list behind it."""

    key: str
    label: str
    value: int
    link: str


@dataclass(frozen=True)
class CoverageFigures:
    """The two coverage shares of a congress's current term, against the term's calendar."""

    total: int
    visited: int
    attended: int
    elapsed_percent: int
    visited_missing_link: str
    attended_missing_link: str

    @property
    def visited_percent(self) -> int:
        return contacts.percent(self.visited, self.total)

    @property
    def attended_percent(self) -> int:
        return contacts.percent(self.attended, self.total)

    @property
    def visited_missing(self) -> int:
        return self.total - self.visited

    @property
    def attended_missing(self) -> int:
        return self.total - self.attended


LEADER_POSITIONS = (StandingCommitteeMember.Position.DIRECTOR, StandingCommitteeMember.Position.DEPUTY_DIRECTOR)


def leader_congress_ids(actor) -> list[int]:
    """The congresses whose standing committee the actor leads today (a current director's or
    deputy director's seat), with the congresses below them; [] for anyone else. Asked only of
    SC members (their role is already read), cached on the user for the request."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and roles.has_role(actor, roles.SC_MEMBER)):
        return []
    cached = getattr(actor, "_dashboard_leader_scope", None)
    if cached is None:
        today = timezone.localdate()
        own = (
            StandingCommitteeMember.objects.filter(
                deputy__user=actor, position__in=LEADER_POSITIONS, start_date__lte=today
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .order_by()
            .values_list("term__congress_id", flat=True)
            .distinct()
        )
        ids: set[int] = set()
        for congress_id in own:
            ids.update(Congress(pk=congress_id).descendant_ids())
        cached = sorted(ids)
        actor._dashboard_leader_scope = cached
    return cached


def can_view_dashboard(actor) -> bool:
    """Staff of a congress, and the standing committee's leaders (read-only, without the lists)."""
    return roles.is_staff_member(actor) or bool(leader_congress_ids(actor))


def can_follow_links(actor) -> bool:
    """The lists behind the figures are the office's working lists: staff only."""
    return roles.is_staff_member(actor)


def require_dashboard(actor) -> None:
    if not can_view_dashboard(actor):
        raise PermissionDenied


def _scope_ids(actor) -> list[int] | None:
    """The congress ids the dashboard counts for the actor (None: every congress)."""
    if roles.is_staff_member(actor):
        return roles.congress_scope_ids(actor)
    ids = leader_congress_ids(actor)
    if not ids:
        raise PermissionDenied
    return ids


def cache_parts(actor) -> tuple:
    """What the figures depend on besides the records and the filters: the actor, whether they
    follow the links, and their congresses (``core.figures.cached``)."""
    return (actor.pk, can_follow_links(actor), _scope_ids(actor))


def _scoped(queryset, actor, path: str = "congress_id"):
    """``accounts.scoping.scoped`` for staff; an SC leader's congresses for a leader."""
    if roles.is_staff_member(actor):
        return scoped(queryset, actor, path)
    return queryset.filter(**{f"{path}__in": _scope_ids(actor)})


def _office_items(actor):
    """The items the figures count: for staff the office list's own base queryset; for an SC
    leader the same rule (every item but deputies' own drafts) over their congresses. The tests
    compare a leader's figures with the staff's on the same records."""
    if roles.is_staff_member(actor):
        return office.suggestions_for_office(actor=actor)
    items = Suggestion.objects.filter(~Q(status=S.DRAFT) | Q(entered_by_staff=True))
    return items.filter(congress_id__in=_scope_ids(actor))


def dashboard_congresses(*, actor):
    """The congresses the actor may choose: their own and those below it (district staff: their own)."""
    require_dashboard(actor)
    return _scoped(Congress.objects.all(), actor, "id").order_by("level", "name", "pk")


def dashboard_sessions(*, actor, congress: Congress):
    """The congress's sessions, newest first."""
    require_dashboard(actor)
    return CongressSession.objects.filter(term__congress=congress).select_related("term").order_by("-start_date", "-pk")


def _list_link(**params) -> str:
    return reverse("proposals_office:list") + "?" + urlencode(params)


def session_list_link(session: CongressSession) -> str:
    """The office list of the session's items: its count is the sum of the states' figures."""
    return _list_link(session=session.pk)


def suggestions_by_status(*, actor, session: CongressSession) -> list[Bar]:
    """The session's items by state, in one GROUP BY; each links to the office list filtered by
    session and state. States with no item are left out."""
    base = office.apply_filters(_office_items(actor), session=session)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        Bar(code, str(label), counts[code], _list_link(session=session.pk, status=code))
        for code, label in S.choices
        if counts.get(code)
    ]


def overdue_by_unit(*, actor, session: CongressSession) -> list[Bar]:
    """Per handling unit, the session's items assigned to it (not withdrawn) that have an
    assignment past its deadline and still owing a reply, in one GROUP BY: exactly the office
    list filtered by session, unit and "overdue only". Largest first."""
    base = office.apply_filters(_office_items(actor), session=session, overdue=True)
    rows = (
        Assignment.objects.exclude(status=A.WITHDRAWN)
        .filter(unit__is_active=True, suggestion__in=base.values("pk"))
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(n=Count("suggestion_id", distinct=True))
        .order_by("-n", "unit__name", "unit_id")
    )
    return [
        Bar(
            f"unit-{row['unit_id']}",
            row["unit__name"],
            row["n"],
            _list_link(session=session.pk, unit=row["unit_id"], overdue="on"),
        )
        for row in rows
    ]


def overdue_total(*, actor, session: CongressSession) -> Bar:
    """The session's items with an assignment overdue (today's date, as the list reads it)."""
    n = office.apply_filters(_office_items(actor), session=session, overdue=True).count()
    return Bar("overdue", "", n, _list_link(session=session.pk, overdue="on"))


def coverage(*, actor, congress: Congress) -> CoverageFigures | None:
    """The two coverage shares (work plan items 1 and 2) of the congress's current term, with
    the share of the term elapsed; each "still missing" count links to the coverage page's list."""
    require_dashboard(actor)
    term = contacts.current_term(congress)
    if term is None:
        return None
    result = contacts.coverage_for(congress=congress, term=term)
    page = reverse("liaison_office:coverage") + f"?congress={congress.pk}"
    return CoverageFigures(
        total=result.total,
        visited=result.visited,
        attended=result.attended,
        elapsed_percent=result.elapsed_percent,
        visited_missing_link=f"{page}&list=visits",
        attended_missing_link=f"{page}&list=meetings",
    )


def suggestions_per_session(*, actor, sessions: list[CongressSession]) -> list[Bar]:
    """Items per session for the sessions given (oldest first), in one GROUP BY; each links to
    the office list filtered by that session."""
    if not sessions:
        return []
    base = _office_items(actor).filter(session__in=[s.pk for s in sessions])
    counts = dict(base.order_by().values_list("session_id").annotate(n=Count("pk")))
    ordered = sorted(sessions, key=lambda s: (s.start_date, s.pk))
    return [Bar(f"session-{s.pk}", s.name, counts.get(s.pk, 0), session_list_link(s)) for s in ordered]


def data_requests_overdue(*, actor) -> Bar:
    """Deputies' data requests sent to a unit and unanswered past their due date, in the actor's
    congresses: exactly the data-request list's "overdue" filter (one COUNT)."""
    require_dashboard(actor)
    if roles.is_staff_member(actor):
        n = training_office.requests_for_office(actor=actor, status="overdue").count()
    else:
        n = _scoped(DataRequest.objects.filter(training_office.overdue_q(timezone.localdate())), actor).count()
    return Bar("data-requests-overdue", "", n, reverse("training_office:requests") + "?status=overdue")


# --- Handling quality (the handling report's definitions) ------------------------------------


@dataclass(frozen=True)
class Share:
    """A part of a whole (e.g. replies on time among the first replies), with the list behind it."""

    key: str
    part: int
    whole: int
    link: str

    @property
    def percent(self) -> int:
        return contacts.percent(self.part, self.whole)


@dataclass(frozen=True)
class TrendPoint:
    """One session's satisfaction: rated latest replies and the satisfied among them."""

    key: str
    label: str
    rated: int
    satisfied: int
    link: str

    @property
    def percent(self) -> int:
        return contacts.percent(self.satisfied, self.rated)


@dataclass(frozen=True)
class ExtensionFigures:
    """The session's requests for more time: asked, granted, refused, and the assignments given more time.

    ``asked_items`` … ``waiting_items``: the items (distinct suggestions) behind each count, each
    linked to the office list filtered on it (``extension=asked|granted|refused|requested``)."""

    asked: int
    granted: int
    refused: int
    waiting: int
    extended: Bar
    asked_items: Bar
    granted_items: Bar
    refused_items: Bar
    waiting_items: Bar


class UrgingFigures(int):
    """The urging notices sent (the number itself, as the export and older callers read it),
    with ``items``: the items urged, linked to the office list's "urged only" filter."""

    items: Bar

    def __new__(cls, notices: int, items: Bar):
        figures = super().__new__(cls, notices)
        figures.items = items
        return figures

    def __getnewargs__(self):  # kept in the figures' cache: unpickled with its items
        return (int(self), self.items)


def report_link(session: CongressSession) -> str:
    """The handling report of the session: its totals are the handling figures of the dashboard."""
    return reverse("proposals_office:report") + "?" + urlencode({"session": session.pk})


def _session_items(actor, session):
    return office.apply_filters(_office_items(actor), session=session).values("pk")


def _session_assignments(actor, session):
    """The assignments of the session's items the handling report counts (withdrawn ones left out)."""
    return Assignment.objects.filter(suggestion__in=_session_items(actor, session)).exclude(status=A.WITHDRAWN)


def on_time_rate(*, actor, session: CongressSession) -> Share:
    """First replies that came by the deadline (a granted extension's new date included, as the
    reply recorded it), among the first replies of the session's assignments: the part is the
    handling report's "replied on time" total, the same rule (``Reply.on_time`` of round 1).
    One aggregate query."""
    counts = Reply.objects.filter(round=1, assignment__in=_session_assignments(actor, session)).aggregate(
        on_time=Count("pk", filter=Q(on_time=True)), total=Count("pk")
    )
    return Share("on-time", counts["on_time"], counts["total"], report_link(session))


def reply_categories(*, actor, session: CongressSession) -> list[Bar]:
    """The latest reply of each assignment by category (A/B/C), in one GROUP BY; every category
    is listed (read with it: a handful of rows), those without a reply at 0. Each links to the
    handling report, whose category totals they are."""
    is_latest = ~Exists(Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round")))
    counts = dict(
        Reply.objects.filter(is_latest, assignment__in=_session_assignments(actor, session))
        .values_list("category_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    link = report_link(session)
    return [
        Bar(f"category-{c.code}", f"{c.code} {c.name}", counts.get(c.pk, 0), link)
        for c in ReplyCategory.objects.order_by("order", "code")
    ]


def _latest_ratings():
    """Ratings of the latest rated reply of their assignment (the handling report's rule)."""
    return Rating.objects.filter(
        ~Exists(
            Rating.objects.filter(
                reply__assignment=OuterRef("reply__assignment"), reply__round__gt=OuterRef("reply__round")
            )
        )
    )


SATISFIED = Q(value__in=[Rating.Value.SATISFIED, Rating.Value.BASICALLY])


def satisfaction(*, actor, session: CongressSession) -> Share:
    """Satisfied or basically satisfied among the latest ratings of the session's assignments:
    the handling report's "rated" and satisfaction. One aggregate query."""
    counts = (
        _latest_ratings()
        .filter(reply__assignment__in=_session_assignments(actor, session))
        .aggregate(satisfied=Count("pk", filter=SATISFIED), rated=Count("pk"))
    )
    return Share("satisfaction", counts["satisfied"], counts["rated"], report_link(session))


def satisfaction_trend(*, actor, sessions: list[CongressSession]) -> list[TrendPoint]:
    """Satisfaction per session (oldest first) in one GROUP BY; each point links to that
    session's handling report."""
    if not sessions:
        return []
    items = _office_items(actor).filter(session__in=[s.pk for s in sessions]).values("pk")
    rows = {
        row["reply__assignment__suggestion__session_id"]: row
        for row in _latest_ratings()
        .filter(reply__assignment__suggestion__in=items)
        .exclude(reply__assignment__status=A.WITHDRAWN)
        .values("reply__assignment__suggestion__session_id")
        .annotate(rated=Count("pk"), satisfied=Count("pk", filter=SATISFIED))
        .order_by()
    }
    ordered = sorted(sessions, key=lambda s: (s.start_date, s.pk))
    return [
        TrendPoint(
            f"satisfaction-{s.pk}",
            s.name,
            rows.get(s.pk, {}).get("rated", 0),
            rows.get(s.pk, {}).get("satisfied", 0),
            report_link(s),
        )
        for s in ordered
    ]


def extensions(*, actor, session: CongressSession) -> ExtensionFigures:
    """The session's requests for more time by outcome, the items they concern (the office
    list's ``extension`` filter: withdrawn assignments left out, as here), and the assignments
    given more time at least once (the handling report's "extended"), in one aggregate query."""
    E = Extension.Status
    item = "assignment__suggestion"
    counts = Extension.objects.filter(assignment__in=_session_assignments(actor, session)).aggregate(
        asked=Count("pk"),
        granted=Count("pk", filter=Q(status=E.GRANTED)),
        refused=Count("pk", filter=Q(status=E.REFUSED)),
        waiting=Count("pk", filter=Q(status=E.REQUESTED)),
        extended=Count("assignment", filter=Q(status=E.GRANTED), distinct=True),
        asked_items=Count(item, distinct=True),
        granted_items=Count(item, filter=Q(status=E.GRANTED), distinct=True),
        refused_items=Count(item, filter=Q(status=E.REFUSED), distinct=True),
        waiting_items=Count(item, filter=Q(status=E.REQUESTED), distinct=True),
    )

    def items(name: str, value: str) -> Bar:
        return Bar(f"extension-{value}", "", counts[f"{name}_items"], _list_link(session=session.pk, extension=value))

    return ExtensionFigures(
        asked=counts["asked"],
        granted=counts["granted"],
        refused=counts["refused"],
        waiting=counts["waiting"],
        extended=Bar("extended", "", counts["extended"], report_link(session)),
        asked_items=items("asked", "asked"),
        granted_items=items("granted", E.GRANTED.value),
        refused_items=items("refused", E.REFUSED.value),
        waiting_items=items("waiting", E.REQUESTED.value),
    )


def urging_notices(*, actor, session: CongressSession) -> UrgingFigures:
    """Urging notices (催办通知) sent to the units about the session's items, and the items urged
    (the office list's "urged only": withdrawn assignments left out, as here), one aggregate query."""
    counts = UrgingNotice.objects.filter(assignment__in=_session_assignments(actor, session)).aggregate(
        notices=Count("pk"), items=Count("assignment__suggestion", distinct=True)
    )
    return UrgingFigures(
        counts["notices"], Bar("urged", "", counts["items"], _list_link(session=session.pk, urged="on"))
    )


def extensions_waiting(*, actor) -> Bar:
    """Requests for more time waiting for the office's decision, in the actor's congresses:
    exactly the deadlines page's list (one COUNT)."""
    require_dashboard(actor)
    if roles.is_staff_member(actor):
        n = office.pending_extensions(actor=actor).count()
    else:
        n = Extension.objects.filter(
            status=Extension.Status.REQUESTED, assignment__suggestion__in=_office_items(actor)
        ).count()
    return Bar("extensions-waiting", "", n, reverse("proposals_office:escalation") + "#extensions")


def open_commitments(*, actor, session: CongressSession) -> Bar:
    """Commitments of the session's sent replies still in progress (neither fulfilled nor
    dropped), one COUNT; the link is the commitment ledger of the session (its rows "in progress")."""
    n = Commitment.objects.filter(
        status=Commitment.Status.OPEN,
        reply__status=Reply.Status.SENT,
        reply__assignment__suggestion__in=_session_items(actor, session),
    ).count()
    link = reverse("proposals_office:export_commitments") + "?" + urlencode({"session": session.pk})
    return Bar("commitments-open", "", n, link)


# --- The other offices' figures --------------------------------------------------------------


def opinions_overdue(*, actor) -> Bar:
    """Public opinions assigned and unanswered past the working days allowed, in the actor's
    congresses: exactly the opinions list's "unanswered too long" filter (one COUNT)."""
    require_dashboard(actor)
    if roles.is_staff_member(actor):
        n = liaison_office.opinions_for_office(actor=actor, overdue=True).count()
    else:
        n = _scoped(Opinion.objects.filter(overdue_q(timezone.localdate())), actor, "station__congress_id").count()
    return Bar("opinions-overdue", "", n, reverse("liaison_office:opinions") + "?overdue=on")


def livelihood_behind(*, actor, congress: Congress, year: int) -> list[Bar]:
    """Per livelihood cycle of the congress and year, the elected projects behind schedule (a
    target past its due date and not reached), in one GROUP BY. Each links to the cycle's page,
    whose project table marks those projects (targets behind schedule above 0)."""
    require_dashboard(actor)
    today = timezone.localdate()
    late = Target.objects.filter(item__project=OuterRef("pk"), due_date__lt=today, current_value__lt=F("target_value"))
    rows = (
        _scoped(Project.objects.filter(status=Project.Status.ELECTED), actor, "cycle__congress_id")
        .filter(Exists(late), cycle__congress=congress, cycle__year=year)
        .values("cycle_id", "cycle__title")
        .annotate(n=Count("pk"))
        .order_by("cycle__title", "cycle_id")
    )
    return [
        Bar(
            f"livelihood-{row['cycle_id']}",
            row["cycle__title"],
            row["n"],
            reverse("livelihood_office:cycle", args=[row["cycle_id"]]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class MonthActivities:
    """The activities of a congress held this month so far and the deputies' attendance at them."""

    first_day: datetime.date
    last_day: datetime.date
    activities: int
    invited: int
    attended: int
    link: str

    @property
    def attended_percent(self) -> int:
        return contacts.percent(self.attended, self.invited)


def activities_this_month(*, actor, congress: Congress, day: datetime.date | None = None) -> MonthActivities:
    """Activities of the congress that started this month up to today (those still to come have
    no attendance yet), the deputies invited to them and those who attended, in one aggregate
    query. The link is the activity ledger filtered by the congress and those dates: its count
    is the activities, its "attended" column adds up to the attendances."""
    require_dashboard(actor)
    day = day or timezone.localdate()
    first, following = day.replace(day=1), day + datetime.timedelta(days=1)
    counts = _scoped(
        Activity.objects.filter(congress=congress, start_date__gte=first, start_date__lt=following), actor
    ).aggregate(
        activities=Count("pk", distinct=True),
        invited=Count("participations"),
        attended=Count("participations", filter=Q(participations__status=Participation.Status.ATTENDED)),
    )
    params = {
        "congress__id__exact": congress.pk,
        "start_date__gte": first.isoformat(),
        "start_date__lt": following.isoformat(),
    }
    return MonthActivities(
        first_day=first,
        last_day=day,
        activities=counts["activities"],
        invited=counts["invited"],
        attended=counts["attended"],
        link=reverse("admin:activities_activity_changelist") + "?" + urlencode(params),
    )


@dataclass(frozen=True)
class MaterialUnread:
    key: str
    title: str
    published_at: datetime.datetime
    total: int
    read: int
    link: str

    @property
    def unread(self) -> int:
        return self.total - self.read


# The important materials shown: the latest sent, at most this many (their read counts are one
# query whose size grows with them).
MATERIALS_SHOWN = 5
MATERIALS_DAYS = 90


def important_materials_unread(*, actor, congress: Congress) -> list[MaterialUnread]:
    """The congress's important materials sent in the last 90 days (the latest five), each with
    its audience today and how many have not read it: two queries (the materials, then one
    aggregate over the serving deputies, ``training.selectors.office.materials_counts``). Each
    unread figure links to the material's page, whose "not read yet" list counts the same."""
    require_dashboard(actor)
    since = timezone.now() - datetime.timedelta(days=MATERIALS_DAYS)
    base = (
        training_office.materials_for_office(actor=actor)
        if roles.is_staff_member(actor)
        else _scoped(Material.objects.all(), actor)
    )
    materials = list(
        base.filter(congress=congress, important=True, published_at__gte=since).order_by("-published_at", "-pk")[
            :MATERIALS_SHOWN
        ]
    )
    counts = training_office.materials_counts(materials)
    return [
        MaterialUnread(
            f"material-{m.pk}",
            m.title,
            m.published_at,
            counts[m.pk]["total"],
            counts[m.pk]["read"],
            reverse("training_office:material", args=[m.pk]),
        )
        for m in materials
    ]
