"""Reads for handling-unit officers (``/unit/``): only their own unit's assignments.

Scope is the officer's ``User.unit``: any other unit's assignment answers 404, so an
officer cannot even learn that it exists. Lists are joined up front, so the query
count of a page does not grow with the number of assignments.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone

from ..models import (
    Assignment,
    AssistingView,
    Attachment,
    Commitment,
    ContactLog,
    CoSigner,
    Extension,
    Rating,
    Reply,
    ReplyCoSignature,
    Suggestion,
    UrgingNotice,
)

A = Assignment.Status
AWAITING = (A.ASSIGNED, A.REASSIGN_REQUESTED, A.REHANDLING)

# The tabs of the unit's home page. "To receive": never opened; "to reply": the lead unit's,
# opened, no reply yet (a pending re-assignment request included); "to assist": a joint
# unit's, opened, its written view or its co-signature of the lead unit's reply still owed
# (only the lead unit replies to the deputy); "re-handling": the deputy was unsatisfied;
# "replied": waiting for or past the rating (a joint unit's part done); "withdrawn":
# re-assigned away.
_OPENED_OWING = Q(status__in=[A.ASSIGNED, A.REASSIGN_REQUESTED]) & ~Q(status=A.ASSIGNED, received_at__isnull=True)
GROUPS = {
    "receive": Q(status=A.ASSIGNED, received_at__isnull=True),
    "reply": _OPENED_OWING & Q(role=Assignment.Role.LEAD),
    "assist": _OPENED_OWING & Q(role=Assignment.Role.JOINT),
    "rehandling": Q(status=A.REHANDLING),
    "replied": Q(status__in=[A.REPLIED, A.DONE]),
    "withdrawn": Q(status=A.WITHDRAWN),
}


def warn_until(today: datetime.date) -> datetime.date:
    """The last deadline that gets the yellow mark today: N working days ahead (a setting)."""
    from core.workdays import add_workdays

    return add_workdays(today, settings.PROPOSALS_DEADLINE_WARN_WORKDAYS)


def deadline_mark(deadline, today: datetime.date, *, awaiting: bool, warn_from: datetime.date | None = None):
    """ "overdue" (red) once the deadline has passed, "soon" (yellow) within the warning working
    days, else None; nothing once the reply (or view) came."""
    if not awaiting or deadline is None:
        return None
    if deadline < today:
        return "overdue"
    if deadline <= (warn_from or warn_until(today)):
        return "soon"
    return None


def require_unit_officer(actor) -> None:
    """Only an active account linked to a handling unit may use the unit pages."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.unit_id):
        raise PermissionDenied


def _base(actor):
    require_unit_officer(actor)
    return Assignment.objects.filter(unit_id=actor.unit_id)


def assignment_list_for_unit(*, actor, group: str | None = None, session_id: int | None = None):
    """The unit's assignments, newest work first: awaiting a reply by deadline, then the rest."""
    today = timezone.localdate()
    qs = _base(actor).select_related(
        "suggestion", "suggestion__session", "suggestion__lead_deputy", "suggestion__field"
    )
    if group in GROUPS:
        qs = qs.filter(GROUPS[group])
    if session_id:
        qs = qs.filter(suggestion__session_id=session_id)
    return qs.annotate(
        awaiting=Case(When(status__in=AWAITING, then=Value(0)), default=Value(1), output_field=IntegerField()),
        is_overdue=Case(
            When(status__in=AWAITING, deadline__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).order_by("awaiting", "deadline", "-assigned_on", "pk")


def assignment_group_counts(*, actor, session_id: int | None = None) -> dict[str, int]:
    """How many assignments each tab holds, in one aggregate query."""
    qs = _base(actor)
    if session_id:
        qs = qs.filter(suggestion__session_id=session_id)
    today = timezone.localdate()
    counts = qs.aggregate(
        all=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=AWAITING, deadline__lt=today)),
        **{name: Count("pk", filter=condition) for name, condition in GROUPS.items()},
    )
    return counts


def sessions_for_unit(*, actor):
    """The sessions the unit has assignments from (for the filter)."""
    from deputies.models import CongressSession

    require_unit_officer(actor)
    return CongressSession.objects.filter(
        pk__in=Assignment.objects.filter(unit_id=actor.unit_id, suggestion__session__isnull=False).values(
            "suggestion__session_id"
        )
    ).order_by("-start_date", "-pk")


def assignment_get_for_unit(*, actor, pk: int) -> Assignment:
    """The unit's own assignment, or 404 (another unit's assignment does not exist for this officer)."""
    assignment = (
        _base(actor)
        .select_related(
            "unit",
            "suggestion",
            "suggestion__congress",
            "suggestion__session",
            "suggestion__field",
            "suggestion__lead_deputy",
            "suggestion__lead_deputy__electoral_unit",
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def assignment_detail_for_unit(*, assignment: Assignment) -> dict:
    """Everything the assignment page shows, each list in one query."""
    suggestion = assignment.suggestion
    replies = list(
        Reply.objects.filter(assignment=assignment)
        .select_related("category")
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.order_by("rated_at", "pk")),
            Prefetch(
                "commitments", queryset=Commitment.objects.prefetch_related("progress").order_by("due_date", "pk")
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("round")
    )
    others = list(
        Assignment.objects.filter(suggestion=suggestion)
        .exclude(pk=assignment.pk)
        .exclude(status=A.WITHDRAWN)
        .select_related("unit")
        .order_by("pk")
    )
    return {
        "other_assignments": others,
        "cosigners": list(
            CoSigner.objects.filter(suggestion=suggestion, status=CoSigner.Status.CONFIRMED)
            .select_related("deputy")
            .order_by("pk")
        ),
        "attachments": list(
            Attachment.objects.filter(suggestion=suggestion, reply__isnull=True).order_by("uploaded_at", "pk")
        ),
        "contacts": list(
            ContactLog.objects.filter(assignment=assignment)
            .select_related("recorded_by")
            .order_by("contacted_on", "pk")
        ),
        "replies": replies,
        "merged_items": list(
            Suggestion.objects.filter(merged_into=suggestion).only("pk", "title", "number", "number_series")
        ),
        # The lead unit reads the assisting units' views before it replies (and sees who is still due).
        "assisting": list(
            Assignment.objects.filter(suggestion=suggestion, role=Assignment.Role.ASSISTING)
            .exclude(pk=assignment.pk)
            .exclude(status=A.WITHDRAWN)
            .select_related("unit", "assisting_view")
            .order_by("pk")
        )
        if assignment.role != Assignment.Role.ASSISTING
        else [],
        "own_view": AssistingView.objects.filter(assignment=assignment).first()
        if assignment.role == Assignment.Role.ASSISTING
        else None,
        # The lead unit follows its reply's co-signature by the joint units; a joint unit reads
        # and co-signs (or returns) the lead unit's reply. Each read only where it applies.
        "reply_cosignatures": _lead_cosignatures(assignment, others)
        if assignment.role == Assignment.Role.LEAD and any(o.role == Assignment.Role.JOINT for o in others)
        else [],
        "cosign_requests": _cosign_requests(assignment) if assignment.role == Assignment.Role.JOINT else [],
        "extensions": list(Extension.objects.filter(assignment=assignment).order_by("requested_at", "pk")),
        "urging_notices": list(UrgingNotice.objects.filter(assignment=assignment).order_by("sent_at", "pk")),
    }


def _lead_cosignatures(assignment: Assignment, others) -> list[ReplyCoSignature]:
    """The co-signatures of the lead unit's reply not yet sent (with the joint units, or returned)."""
    return list(
        ReplyCoSignature.objects.filter(reply__assignment=assignment)
        .exclude(reply__status=Reply.Status.SENT)
        .exclude(assignment__status=A.WITHDRAWN)
        .select_related("assignment__unit", "reply")
        .order_by("pk")
    )


def _cosign_requests(assignment: Assignment) -> list[ReplyCoSignature]:
    """The lead unit's replies this joint unit is asked to co-sign, and those it co-signed or
    returned, newest first, each with the reply's category, letters and commitments."""
    return list(
        ReplyCoSignature.objects.filter(assignment=assignment)
        .select_related("reply", "reply__category", "reply__assignment__unit", "signed_by")
        .prefetch_related(
            Prefetch("reply__attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
            Prefetch("reply__commitments", queryset=Commitment.objects.order_by("due_date", "pk")),
        )
        .order_by("-reply__round", "-pk")
    )


def cosignature_get_for_unit(*, actor, pk: int) -> ReplyCoSignature:
    """A co-signature asked of the officer's unit, or 404."""
    require_unit_officer(actor)
    cosignature = (
        ReplyCoSignature.objects.filter(pk=pk, assignment__unit_id=actor.unit_id)
        .select_related("assignment", "assignment__unit", "assignment__suggestion")
        .first()
    )
    if cosignature is None:
        raise Http404
    return cosignature


def reply_with_joint_units(*, assignment: Assignment) -> bool:
    """Whether the lead unit's reply is with its joint units for their co-signature."""
    if assignment.role != Assignment.Role.LEAD:
        return False
    return Reply.all_objects.filter(assignment=assignment, status=Reply.Status.COSIGNING).exists()


def returned_reply_for_unit(*, assignment: Assignment):
    """The lead unit's reply a joint unit returned, with the opinions, to revise; or None."""
    reply = (
        Reply.all_objects.filter(assignment=assignment, status=Reply.Status.RETURNED)
        .select_related("category")
        .order_by("-round")
        .first()
    )
    if reply is not None:
        reply.returned_by = list(
            ReplyCoSignature.objects.filter(reply=reply, status=ReplyCoSignature.Status.RETURNED)
            .select_related("assignment__unit")
            .order_by("pk")
        )
    return reply


def attachment_get_for_unit(*, actor, pk: int) -> Attachment:
    """A file of an item assigned to the unit: the deputy's attachments and the unit's own reply letters."""
    require_unit_officer(actor)
    attachment = (
        Attachment.objects.filter(pk=pk, suggestion__assignments__unit_id=actor.unit_id)
        # The unit's own reply letters, and the letters of a reply it is asked to co-sign.
        .filter(
            Q(reply__isnull=True)
            | Q(reply__assignment__unit_id=actor.unit_id)
            | Q(reply__cosignatures__assignment__unit_id=actor.unit_id)
        )
        .distinct()
        .select_related("suggestion")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def commitment_get_for_unit(*, actor, pk: int) -> Commitment:
    require_unit_officer(actor)
    commitment = (
        Commitment.objects.filter(pk=pk, reply__assignment__unit_id=actor.unit_id, reply__status=Reply.Status.SENT)
        .select_related(
            "reply", "reply__assignment", "reply__assignment__suggestion", "reply__assignment__suggestion__lead_deputy"
        )
        .first()
    )
    if commitment is None:
        raise Http404
    return commitment


def reply_get_for_unit(*, actor, pk: int) -> Reply:
    require_unit_officer(actor)
    reply = (
        Reply.objects.filter(pk=pk, assignment__unit_id=actor.unit_id)
        .select_related("assignment", "assignment__suggestion")
        .first()
    )
    if reply is None:
        raise Http404
    return reply
