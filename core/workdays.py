"""Working days in China: public holidays and make-up working days (调休).

The chinese-calendar package knows each year once the State Council publishes it.
For a year it does not know yet, Monday to Friday count as working days, corrected
by the office's own HolidayOverride rows (entered in the admin when the schedule is out).
"""

import datetime
import logging

import chinese_calendar
import chinese_calendar.constants

logger = logging.getLogger(__name__)


# The years whose official schedule the installed package carries.
KNOWN_YEARS = frozenset(d.year for d in chinese_calendar.constants.holidays)


def is_workday(day: datetime.date, overrides: dict[datetime.date, bool] | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    if day.year not in KNOWN_YEARS:
        return day.weekday() < 5
    return chinese_calendar.is_workday(day)


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (the start day itself not counted)."""
    from .models import HolidayOverride

    horizon = start + datetime.timedelta(days=days * 3 + 30)
    overrides = dict(
        HolidayOverride.objects.filter(date__gt=start, date__lte=horizon).values_list("date", "is_workday")
    )
    current, counted = start, 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if is_workday(current, overrides):
            counted += 1
    return current


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end is earlier)."""
    from .models import HolidayOverride

    if end < start:
        return -workdays_between(end, start)
    overrides = dict(HolidayOverride.objects.filter(date__gt=start, date__lte=end).values_list("date", "is_workday"))
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_workday(current, overrides):
            count += 1
    return count
