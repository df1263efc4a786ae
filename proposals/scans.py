"""Reminder scans for suggestions (registered with notifications; run by beat every few minutes).

Each reminder is found by querying the database and sent with ``notify`` under a key
naming its reason, so the unique (user, key) constraint makes it once-only however often
the scan runs, and a lost queue message is caught by the next scan.

Sent here:
- units: 15 and 3 days before the reply deadline, overdue (then weekly), the last working
  day of the re-assignment window, commitments 7 days before their due date and overdue;
- deputies: the rating still missing some days after a reply;
- staff: a section of the daily digest (overdue assignments in their congresses).

Sent by the services, not here: the assignment itself, the co-signing request and the
reply received. The keys carry the deadline, so a deadline moved by re-handling starts
its reminders afresh.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from notifications.models import Notification
from notifications.registry import register_digest_section, register_scan
from notifications.services import notify

from .models import Assignment, Commitment, Rating, Reply, Suggestion
from .workflow import HANDLING

A = Assignment.Status
S = Suggestion.Status

# Days before a reply deadline when the unit is reminded (the earlier one is skipped
# when the later window has already begun, e.g. an assignment made 10 days before it).
DEADLINE_REMINDER_DAYS = (15, 3)
# Days before a commitment's due date.
COMMITMENT_REMINDER_DAYS = 7
# Assignments whose unit still owes a reply. A pending re-assignment request is the
# office's to decide: the unit is not chased meanwhile (the staff digest lists it).
UNIT_OWES_REPLY = (A.ASSIGNED, A.REHANDLING)
DIGEST_LIMIT = 50


def _today(now) -> datetime.date:
    return timezone.localtime(now).date()


def _officers():
    return Prefetch(
        "unit__officers", queryset=get_user_model().objects.filter(is_active=True), to_attr="active_officers"
    )


def _send_once(pending: list[tuple], sent: int = 0) -> int:
    """Send (user, key, title, body, url) unless the key already exists for the user.

    One query finds the keys already sent, so a re-run does not try thousands of inserts;
    the unique constraint behind ``notify`` still decides when two scans race.
    """
    if not pending:
        return sent
    existing = set(
        Notification.objects.filter(
            user_id__in={user.pk for user, *_rest in pending}, key__in={key for _user, key, *_rest in pending}
        ).values_list("user_id", "key")
    )
    for user, key, title, body, url in pending:
        if (user.pk, key) in existing:
            continue
        if notify(user, key=key, title=title, body=body, url=url):
            sent += 1
    return sent


def _unit_url(assignment) -> str:
    return f"/unit/assignments/{assignment.pk}/"


@register_scan("proposals.reply_deadlines")
def reply_deadlines(now) -> int:
    """15 and 3 days before the deadline; the day after it, then every 7 days while no reply comes."""
    today = _today(now)
    first = max(DEADLINE_REMINDER_DAYS)
    due = (
        Assignment.objects.filter(
            status__in=UNIT_OWES_REPLY,
            suggestion__status__in=HANDLING,
            deadline__lte=today + datetime.timedelta(days=first),
        )
        .select_related("suggestion", "unit")
        .prefetch_related(_officers())
        .order_by("deadline", "pk")
    )
    pending = []
    for assignment in due.iterator(chunk_size=500):
        deadline = assignment.deadline
        days_left = (deadline - today).days
        stamp = f"{deadline:%Y%m%d}"
        title_args = {"title": assignment.suggestion.title, "date": deadline}
        if days_left >= 0:
            # The narrowest window that has begun: 3 days if it has, else 15.
            window = min(d for d in DEADLINE_REMINDER_DAYS if days_left <= d)
            key = f"assignment:{assignment.pk}:deadline-{stamp}:due-{window}d"
            title = _("Reply due in %(days)d days (%(date)s): %(title)s") % {**title_args, "days": days_left}
            body = _("Please reply to the deputy by %(date)s.") % title_args
        else:
            week = (-days_left - 1) // 7
            key = f"assignment:{assignment.pk}:deadline-{stamp}:overdue-w{week}"
            title = _("Reply overdue since %(date)s: %(title)s") % title_args
            body = _("The reply was due on %(date)s (%(days)d days ago). Please reply as soon as possible.") % {
                **title_args,
                "days": -days_left,
            }
        for officer in assignment.unit.active_officers:
            pending.append((officer, key, title, body, _unit_url(assignment)))
    return _send_once(pending)


@register_scan("proposals.reassign_window")
def reassign_window_closing(now) -> int:
    """On the window's last working day, units that have not replied may still ask for re-assignment."""
    today = _today(now)
    closing = (
        Assignment.objects.filter(status=A.ASSIGNED, reassign_window_ends=today, suggestion__status__in=HANDLING)
        .select_related("suggestion", "unit")
        .prefetch_related(_officers())
    )
    pending = []
    for assignment in closing:
        title = _("Last day to ask for re-assignment: %(title)s") % {"title": assignment.suggestion.title}
        body = _("If this suggestion is not for your unit, ask for re-assignment today, with the reason.")
        for officer in assignment.unit.active_officers:
            pending.append(
                (officer, f"assignment:{assignment.pk}:reassign-window-closing", title, body, _unit_url(assignment))
            )
    return _send_once(pending)


@register_scan("proposals.commitments")
def commitment_due_dates(now) -> int:
    """Open commitments: 7 days before the due date, and once when overdue."""
    today = _today(now)
    due = (
        Commitment.objects.filter(
            status=Commitment.Status.OPEN, due_date__lte=today + datetime.timedelta(days=COMMITMENT_REMINDER_DAYS)
        )
        .exclude(reply__assignment__status=A.WITHDRAWN)
        .select_related("reply__assignment__suggestion", "reply__assignment__unit")
        .prefetch_related(
            Prefetch(
                "reply__assignment__unit__officers",
                queryset=get_user_model().objects.filter(is_active=True),
                to_attr="active_officers",
            )
        )
    )
    pending = []
    for commitment in due:
        assignment = commitment.reply.assignment
        stamp = f"{commitment.due_date:%Y%m%d}"
        args = {"title": assignment.suggestion.title, "date": commitment.due_date, "content": commitment.content[:60]}
        if commitment.due_date >= today:
            key = f"commitment:{commitment.pk}:due-{stamp}:soon"
            title = _("Commitment due on %(date)s: %(content)s") % args
        else:
            key = f"commitment:{commitment.pk}:due-{stamp}:overdue"
            title = _("Commitment overdue since %(date)s: %(content)s") % args
        body = _("Promised in the reply to “%(title)s”. Record the progress, or that it is fulfilled.") % args
        for officer in assignment.unit.active_officers:
            pending.append((officer, key, title, body, _unit_url(assignment)))
    return _send_once(pending)


@register_scan("proposals.rating_missing")
def rating_missing(now) -> int:
    """The lead deputy has not rated a reply entered PROPOSALS_RATING_REMINDER_DAYS ago or more."""
    cutoff = now - datetime.timedelta(days=settings.PROPOSALS_RATING_REMINDER_DAYS)
    latest = ~Exists(Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round")))
    rated = Exists(Rating.objects.filter(reply=OuterRef("pk")))
    waiting = (
        Reply.objects.filter(
            created_at__lte=cutoff,
            assignment__status=A.REPLIED,
            assignment__suggestion__status__in=[S.REPLIED, S.REHANDLING],
            assignment__suggestion__lead_deputy__user__isnull=False,
        )
        # Assisting units advise the lead unit; the deputy does not rate them.
        .exclude(assignment__role=Assignment.Role.ASSISTING)
        .filter(latest)
        .filter(~rated)
        .select_related("assignment__suggestion__lead_deputy__user", "assignment__unit")
    )
    pending = []
    for reply in waiting:
        suggestion = reply.assignment.suggestion
        user = suggestion.lead_deputy.user
        pending.append(
            (
                user,
                f"reply:{reply.pk}:rating-missing",
                _("Please rate the reply of %(unit)s: %(title)s")
                % {"unit": reply.assignment.unit.name, "title": suggestion.title},
                _("Your rating (satisfied, basically satisfied or unsatisfied) is still missing."),
                f"/portal/suggestions/{suggestion.pk}/",
            )
        )
    return _send_once(pending)


def overdue_assignments(*, today: datetime.date, congress_ids=None):
    qs = Assignment.objects.filter(
        status__in=[A.ASSIGNED, A.REASSIGN_REQUESTED, A.REHANDLING],
        suggestion__status__in=HANDLING,
        deadline__lt=today,
    )
    if congress_ids is not None:
        qs = qs.filter(suggestion__congress_id__in=congress_ids)
    return qs


@register_digest_section("proposals")
def overdue_for_staff(user, now) -> list[str]:
    """Overdue assignments in the staff member's congresses, the longest overdue first."""
    if not roles.is_staff_member(user):
        return []
    today = _today(now)
    qs = overdue_assignments(today=today, congress_ids=roles.congress_scope_ids(user))
    rows = list(qs.select_related("suggestion", "unit").order_by("deadline", "pk")[: DIGEST_LIMIT + 1])
    lines = [
        _("Suggestion reply overdue: %(number)s %(title)s — %(unit)s (due %(date)s, %(days)d days ago)")
        % {
            "number": a.suggestion.number_label,
            "title": a.suggestion.title,
            "unit": a.unit.name,
            "date": a.deadline,
            "days": (today - a.deadline).days,
        }
        for a in rows[:DIGEST_LIMIT]
    ]
    if len(rows) > DIGEST_LIMIT:
        lines.append(_("… and %(n)d more overdue suggestion replies") % {"n": qs.count() - DIGEST_LIMIT})
    return lines
