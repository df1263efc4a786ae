"""Reads for the office's pages (``/office/opinions/``, ``/office/stations/``): staff only,
scoped to their congresses; anything else answers 403 (not staff) or 404 (outside the scope)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from accounts import roles
from accounts.scoping import scoped
from deputies.models import Deputy

from ..models import Duty, Opinion, OpinionEvent, Station
from . import overdue_q


def require_staff(actor) -> None:
    if not roles.is_staff_member(actor):
        raise PermissionDenied


def opinions_for_office(*, actor, status: str = "", station_id: int | None = None, overdue: bool = False):
    """The office's opinions; ``overdue``: assigned and unanswered past the working days allowed."""
    require_staff(actor)
    rows = scoped(Opinion.objects.all(), actor, "station__congress_id").select_related("station", "assignee")
    if status:
        rows = rows.filter(status=status)
    if station_id:
        rows = rows.filter(station_id=station_id)
    if overdue:
        rows = rows.filter(overdue_q(timezone.localdate()))
    return rows.order_by("-created_at", "-pk")


def opinion_get_for_office(*, actor, pk: int) -> Opinion:
    opinion = (
        opinions_for_office(actor=actor)
        .select_related("station__congress", "deputy")
        .prefetch_related(Prefetch("events", queryset=OpinionEvent.objects.select_related("actor")))
        .filter(pk=pk)
        .first()
    )
    if opinion is None:
        raise Http404
    return opinion


def stations_for_office(*, actor):
    require_staff(actor)
    return (
        scoped(Station.objects.all(), actor)
        .select_related("congress")
        .annotate(
            deputy_count=Count("deputies", distinct=True),
            open_opinions=Count(
                "opinions",
                filter=Q(opinions__status__in=[Opinion.Status.HELD, Opinion.Status.RECEIVED, Opinion.Status.ASSIGNED]),
                distinct=True,
            ),
        )
        .order_by("district", "street", "name", "pk")
    )


def station_get_for_office(*, actor, pk: int) -> Station:
    require_staff(actor)
    station = (
        scoped(Station.objects.all(), actor)
        .select_related("congress")
        .prefetch_related(
            Prefetch(
                "deputies",
                queryset=Deputy.objects.filter(status=Deputy.Status.SERVING).order_by("name", "pk"),
                to_attr="serving_deputies",
            ),
            Prefetch(
                "duties",
                queryset=Duty.objects.filter(date__gte=timezone.localdate())
                .select_related("deputy", "cancelled_by")
                .order_by("date", "start_time", "pk"),
                to_attr="coming_duties",
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if station is None:
        raise Http404
    return station


def duty_get_for_office(*, actor, pk: int) -> Duty:
    """A duty at a station of the actor's congresses (its station and deputy loaded); 404 otherwise."""
    require_staff(actor)
    duty = (
        scoped(Duty.objects.all(), actor, "station__congress_id")
        .select_related("station", "deputy__user", "activity")
        .filter(pk=pk)
        .first()
    )
    if duty is None:
        raise Http404
    return duty


def station_choices_for_office(*, actor) -> list[tuple[int, str]]:
    require_staff(actor)
    return list(scoped(Station.objects.all(), actor).order_by("district", "name").values_list("pk", "name"))
