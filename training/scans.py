"""Reminder scans of the training app (registered with notifications; run by beat).

Each reminder is found by querying the database and sent under a key naming its reason, so
the unique (user, key) constraint makes it once-only however often the scan runs:

- enrolled deputies, the day before a session (the key carries the date: a moved session
  is reminded again);
- deputies of the audience who have not read an important material
  ``TRAINING_UNREAD_REMINDER_DAYS`` days after it was sent, once;
- a unit's officers when a data request is due within two days, and when it is past due;
  the staff of the request's congress once it is ``TRAINING_REQUEST_ESCALATE_DAYS`` days late;
- assigned courses: deputies who joined the audience since it was published are enrolled.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from notifications.registry import register_digest_section, register_scan
from notifications.services import Message, notify_each

from . import audience
from .models import Course, DataRequest, Enrolment, Material, Receipt, Session
from .services import unread_reminder_days

S = DataRequest.Status
SOON_DAYS = 2
# Materials older than this are not reminded by the scan any more (staff may still remind once).
UNREAD_HORIZON_DAYS = 60


def escalate_days() -> int:
    return int(getattr(settings, "TRAINING_REQUEST_ESCALATE_DAYS", 3))


def _today(now) -> datetime.date:
    return timezone.localtime(now).date()


def _message(user, *, key, title, body="", url=""):
    return Message(user_id=user.pk, key=key, title=title[:200], body=body, url=url, email=bool(user.email))


@register_scan("training.session_eve")
def session_eve(now) -> int:
    tomorrow = _today(now) + datetime.timedelta(days=1)
    sessions = list(Session.objects.filter(date=tomorrow, course__published_at__isnull=False).select_related("course"))
    messages = []
    enrolments = Enrolment.objects.filter(
        course__in={s.course_id for s in sessions}, deputy__user__is_active=True
    ).select_related("deputy__user")
    by_course: dict[int, list] = {}
    for e in enrolments:
        by_course.setdefault(e.course_id, []).append(e.deputy.user)
    for session in sessions:
        for user in by_course.get(session.course_id, []):
            messages.append(
                _message(
                    user,
                    key=f"training:session:{session.pk}:{session.date:%Y%m%d}:eve",
                    title=_("Tomorrow: %(title)s") % {"title": session.course.title},
                    body=_("%(start)s–%(end)s, %(place)s.")
                    % {
                        "start": session.start_time.strftime("%H:%M"),
                        "end": session.end_time.strftime("%H:%M"),
                        "place": session.place or session.course.place or session.course.online_link,
                    },
                    url=f"/portal/training/courses/{session.course_id}/",
                )
            )
    return len(notify_each(messages))


@register_scan("training.unread_important")
def unread_important(now) -> int:
    cutoff = now - datetime.timedelta(days=unread_reminder_days())
    horizon = now - datetime.timedelta(days=UNREAD_HORIZON_DAYS)
    messages = []
    for material in Material.objects.filter(important=True, published_at__lte=cutoff, published_at__gte=horizon):
        unread = (
            audience.deputies_in(material)
            .filter(user__is_active=True)
            .exclude(pk__in=Receipt.objects.filter(material=material).values("deputy_id"))
            .select_related("user")
        )
        for deputy in unread:
            messages.append(
                _message(
                    deputy.user,
                    key=f"training:material:{material.pk}:unread",
                    title=_("Not read yet: %(title)s") % {"title": material.title},
                    body=_("An important material sent to you %(n)d days ago.") % {"n": unread_reminder_days()},
                    url=f"/portal/training/materials/{material.pk}/",
                )
            )
    return len(notify_each(messages))


@register_scan("training.request_deadlines")
def request_deadlines(now) -> int:
    today = _today(now)
    routed = list(
        DataRequest.objects.filter(status=S.ROUTED, due__lte=today + datetime.timedelta(days=SOON_DAYS))
        .select_related("unit")
        .order_by("due", "pk")
    )
    if not routed:
        return 0
    officers: dict[int, list] = {}
    for user in get_user_model().objects.filter(is_active=True, unit_id__in={r.unit_id for r in routed}):
        officers.setdefault(user.unit_id, []).append(user)
    staff: dict[int, list] = {}
    late = [r for r in routed if r.due < today - datetime.timedelta(days=escalate_days())]
    if late:
        for user in (
            get_user_model()
            .objects.filter(
                is_active=True,
                is_staff=True,
                groups__name=roles.GROUP_NAMES[roles.STAFF],
                congress_id__in={r.congress_id for r in late},
            )
            .distinct()
        ):
            staff.setdefault(user.congress_id, []).append(user)
    messages = []
    for r in routed:
        reason = "late" if r.due < today else "soon"
        for user in officers.get(r.unit_id, []):
            messages.append(
                _message(
                    user,
                    key=f"training:request:{r.pk}:{r.due:%Y%m%d}:{reason}",
                    title=(
                        _("A data request is past its deadline: %(subject)s")
                        if reason == "late"
                        else _("A data request is due soon: %(subject)s")
                    )
                    % {"subject": r.subject},
                    body=_("Answer due %(date)s.") % {"date": r.due},
                    url=f"/unit/training/{r.pk}/",
                )
            )
        if r in late:
            for user in staff.get(r.congress_id, []):
                messages.append(
                    _message(
                        user,
                        key=f"training:request:{r.pk}:{r.due:%Y%m%d}:escalated",
                        title=_("A unit has not answered a data request: %(subject)s") % {"subject": r.subject},
                        body=_("%(unit)s, answer was due %(date)s.") % {"unit": r.unit.name, "date": r.due},
                        url=f"/office/training/requests/{r.pk}/",
                    )
                )
    return len(notify_each(messages))


@register_scan("training.assigned_audience")
def assigned_audience(now) -> int:
    """Deputies who joined an assigned course's audience after it was published are enrolled."""
    from .services_courses import course_sync_assigned

    today = _today(now)
    courses = Course.objects.filter(
        enrolment=Course.Enrolment.ASSIGNED, published_at__isnull=False, sessions__date__gte=today
    ).distinct()
    return sum(course_sync_assigned(course=course) for course in courses)


@register_digest_section("training")
def digest(user, now) -> list[str]:
    from accounts.scoping import scoped

    today = _today(now)
    rows = scoped(DataRequest.objects.filter(status=S.ROUTED, due__lt=today), user)
    count = rows.count()
    if not count:
        return []
    return [_("%(n)d data requests are past their deadline.") % {"n": count}]
