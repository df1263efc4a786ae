"""The audience rule of a course or a material, both ways round.

``deputies_in(obj)``: the serving deputies the rule takes in today (for the office's unread
list, an assigned course's enrolment, notifications). ``visible_q(user)``: a Q over courses
or materials that a deputy user is in the audience of, built from a fixed handful of queries
on the user's own mandates, so a list page costs the same with 5 items or 500.

Because both are evaluated when asked, a deputy who joins the group or the electoral unit,
or is by-elected, after a material was sent is in its audience from then on.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from deputies.models import Deputy, DeputyGroup, StandingCommitteeMember

from .models import AudienceKind

A = AudienceKind
CHAIR_POSITIONS = (StandingCommitteeMember.Position.DIRECTOR, StandingCommitteeMember.Position.DEPUTY_DIRECTOR)


def chairs_q(congress_id) -> Q:
    """Deputies holding a current leader's seat of a congress just below ``congress_id``."""
    return Q(
        sc_seats__position__in=CHAIR_POSITIONS,
        sc_seats__end_date__isnull=True,
        sc_seats__term__is_current=True,
        sc_seats__term__congress__parent_id=congress_id,
    )


def audience_q(obj) -> Q:
    """The audience rule of ``obj`` (a Course or a Material) as a condition on deputies, without
    joins that repeat a deputy's row: several audiences can be counted in one scan."""
    kind = obj.audience
    if kind == A.ALL:
        return Q(congress_id=obj.congress_id)
    if kind == A.GROUP:
        members = Deputy.groups.through.objects.filter(deputygroup_id=obj.audience_group_id)
        return Q(pk__in=members.values("deputy_id"))
    if kind == A.ELECTORAL_UNIT:
        return Q(congress_id=obj.congress_id, electoral_unit_id=obj.audience_unit_id)
    if kind == A.BY_ELECTED:
        elected = Deputy.objects.filter(
            congress_id=obj.congress_id, by_election_result__by_election__held_on__gte=obj.audience_since
        )
        return Q(pk__in=elected.values("pk"))
    if kind == A.CUSTOM:
        return Q(pk__in=obj.audience_deputies.through.objects.filter(**{_owner(obj): obj.pk}).values("deputy_id"))
    if kind == A.DISTRICT_CHAIRS:
        return Q(pk__in=Deputy.objects.filter(chairs_q(obj.congress_id)).values("pk"))
    return Q(pk__in=[])


def deputies_in(obj):
    """Serving deputies in ``obj``'s audience (a Course or a Material)."""
    return Deputy.objects.filter(audience_q(obj), status=Deputy.Status.SERVING)


def _owner(obj) -> str:
    return f"{obj._meta.model_name}_id"


@dataclass
class Mandates:
    """What the audience rule needs to know of one user's serving mandates."""

    ids: list[int] = field(default_factory=list)
    congress_ids: set[int] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)
    # (congress id, by-election date) for each by-elected mandate.
    by_elected: list = field(default_factory=list)
    # Congresses whose district chairs the user is among (the parents of the congresses they chair).
    chair_of_parent_ids: set[int] = field(default_factory=set)
    deputies: list = field(default_factory=list)


def mandates_of(user) -> Mandates:
    """Three queries: the mandates (with by-election), their groups, their leader seats."""
    found = Mandates()
    if not getattr(user, "is_authenticated", False):
        return found
    cached = getattr(user, "_training_mandates", None)
    if cached is not None:
        return cached
    mandates = list(
        Deputy.objects.filter(user=user, status=Deputy.Status.SERVING).select_related(
            "by_election_result__by_election", "congress"
        )
    )
    found.deputies = mandates
    for d in mandates:
        found.ids.append(d.pk)
        found.congress_ids.add(d.congress_id)
        found.unit_ids.add(d.electoral_unit_id)
        result = getattr(d, "by_election_result", None)
        if result is not None:
            found.by_elected.append((d.congress_id, result.by_election.held_on))
    if found.ids:
        found.group_ids = set(DeputyGroup.objects.filter(members__in=found.ids).values_list("pk", flat=True))
        found.chair_of_parent_ids = set(
            StandingCommitteeMember.objects.filter(
                deputy_id__in=found.ids,
                position__in=CHAIR_POSITIONS,
                end_date__isnull=True,
                term__is_current=True,
                term__congress__parent_id__isnull=False,
            ).values_list("term__congress__parent_id", flat=True)
        )
    user._training_mandates = found
    return found


def visible_q(mandates: Mandates, through_model, owner: str) -> Q:
    """Courses or materials whose audience takes in one of the mandates.

    ``through_model`` is the custom list's M2M table, ``owner`` its column for the course or
    material (``course_id``, ``material_id``).
    """
    if not mandates.ids:
        return Q(pk__in=[])
    q = Q(audience=A.ALL, congress_id__in=mandates.congress_ids)
    q |= Q(audience=A.GROUP, audience_group_id__in=mandates.group_ids)
    q |= Q(audience=A.ELECTORAL_UNIT, audience_unit_id__in=mandates.unit_ids)
    for congress_id, held_on in mandates.by_elected:
        q |= Q(audience=A.BY_ELECTED, congress_id=congress_id, audience_since__lte=held_on)
    q |= Q(
        audience=A.CUSTOM,
        pk__in=through_model.objects.filter(deputy_id__in=mandates.ids).values(owner),
    )
    if mandates.chair_of_parent_ids:
        q |= Q(audience=A.DISTRICT_CHAIRS, congress_id__in=mandates.chair_of_parent_ids)
    return q


def mandates_in(obj, mandates: Mandates) -> list:
    """The user's mandates that ``obj``'s audience takes in (one query)."""
    if not mandates.ids:
        return []
    ids = set(deputies_in(obj).filter(pk__in=mandates.ids).values_list("pk", flat=True))
    return [d for d in mandates.deputies if d.pk in ids]
