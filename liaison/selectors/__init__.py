"""Reads of stations, duties and opinions, scoped by the actor.

Modules by audience: ``public`` (anonymous: stations, their deputies' names, the schedule,
an opinion by its private link), ``portal`` (a deputy's duties and the opinions assigned to
them), ``office`` (staff of the station's congress). Shared here: the working-day cut-offs.
"""

import datetime

from django.db.models import Q

from core.models import HolidayOverride
from core.workdays import is_workday

from ..models import Opinion
from ..services import answer_workdays


def workdays_ago(today: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days before ``today``: a case assigned on or before it has
    waited at least that many working days."""
    horizon = today - datetime.timedelta(days=days * 3 + 30)
    overrides = dict(
        HolidayOverride.objects.filter(date__gte=horizon, date__lte=today).values_list("date", "is_workday")
    )
    current, counted = today, 0
    while counted < days:
        if is_workday(current, overrides):
            counted += 1
        current -= datetime.timedelta(days=1)
    return current


def overdue_q(today: datetime.date, days: int | None = None, prefix: str = "") -> Q:
    """Assigned cases still unanswered after ``days`` working days (the setting by default)."""
    cutoff = workdays_ago(today, answer_workdays() if days is None else days)
    return Q(**{f"{prefix}status": Opinion.Status.ASSIGNED, f"{prefix}assigned_at__date__lte": cutoff})
