"""Reads of the two connections: coverage (live from the records), an SC member's assigned
deputies and contacts, the office's contact records and SC meetings, a deputy's topics.

Coverage counts in one aggregate over the deputies with EXISTS probes into the contact
records and the ledger's attended SC-meeting participations (its partial index), so the
number of queries does not grow with the deputies.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from accounts import roles
from accounts.scoping import scoped
from activities.models import Activity, Participation
from deputies.models import Congress, Deputy, StandingCommitteeMember, Term

from ..models import ContactAssignment, ContactRecord, Topic, TopicInvitation, TopicOpinion
from ..services_contacts import LEADER_POSITIONS, contact_months, months_before

# A term whose end is not entered counts as five years long (the Constitution's term).
TERM_YEARS = 5


def require_staff(actor) -> None:
    if not roles.is_staff_member(actor):
        raise PermissionDenied


# --- Coverage ---------------------------------------------------------------------------------


def grassroots_of(term: Term):
    """The serving grassroots deputies (基层一线代表) of a term."""
    return Deputy.objects.filter(term=term, status=Deputy.Status.SERVING, is_grassroots=True)


def visited_by_leader(term: Term) -> Exists:
    """A contact recorded this term by a director or deputy director (of this term's SC)."""
    return Exists(
        ContactRecord.objects.filter(
            deputy=OuterRef("pk"),
            member__term=term,
            member__position__in=LEADER_POSITIONS,
            date__gte=term.start_date,
        )
    )


def attended_sc_meeting(term: Term) -> Exists:
    """An SC meeting of this term attended (the ledger's participation, recorded as attended)."""
    return Exists(
        Participation.objects.filter(
            deputy=OuterRef("pk"),
            activity_kind=Activity.Kind.SC_MEETING,
            status=Participation.Status.ATTENDED,
            activity_date__gte=term.start_date,
        )
    )


def term_end(term: Term) -> datetime.date:
    if term.end_date:
        return term.end_date
    try:
        return term.start_date.replace(year=term.start_date.year + TERM_YEARS)
    except ValueError:  # 29 February
        return term.start_date.replace(year=term.start_date.year + TERM_YEARS, day=28)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class Coverage:
    congress: Congress
    term: Term
    total: int
    visited: int
    attended: int
    elapsed_percent: int

    @property
    def visited_percent(self) -> int:
        return percent(self.visited, self.total)

    @property
    def attended_percent(self) -> int:
        return percent(self.attended, self.total)

    @property
    def visited_on_track(self) -> bool:
        return self.visited_percent >= self.elapsed_percent

    @property
    def attended_on_track(self) -> bool:
        return self.attended_percent >= self.elapsed_percent


def coverage_congresses(*, actor):
    """Congresses with a current term the actor works for (staff only)."""
    require_staff(actor)
    return scoped(Congress.objects.filter(terms__is_current=True), actor, "id").order_by("level", "name", "pk")


def current_term(congress: Congress) -> Term | None:
    return Term.objects.filter(congress=congress, is_current=True).first()


def coverage_for(*, congress: Congress, term: Term, today: datetime.date | None = None) -> Coverage:
    """Both shares for the term, in one query, with the share of the term elapsed (the pace to 100%)."""
    today = today or timezone.localdate()
    counts = grassroots_of(term).aggregate(
        total=Count("pk"),
        visited=Count("pk", filter=Q(visited_by_leader(term))),
        attended=Count("pk", filter=Q(attended_sc_meeting(term))),
    )
    end = term_end(term)
    length = max((end - term.start_date).days, 1)
    elapsed = min(max((today - term.start_date).days, 0), length)
    return Coverage(
        congress=congress,
        term=term,
        total=counts["total"],
        visited=counts["visited"],
        attended=counts["attended"],
        elapsed_percent=percent(elapsed, length),
    )


def coverage_counts(*, congress_id: int) -> dict:
    """The same counts as ``coverage_for`` for a congress's current term, in one query: the term
    is reached from each deputy row (the dashboard needs no Term loaded first)."""
    visited = ContactRecord.objects.filter(
        deputy=OuterRef("pk"),
        member__term=OuterRef("term"),
        member__position__in=LEADER_POSITIONS,
        date__gte=OuterRef("term__start_date"),
    )
    attended = Participation.objects.filter(
        deputy=OuterRef("pk"),
        activity_kind=Activity.Kind.SC_MEETING,
        status=Participation.Status.ATTENDED,
        activity_date__gte=OuterRef("term__start_date"),
    )
    return Deputy.objects.filter(
        term__congress_id=congress_id, term__is_current=True, status=Deputy.Status.SERVING, is_grassroots=True
    ).aggregate(
        total=Count("pk"),
        visited=Count("pk", filter=Q(Exists(visited))),
        attended=Count("pk", filter=Q(Exists(attended))),
    )


MISSING_LISTS = ("visits", "meetings")


def coverage_missing(*, term: Term, which: str):
    """The grassroots deputies still missing from one share, by electoral unit and name."""
    probe = visited_by_leader(term) if which == "visits" else attended_sc_meeting(term)
    return (
        grassroots_of(term)
        .exclude(probe)
        .select_related("electoral_unit")
        .order_by("electoral_unit__order", "electoral_unit__name", "name", "pk")
    )


# --- The SC member's own page -----------------------------------------------------------------


def seats_for_user(*, user):
    """The user's current standing-committee seats."""
    return StandingCommitteeMember.objects.filter(
        deputy__user=user, end_date__isnull=True, term__is_current=True
    ).select_related("term", "deputy")


def assignments_for_seats(*, seats):
    """The deputies assigned to these seats, each with the date of the seat's last contact."""
    last = (
        ContactRecord.objects.filter(member=OuterRef("member"), deputy=OuterRef("deputy"))
        .order_by("-date")
        .values("date")[:1]
    )
    return (
        ContactAssignment.objects.filter(member__in=seats)
        .select_related("deputy__electoral_unit", "member__deputy")
        .annotate(last_contact=Subquery(last))
        .order_by("deputy__name", "pk")
    )


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    """A deputy last contacted before this day (or never) is overdue."""
    return months_before(today or timezone.localdate(), contact_months())


def stale_q(cutoff: datetime.date) -> Q:
    return Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff)


def records_for_seats(*, seats):
    """The seats' contact records with the deputies still assigned to them (only those)."""
    assigned = ContactAssignment.objects.filter(member=OuterRef("member"), deputy=OuterRef("deputy"))
    return (
        ContactRecord.objects.filter(member__in=seats)
        .filter(Exists(assigned))
        .select_related("deputy")
        .order_by("-date", "-pk")
    )


# --- The office -------------------------------------------------------------------------------


def records_for_office(*, actor, with_opinions: bool = True):
    require_staff(actor)
    rows = scoped(ContactRecord.objects.all(), actor, "member__term__congress_id")
    if with_opinions:
        rows = rows.exclude(opinions="")
    return rows.select_related("member__deputy", "deputy").annotate(routed=Count("routings")).order_by("-date", "-pk")


def record_get_for_office(*, actor, pk: int) -> ContactRecord:
    require_staff(actor)
    record = (
        scoped(ContactRecord.objects.all(), actor, "member__term__congress_id")
        .select_related("member__term", "member__deputy", "deputy__user")
        .prefetch_related("routings__committee", "routings__letter__body")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    return record


def meetings_for_office(*, actor):
    require_staff(actor)
    return (
        scoped(Activity.objects.filter(kind=Activity.Kind.SC_MEETING), actor)
        .select_related("congress")
        .annotate(topic_count=Count("liaison_topics", distinct=True))
        .order_by("-start_date", "-pk")
    )


def meeting_get_for_office(*, actor, pk: int) -> Activity:
    """An SC meeting with its topics, each with its invitations (deputy, answer) and opinions."""
    require_staff(actor)
    meeting = (
        scoped(Activity.objects.filter(kind=Activity.Kind.SC_MEETING), actor)
        .select_related("congress")
        .prefetch_related(
            Prefetch(
                "liaison_topics",
                queryset=Topic.objects.select_related("committee").prefetch_related(
                    Prefetch(
                        "invitations",
                        queryset=TopicInvitation.objects.select_related("participation__deputy").order_by(
                            "participation__deputy__name", "pk"
                        ),
                    ),
                    Prefetch("opinions", queryset=TopicOpinion.objects.select_related("deputy").order_by("pk")),
                ),
                to_attr="topics",
            )
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


# --- A deputy's topics ------------------------------------------------------------------------


def topic_invitations_for_user(*, user):
    """The user's invitations to SC meetings for a topic, with the topic and the meeting."""
    return (
        TopicInvitation.objects.filter(participation__deputy__user=user)
        .select_related("topic__meeting", "topic__committee", "participation__deputy")
        .order_by("-topic__meeting__start_date", "topic__order", "pk")
    )


def topic_invitation_get(*, user, topic_pk: int) -> TopicInvitation:
    invitation = topic_invitations_for_user(user=user).filter(topic__id=topic_pk).first()
    if invitation is None:
        raise Http404
    return invitation
