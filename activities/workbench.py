"""The activity ledger's blocks of the workbench (``/portal/``).

- a deputy: invitations (activities, SC meetings, inspections…) waiting for a yes or no, and
  letters (代表信访) answered and waiting for their feedback;
- a unit officer: letters forwarded to the unit and not yet answered, marked as the letters
  list marks their deadline;
- whoever records an activity, and staff for their congresses: activities that ended with
  the attendance not recorded;
- staff: letters received and not yet forwarded.

Each block is one query (its first rows, each with the total as a window count).
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import WorkbenchBlock, WorkItem, first_page, page_block, workbench
from core.views import deadline_info

from . import selectors
from .models import Activity, DeputyLetter, Participation

P = Participation.Status
L = DeputyLetter.Status


def deadline_mark(deadline, today) -> str:
    """ "red" once the deadline has passed, "yellow" in its last fortnight (as the lists show it)."""
    info = deadline_info(deadline, today)
    if info is None:
        return ""
    return "red" if info["overdue_by"] else "yellow" if info["soon"] else ""


@workbench.register("activities.invitations", order=15)
def invitations_block(user, today) -> WorkbenchBlock | None:
    """Invitations still open for an answer: the activity has not ended and its attendance is open
    (the same rule as the "waiting" list of the deputy's activities page)."""
    if not roles.has_role(user, roles.DEPUTY):
        return None
    qs = (
        selectors.invitations_for_user(user=user)
        .filter(status=P.INVITED, activity__end_date__gte=today, activity__attendance_closed_at__isnull=True)
        .order_by("activity_date", "pk")
    )
    page = reverse("activities:my_activities")
    return page_block(
        qs,
        key="activities.invitations",
        heading=_("Invitations waiting for your answer"),
        item=lambda row: WorkItem(
            title=row.activity.title,
            url=f"{page}#inv-{row.pk}-title",
            action=_("Accept or decline"),
            # The activity's date, not a deadline: shown with the kind, never marked.
            detail=f"{row.activity.get_kind_display()} · {row.activity.start_date.isoformat()}",
        ),
        more_url=page,
        order=15,
    )


@workbench.register("activities.letter_feedback", order=35)
def letter_feedback_block(user, today) -> WorkbenchBlock | None:
    if not roles.has_role(user, roles.DEPUTY):
        return None
    qs = selectors.letters_for_deputy(user=user).filter(status=L.REPLIED, feedback="").order_by("replied_on", "pk")
    return page_block(
        qs,
        key="activities.letter_feedback",
        heading=_("Answered letters to give feedback on"),
        item=lambda row: WorkItem(
            title=row.subject,
            url=reverse("activities:letter_portal", args=[row.pk]),
            action=_("Give your feedback"),
            detail=row.body.name if row.body else "",
        ),
        more_url=reverse("activities:letters_portal"),
        order=35,
    )


@workbench.register("activities.unit_letters", order=22)
def unit_letters_block(user, today) -> WorkbenchBlock | None:
    if not user.unit_id:
        return None
    qs = selectors.letters_for_unit(actor=user).filter(status=L.FORWARDED)
    return page_block(
        qs,
        key="activities.unit_letters",
        heading=_("Deputies' letters to answer"),
        item=lambda row: WorkItem(
            title=row.subject,
            url=reverse("activities:letter_unit", args=[row.pk]),
            action=_("Answer the letter"),
            due=row.reply_due,
            mark=deadline_mark(row.reply_due, today),
            detail=row.deputy.name,
        ),
        more_url=reverse("activities:letters_unit"),
        order=22,
    )


@workbench.register("activities.attendance", order=75)
def attendance_block(user, today) -> WorkbenchBlock | None:
    """Activities that have ended with their attendance still open: those the user records, and
    for staff every such activity of their congresses (as the staff dashboard counts them)."""
    staff = roles.is_staff_member(user)
    ended = Activity.objects.filter(attendance_closed_at__isnull=True, end_date__lt=today)
    if staff:
        scope = roles.congress_scope_ids(user)
        qs = ended if scope is None else ended.filter(Q(recorder=user) | Q(congress_id__in=scope))
    else:
        qs = ended.filter(recorder=user)
    rows, total = first_page(qs.order_by("end_date", "pk"))
    if not staff and not rows:
        return None
    if staff:
        more = reverse("admin:activities_activity_changelist") + "?attendance_closed_at__isnull=True"
    else:
        more = reverse("activities:my_recording")
    return WorkbenchBlock(
        key="activities.attendance",
        heading=_("Attendance to record"),
        items=[
            WorkItem(
                title=row.title,
                url=reverse("activities:attendance", args=[row.pk]),
                action=_("Record the attendance"),
                # Late once two days have passed (the staff dashboard's rule).
                mark="red" if row.end_date < today - datetime.timedelta(days=2) else "",
                detail=row.get_kind_display(),
            )
            for row in rows
        ],
        total=total,
        more_url=more,
        order=75,
    )


@workbench.register("activities.office_letters", order=76)
def office_letters_block(user, today) -> WorkbenchBlock | None:
    if not roles.is_staff_member(user):
        return None
    qs = selectors.letters_for_office(actor=user, status=L.RECEIVED).order_by("received_on", "pk")
    return page_block(
        qs,
        key="activities.office_letters",
        heading=_("Deputies' letters to forward"),
        item=lambda row: WorkItem(
            title=row.subject,
            url=reverse("activities:letter_office", args=[row.pk]),
            action=_("Forward to the body that answers"),
            detail=row.deputy.name,
        ),
        more_url=reverse("activities:letters_office") + f"?status={L.RECEIVED}",
        order=76,
    )
