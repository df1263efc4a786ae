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
    qs = Deputy.objects.select_related("congress", "term", "electoral_unit", "user")
    condition = roles.deputy_scope_q(actor)
    return qs if condition is None else qs.filter(condition)


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
