"""Reads for the awards (评优): the office's nominations page, the nomination form's candidates
and the public awards page.

The office reads are scoped like the rest of the back office (staff see their congress and
the congresses below it; anyone else 403, a row outside the scope 404); the public reads
return published awards only. Each list joins its relations up front, so the query count
does not grow with the rows.
"""

import datetime

from django.db.models import Count, Q
from django.http import Http404

from deputies.models import Congress

from .. import services_awards
from ..models import Assignment, Award, Reply, Suggestion
from .office import scope_ids
from .public import unit_statistics

K = Award.Kind
W = Award.Status
# Candidates shown at once on the nomination form (narrow them with the search box).
CANDIDATE_LIMIT = 50
_RELATED = (
    "congress",
    "suggestion",
    "reply__assignment__suggestion",
    "reply__assignment__unit",
    "unit",
    "nominated_by",
)


def _scoped(qs, actor, path="congress_id"):
    scope = scope_ids(actor)
    return qs if scope is None else qs.filter(**{f"{path}__in": scope})


# --- Office ---------------------------------------------------------------------------------------


def congresses_for_office(*, actor) -> list[Congress]:
    """The congresses whose awards the staff member manages (theirs first)."""
    congresses = list(_scoped(Congress.objects.all(), actor, "id").order_by("parent_id", "name"))
    congresses.sort(key=lambda c: (c.pk != actor.congress_id,))
    return congresses


def award_years_for_office(*, actor) -> list[int]:
    return list(_scoped(Award.objects.all(), actor).order_by("-year").values_list("year", flat=True).distinct())


def awards_for_office(*, actor, year: int):
    """The year's awards in the staff member's scope, by kind, then by the order they were nominated."""
    return (
        _scoped(Award.objects.filter(year=year), actor).select_related(*_RELATED).order_by("kind", "congress_id", "pk")
    )


def award_get_for_office(*, actor, pk: int) -> Award:
    award = _scoped(Award.objects.filter(pk=pk), actor).select_related(*_RELATED).first()
    if award is None:
        raise Http404
    return award


def congress_get_for_office(*, actor, pk: int | None) -> Congress:
    """The congress named (or the staff member's own), 404 outside the scope."""
    pk = pk or actor.congress_id
    congress = _scoped(Congress.objects.filter(pk=pk), actor, "id").first() if pk else None
    if congress is None:
        raise Http404
    return congress


def group_by_kind(awards) -> list[dict]:
    """The office page's sections: each kind with its awards grouped by status (in workflow order)."""
    awards = list(awards)
    sections = []
    for kind, label in K.choices:
        rows = [a for a in awards if a.kind == kind]
        sections.append(
            {
                "kind": kind,
                "label": label,
                "count": len(rows),
                "statuses": [
                    {"status": status, "label": status_label, "awards": [a for a in rows if a.status == status]}
                    for status, status_label in W.choices
                    if any(a.status == status for a in rows)
                ],
            }
        )
    return sections


# --- Nomination candidates ----------------------------------------------------------------------------


def suggestion_candidates(*, congress_id: int, year: int, q: str = ""):
    qs = services_awards.eligible_suggestions(congress_id=congress_id, year=year).select_related("lead_deputy")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(lead_deputy__name__icontains=q))
    return qs.order_by("-accepted_at", "-pk")[:CANDIDATE_LIMIT]


def reply_candidates(*, congress_id: int, year: int, q: str = ""):
    qs = services_awards.eligible_replies(congress_id=congress_id, year=year).select_related(
        "assignment__suggestion", "assignment__unit", "category"
    )
    if q:
        qs = qs.filter(Q(assignment__suggestion__title__icontains=q) | Q(assignment__unit__name__icontains=q))
    return qs.order_by("-replied_on", "-pk")[:CANDIDATE_LIMIT]


def unit_candidates(*, congress_id: int, year: int, q: str = "", today: datetime.date | None = None) -> list:
    """The year's handling units with their quality figures (on-time share, satisfaction,
    assignments handled again), best first, to help choose the advanced units."""
    qs = services_awards.eligible_units(congress_id=congress_id, year=year)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    units = list(qs.order_by("name")[:CANDIDATE_LIMIT])
    if not units:
        return []
    rows, _totals, _categories = unit_statistics(year=year, today=today)
    stats = {row.unit_id: row for row in rows}
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    rehandled = dict(
        Assignment.objects.filter(unit__in=units, assigned_on__gte=start, assigned_on__lt=end)
        .filter(Q(status=Assignment.Status.REHANDLING) | Q(replies__round__gt=1))
        .values("unit_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("unit_id", "n")
        .order_by()
    )
    for unit in units:
        unit.stats = stats.get(unit.pk)
        unit.rehandled = rehandled.get(unit.pk, 0)
        unit.on_time_rate = unit.stats.on_time_rate if unit.stats else None
        unit.satisfaction_rate = unit.stats.satisfaction_rate if unit.stats else None
    units.sort(
        key=lambda u: (-(u.satisfaction_rate or 0), -(u.on_time_rate or 0), u.rehandled, u.name),
    )
    return units


def nominated_subjects(*, congress_id: int, year: int, kind: str) -> set[int]:
    """Ids of the subjects already nominated (so the form can mark them)."""
    column = {K.EXCELLENT_SUGGESTION: "suggestion_id", K.EXCELLENT_REPLY: "reply_id", K.ADVANCED_UNIT: "unit_id"}
    if kind not in column:
        return set()
    return set(Award.objects.filter(congress_id=congress_id, year=year, kind=kind).values_list(column[kind], flat=True))


def candidate_get(*, kind: str, congress_id: int, year: int, pk: int | None):
    """The chosen subject if it is eligible, else None (the service then says why)."""
    if pk is None:
        return None
    if kind == K.EXCELLENT_SUGGESTION:
        return Suggestion.objects.filter(congress_id=congress_id, pk=pk).first()
    if kind == K.EXCELLENT_REPLY:
        return Reply.objects.filter(assignment__suggestion__congress_id=congress_id, pk=pk).first()
    if kind == K.ADVANCED_UNIT:
        from accounts.models import Unit

        return Unit.objects.filter(congress_id=congress_id, pk=pk).first()
    return None


# --- Public -----------------------------------------------------------------------------------------


def public_award_years() -> list[int]:
    return list(Award.objects.filter(status=W.PUBLISHED).order_by("-year").values_list("year", flat=True).distinct())


def public_awards(*, year: int) -> list[dict]:
    """The year's published awards, by kind (kinds with none left out)."""
    awards = list(
        Award.objects.filter(status=W.PUBLISHED, year=year)
        .select_related(*_RELATED[:-1])
        .order_by("kind", "congress__parent_id", "congress_id", "pk")
    )
    sections = []
    for kind, label in K.choices:
        rows = [a for a in awards if a.kind == kind]
        if rows:
            sections.append({"kind": kind, "label": label, "awards": rows})
    return sections


def public_link(award: Award) -> int | None:
    """The id of the published suggestion the award links to, if it is published."""
    if award.kind == K.EXCELLENT_SUGGESTION and award.suggestion_id and award.suggestion.published:
        return award.suggestion_id
    if award.kind == K.EXCELLENT_REPLY and award.reply_id and award.reply.assignment.suggestion.published:
        return award.reply.assignment.suggestion_id
    return None
