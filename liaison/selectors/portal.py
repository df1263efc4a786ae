"""Reads for deputies in the portal: their coming station duties and the opinions assigned to them."""

import datetime

from django.http import Http404
from django.utils import timezone

from ..models import Duty, Opinion


def duties_for_user(*, user, today: datetime.date | None = None):
    """The user's duties from today on, across all their mandates (not the cancelled ones)."""
    today = today or timezone.localdate()
    return (
        Duty.objects.filter(deputy__user=user, date__gte=today, cancelled_at__isnull=True)
        .select_related("station", "deputy")
        .order_by("date", "start_time", "pk")
    )


def opinions_for_assignee(*, user):
    """Opinions assigned to the user (only those: a deputy never sees another's)."""
    return Opinion.objects.filter(assignee=user).select_related("station", "deputy").order_by("-assigned_at", "-pk")


def opinion_get_for_assignee(*, user, pk: int) -> Opinion:
    opinion = opinions_for_assignee(user=user).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    return opinion
