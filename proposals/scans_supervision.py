"""Reminders of the key-supervision progress reports (重点督办进展报送).

A unit handling a supervised item reports every ``report_every_days``; when its last report
(or, before the first, the selection date) is that old, each active officer is told once per
due period: the key names the due date, so a second pass sends nothing and the next period,
or a new report, starts a new key.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.registry import register_scan
from notifications.services import Message, notify_each

from .models import Assignment, KeySupervisionProgress, Suggestion
from .services_supervision import REPORTING_ROLES

FINISHED = (Suggestion.Status.CLOSED, Suggestion.Status.MERGED)


def due_date(base: datetime.date, every: int, today: datetime.date) -> datetime.date:
    """The due date of the current period: ``base + every``, or the latest one passed since."""
    first = base + datetime.timedelta(days=every)
    if today <= first:
        return first
    periods = (today - base).days // every
    return base + datetime.timedelta(days=periods * every)


@register_scan("proposals.supervision_reports")
def supervision_reports(now) -> int:
    """Three queries whatever the number of items: the reporting units, their last reports, the officers."""
    today = timezone.localtime(now).date()
    pairs = list(
        Assignment.objects.filter(suggestion__key_supervision__isnull=False, role__in=REPORTING_ROLES)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .exclude(suggestion__status__in=FINISHED)
        .values_list(
            "suggestion__key_supervision__id",
            "unit_id",
            "suggestion__key_supervision__selected_on",
            "suggestion__key_supervision__report_every_days",
            "suggestion__title",
        )
        .distinct()
        .order_by("suggestion__key_supervision__id", "unit_id")
    )
    if not pairs:
        return 0
    last = {
        (row["supervision_id"], row["unit_id"]): row["last"]
        for row in KeySupervisionProgress.objects.filter(
            supervision_id__in={p[0] for p in pairs}, unit_id__isnull=False
        )
        .values("supervision_id", "unit_id")
        .annotate(last=Max("reported_on"))
    }
    officers: dict[int, list[tuple[int, str]]] = {}
    for user_id, unit_id, email in (
        get_user_model()
        .objects.filter(unit_id__in={p[1] for p in pairs}, is_active=True)
        .values_list("pk", "unit_id", "email")
    ):
        officers.setdefault(unit_id, []).append((user_id, email))
    subject = _("Key-supervision progress report due (%(date)s): %(title)s")
    body = _("Please file the progress report of this key-supervision item on the unit's supervision page.")
    messages = []
    for supervision_id, unit_id, selected_on, every, title in pairs:
        base = last.get((supervision_id, unit_id)) or selected_on
        due = due_date(base, every, today)
        if today < due:
            continue
        key = f"ks-report:{supervision_id}:{unit_id}:{due:%Y%m%d}"
        for user_id, email in officers.get(unit_id, []):
            messages.append(
                Message(
                    user_id,
                    key,
                    subject % {"date": due, "title": title},
                    body,
                    "/unit/supervision/",
                    email=bool(email),
                )
            )
    return len(notify_each(messages))
