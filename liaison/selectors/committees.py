"""Reads of the office's committee and professional-group pages: each committee with its
liaison deputies (对口联系代表), the activities it organised, its SC-meeting topics and its
consultations; each professional group (专业代表小组) with its members and its activities.

Staff only, scoped to their congresses. Counts are annotations and the lists prefetches, so
the number of queries does not grow with the committees, groups, deputies or activities.
"""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from accounts.scoping import scoped
from activities.models import Activity
from deputies.models import Deputy, DeputyGroup

from ..models import Committee, Consultation, Topic
from .contacts import require_staff


def _activities():
    return (
        Activity.objects.select_related("congress")
        .annotate(
            invited=Count("participations", distinct=True),
            attended=Count("participations", filter=Q(participations__status="attended"), distinct=True),
        )
        .order_by("-start_date", "-pk")
    )


def committees_for_office(*, actor):
    require_staff(actor)
    return (
        scoped(Committee.objects.all(), actor)
        .select_related("congress")
        .annotate(
            liaison_count=Count("liaison_deputies", distinct=True),
            activity_count=Count("activities", distinct=True),
            topic_count=Count("topics", distinct=True),
            consultation_count=Count("consultations", distinct=True),
        )
        .order_by("congress__level", "congress_id", "kind", "name", "pk")
    )


def groups_for_office(*, actor):
    """The professional groups of the current terms of the actor's congresses."""
    require_staff(actor)
    return (
        scoped(DeputyGroup.objects.filter(kind=DeputyGroup.Kind.PROFESSIONAL, term__is_current=True), actor)
        .select_related("congress")
        .annotate(member_count=Count("members", distinct=True), activity_count=Count("activities", distinct=True))
        .order_by("congress__level", "congress_id", "name", "pk")
    )


def committee_get_for_office(*, actor, pk: int) -> Committee:
    """A committee with ``deputies`` (its liaison deputies), ``organised`` (its activities),
    ``topic_list`` and ``consultation_list``; 404 outside the actor's congresses."""
    require_staff(actor)
    committee = (
        scoped(Committee.objects.all(), actor)
        .select_related("congress")
        .prefetch_related(
            Prefetch(
                "liaison_deputies",
                queryset=Deputy.objects.select_related("electoral_unit").order_by("name", "pk"),
                to_attr="deputies",
            ),
            Prefetch("activities", queryset=_activities(), to_attr="organised"),
            Prefetch(
                "topics",
                queryset=Topic.objects.select_related("meeting")
                .annotate(invited=Count("invitations", distinct=True), opinion_count=Count("opinions", distinct=True))
                .order_by("-meeting__start_date", "order", "pk"),
                to_attr="topic_list",
            ),
            Prefetch(
                "consultations",
                queryset=Consultation.objects.order_by("-closes_on", "-pk"),
                to_attr="consultation_list",
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if committee is None:
        raise Http404
    return committee


def group_get_for_office(*, actor, pk: int) -> DeputyGroup:
    """A professional group with ``deputies`` (its members) and ``organised`` (its activities)."""
    require_staff(actor)
    group = (
        scoped(DeputyGroup.objects.filter(kind=DeputyGroup.Kind.PROFESSIONAL), actor)
        .select_related("congress", "term")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Deputy.objects.select_related("electoral_unit").order_by("name", "pk"),
                to_attr="deputies",
            ),
            Prefetch("activities", queryset=_activities(), to_attr="organised"),
        )
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404
    return group
