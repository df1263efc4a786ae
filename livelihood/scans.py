"""Reminder scans of the livelihood cycle (registered with notifications; run by beat).

Each reminder is found by querying the database and sent under a key naming its reason, so
the unique (user, key) constraint makes it once-only however often the scan runs:

- serving deputies, a day before the collection window closes (the opening is told by
  ``cycle_open_collection``), and a day before the evaluation closes if they have not rated
  every project;
- the department's officers when an item's report is due (nothing reported for
  ``LIVELIHOOD_REPORT_DAYS`` days since the vote or the last report), then overdue (a week
  later), then the staff of the congress;
- the department's officers when an observation is past its due date, then the staff.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from deputies.models import Deputy
from notifications.registry import register_scan
from notifications.services import notify, notify_many

from .models import Cycle, Item, Observation, Project, Rating

C = Cycle.Status


def report_days() -> int:
    """Days between reports: 31 for monthly reporting (the default), 92 for quarterly."""
    return int(getattr(settings, "LIVELIHOOD_REPORT_DAYS", 31))


def _today(now) -> datetime.date:
    return timezone.localtime(now).date()


def items_report_due(today: datetime.date, *, overdue: bool = False):
    """Items of elected projects being delivered whose last report (or the vote, if none) is
    older than the reporting interval (plus a week when ``overdue``)."""
    days = report_days() + (7 if overdue else 0)
    cutoff = today - datetime.timedelta(days=days)
    since = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return (
        Item.objects.filter(project__status=Project.Status.ELECTED, project__cycle__status__in=(C.VOTED, C.EVALUATING))
        .annotate(last=Max("reports__created_at"))
        .filter(Q(last__lt=since) | Q(last__isnull=True, project__cycle__vote_held_on__lt=cutoff))
    )


def _staff_of(congress_id):
    return get_user_model().objects.filter(
        is_active=True, is_staff=True, congress_id=congress_id, groups__name=roles.GROUP_NAMES[roles.STAFF]
    )


def _deputy_users(cycle):
    return (
        get_user_model()
        .objects.filter(is_active=True, mandates__congress_id=cycle.congress_id, mandates__status=Deputy.Status.SERVING)
        .distinct()
    )


@register_scan("livelihood.window_closing")
def window_closing(now) -> int:
    tomorrow = _today(now) + datetime.timedelta(days=1)
    sent = 0
    for cycle in Cycle.objects.filter(status=C.COLLECTING, closes_on=tomorrow):
        sent += len(
            notify_many(
                _deputy_users(cycle),
                key=f"livelihood:cycle:{cycle.pk}:closing",
                title=_("Tomorrow the collection of livelihood candidates for %(year)d closes") % {"year": cycle.year},
                url="/portal/livelihood/",
            )
        )
    return sent


@register_scan("livelihood.evaluation_closing")
def evaluation_closing(now) -> int:
    tomorrow = _today(now) + datetime.timedelta(days=1)
    sent = 0
    for cycle in Cycle.objects.filter(status=C.EVALUATING, evaluation_closes_on=tomorrow):
        elected = cycle.projects.filter(status__in=(Project.Status.ELECTED, Project.Status.COMPLETED)).count()
        done = (
            Rating.objects.filter(project__cycle=cycle)
            .values("deputy")
            .annotate(n=Count("pk"))
            .filter(n__gte=elected)
            .values("deputy")
        )
        sent += len(
            notify_many(
                _deputy_users(cycle).exclude(mandates__in=done),
                key=f"livelihood:cycle:{cycle.pk}:evaluation_closing",
                title=_("Tomorrow the evaluation of the livelihood projects %(year)d closes") % {"year": cycle.year},
                url="/portal/livelihood/",
            )
        )
    return sent


@register_scan("livelihood.report_reminders")
def report_reminders(now) -> int:
    today = _today(now)
    sent = 0
    stamp = f"{today:%Y%m}"
    for stage, overdue in (("due", False), ("overdue", True)):
        items = items_report_due(today, overdue=overdue).select_related("project__cycle", "department")
        for item in items:
            title = (_("Progress report due: %(item)s") if not overdue else _("Progress report overdue: %(item)s")) % {
                "item": item.title
            }
            for officer in item.department.officers.filter(is_active=True):
                sent += (
                    notify(
                        officer,
                        key=f"livelihood:item:{item.pk}:report_{stage}:{stamp}",
                        title=title,
                        url=f"/unit/livelihood/items/{item.pk}/",
                    )
                    is not None
                )
            if overdue:
                for user in _staff_of(item.project.cycle.congress_id):
                    sent += (
                        notify(
                            user,
                            key=f"livelihood:item:{item.pk}:report_overdue_staff:{stamp}",
                            title=_("%(unit)s has not reported on %(item)s")
                            % {"unit": item.department.name, "item": item.title},
                            url=f"/office/livelihood/projects/{item.project_id}/",
                        )
                        is not None
                    )
    return sent


@register_scan("livelihood.observation_reminders")
def observation_reminders(now) -> int:
    today = _today(now)
    sent = 0
    late = Observation.objects.filter(status=Observation.Status.OPEN, due_on__lt=today).select_related(
        "project__department", "project__cycle"
    )
    for obs in late:
        for officer in obs.project.department.officers.filter(is_active=True):
            sent += (
                notify(
                    officer,
                    key=f"livelihood:observation:{obs.pk}:overdue",
                    title=_("A deputy's observation on %(project)s is past its due date")
                    % {"project": obs.project.title},
                    url=f"/unit/livelihood/observations/{obs.pk}/",
                )
                is not None
            )
        for user in _staff_of(obs.project.cycle.congress_id):
            sent += (
                notify(
                    user,
                    key=f"livelihood:observation:{obs.pk}:overdue_staff",
                    title=_("Unanswered observation on %(project)s") % {"project": obs.project.title},
                    url=f"/office/livelihood/projects/{obs.project_id}/",
                )
                is not None
            )
    return sent
