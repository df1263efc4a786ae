"""Reminder scans of the activity ledger and deputies' letters (registered with notifications).

Each reminder has a key per reason, so the unique constraint on notifications makes it
once-only however often the scan runs.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scoped
from notifications.registry import register_digest_section, register_scan
from notifications.services import notify

from .models import Activity, DeputyLetter, Participation
from .services import letter_url

# Days after an activity ends before its recorder is reminded; then a second time.
ATTENDANCE_REMINDER_DAYS = (2, 7)
# Days before a letter's reply deadline when the body's officers are reminded.
LETTER_DUE_SOON_DAYS = 7
# Days after a reply when a deputy who has not given feedback is reminded.
LETTER_FEEDBACK_DAYS = 7


@register_scan("deputies.attendance_overdue")
def attendance_overdue(now) -> int:
    today = timezone.localtime(now).date()
    sent = 0
    for days in ATTENDANCE_REMINDER_DAYS:
        due = Activity.objects.filter(
            attendance_closed_at__isnull=True, end_date__lte=today - datetime.timedelta(days=days)
        ).select_related("recorder")
        for activity in due:
            if notify(
                activity.recorder,
                key=f"activity:{activity.pk}:attendance-overdue-{days}d",
                title=_("Please record attendance: %(title)s") % {"title": activity.title},
                body=_("The activity ended on %(date)s. Whoever organises records it.") % {"date": activity.end_date},
                url=f"/activities/{activity.pk}/attendance/",
            ):
                sent += 1
    return sent


@register_scan("deputies.activity_day_before")
def activity_day_before(now) -> int:
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    rows = (
        Participation.objects.filter(
            activity__start_date=tomorrow,
            status__in=[Participation.Status.ACCEPTED, Participation.Status.INVITED],
            deputy__user__isnull=False,
        )
        .exclude(
            # The deputy on duty at a station is reminded by the station's own scan, with the hours.
            activity__kind=Activity.Kind.STATION
        )
        .select_related("activity", "deputy__user")
    )
    sent = 0
    for p in rows:
        if notify(
            p.deputy.user,
            key=f"activity:{p.activity_id}:day-before",
            title=_("Tomorrow: %(title)s") % {"title": p.activity.title},
            body=_("%(place)s. %(hint)s")
            % {
                "place": p.activity.place or p.activity.organiser,
                "hint": _("You have not answered the invitation yet.")
                if p.status == Participation.Status.INVITED
                else "",
            },
            url="/portal/activities/",
        ):
            sent += 1
    return sent


@register_scan("deputies.letters")
def letter_deadlines(now) -> int:
    today = timezone.localtime(now).date()
    sent = 0
    soon = DeputyLetter.objects.filter(
        status=DeputyLetter.Status.FORWARDED,
        reply_due__lte=today + datetime.timedelta(days=LETTER_DUE_SOON_DAYS),
        reply_due__gte=today,
    ).select_related("body")
    overdue = DeputyLetter.objects.filter(status=DeputyLetter.Status.FORWARDED, reply_due__lt=today).select_related(
        "body"
    )
    for letter, key, title in [
        *((x, "due-soon", _("Reply due on %(date)s: %(subject)s")) for x in soon),
        *((x, "overdue", _("Reply overdue since %(date)s: %(subject)s")) for x in overdue),
    ]:
        for officer in letter.body.officers.filter(is_active=True) if letter.body_id else []:
            if notify(
                officer,
                key=f"letter:{letter.pk}:{key}",
                title=title % {"date": letter.reply_due, "subject": letter.subject},
                body=letter.content[:500],
                url=letter_url(letter, "unit"),
            ):
                sent += 1
    waiting = DeputyLetter.objects.filter(
        status=DeputyLetter.Status.REPLIED,
        replied_on__lte=today - datetime.timedelta(days=LETTER_FEEDBACK_DAYS),
        deputy__user__isnull=False,
    ).select_related("deputy__user")
    for letter in waiting:
        if notify(
            letter.deputy.user,
            key=f"letter:{letter.pk}:feedback-missing",
            title=_("Your feedback is still missing: %(subject)s") % {"subject": letter.subject},
            url=letter_url(letter, "portal"),
        ):
            sent += 1
    return sent


@register_digest_section("deputies")
def overdue_for_staff(user, now) -> list[str]:
    today = timezone.localtime(now).date()
    lines = []
    activities = scoped(
        Activity.objects.filter(attendance_closed_at__isnull=True, end_date__lt=today - datetime.timedelta(days=2)),
        user,
        "congress_id",
    ).order_by("end_date")[:50]
    for a in activities:
        lines.append(_("Attendance not recorded: %(title)s (ended %(date)s)") % {"title": a.title, "date": a.end_date})
    letters = scoped(
        DeputyLetter.objects.filter(Q(status=DeputyLetter.Status.FORWARDED), reply_due__lt=today),
        user,
        "deputy__congress_id",
    ).order_by("reply_due")[:50]
    for letter in letters:
        lines.append(
            _("Deputy's letter unanswered: %(subject)s (due %(date)s)")
            % {"subject": letter.subject, "date": letter.reply_due}
        )
    return lines
