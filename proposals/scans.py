"""Reminder scans for suggestions (registered with notifications; run by beat every few minutes).

Each reminder is found by querying the database under a key naming its reason. The query
computes the keys and leaves out those already sent (NOT EXISTS on the unique (user, key)
index); the rest are inserted in batches by ``notify_each``, where the same constraint skips
whatever a concurrent scan inserted first. So a reminder goes out once however often, or in
how many workers at once, the scan runs, a repeat pass costs one read, and a lost queue
message is caught by the next scan (the delivery scan).

Sent here:
- units: 15 and 3 days before the reply deadline, overdue (then weekly), the last working
  day of the re-assignment window, commitments 7 days before their due date and overdue;
- joint units: the lead unit's reply still not co-signed PROPOSALS_COSIGN_WORKDAYS working days
  after it reached them;
- deputies: the rating still missing some days after a reply;
- staff: a section of the daily digest (overdue assignments in their congresses).

Sent by the services, not here: the assignment itself, the co-signing request and the
reply received. The keys carry the deadline, so a deadline moved by re-handling starts
its reminders afresh.
"""

import datetime

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, Func, OuterRef, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles
from notifications.models import Notification
from notifications.registry import register_digest_section, register_scan
from notifications.services import Message, notify_each

from .models import Assignment, Commitment, Rating, Reply, ReplyCoSignature, Suggestion
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


# --- Reminder keys written in SQL ---------------------------------------------------------------
# Each scan computes every reminder's key in its query and keeps only the (user, key) pairs
# not sent yet (NOT EXISTS on the unique (user, key) index), so a repeat pass reads what is due
# and inserts nothing, instead of trying each reminder and failing on the constraint.


class _Yyyymmdd(Func):
    """A date as ``20260602`` (the stamp in the keys), on PostgreSQL and SQLite."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return Func(*self.source_expressions, Value("YYYYMMDD"), function="TO_CHAR").as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection, **extra):
        return Func(Value("%Y%m%d"), *self.source_expressions, function="STRFTIME").as_sql(compiler, connection)


class _WeeksOverdue(Func):
    """``(today - deadline - 1) // 7`` in whole days: 0 in the first week after the deadline."""

    output_field = CharField()

    def __init__(self, deadline, today: datetime.date):
        super().__init__(deadline, Value(today))

    def as_postgresql(self, compiler, connection, **extra):
        (deadline, d_params), (today, t_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"CAST(((CAST({today} AS date) - {deadline}) - 1) / 7 AS varchar)", (*t_params, *d_params)

    def as_sqlite(self, compiler, connection, **extra):
        (deadline, d_params), (today, t_params) = (compiler.compile(e) for e in self.source_expressions)
        days = f"CAST(JULIANDAY({today}) - JULIANDAY({deadline}) AS INTEGER)"
        return f"CAST(({days} - 1) / 7 AS TEXT)", (*t_params, *d_params)


def _text(*parts):
    return Concat(*(Value(p) if isinstance(p, str) else p for p in parts), output_field=CharField())


def _unsent(qs, *, user: str, key):
    """``qs`` with ``reminder_key`` and ``recipient_id`` annotated, without the pairs already notified."""
    return qs.annotate(recipient_id=F(user), reminder_key=key).filter(
        ~Exists(Notification.objects.filter(user_id=OuterRef("recipient_id"), key=OuterRef("reminder_key")))
    )


def _officers_of(path: str) -> dict:
    """Filter to the active officers of the unit at ``path``: one row per (item, officer)."""
    return {f"{path}__officers__is_active": True}


def _unit_url(assignment_id) -> str:
    return f"/unit/assignments/{assignment_id}/"


@register_scan("proposals.reply_deadlines")
def reply_deadlines(now) -> int:
    """15 and 3 days before the deadline; the day after it, then every 7 days while no reply comes."""
    today = _today(now)
    first, last = max(DEADLINE_REMINDER_DAYS), min(DEADLINE_REMINDER_DAYS)
    # The narrowest window that has begun: 3 days if it has, else 15; past the deadline, the week.
    window = Case(
        When(deadline__gt=today + datetime.timedelta(days=last), then=Value(f"due-{first}d")),
        When(deadline__gte=today, then=Value(f"due-{last}d")),
        default=_text("overdue-w", _WeeksOverdue(F("deadline"), today)),
        output_field=CharField(),
    )
    key = _text("assignment:", Cast("pk", CharField()), ":deadline-", _Yyyymmdd("deadline"), ":", window)
    due = _unsent(
        Assignment.objects.filter(
            status__in=UNIT_OWES_REPLY,
            suggestion__status__in=HANDLING,
            deadline__lte=today + datetime.timedelta(days=first),
            **_officers_of("unit"),
        )
        # A joint unit co-signs the lead unit's reply when it comes (cosignature_due reminds it).
        .exclude(role=Assignment.Role.JOINT),
        user="unit__officers__id",
        key=key,
    )
    rows = list(
        due.annotate(email=F("unit__officers__email"))
        .order_by("deadline", "pk", "recipient_id")
        .values_list("pk", "deadline", "suggestion__title", "recipient_id", "email", "reminder_key", "role")
    )
    # Translated once for the scan, not once per reminder.
    due_title, due_body = (
        _("Reply due in %(days)d days (%(date)s): %(title)s"),
        _("Please reply to the deputy by %(date)s."),
    )
    overdue_title = _("Reply overdue since %(date)s: %(title)s")
    overdue_body = _("The reply was due on %(date)s (%(days)d days ago). Please reply as soon as possible.")
    # An assisting unit owes its written view to the lead unit, not a reply to the deputy.
    view_due_title, view_due_body = (
        _("Your view for the lead unit is due in %(days)d days (%(date)s): %(title)s"),
        _("Please send your written view to the lead unit by %(date)s."),
    )
    view_overdue_title = _("Your view for the lead unit is overdue since %(date)s: %(title)s")
    view_overdue_body = _("The view was due on %(date)s (%(days)d days ago); the lead unit is waiting for it.")
    messages = []
    for pk, deadline, title, user_id, email, reminder_key, role in rows:
        days_left = (deadline - today).days
        args = {"title": title, "date": deadline, "days": abs(days_left)}
        assisting = role == Assignment.Role.ASSISTING
        if days_left >= 0:
            subject, body = (view_due_title, view_due_body) if assisting else (due_title, due_body)
        else:
            subject, body = (view_overdue_title, view_overdue_body) if assisting else (overdue_title, overdue_body)
        subject, body = subject % args, body % args
        messages.append(Message(user_id, reminder_key, subject, body, _unit_url(pk), email=bool(email)))
    return len(notify_each(messages))


@register_scan("proposals.cosignature_due")
def cosignature_due(now) -> int:
    """A joint unit that has not co-signed (or returned) the lead unit's reply within the
    working days allowed: its officers are reminded once per version of the reply."""
    from core.workdays import add_workdays

    today = _today(now)
    # The latest day a reply may have reached the joint unit and be due today.
    day = today
    while add_workdays(day, settings.PROPOSALS_COSIGN_WORKDAYS) > today:
        day -= datetime.timedelta(days=1)
    cutoff = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    due = _unsent(
        ReplyCoSignature.objects.filter(
            status=ReplyCoSignature.Status.PENDING,
            reply__status=Reply.Status.COSIGNING,
            reply__created_at__lt=cutoff,
            assignment__suggestion__status__in=HANDLING,
            **_officers_of("assignment__unit"),
        ).exclude(assignment__status=A.WITHDRAWN),
        user="assignment__unit__officers__id",
        key=_text(
            "cosignature:",
            Cast("pk", CharField()),
            ":due-",
            Cast("reply__round", CharField()),
            ":",
            _Yyyymmdd("reply__created_at"),
        ),
    )
    rows = list(
        due.annotate(email=F("assignment__unit__officers__email"))
        .order_by("pk", "recipient_id")
        .values_list(
            "assignment_id",
            "reply__assignment__unit__name",
            "assignment__suggestion__title",
            "recipient_id",
            "email",
            "reminder_key",
        )
    )
    body = _(
        "The deputy receives the reply only when every joint unit has co-signed it, or you return it with your opinion."
    )
    messages = [
        Message(
            user_id,
            key,
            _("Co-signature overdue: the reply of %(unit)s to “%(title)s”") % {"unit": unit, "title": title},
            body,
            _unit_url(assignment_id),
            email=bool(email),
        )
        for assignment_id, unit, title, user_id, email, key in rows
    ]
    return len(notify_each(messages))


@register_scan("proposals.reassign_window")
def reassign_window_closing(now) -> int:
    """On the window's last working day, units that have not replied may still ask for re-assignment."""
    today = _today(now)
    closing = _unsent(
        Assignment.objects.filter(
            status=A.ASSIGNED, reassign_window_ends=today, suggestion__status__in=HANDLING, **_officers_of("unit")
        ),
        user="unit__officers__id",
        key=_text("assignment:", Cast("pk", CharField()), ":reassign-window-closing"),
    )
    rows = list(
        closing.annotate(email=F("unit__officers__email"))
        .order_by("pk", "recipient_id")
        .values_list("pk", "suggestion__title", "recipient_id", "email", "reminder_key")
    )
    body = _("If this suggestion is not for your unit, ask for re-assignment today, with the reason.")
    messages = [
        Message(
            user_id,
            key,
            _("Last day to ask for re-assignment: %(title)s") % {"title": title},
            body,
            _unit_url(pk),
            email=bool(email),
        )
        for pk, title, user_id, email, key in rows
    ]
    return len(notify_each(messages))


@register_scan("proposals.commitments")
def commitment_due_dates(now) -> int:
    """Open commitments: 7 days before the due date, and once when overdue."""
    today = _today(now)
    phase = Case(When(due_date__gte=today, then=Value("soon")), default=Value("overdue"), output_field=CharField())
    due = _unsent(
        Commitment.objects.filter(
            status=Commitment.Status.OPEN,
            reply__status=Reply.Status.SENT,
            due_date__lte=today + datetime.timedelta(days=COMMITMENT_REMINDER_DAYS),
            **_officers_of("reply__assignment__unit"),
        ).exclude(reply__assignment__status=A.WITHDRAWN),
        user="reply__assignment__unit__officers__id",
        key=_text("commitment:", Cast("pk", CharField()), ":due-", _Yyyymmdd("due_date"), ":", phase),
    )
    rows = list(
        due.annotate(email=F("reply__assignment__unit__officers__email"))
        .order_by("due_date", "pk", "recipient_id")
        .values_list(
            "due_date",
            "content",
            "reply__assignment_id",
            "reply__assignment__suggestion__title",
            "recipient_id",
            "email",
            "reminder_key",
        )
    )
    messages = []
    for due_date, content, assignment_id, title, user_id, email, key in rows:
        args = {"title": title, "date": due_date, "content": content[:60]}
        if due_date >= today:
            subject = _("Commitment due on %(date)s: %(content)s") % args
        else:
            subject = _("Commitment overdue since %(date)s: %(content)s") % args
        body = _("Promised in the reply to “%(title)s”. Record the progress, or that it is fulfilled.") % args
        messages.append(Message(user_id, key, subject, body, _unit_url(assignment_id), email=bool(email)))
    return len(notify_each(messages))


@register_scan("proposals.rating_missing")
def rating_missing(now) -> int:
    """The lead deputy has not rated a reply entered PROPOSALS_RATING_REMINDER_DAYS ago or more."""
    cutoff = now - datetime.timedelta(days=settings.PROPOSALS_RATING_REMINDER_DAYS)
    latest = ~Exists(Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round")))
    rated = Exists(Rating.objects.filter(reply=OuterRef("pk")))
    lead_user = "assignment__suggestion__lead_deputy__user"
    waiting = _unsent(
        Reply.objects.filter(
            created_at__lte=cutoff,
            assignment__status=A.REPLIED,
            assignment__suggestion__status__in=[S.REPLIED, S.REHANDLING],
            **{f"{lead_user}__isnull": False, f"{lead_user}__is_active": True},
        )
        # Assisting units advise the lead unit; the deputy does not rate them.
        .exclude(assignment__role=Assignment.Role.ASSISTING)
        .filter(latest)
        .filter(~rated),
        user=f"{lead_user}_id",
        key=_text("reply:", Cast("pk", CharField()), ":rating-missing"),
    )
    rows = list(
        waiting.order_by("pk").values_list(
            "assignment__unit__name",
            "assignment__suggestion_id",
            "assignment__suggestion__title",
            "recipient_id",
            f"{lead_user}__email",
            "reminder_key",
        )
    )
    body = _("Your rating (satisfied, basically satisfied or unsatisfied) is still missing.")
    messages = [
        Message(
            user_id,
            key,
            _("Please rate the reply of %(unit)s: %(title)s") % {"unit": unit, "title": title},
            body,
            f"/portal/suggestions/{suggestion_id}/",
            email=bool(email),
        )
        for unit, suggestion_id, title, user_id, email, key in rows
    ]
    return len(notify_each(messages))


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


@register_digest_section("proposals.office_clock")
def office_clock_for_staff(user, now) -> list[str]:
    """The office's own deadlines: accepted between-session items still unassigned after the
    working days allowed (PROPOSALS_RECESS_ASSIGN_WORKDAYS), and requests for more time waiting."""
    from core.workdays import add_workdays

    from .models import Extension

    if not roles.is_staff_member(user):
        return []
    today = _today(now)
    scope = roles.congress_scope_ids(user)
    waiting = Suggestion.objects.filter(status=S.ACCEPTED, session__isnull=True, accepted_at__isnull=False)
    extensions = Extension.objects.filter(status=Extension.Status.REQUESTED)
    if scope is not None:
        waiting = waiting.filter(congress_id__in=scope)
        extensions = extensions.filter(assignment__suggestion__congress_id__in=scope)
    lines = []
    # Oldest first: once one is still within its working days, every later one is too.
    for item in waiting.order_by("accepted_at", "pk")[:DIGEST_LIMIT]:
        due = add_workdays(timezone.localtime(item.accepted_at).date(), settings.PROPOSALS_RECESS_ASSIGN_WORKDAYS)
        if due >= today:
            break
        lines.append(
            _("Between-session suggestion not assigned, due %(date)s: %(number)s %(title)s")
            % {"date": due, "number": item.number_label, "title": item.title}
        )
    count = extensions.count()
    if count:
        lines.append(
            ngettext(
                "%(n)d request for more time is waiting for a decision.",
                "%(n)d requests for more time are waiting for a decision.",
                count,
            )
            % {"n": count}
        )
    return lines


# Scans kept beside the features they serve (imported for their registrations).
from . import scans_supervision  # noqa: E402, F401
