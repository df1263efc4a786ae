"""Reads of suggestions, scoped by the actor.

Modules by audience: ``portal`` (deputies), ``unit`` (handling-unit officers),
``office`` (staff), ``public`` (anonymous). Shared here: who may see which item.
"""

from django.db.models import Q
from django.http import Http404

from accounts import roles

from ..models import Suggestion

S = Suggestion.Status


def visible_suggestions(*, actor):
    """Every suggestion the actor may open.

    - staff: their congresses' items, drafts excluded unless entered by staff;
    - a deputy: items they lead or were invited to co-sign (drafts of others: never);
    - a unit officer: items assigned to their unit (withdrawn assignments included, read-only);
    - anyone: published items.
    """
    qs = Suggestion.objects.all()
    if not getattr(actor, "is_authenticated", False):
        return qs.filter(published=True)
    condition = Q(published=True)
    if roles.is_staff_member(actor):
        scope = roles.congress_scope_ids(actor)
        staff_q = ~Q(status=S.DRAFT) | Q(entered_by_staff=True)
        if scope is not None:
            staff_q &= Q(congress_id__in=scope)
        condition |= staff_q
    condition |= Q(lead_deputy__user=actor)
    condition |= Q(cosigners__deputy__user=actor) & ~Q(status=S.DRAFT) | Q(
        cosigners__deputy__user=actor, cosigners__status="invited"
    )
    if actor.unit_id:
        condition |= Q(assignments__unit_id=actor.unit_id)
    return qs.filter(condition).distinct()


def suggestion_get_for_actor(*, actor, pk: int) -> Suggestion:
    """The item if the actor may see it; 404 otherwise (never reveal that it exists)."""
    suggestion = (
        visible_suggestions(actor=actor)
        .select_related("congress", "session", "field", "lead_deputy", "lead_deputy__electoral_unit", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if suggestion is None:
        raise Http404
    return suggestion
