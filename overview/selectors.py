"""The director's dashboard: each figure one aggregate query, each with the list behind it.

A figure's link is an existing office list with filters that select exactly the rows the
figure counts, so the list's count equals the figure (the tests request both and compare).
The suggestion figures start from the office list's own base queryset
(``proposals.selectors.office.suggestions_for_office`` plus its ``apply_filters``), so the
list and the figure cannot drift apart.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse

from accounts import roles
from accounts.scoping import scoped
from deputies.models import Congress, CongressSession
from liaison.selectors import contacts
from proposals.models import Assignment, Suggestion
from proposals.selectors import office
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


def can_view_dashboard(actor) -> bool:
    return roles.is_staff_member(actor)


def require_dashboard(actor) -> None:
    if not can_view_dashboard(actor):
        raise PermissionDenied


def dashboard_congresses(*, actor):
    """The congresses the actor may choose: their own and those below it (district staff: their own)."""
    require_dashboard(actor)
    return scoped(Congress.objects.all(), actor, "id").order_by("level", "name", "pk")


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
    base = office.apply_filters(office.suggestions_for_office(actor=actor), session=session)
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
    base = office.apply_filters(office.suggestions_for_office(actor=actor), session=session, overdue=True)
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
    n = office.apply_filters(office.suggestions_for_office(actor=actor), session=session, overdue=True).count()
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
    base = office.suggestions_for_office(actor=actor).filter(session__in=[s.pk for s in sessions])
    counts = dict(base.order_by().values_list("session_id").annotate(n=Count("pk")))
    ordered = sorted(sessions, key=lambda s: (s.start_date, s.pk))
    return [Bar(f"session-{s.pk}", s.name, counts.get(s.pk, 0), session_list_link(s)) for s in ordered]


def data_requests_overdue(*, actor) -> Bar:
    """Deputies' data requests sent to a unit and unanswered past their due date, in the actor's
    congresses: exactly the data-request list's "overdue" filter (one COUNT)."""
    require_dashboard(actor)
    n = training_office.requests_for_office(actor=actor, status="overdue").count()
    return Bar("data-requests-overdue", "", n, reverse("training_office:requests") + "?status=overdue")
