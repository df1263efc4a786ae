"""Reads for the public pages: active stations, their deputies' public names, the coming
schedule, and one opinion by its private link. Nothing here returns a deputy's contact
details or any opinion but the one whose token was given."""

import datetime
import hmac

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from deputies.models import Deputy

from ..models import Duty, Opinion, Station
from ..services import token_hash

SCHEDULE_DAYS = 28
# Longer than any token we hand out: anything beyond is not a link of ours.
TOKEN_MAX_LENGTH = 100


def public_deputies():
    """A deputy as the public sees them (serving, shown publicly): the name, nothing else."""
    return (
        Deputy.objects.filter(status=Deputy.Status.SERVING, is_public=True)
        .only("id", "name", "congress_id")
        .order_by("name", "pk")
    )


def stations_public(*, q: str = ""):
    """Active stations by district, street and name; ``q`` matches the street or the name."""
    rows = Station.objects.filter(is_active=True).select_related("congress")
    if q:
        rows = rows.filter(Q(street__icontains=q) | Q(name__icontains=q) | Q(district__icontains=q))
    return rows.annotate(
        deputy_count=Count("deputies", filter=Q(deputies__status=Deputy.Status.SERVING), distinct=True)
    ).order_by("district", "street", "name", "pk")


def station_get_public(*, pk: int, today: datetime.date | None = None) -> Station:
    """An active station with ``public_deputies`` and ``schedule`` (the next four weeks); 404 otherwise."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=SCHEDULE_DAYS)
    station = (
        Station.objects.filter(pk=pk, is_active=True)
        .select_related("congress")
        .prefetch_related(
            Prefetch("deputies", queryset=public_deputies(), to_attr="public_deputies"),
            Prefetch(
                "duties",
                queryset=Duty.objects.filter(date__gte=today, date__lt=until, cancelled_at__isnull=True)
                .select_related("deputy")
                .only("pk", "station_id", "date", "start_time", "end_time", "deputy__id", "deputy__name")
                .order_by("date", "start_time", "pk"),
                to_attr="schedule",
            ),
        )
        .first()
    )
    if station is None:
        raise Http404
    return station


def opinion_by_token(token: str) -> Opinion:
    """The opinion whose private link carries ``token``; 404 for any other value."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise Http404
    wanted = token_hash(token)
    opinion = Opinion.objects.filter(token_hash=wanted).select_related("station").first()
    # The lookup found it by an indexed equal hash; compare again in constant time.
    if opinion is None or not hmac.compare_digest(opinion.token_hash, wanted):
        raise Http404
    return opinion
