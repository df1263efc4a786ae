"""Reads for the deputy-work office's back-office pages (``/office/suggestions/``) and exports.

Scope: staff see the items of their congress and the congresses below it (all, for a
superuser), never a deputy's own draft. Anything else answers 403 (not staff) or 404
(an item outside the scope). Lists join up front and filter multi-valued relations
with EXISTS, so neither the query count nor duplicates grow with the data; statistics
are aggregated in SQL.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts import roles
from accounts.models import Unit
from deputies.models import CongressSession, Deputy, StandingCommitteeMember

from ..models import (
    Assignment,
    Attachment,
    Commitment,
    CommitmentProgress,
    ContactLog,
    CoSigner,
    Extension,
    KeySupervision,
    KeySupervisionProgress,
    Rating,
    Reply,
    ReplyCategory,
    ReplyCoSignature,
    Suggestion,
    SuggestionEvent,
    ThirdPartyEvaluation,
    UrgingNotice,
)

S = Suggestion.Status
A = Assignment.Status
# An assignment still owes a reply in these states.
AWAITING = (A.ASSIGNED, A.REASSIGN_REQUESTED, A.REHANDLING)
# "12", "第12号", or a full label such as "十七届人大二次会议第12号" (series, then number).
_NUMBER = re.compile(r"^\s*(.*?)\s*第?\s*(\d{1,6})\s*号?\s*$")


def require_staff(actor) -> None:
    if not roles.is_staff_member(actor):
        raise PermissionDenied


def scope_ids(actor) -> list[int] | None:
    require_staff(actor)
    return roles.congress_scope_ids(actor)


def suggestions_for_office(*, actor):
    """Every item the office may handle: its congresses' items, drafts only when staff entered them."""
    scope = scope_ids(actor)
    qs = Suggestion.objects.filter(~Q(status=S.DRAFT) | Q(entered_by_staff=True))
    return qs if scope is None else qs.filter(congress_id__in=scope)


def overdue_exists(today=None):
    """An assignment of the item owes a reply and its deadline has passed."""
    today = today or timezone.localdate()
    return Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), status__in=AWAITING, deadline__lt=today))


def apply_filters(
    qs,
    *,
    session=None,
    status: str = "",
    field=None,
    unit=None,
    kind: str = "",
    overdue: bool = False,
    key: bool = False,
    entered_by_staff: bool = False,
    extension: str = "",
    urged: bool = False,
    q: str = "",
):
    """The list's filters, shared by the page and the exports (each multi-valued one as EXISTS).

    ``extension``: "asked" (a unit asked for more time, whatever the outcome) or an
    ``Extension.Status`` value; ``urged``: an urging notice was sent to one of its units. Both
    look at the units the list shows (withdrawn assignments left out, as the handling report)."""
    if session is not None:
        qs = qs.filter(session=session)
    if status:
        qs = qs.filter(status=status)
    if field is not None:
        qs = qs.filter(field=field)
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(
            Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit=unit).exclude(status=A.WITHDRAWN))
        )
    if overdue:
        qs = qs.filter(overdue_exists())
    if key:
        qs = qs.filter(key_supervision__isnull=False)
    if entered_by_staff:
        qs = qs.filter(entered_by_staff=True)
    if extension:
        asked = Extension.objects.filter(assignment__suggestion=OuterRef("pk")).exclude(assignment__status=A.WITHDRAWN)
        if extension != "asked":
            asked = asked.filter(status=extension)
        qs = qs.filter(Exists(asked))
    if urged:
        sent = UrgingNotice.objects.filter(assignment__suggestion=OuterRef("pk"))
        qs = qs.filter(Exists(sent.exclude(assignment__status=A.WITHDRAWN)))
    q = (q or "").strip()
    if q:
        match = _NUMBER.match(q)
        condition = Q(title__icontains=q) | Q(lead_deputy__name__icontains=q) | Q(number_series__icontains=q)
        if match:
            series, number = match.group(1).strip(), int(match.group(2))
            condition |= Q(number=number, number_series__icontains=series) if series else Q(number=number)
        qs = qs.filter(condition)
    return qs


# What a row of the office list shows, and nothing else (no text bodies, no search words).
LIST_FIELDS = (
    "pk",
    "congress_id",
    "kind",
    "title",
    "status",
    "number",
    "number_series",
    "entered_by_staff",
    "published",
    "submitted_at",
    "lead_deputy__name",
    "session__name",
    "field__name",
    "key_supervision__id",
)


class OfficeRows:
    """The office list for a paginator: ``count()`` and slices, each one query.

    A slice first takes the page's ids in list order from ``suggestion_office_order_idx`` (an
    index walk, however deep the page), and only for those fifty rows joins the deputy, session,
    field and key supervision, checks the overdue flag and loads the units (one prefetch). Had
    the joins and the flag been part of the walk, page 50 would compute them for the 2,450 rows
    it skips.
    """

    ordered = True  # for the paginator: the order is fixed (newest first)

    def __init__(self, queryset):
        self.queryset = queryset.order_by("-submitted_at", "-pk")

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        page_ids = self.queryset.values("pk")[key]
        current = (
            Assignment.objects.exclude(status=A.WITHDRAWN)
            .select_related("unit")
            .only("suggestion_id", "role", "status", "deadline", "unit__name")
            .order_by("pk")
        )
        return list(
            Suggestion.objects.filter(pk__in=page_ids)
            .select_related("lead_deputy", "session", "field", "key_supervision")
            .only(*LIST_FIELDS)
            .annotate(is_overdue=overdue_exists())
            .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
            .order_by("-submitted_at", "-pk")
        )


def suggestion_list_for_office(*, actor, **filters) -> OfficeRows:
    """The filtered list with what each row shows: deputy, session, field, current units, overdue."""
    return OfficeRows(apply_filters(suggestions_for_office(actor=actor), **filters))


def review_queue(*, actor):
    """Submitted items, first come first served."""
    return (
        suggestions_for_office(actor=actor)
        .filter(status=S.SUBMITTED)
        .select_related("lead_deputy", "session", "field")
        .annotate(cosigner_count=Count("cosigners", filter=Q(cosigners__status=CoSigner.Status.CONFIRMED)))
        .order_by("submitted_at", "pk")
    )


def suggestion_get_for_office(*, actor, pk: int) -> Suggestion:
    suggestion = (
        suggestions_for_office(actor=actor)
        .select_related(
            "congress", "session", "field", "lead_deputy", "lead_deputy__electoral_unit", "merged_into", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if suggestion is None:
        raise Http404
    return suggestion


def suggestion_detail_for_office(*, suggestion: Suggestion) -> dict:
    """Everything on the item page, each list in one query."""
    replies = (
        Reply.objects.select_related("category", "created_by")
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("deputy").order_by("rated_at", "pk")),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.prefetch_related(
                    Prefetch("progress", queryset=CommitmentProgress.objects.order_by("reported_on", "pk"))
                ).order_by("due_date", "pk"),
            ),
            Prefetch("evaluations", queryset=ThirdPartyEvaluation.objects.order_by("evaluated_on", "pk")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("round")
    )
    assignments = list(
        Assignment.objects.filter(suggestion=suggestion)
        .select_related("unit", "assigned_by")
        .prefetch_related(
            Prefetch("replies", queryset=replies),
            Prefetch("contacts", queryset=ContactLog.objects.order_by("contacted_on", "pk")),
            Prefetch("extensions", queryset=Extension.objects.order_by("requested_at", "pk")),
            Prefetch("urging_notices", queryset=UrgingNotice.objects.order_by("sent_at", "pk")),
            # A joint unit's co-signatures of the lead unit's reply not yet sent (waiting, or returned).
            Prefetch(
                "cosignatures",
                queryset=ReplyCoSignature.objects.exclude(reply__status=Reply.Status.SENT)
                .select_related("reply", "signed_by")
                .order_by("pk"),
            ),
        )
        .select_related("assisting_view")
        .order_by("pk")
    )
    supervision = (
        KeySupervision.objects.filter(suggestion=suggestion)
        .select_related("sc_leader", "sc_leader__deputy")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=KeySupervisionProgress.objects.select_related("reported_by").order_by("reported_on", "pk"),
            )
        )
        .first()
    )
    return {
        "assignments": assignments,
        "current_assignments": [a for a in assignments if a.status != A.WITHDRAWN],
        "cosigners": list(CoSigner.objects.filter(suggestion=suggestion).select_related("deputy").order_by("pk")),
        "attachments": list(
            Attachment.objects.filter(suggestion=suggestion, reply__isnull=True).order_by("uploaded_at", "pk")
        ),
        "events": list(
            SuggestionEvent.objects.filter(suggestion=suggestion).select_related("actor").order_by("created_at", "pk")
        ),
        "supervision": supervision,
        "merged_items": list(
            Suggestion.objects.filter(merged_into=suggestion).select_related("lead_deputy").order_by("pk")
        ),
    }


def merge_candidates(*, actor, suggestion: Suggestion, q: str, limit: int = 20):
    """Items this one may be merged into: same congress, submitted or further, found by number or words."""
    qs = (
        suggestions_for_office(actor=actor)
        .filter(congress_id=suggestion.congress_id)
        .exclude(pk=suggestion.pk)
        .exclude(status__in=[S.DRAFT, S.RETURNED, S.MERGED])
    )
    return apply_filters(qs, q=q).select_related("lead_deputy", "session").order_by("-pk")[:limit]


def merge_target_by_number(*, actor, suggestion: Suggestion, number: int) -> Suggestion | None:
    """The numbered item of the same congress; the same session's series is preferred."""
    qs = (
        suggestions_for_office(actor=actor)
        .filter(congress_id=suggestion.congress_id, number=number)
        .exclude(pk=suggestion.pk)
        .exclude(status__in=[S.DRAFT, S.RETURNED, S.MERGED])
    )
    if suggestion.session_id:
        same = qs.filter(session_id=suggestion.session_id).first()
        if same:
            return same
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


def attachment_get_for_office(*, actor, pk: int) -> Attachment:
    attachment = Attachment.objects.filter(pk=pk, suggestion__in=suggestions_for_office(actor=actor)).first()
    if attachment is None:
        raise Http404
    return attachment


def assignment_get_for_office(*, actor, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.filter(pk=pk, suggestion__in=suggestions_for_office(actor=actor))
        .select_related(
            "unit",
            "suggestion",
            "suggestion__congress",
            "suggestion__session",
            "suggestion__lead_deputy",
            "suggestion__field",
        )
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def reply_get_for_office(*, actor, pk: int) -> Reply:
    reply = (
        Reply.objects.filter(pk=pk, assignment__suggestion__in=suggestions_for_office(actor=actor))
        .select_related("assignment", "assignment__unit", "assignment__suggestion")
        .first()
    )
    if reply is None:
        raise Http404
    return reply


# --- Choices for the forms -------------------------------------------------------------------


def sessions_for_office(*, actor):
    scope = scope_ids(actor)
    qs = CongressSession.objects.select_related("term", "term__congress").order_by("-start_date", "-pk")
    return qs if scope is None else qs.filter(term__congress_id__in=scope)


def units_for_office(*, actor, congress_id: int | None = None):
    scope = scope_ids(actor)
    qs = Unit.objects.filter(is_active=True).order_by("congress_id", "name")
    if congress_id is not None:
        qs = qs.filter(congress_id=congress_id)
    return qs if scope is None else qs.filter(congress_id__in=scope)


def deputies_for_paper_entry(*, actor):
    """Serving deputies of the office's congresses, for entering a suggestion handed in on paper."""
    scope = scope_ids(actor)
    qs = (
        Deputy.objects.filter(status=Deputy.Status.SERVING)
        .select_related("electoral_unit")
        .order_by("congress_id", "electoral_unit__order", "name", "pk")
    )
    return qs if scope is None else qs.filter(congress_id__in=scope)


def sc_leaders_for(*, congress_id: int):
    """Directors and deputy directors of the standing committee, current seats only."""
    today = timezone.localdate()
    return (
        StandingCommitteeMember.objects.filter(
            term__congress_id=congress_id,
            position__in=[StandingCommitteeMember.Position.DIRECTOR, StandingCommitteeMember.Position.DEPUTY_DIRECTOR],
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("deputy")
        .order_by("position", "pk")
    )


# --- Exports --------------------------------------------------------------------------------


def _latest_reply(field: str):
    return Subquery(Reply.objects.filter(assignment=OuterRef("pk")).order_by("-round").values(field)[:1])


def ledger_rows(*, suggestions):
    """The handling ledger: one row per current assignment of the given items, in number order."""
    today = timezone.localdate()
    latest_rating = Subquery(
        Rating.objects.filter(reply__assignment=OuterRef("pk"))
        .order_by("-reply__round", "-rated_at", "-pk")
        .values("value")[:1]
    )
    late_reply = Exists(Reply.objects.filter(assignment=OuterRef("pk"), on_time=False))
    granted = Extension.objects.filter(assignment=OuterRef("pk"), status=Extension.Status.GRANTED)
    return (
        Assignment.objects.filter(suggestion__in=suggestions)
        .exclude(status=A.WITHDRAWN)
        .select_related("suggestion", "suggestion__lead_deputy", "suggestion__session", "unit")
        .annotate(
            latest_category_code=_latest_reply("category__code"),
            latest_category_name=_latest_reply("category__name"),
            latest_rating=latest_rating,
            replied_late=late_reply,
            # The deadline before the first granted extension, and how often more time was granted.
            original_deadline=Subquery(granted.order_by("decided_at", "pk").values("old_deadline")[:1]),
            extensions_granted=Coalesce(
                Subquery(granted.values("assignment").annotate(n=Count("pk")).values("n")[:1]), Value(0)
            ),
            awaiting_overdue=Case(
                When(status__in=AWAITING, deadline__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("suggestion__number_series", "suggestion__number", "suggestion_id", "pk")
    )


def unit_statistics(*, suggestions) -> dict:
    """Per unit: assigned, replied, replied on time, overdue, reply-category shares, satisfaction.

    Computed from the rows in five aggregate queries (assignments, first replies,
    latest replies by category, latest ratings, granted extensions), then put side by side per unit.

    - replied on time: the first reply came by the deadline (a granted extension's date included);
    - extended: assignments given more time at least once;
    - overdue: no reply yet and the deadline has passed, or the first reply came late;
    - categories: of each assignment's latest reply;
    - satisfaction: satisfied or basically satisfied, among the latest rated replies.
    """
    today = timezone.localdate()
    assignments = Assignment.objects.filter(suggestion__in=suggestions).exclude(status=A.WITHDRAWN)
    base = {
        row["unit_id"]: row
        for row in assignments.values("unit_id", unit_name=F("unit__name"))
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=Q(first_replied_on__isnull=False)),
            awaiting_overdue=Count(
                "pk", filter=Q(status__in=AWAITING, deadline__lt=today, first_replied_on__isnull=True)
            ),
        )
        .order_by("unit__name")
    }
    first_replies = {
        row["assignment__unit_id"]: row
        for row in Reply.objects.filter(assignment__in=assignments, round=1)
        .values("assignment__unit_id")
        .annotate(n_on_time=Count("pk", filter=Q(on_time=True)), n_late=Count("pk", filter=Q(on_time=False)))
        .order_by()
    }
    is_latest = ~Exists(Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=OuterRef("round")))
    latest = Reply.objects.filter(is_latest, assignment__in=assignments)
    categories = list(ReplyCategory.objects.order_by("order", "code"))
    by_category: dict[int, dict[int, int]] = {}
    for row in latest.values("assignment__unit_id", "category_id").annotate(n=Count("pk")).order_by():
        by_category.setdefault(row["assignment__unit_id"], {})[row["category_id"]] = row["n"]
    is_latest_rating = ~Exists(
        Rating.objects.filter(
            reply__assignment=OuterRef("reply__assignment"), reply__round__gt=OuterRef("reply__round")
        )
    )
    ratings = {
        row["reply__assignment__unit_id"]: row
        for row in Rating.objects.filter(is_latest_rating, reply__assignment__in=assignments)
        .values("reply__assignment__unit_id")
        .annotate(
            rated=Count("pk"),
            satisfied=Count("pk", filter=Q(value__in=[Rating.Value.SATISFIED, Rating.Value.BASICALLY])),
        )
        .order_by()
    }
    # Assignments given more time (延期) at least once.
    extended = dict(
        Extension.objects.filter(status=Extension.Status.GRANTED, assignment__in=assignments)
        .values("assignment__unit_id")
        .annotate(n=Count("assignment", distinct=True))
        .values_list("assignment__unit_id", "n")
        .order_by()
    )
    rows = []
    for unit_id, row in base.items():
        first = first_replies.get(unit_id, {})
        rating = ratings.get(unit_id, {})
        cats = by_category.get(unit_id, {})
        replied_total = sum(cats.values())
        rows.append(
            {
                "unit_id": unit_id,
                "unit_name": row["unit_name"],
                "assigned": row["assigned"],
                "replied": row["replied"],
                "on_time": first.get("n_on_time", 0),
                "extended": extended.get(unit_id, 0),
                "overdue": row["awaiting_overdue"] + first.get("n_late", 0),
                "categories": [
                    {
                        "code": c.code,
                        "count": cats.get(c.pk, 0),
                        "share": (cats.get(c.pk, 0) / replied_total) if replied_total else None,
                    }
                    for c in categories
                ],
                "rated": rating.get("rated", 0),
                "satisfied": rating.get("satisfied", 0),
                "satisfaction": (rating["satisfied"] / rating["rated"]) if rating.get("rated") else None,
            }
        )
    return {"categories": categories, "rows": rows}


def commitment_rows(*, suggestions):
    """The commitment ledger: each promise with its unit, due date, status and the latest progress."""
    last = CommitmentProgress.objects.filter(commitment=OuterRef("pk")).order_by("-reported_on", "-pk")
    return (
        Commitment.objects.filter(reply__assignment__suggestion__in=suggestions, reply__status=Reply.Status.SENT)
        .select_related("reply", "reply__assignment", "reply__assignment__unit", "reply__assignment__suggestion")
        .annotate(
            last_progress_on=Subquery(last.values("reported_on")[:1]),
            last_progress_note=Subquery(last.values("note")[:1]),
        )
        .order_by("due_date", "pk")
    )


# --- Deadlines and escalation (催办/督办) ------------------------------------------------------------

# Assignments whose unit still owes its reply (or an assisting unit its view).
OWING = (A.ASSIGNED, A.REHANDLING)


def _owing_in_scope(actor):
    return Assignment.objects.filter(
        suggestion__in=suggestions_for_office(actor=actor),
        status__in=OWING,
        suggestion__status__in=[S.ASSIGNED, S.REHANDLING],
    )


def pending_extensions(*, actor):
    """Requests for more time waiting for the office's decision, oldest first."""
    return (
        Extension.objects.filter(
            status=Extension.Status.REQUESTED, assignment__suggestion__in=suggestions_for_office(actor=actor)
        )
        .select_related("assignment", "assignment__unit", "assignment__suggestion", "requested_by")
        .order_by("requested_at", "pk")
    )


def overdue_assignments(*, actor, late_days: int = 0, today=None):
    """Units past their deadline (by more than ``late_days`` days), the latest first, with how often urged."""
    today = today or timezone.localdate()
    return (
        _owing_in_scope(actor)
        .filter(deadline__lt=today - datetime.timedelta(days=late_days))
        .select_related("unit", "suggestion", "suggestion__lead_deputy", "suggestion__session")
        .annotate(urging_count=Count("urging_notices", distinct=True))
        .order_by("deadline", "pk")
    )


def due_soon_assignments(*, actor, warn_from, today=None):
    """Units whose deadline is within the warning working days (the yellow mark)."""
    today = today or timezone.localdate()
    return (
        _owing_in_scope(actor)
        .filter(deadline__gte=today, deadline__lte=warn_from)
        .select_related("unit", "suggestion", "suggestion__lead_deputy")
        .order_by("deadline", "pk")
    )


def recess_items_to_assign(*, actor):
    """Accepted between-session items not yet assigned (the office's own clock: 5 working days)."""
    return (
        suggestions_for_office(actor=actor)
        .filter(status=S.ACCEPTED, session__isnull=True)
        .select_related("lead_deputy")
        .order_by("accepted_at", "pk")
    )


def urging_notice_get_for_office(*, actor, pk: int):
    notice = (
        UrgingNotice.objects.filter(pk=pk, assignment__suggestion__in=suggestions_for_office(actor=actor))
        .select_related(
            "assignment",
            "assignment__unit",
            "assignment__suggestion",
            "assignment__suggestion__congress",
            "assignment__suggestion__lead_deputy",
        )
        .first()
    )
    if notice is None:
        raise Http404
    return notice


def extension_get_for_office(*, actor, pk: int):
    extension = (
        Extension.objects.filter(pk=pk, assignment__suggestion__in=suggestions_for_office(actor=actor))
        .select_related("assignment", "assignment__unit", "assignment__suggestion")
        .first()
    )
    if extension is None:
        raise Http404
    return extension
