"""Reads of the roster, scoped by the actor. Counts come from the rows, never stored."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts import roles
from accounts.roles import can_view_personal_data
from accounts.scoping import scoped
from core.exceptions import NotAllowed

from .models import Congress, Deputy, ElectoralUnit, Vacancy


def congress_queryset_for_actor(*, actor) -> QuerySet[Congress]:
    return scoped(Congress.objects.all(), actor, "pk")


def deputy_list_for_staff(*, actor) -> QuerySet[Deputy]:
    """Deputies of the congresses a staff member works for (all, for a superuser)."""
    if not roles.is_staff_member(actor):
        raise NotAllowed
    return reached(Deputy.objects.select_related("congress", "term", "electoral_unit", "user"), actor)


def electoral_unit_counts(*, congress_id: int, term_id: int) -> QuerySet[ElectoralUnit]:
    """Each electoral unit with its serving, suspended and pending deputies and open vacancies.

    Vacancies come from a subquery, so the deputy join does not multiply them.
    """
    open_vacancies = (
        Vacancy.objects.filter(electoral_unit=OuterRef("pk"), term_id=term_id, status=Vacancy.Status.OPEN)
        .order_by()
        .values("electoral_unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_term = Q(deputies__term_id=term_id)
    return (
        ElectoralUnit.objects.filter(congress_id=congress_id)
        .annotate(
            serving_count=Count("deputies", filter=in_term & Q(deputies__status=Deputy.Status.SERVING)),
            suspended_count=Count("deputies", filter=in_term & Q(deputies__status=Deputy.Status.SUSPENDED)),
            pending_count=Count("deputies", filter=in_term & Q(deputies__status=Deputy.Status.PENDING)),
            vacancy_count=Coalesce(Subquery(open_vacancies), Value(0)),
        )
        .order_by("order", "name")
    )


def serving_count(*, congress_id: int, term_id: int) -> int:
    return Deputy.objects.filter(congress_id=congress_id, term_id=term_id, status=Deputy.Status.SERVING).count()


def personal_data_visible(*, actor, deputy: Deputy) -> bool:
    return can_view_personal_data(actor, deputy)


# --- National and provincial deputies elected in the city (work plan item 7) ------------------

ABOVE_CITY = (Congress.Level.NATIONAL, Congress.Level.PROVINCIAL)


def served_from_q(congress_ids, prefix: str = "") -> Q:
    """National and provincial rows (deputies or groups) that one of ``congress_ids`` serves:
    named as served by it, or elected by it (a provincial deputy elected by the city congress).

    ``prefix`` leads from the row to the deputy or group (``"deputy__"``, ``"group__"``).
    """
    ids = list(congress_ids)
    return Q(**{f"{prefix}congress__level__in": ABOVE_CITY}) & (
        Q(**{f"{prefix}served_by_id__in": ids}) | Q(**{f"{prefix}electoral_unit__electing_congress_id__in": ids})
    )


def reach_q(actor, prefix: str = "") -> Q | None:
    """The deputies or groups a staff member manages: those of their congresses and below,
    and the national and provincial ones those congresses serve. None: no limit (superuser)."""
    scope = roles.congress_scope_ids(actor)
    if scope is None:
        return None
    return Q(**{f"{prefix}congress_id__in": scope}) | served_from_q(scope, prefix)


def reached(queryset, actor, prefix: str = ""):
    condition = reach_q(actor, prefix)
    return queryset if condition is None else queryset.filter(condition)


def is_served_by(target, congress_ids) -> bool:
    """The same rule as ``served_from_q`` for one loaded deputy or group."""
    if target is None or target.congress.level not in ABOVE_CITY:
        return False
    if target.served_by_id in congress_ids:
        return True
    unit = target.electoral_unit
    return unit is not None and unit.electing_congress_id in congress_ids


def in_reach(actor, target) -> bool:
    """Whether a staff member manages ``target`` (a deputy or a group), by ``reach_q``'s rule."""
    scope = roles.congress_scope_ids(actor)
    if scope is None:
        return True
    if target is None:
        return False
    return target.congress_id in scope or is_served_by(target, scope)
