"""Reads behind the reports the office hands in (work plan items 1–18).

Every figure is counted from the raw records in SQL, through the owning app's selector where
one exists (the handling statistics, coverage, the archive list, the livelihood projects);
where none exists, one aggregate query here. Each report runs a fixed number of queries
whatever the size of the data: lists are aggregated per group, never per row.

Scope: staff only (403 otherwise); a congress outside the staff member's scope is never
offered, so a district office sees only its own congress's rows.
"""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.scoping import in_scope, scoped
from activities.models import Activity, DeputyLetter, Participation
from archive.selectors import archive_list_for_staff
from deputies.models import Congress, Deputy, ElectoralUnit, Term
from deputies.selectors import serving_count
from liaison.models import ContactRecord, Duty, Opinion
from liaison.selectors import contacts
from livelihood.models import Project
from livelihood.selectors.office import cycles_for_office, projects_for_office
from proposals.models import Assignment, Award, Commitment, KeySupervision, Reply, Suggestion
from proposals.selectors import office as proposals_office
from publicity.models import Story
from training.models import Session as TrainingSession

P = Participation.Status
S = Suggestion.Status
A = Assignment.Status
# Years shown in the handling report's trend (the chosen year and the ones before it).
TREND_YEARS = 5
# Item states in which the office's handling of it has produced a reply.
HANDLED = (S.REPLIED, S.RATED, S.CLOSED)


def require_staff(actor, congress: Congress | None = None) -> None:
    """403 unless the actor is staff and, when a congress is named, works for it."""
    if not roles.is_staff_member(actor):
        raise PermissionDenied
    if congress is not None and not in_scope(actor, congress.pk):
        raise PermissionDenied


def percent(part: int, whole: int) -> float | None:
    """A share in per cent to one decimal, or None when there is nothing to share."""
    return round(100.0 * part / whole, 1) if whole else None


def report_congresses(*, actor) -> list[Congress]:
    """The congresses whose reports the staff member may draw up, their own first."""
    require_staff(actor)
    congresses = list(scoped(Congress.objects.all(), actor, "pk").order_by("parent_id", "name", "pk"))
    congresses.sort(key=lambda c: c.pk != actor.congress_id)
    return congresses


def units_for_congresses(*, congresses):
    """The electoral units of these congresses (the summaries' choice), in their order."""
    return ElectoralUnit.objects.filter(congress__in=congresses).order_by("congress_id", "order", "name", "pk")


def term_for_year(*, congress: Congress, year: int) -> Term | None:
    """The term that was sitting in ``year``: the latest one begun by the end of that year."""
    return (
        Term.objects.filter(congress=congress, start_date__lte=datetime.date(year, 12, 31))
        .order_by("-start_date", "-pk")
        .first()
    )


def year_suggestions(*, actor, congress: Congress, year: int):
    """The year's items in the office's hands: those of a session opened that year, and those
    submitted that year between sessions (闭会期间). Never a deputy's own draft."""
    qs = proposals_office.suggestions_for_office(actor=actor).filter(congress=congress)
    return qs.filter(Q(session__start_date__year=year) | Q(session__isnull=True, submitted_at__year=year))


# --- 1. The annual deputy-work report ----------------------------------------------------------


@dataclasses.dataclass
class Figure:
    key: str
    label: str
    value: object


@dataclasses.dataclass
class PlanItem:
    """One work-plan item (its numbers in the plan) with its figures for the year."""

    numbers: str
    title: str
    figures: list[Figure]


def _handling_totals(stats: dict) -> dict:
    """The per-unit table's column sums (as the proposals handling report adds them up)."""
    keys = ("assigned", "replied", "on_time", "extended", "overdue", "rated", "satisfied")
    totals = {key: sum(row[key] for row in stats["rows"]) for key in keys}
    totals["categories"] = [
        sum(row["categories"][i]["count"] for row in stats["rows"]) for i in range(len(stats["categories"]))
    ]
    totals["on_time_rate"] = percent(totals["on_time"], totals["replied"])
    totals["satisfaction_rate"] = percent(totals["satisfied"], totals["rated"])
    return totals


def annual_figures(*, actor, congress: Congress, year: int) -> list[PlanItem]:
    """The figures of the annual deputy-work report, per work-plan item, for ``year``."""
    require_staff(actor, congress)
    term = term_for_year(congress=congress, year=year)
    items = []

    # Item 1–2: the standing committee's members and their deputies.
    serving = serving_count(congress_id=congress.pk, term_id=term.pk) if term else 0
    contacts_year = ContactRecord.objects.filter(member__term__congress=congress, date__year=year).aggregate(
        records=Count("pk"), deputies=Count("deputy", distinct=True)
    )
    meetings = Activity.objects.filter(
        congress=congress, kind=Activity.Kind.SC_MEETING, start_date__year=year
    ).aggregate(
        meetings=Count("pk", distinct=True),
        attended=Count("participations", filter=Q(participations__status=P.ATTENDED)),
        deputies=Count("participations__deputy", filter=Q(participations__status=P.ATTENDED), distinct=True),
    )
    items.append(
        PlanItem(
            "1–2",
            _("Contact between the standing committee and deputies"),
            [
                Figure("deputies_serving", _("Deputies serving"), serving),
                Figure("contacts", _("Contacts of SC members with deputies"), contacts_year["records"]),
                Figure("deputies_contacted", _("Deputies contacted by SC members"), contacts_year["deputies"]),
                Figure("sc_meetings", _("SC meetings"), meetings["meetings"]),
                Figure("sc_attendances", _("Deputies' attendances at SC meetings"), meetings["attended"]),
                Figure("sc_deputies", _("Deputies who attended an SC meeting"), meetings["deputies"]),
            ],
        )
    )

    # Item 4: the stations (联络站) and the opinions left there.
    duties = Duty.objects.filter(station__congress=congress, date__year=year, cancelled_at__isnull=True).count()
    opinions = Opinion.objects.filter(station__congress=congress, created_at__year=year).aggregate(
        received=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    items.append(
        PlanItem(
            "4",
            _("Deputies and the people: liaison stations"),
            [
                Figure("station_duties", _("Station duties held"), duties),
                Figure("opinions", _("Opinions received at stations"), opinions["received"]),
                Figure("opinions_answered", _("Opinions answered"), opinions["answered"]),
            ],
        )
    )

    # Items 5 and 8: the activities of the ledger, by kind.
    by_kind = {
        row["kind"]: row
        for row in Activity.objects.filter(congress=congress, start_date__year=year)
        .values("kind")
        .annotate(
            n=Count("pk", distinct=True), attended=Count("participations", filter=Q(participations__status=P.ATTENDED))
        )
        .order_by()
    }
    activity_figures = [
        Figure("activities", _("Activities"), sum(r["n"] for r in by_kind.values())),
        Figure("attendances", _("Attendances"), sum(r["attended"] for r in by_kind.values())),
    ]
    for value, label in Activity.Kind.choices:
        if value in by_kind:
            activity_figures.append(Figure(f"kind_{value}", label, by_kind[value]["n"]))
    items.append(PlanItem("5, 8", _("Activities of deputies during the recess"), activity_figures))

    # Item 6: the livelihood projects of the year.
    projects = Project.objects.filter(cycle__congress=congress, cycle__year=year).aggregate(
        candidates=Count("pk"),
        elected=Count("pk", filter=Q(status__in=[Project.Status.ELECTED, Project.Status.COMPLETED])),
        completed=Count("pk", filter=Q(status=Project.Status.COMPLETED)),
    )
    items.append(
        PlanItem(
            "6",
            _("Livelihood projects"),
            [
                Figure("projects_candidates", _("Candidate projects"), projects["candidates"]),
                Figure("projects_elected", _("Projects elected"), projects["elected"]),
                Figure("projects_completed", _("Projects completed"), projects["completed"]),
            ],
        )
    )

    # Items 10–12: suggestions, their handling, key supervision, awards.
    suggestions = year_suggestions(actor=actor, congress=congress, year=year)
    counts = suggestions.aggregate(
        received=Count("pk", filter=~Q(status=S.DRAFT)),
        handled=Count("pk", filter=Q(status__in=HANDLED)),
    )
    totals = _handling_totals(proposals_office.unit_statistics(suggestions=suggestions.values("pk")))
    key_items = KeySupervision.objects.filter(year=year, suggestion__congress=congress).count()
    awards = Award.objects.filter(year=year, congress=congress, status=Award.Status.PUBLISHED).count()
    items.append(
        PlanItem(
            "10–12",
            _("Deputies' suggestions and their handling"),
            [
                Figure("suggestions_received", _("Suggestions received"), counts["received"]),
                Figure("suggestions_handled", _("Suggestions replied to"), counts["handled"]),
                Figure("assignments", _("Assignments to handling units"), totals["assigned"]),
                Figure("on_time", _("Assignments replied on time"), totals["on_time"]),
                Figure("on_time_rate", _("On-time reply rate (%)"), totals["on_time_rate"]),
                Figure("satisfaction_rate", _("Satisfaction rate (%)"), totals["satisfaction_rate"]),
                Figure("key_supervision", _("Suggestions under key supervision"), key_items),
                Figure("awards", _("Awards published"), awards),
            ],
        )
    )

    # Item 14: training.
    training = TrainingSession.objects.filter(course__congress=congress, date__year=year).aggregate(
        sessions=Count("pk", distinct=True),
        attended=Count("activity__participations", filter=Q(activity__participations__status=P.ATTENDED)),
    )
    items.append(
        PlanItem(
            "14",
            _("Training of deputies"),
            [
                Figure("training_sessions", _("Training sessions"), training["sessions"]),
                Figure("training_attendances", _("Attendances at training sessions"), training["attended"]),
            ],
        )
    )

    # Item 18: publicity.
    stories = Story.objects.filter(congress=congress, is_published=True, published_on__year=year).count()
    items.append(PlanItem("18", _("Publicity of deputies' work"), [Figure("stories", _("Stories published"), stories)]))
    return items


# --- 2. The handling report with the trend ------------------------------------------------------


def handling_report(*, actor, congress: Congress, year: int) -> dict:
    """The proposals handling report's per-unit table for the year's items, its totals, and
    the same totals for each of the ``TREND_YEARS`` years up to ``year`` (the trend)."""
    require_staff(actor, congress)
    stats = proposals_office.unit_statistics(
        suggestions=year_suggestions(actor=actor, congress=congress, year=year).values("pk")
    )
    trend = []
    for each in range(year - TREND_YEARS + 1, year + 1):
        row = _handling_totals(
            proposals_office.unit_statistics(
                suggestions=year_suggestions(actor=actor, congress=congress, year=each).values("pk")
            )
        )
        row["year"] = each
        trend.append(row)
    return {"stats": stats, "totals": _handling_totals(stats), "trend": trend}


# --- 3. Each deputy's annual performance summary (述职) ----------------------------------------


def summary_units(*, actor, congress: Congress):
    require_staff(actor, congress)
    return ElectoralUnit.objects.filter(congress=congress).order_by("order", "name", "pk")


def performance_summaries(*, actor, congress: Congress, year: int, electoral_unit: ElectoralUnit) -> list[Deputy]:
    """The deputies of an electoral unit, each with the archive's counts for the year and the
    term (``archive_list_for_staff``), the year's attendance per kind of activity (the
    archive summary's rules, for every deputy at once), suggestions led and letters passed on.
    Five queries however many deputies."""
    require_staff(actor, congress)
    deputies = list(
        archive_list_for_staff(
            actor=actor, year=year, congress_id=congress.pk, electoral_unit_id=electoral_unit.pk, order="name"
        )
    )
    ids = [d.pk for d in deputies]
    in_year = Q(activity_date__year=year)
    kinds: dict[int, dict] = {}
    for row in (
        Participation.objects.filter(deputy_id__in=ids)
        .values("deputy_id", "activity_kind")
        .annotate(
            attended_year=Count("pk", filter=in_year & Q(status=P.ATTENDED)),
            invited_year=Count("pk", filter=in_year),
            absent_year=Count("pk", filter=in_year & Q(status=P.ABSENT)),
            excused_year=Count("pk", filter=in_year & Q(status__in=[P.EXCUSED, P.DECLINED])),
        )
        .order_by()
    ):
        kinds.setdefault(row["deputy_id"], {})[row["activity_kind"]] = row
    led = dict(
        Suggestion.objects.filter(lead_deputy_id__in=ids, submitted_at__year=year)
        .exclude(status=S.DRAFT)
        .values("lead_deputy_id")
        .annotate(n=Count("pk"))
        .values_list("lead_deputy_id", "n")
        .order_by()
    )
    letters = dict(
        DeputyLetter.objects.filter(deputy_id__in=ids, received_on__year=year)
        .values("deputy_id")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "n")
        .order_by()
    )
    for deputy in deputies:
        mine = kinds.get(deputy.pk, {})
        deputy.kinds = [
            {
                "kind": value,
                "label": label,
                **{k: mine[value][k] for k in ("attended_year", "invited_year", "absent_year", "excused_year")},
            }
            for value, label in Activity.Kind.choices
            if value in mine and mine[value]["invited_year"]
        ]
        deputy.invited_year = sum(k["invited_year"] for k in deputy.kinds)
        deputy.excused_year = sum(k["excused_year"] for k in deputy.kinds)
        deputy.suggestions_led = led.get(deputy.pk, 0)
        deputy.letters_year = letters.get(deputy.pk, 0)
    return deputies


# --- 4. Coverage over the term -----------------------------------------------------------------


def coverage_report(*, actor, congress: Congress, today: datetime.date | None = None) -> dict | None:
    """Both coverage shares of the congress's current term (``liaison.selectors.contacts``),
    overall and per electoral unit (for a city, its districts). None without a current term."""
    require_staff(actor, congress)
    term = contacts.current_term(congress)
    if term is None:
        return None
    overall = contacts.coverage_for(congress=congress, term=term, today=today)
    rows = []
    for row in (
        contacts.grassroots_of(term)
        .values("electoral_unit_id", "electoral_unit__name", "electoral_unit__order")
        .annotate(
            total=Count("pk"),
            visited=Count("pk", filter=Q(contacts.visited_by_leader(term))),
            attended=Count("pk", filter=Q(contacts.attended_sc_meeting(term))),
        )
        .order_by("electoral_unit__order", "electoral_unit__name", "electoral_unit_id")
    ):
        rows.append(
            {
                "unit_id": row["electoral_unit_id"],
                "name": row["electoral_unit__name"],
                "total": row["total"],
                "visited": row["visited"],
                "attended": row["attended"],
                "visited_percent": contacts.percent(row["visited"], row["total"]),
                "attended_percent": contacts.percent(row["attended"], row["total"]),
            }
        )
    return {"term": term, "overall": overall, "rows": rows}


# --- 5. The livelihood year ---------------------------------------------------------------------


def livelihood_year(*, actor, congress: Congress, year: int) -> dict | None:
    """The year's cycle and its projects with votes, progress (``projects_for_office``) and
    supervision: groups following each, inspections, observations (open and answered)."""
    require_staff(actor, congress)
    cycle = cycles_for_office(actor=actor).filter(congress=congress, year=year).first()
    if cycle is None:
        return None
    projects = projects_for_office(cycle=cycle)
    supervision = {
        row["pk"]: row
        for row in Project.objects.filter(cycle=cycle)
        .values("pk")
        .annotate(
            groups_n=Count("groups", distinct=True),
            inspections_n=Count("inspections", distinct=True),
            observations_n=Count("observations", distinct=True),
            observations_open=Count("observations", filter=Q(observations__status="open"), distinct=True),
        )
        .order_by()
    }
    for project in projects:
        row = supervision.get(project.pk, {})
        for key in ("groups_n", "inspections_n", "observations_n", "observations_open"):
            setattr(project, key, row.get(key, 0))
        project.satisfaction_rate = percent(project.satisfied + project.basically, project.rated)
    return {"cycle": cycle, "projects": projects}


# --- 6. The per-unit quality table --------------------------------------------------------------

QUALITY_ORDERS = {
    "name": "name",
    "assigned": "assigned",
    "on_time": "on_time_rate",
    "satisfaction": "satisfaction_rate",
    "rehandled": "rehandled_rate",
    "fulfilment": "fulfilment_rate",
    "extended": "extended",
}
# The first click on a column: the best units first (a high share, or few re-handled and extended).
QUALITY_FIRST = {
    "name": "name",
    "assigned": "-assigned",
    "on_time": "-on_time",
    "satisfaction": "-satisfaction",
    "rehandled": "rehandled",
    "fulfilment": "-fulfilment",
    "extended": "extended",
}
QUALITY_DEFAULT = "-satisfaction"


def unit_quality(*, actor, congress: Congress, year: int, order: str = QUALITY_DEFAULT) -> list[dict]:
    """Per handling unit, for the year's items: on-time replies and satisfaction (the handling
    report's ``unit_statistics``), the share of assignments handled again, the share of
    commitments fulfilled, and assignments given more time. Sorted by ``order`` (a key of
    ``QUALITY_ORDERS``, ``-`` for descending; a unit with no figure comes last)."""
    require_staff(actor, congress)
    suggestions = year_suggestions(actor=actor, congress=congress, year=year).values("pk")
    stats = proposals_office.unit_statistics(suggestions=suggestions)
    assignments = Assignment.objects.filter(suggestion__in=suggestions).exclude(status=A.WITHDRAWN)
    rehandled_round = Reply.objects.filter(assignment__in=assignments, round__gt=1).values("assignment_id")
    rehandled = dict(
        assignments.filter(Q(status=A.REHANDLING) | Q(pk__in=rehandled_round))
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
        .order_by()
    )
    today = timezone.localdate()
    commitments = {
        row["reply__assignment__unit_id"]: row
        # Commitments of replies sent to the deputy only, as the commitment ledger counts them.
        for row in Commitment.objects.filter(reply__assignment__in=assignments, reply__status=Reply.Status.SENT)
        .values("reply__assignment__unit_id")
        .annotate(
            total=Count("pk"),
            fulfilled=Count("pk", filter=Q(status=Commitment.Status.FULFILLED)),
            overdue=Count("pk", filter=Q(status=Commitment.Status.OPEN, due_date__lt=today)),
        )
        .order_by()
    }
    rows = []
    for row in stats["rows"]:
        unit_id = row["unit_id"]
        promised = commitments.get(unit_id, {})
        again = rehandled.get(unit_id, 0)
        rows.append(
            {
                "unit_id": unit_id,
                "name": row["unit_name"],
                "assigned": row["assigned"],
                "replied": row["replied"],
                "on_time": row["on_time"],
                "on_time_rate": percent(row["on_time"], row["replied"]),
                "rated": row["rated"],
                "satisfied": row["satisfied"],
                "satisfaction_rate": percent(row["satisfied"], row["rated"]),
                "rehandled": again,
                "rehandled_rate": percent(again, row["assigned"]),
                "commitments": promised.get("total", 0),
                "fulfilled": promised.get("fulfilled", 0),
                "commitments_overdue": promised.get("overdue", 0),
                "fulfilment_rate": percent(promised.get("fulfilled", 0), promised.get("total", 0)),
                "extended": row["extended"],
            }
        )
    return sort_quality(rows, order)


def quality_order(value: str) -> str:
    """``value`` if it names a column of the table (with or without ``-``), else the default."""
    return value if value.lstrip("-") in QUALITY_ORDERS and value.count("-") <= 1 else QUALITY_DEFAULT


def sort_quality(rows: list[dict], order: str) -> list[dict]:
    order = quality_order(order)
    descending = order.startswith("-")
    field = QUALITY_ORDERS[order.lstrip("-")]
    rows = sorted(rows, key=lambda r: (r["name"], r["unit_id"]))
    present = [r for r in rows if r[field] is not None]
    missing = [r for r in rows if r[field] is None]
    present.sort(key=lambda r: r[field], reverse=descending)
    return present + missing
