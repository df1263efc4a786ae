"""The suggestions' blocks of the workbench (``/portal/``): what waits for each role.

- a deputy: co-sign requests (联名) to answer, unit replies to rate;
- an SC leader: their key-supervision items of the year;
- a unit officer: replies due, with the yellow and red marks of the unit's list, the
  assisting views (协办意见) the lead units wait for, and the lead units' replies waiting for
  the unit's co-signature (会签) as a joint unit;
- staff: items to review, to assign, to publish, and requests for more time to decide.

Each block is one query: the first rows of its list, each carrying the list's total (a
window count), so a block costs the same with 5 waiting items as with 500.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import WorkbenchBlock, WorkItem, page_block, workbench

from .models import Assignment, Extension, KeySupervision, Reply, ReplyCoSignature, Suggestion
from .scans_supervision import FINISHED
from .selectors import office, portal
from .selectors.unit import AWAITING, deadline_mark, warn_until

A = Assignment.Status
S = Suggestion.Status
MARKS = {"soon": "yellow", "overdue": "red"}


def _label(suggestion: Suggestion) -> str:
    """The item's number (the model's own label, as the lists show it) before its title."""
    number = suggestion.number_label
    return f"{number} {suggestion.title}" if number else suggestion.title


# --- Deputies ----------------------------------------------------------------------------------


@workbench.register("proposals.cosign", order=10)
def cosign_block(user, today) -> WorkbenchBlock | None:
    if not roles.has_role(user, roles.DEPUTY):
        return None
    return page_block(
        portal.cosign_requests(actor=user),
        key="proposals.cosign",
        heading=_("Co-sign requests"),
        item=lambda row: WorkItem(
            title=row.suggestion.title,
            url=reverse("proposals_portal:detail", args=[row.suggestion_id]),
            action=_("Co-sign or decline"),
            detail=_("Asked by %(name)s") % {"name": row.suggestion.lead_deputy.name},
        ),
        more_url=reverse("proposals_portal:list"),
        order=10,
    )


@workbench.register("proposals.rate", order=30)
def rate_block(user, today) -> WorkbenchBlock | None:
    """Units' replies waiting for the lead deputy's rating (the service rates only these)."""
    if not roles.has_role(user, roles.DEPUTY):
        return None
    qs = (
        Assignment.objects.filter(suggestion__lead_deputy__user=user, status=A.REPLIED)
        .select_related("suggestion", "unit")
        .order_by("first_replied_on", "pk")
    )
    return page_block(
        qs,
        key="proposals.rate",
        heading=_("Replies to rate"),
        item=lambda row: WorkItem(
            title=_label(row.suggestion),
            url=reverse("proposals_portal:detail", args=[row.suggestion_id]) + "#replies",
            action=_("Rate the reply"),
            detail=row.unit.name,
        ),
        more_url=reverse("proposals_portal:list"),
        order=30,
    )


# --- SC leaders --------------------------------------------------------------------------------


@workbench.register("proposals.supervision", order=60)
def supervision_block(user, today) -> WorkbenchBlock | None:
    """The key-supervision items (重点督办) the SC leader follows this year, not yet finished."""
    if not roles.has_role(user, roles.SC_MEMBER):
        return None
    qs = (
        KeySupervision.objects.filter(sc_leader__deputy__user=user, year=today.year)
        .exclude(suggestion__status__in=FINISHED)
        .select_related("suggestion")
        .order_by("suggestion__number", "pk")
    )
    page = reverse("proposals_portal:supervision")
    return page_block(
        qs,
        key="proposals.supervision",
        heading=_("My key-supervision items"),
        item=lambda row: WorkItem(
            title=_label(row.suggestion),
            url=f"{page}?year={row.year}#ks-{row.pk}",
            action=_("Follow the handling"),
            detail=row.suggestion.get_status_display(),
        ),
        more_url=page,
        order=60,
    )


# --- Unit officers -----------------------------------------------------------------------------


def _unit_assignments(user):
    return Assignment.objects.filter(unit_id=user.unit_id).select_related("suggestion").order_by("deadline", "pk")


@workbench.register("proposals.unit_deadlines", order=20)
def unit_deadlines_block(user, today) -> WorkbenchBlock | None:
    """The unit's replies still owed, nearest deadline first, marked as the unit's list marks them."""
    if not (user.is_active and user.unit_id):
        return None
    qs = (
        _unit_assignments(user)
        .filter(status__in=AWAITING)
        .exclude(role__in=[Assignment.Role.ASSISTING, Assignment.Role.JOINT])
    )
    warn_from = warn_until(today)
    return page_block(
        qs,
        key="proposals.unit_deadlines",
        heading=_("Replies due"),
        item=lambda row: WorkItem(
            title=_label(row.suggestion),
            url=reverse("proposals_unit:assignment", args=[row.pk]),
            action=_("Reply to the deputy") if row.received_at else _("Receive and handle"),
            due=row.deadline,
            mark=MARKS.get(deadline_mark(row.deadline, today, awaiting=True, warn_from=warn_from), ""),
            detail=row.get_role_display(),
        ),
        more_url=reverse("proposals_unit:home"),
        order=20,
    )


@workbench.register("proposals.unit_views", order=21)
def unit_views_block(user, today) -> WorkbenchBlock | None:
    """Assisting assignments whose written view the lead unit still waits for."""
    if not (user.is_active and user.unit_id):
        return None
    qs = _unit_assignments(user).filter(role=Assignment.Role.ASSISTING, status=A.ASSIGNED)
    warn_from = warn_until(today)
    return page_block(
        qs,
        key="proposals.unit_views",
        heading=_("Assisting views due"),
        item=lambda row: WorkItem(
            title=_label(row.suggestion),
            url=reverse("proposals_unit:assignment", args=[row.pk]) + "#assisting-view",
            action=_("Send the view to the lead unit"),
            due=row.deadline,
            mark=MARKS.get(deadline_mark(row.deadline, today, awaiting=True, warn_from=warn_from), ""),
        ),
        more_url=reverse("proposals_unit:home"),
        order=21,
    )


@workbench.register("proposals.unit_cosign", order=22)
def unit_cosign_block(user, today) -> WorkbenchBlock | None:
    """Lead units' replies this joint unit is asked to co-sign, oldest first."""
    if not (user.is_active and user.unit_id):
        return None
    qs = (
        ReplyCoSignature.objects.filter(
            assignment__unit_id=user.unit_id,
            status=ReplyCoSignature.Status.PENDING,
            reply__status=Reply.Status.COSIGNING,
        )
        .exclude(assignment__status=A.WITHDRAWN)
        .select_related("assignment__suggestion", "reply__assignment__unit")
        .order_by("reply__created_at", "pk")
    )
    return page_block(
        qs,
        key="proposals.unit_cosign",
        heading=_("Replies to co-sign"),
        item=lambda row: WorkItem(
            title=_label(row.assignment.suggestion),
            url=reverse("proposals_unit:assignment", args=[row.assignment_id]) + "#cosign",
            action=_("Co-sign the reply"),
            detail=row.reply.assignment.unit.name,
        ),
        more_url=reverse("proposals_unit:home"),
        order=22,
    )


# --- Staff -------------------------------------------------------------------------------------


def _office_block(user, *, key, heading, qs, action, anchor, more_url, order) -> WorkbenchBlock:
    return page_block(
        qs,
        key=key,
        heading=heading,
        item=lambda row: WorkItem(
            title=_label(row),
            url=reverse("proposals_office:detail", args=[row.pk]) + anchor,
            action=action,
            detail=row.lead_deputy.name,
        ),
        more_url=more_url,
        order=order,
    )


@workbench.register("proposals.office", order=70)
def office_review_block(user, today) -> WorkbenchBlock | None:
    if not roles.is_staff_member(user):
        return None
    qs = (
        office.suggestions_for_office(actor=user)
        .filter(status=S.SUBMITTED)
        .select_related("lead_deputy")
        .order_by("submitted_at", "pk")
    )
    return _office_block(
        user,
        key="proposals.office",
        heading=_("Suggestions to review"),
        qs=qs,
        action=_("Accept or return"),
        anchor="#review",
        more_url=reverse("proposals_office:review"),
        order=70,
    )


@workbench.register("proposals.office_assign", order=71)
def office_assign_block(user, today) -> WorkbenchBlock | None:
    if not roles.is_staff_member(user):
        return None
    qs = (
        office.suggestions_for_office(actor=user)
        .filter(status=S.ACCEPTED)
        .select_related("lead_deputy")
        .order_by("accepted_at", "pk")
    )
    return _office_block(
        user,
        key="proposals.office_assign",
        heading=_("Suggestions to assign"),
        qs=qs,
        action=_("Assign to units"),
        anchor="#assignments",
        more_url=reverse("proposals_office:list") + f"?status={S.ACCEPTED}",
        order=71,
    )


@workbench.register("proposals.office_publish", order=72)
def office_publish_block(user, today) -> WorkbenchBlock | None:
    """Rated or closed items whose replies are not yet public."""
    if not roles.is_staff_member(user):
        return None
    qs = (
        office.suggestions_for_office(actor=user)
        .filter(status__in=[S.RATED, S.CLOSED], published=False)
        .select_related("lead_deputy")
        .order_by("updated_at", "pk")
    )
    return _office_block(
        user,
        key="proposals.office_publish",
        heading=_("Replies to publish"),
        qs=qs,
        action=_("Publish"),
        anchor="",
        more_url=reverse("proposals_office:list") + f"?status={S.RATED}",
        order=72,
    )


@workbench.register("proposals.office_extensions", order=73)
def office_extensions_block(user, today) -> WorkbenchBlock | None:
    if not roles.is_staff_member(user):
        return None
    qs = Extension.objects.filter(
        status=Extension.Status.REQUESTED, assignment__suggestion__in=office.suggestions_for_office(actor=user)
    ).select_related("assignment__unit", "assignment__suggestion")
    return page_block(
        qs.order_by("requested_at", "pk"),
        key="proposals.office_extensions",
        heading=_("Requests for more time"),
        item=lambda row: WorkItem(
            title=_label(row.assignment.suggestion),
            url=reverse("proposals_office:detail", args=[row.assignment.suggestion_id])
            + f"#assignment-{row.assignment_id}",
            action=_("Grant or refuse"),
            detail=row.assignment.unit.name,
        ),
        more_url=reverse("proposals_office:escalation"),
        order=73,
    )
