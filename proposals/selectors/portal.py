"""Reads for the deputies' pages (portal): scoped to the logged-in user, joined in advance.

Who may open an item is decided once, by ``suggestion_get_for_actor`` (see __init__.py);
these selectors add what the deputies' pages show, with a fixed number of queries
whatever the number of suggestions, replies or events.
"""

import re

from django.db.models import Count, Min, Prefetch, Q

from accounts import roles
from accounts.models import Unit
from deputies.models import CongressSession, Deputy

from .. import workflow
from ..models import (
    Assignment,
    Attachment,
    Commitment,
    CoSigner,
    Rating,
    Reply,
    Suggestion,
    SuggestionEvent,
    TopicGuide,
)
from . import suggestion_get_for_actor

A = Assignment.Status
S = Suggestion.Status

# The assignment states in which a unit still owes the deputy a reply.
OPEN_ASSIGNMENT = (A.ASSIGNED, A.REASSIGN_REQUESTED, A.REHANDLING)
# A co-signer can still answer while the item is a draft or waiting for review.
ANSWERABLE = workflow.EDITABLE | {S.SUBMITTED}


# --- The user's mandates --------------------------------------------------------------------


def mandates_for_user(*, user):
    """The user's mandates (one account may hold mandates at several levels)."""
    return (
        Deputy.objects.filter(user=user)
        .select_related("congress", "term", "electoral_unit")
        .order_by("congress_id", "pk")
    )


def serving_mandates(*, user) -> list[Deputy]:
    return [m for m in mandates_for_user(user=user) if m.status == Deputy.Status.SERVING]


def congress_ids_for_user(*, user, mandates=None) -> list[int]:
    """Whose topic guide and unit contacts the user reads: their mandates' congresses,
    else the congress of their unit or of their staff scope."""
    mandates = list(mandates_for_user(user=user)) if mandates is None else mandates
    ids = sorted({m.congress_id for m in mandates})
    if not ids and user.unit_id:
        ids = [user.unit.congress_id]
    if not ids and roles.is_staff_member(user) and user.congress_id:
        ids = [user.congress_id]
    return ids


def sessions_for_mandates(mandates):
    """The sessions of the mandates' terms, for the "congress session" choice."""
    return (
        CongressSession.objects.filter(term_id__in={m.term_id for m in mandates})
        .select_related("term", "term__congress")
        .order_by("term__congress_id", "-start_date", "-number")
    )


# --- The list page --------------------------------------------------------------------------


def _with_units():
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.exclude(status=A.WITHDRAWN).select_related("unit").order_by("role", "pk"),
        to_attr="active_assignments",
    )


def led_suggestions(*, actor):
    """Items the user leads, newest first, with the nearest open reply deadline and
    how many unit replies wait for the user's rating. Units are prefetched per page."""
    return (
        Suggestion.objects.filter(lead_deputy__user=actor)
        .select_related("session", "field")
        .annotate(
            next_deadline=Min("assignments__deadline", filter=Q(assignments__status__in=OPEN_ASSIGNMENT)),
            awaiting_rating=Count("assignments", filter=Q(assignments__status=A.REPLIED), distinct=True),
        )
        .prefetch_related(_with_units())
        .order_by("-created_at", "-pk")
    )


def cosign_requests(*, actor):
    """Invitations to co-sign that still wait for the user's answer."""
    return (
        CoSigner.objects.filter(deputy__user=actor, status=CoSigner.Status.INVITED, suggestion__status__in=ANSWERABLE)
        .select_related("suggestion", "suggestion__lead_deputy", "suggestion__session", "deputy")
        .order_by("-suggestion__created_at", "-pk")
    )


def cosigned_suggestions(*, actor):
    """Items the user confirmed as a co-signer."""
    return (
        CoSigner.objects.filter(deputy__user=actor, status=CoSigner.Status.CONFIRMED)
        .select_related("suggestion", "suggestion__lead_deputy", "suggestion__session")
        .order_by("-suggestion__created_at", "-pk")
    )


def with_units(page_items, *, attr: str = "suggestion") -> None:
    """Attach ``active_assignments`` to the suggestions of co-signer rows (one query per page)."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([getattr(row, attr) for row in page_items], _with_units())


# --- One item -------------------------------------------------------------------------------


def suggestion_for_portal(*, actor, pk: int) -> Suggestion:
    """The item (404 unless the actor may see it), with its co-signers and own attachments."""
    suggestion = suggestion_get_for_actor(actor=actor, pk=pk)
    suggestion.cosigner_list = list(
        suggestion.cosigners.select_related("deputy", "deputy__electoral_unit").order_by("pk")
    )
    suggestion.file_list = list(suggestion.attachments.filter(reply__isnull=True).order_by("uploaded_at", "pk"))
    suggestion.confirmed_count = sum(1 for c in suggestion.cosigner_list if c.status == CoSigner.Status.CONFIRMED)
    return suggestion


def suggestion_handling(*, suggestion: Suggestion):
    """The units (with role and deadline), their replies, reply files, ratings, commitments
    and the commitments' progress: six queries, however many there are."""
    replies = (
        Reply.objects.select_related("category")
        .order_by("round")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk"), to_attr="file_list"),
            Prefetch("ratings", queryset=Rating.objects.order_by("rated_at", "pk"), to_attr="rating_list"),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.order_by("due_date", "pk").prefetch_related("progress"),
                to_attr="commitment_list",
            ),
        )
    )
    return list(
        suggestion.assignments.exclude(status=A.WITHDRAWN)
        .select_related("unit")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="reply_list"))
        .order_by("role", "pk")
    )


def suggestion_timeline(*, suggestion: Suggestion):
    return list(
        SuggestionEvent.objects.filter(suggestion=suggestion).select_related("actor").order_by("created_at", "pk")
    )


def is_involved(*, actor, suggestion: Suggestion) -> bool:
    """Lead deputy, an invited/confirmed co-signer, office staff of its congress, or an
    officer of an assigned unit: they may open every file of the item; others (who see it
    only because it is published) only the files cleared for publication."""
    from ..services import is_office_staff

    if suggestion.lead_deputy.user_id == actor.pk:
        return True
    if suggestion.cosigners.filter(deputy__user=actor).exclude(status=CoSigner.Status.DECLINED).exists():
        return True
    if actor.unit_id and suggestion.assignments.filter(unit_id=actor.unit_id).exists():
        return True
    return is_office_staff(actor, suggestion.congress_id)


def attachment_get_for_actor(*, actor, suggestion_pk: int, pk: int) -> Attachment | None:
    suggestion = suggestion_get_for_actor(actor=actor, pk=suggestion_pk)
    files = Attachment.objects.filter(suggestion=suggestion, pk=pk)
    if not actor.unit_id:
        # A unit's reply letter reaches the deputy with the reply, once its joint units co-signed it.
        files = files.filter(Q(reply__isnull=True) | Q(reply__status=Reply.Status.SENT))
    if not is_involved(actor=actor, suggestion=suggestion):
        files = files.filter(public=True)
    return files.first()


# --- Co-signer names ------------------------------------------------------------------------

_SPLIT = re.compile(r"[\n\r,，、;；]+")
# "王芳（玄武区）" or "王芳(玄武区)": the name with the electoral unit, to tell namesakes apart.
_QUALIFIED = re.compile(r"^(?P<name>[^（(]+?)\s*[（(]\s*(?P<unit>[^）)]+?)\s*[）)]$")


def split_names(text: str) -> list[str]:
    """Names one per line or separated by commas, blanks and repeats dropped, order kept."""
    seen, names = set(), []
    for raw in _SPLIT.split(text or ""):
        name = " ".join(raw.split())
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names


def resolve_deputy_names(
    *, suggestion: Suggestion, names: list[str]
) -> tuple[list[Deputy], list[str], list[tuple[str, list[Deputy]]]]:
    """Match names against the serving deputies of the item's congress and term (one query).

    Returns (deputies found, unknown names, ambiguous names with their candidates).
    """
    wanted = {}
    for entry in names:
        match = _QUALIFIED.match(entry)
        wanted[entry] = (match.group("name").strip(), match.group("unit").strip()) if match else (entry, None)
    candidates = list(
        Deputy.objects.filter(
            congress_id=suggestion.congress_id,
            term_id=suggestion.lead_deputy.term_id,
            status=Deputy.Status.SERVING,
            name__in={name for name, _unit in wanted.values()},
        )
        .select_related("electoral_unit")
        .order_by("electoral_unit__order", "pk")
    )
    found, unknown, ambiguous = [], [], []
    for entry, (name, unit) in wanted.items():
        matches = [d for d in candidates if d.name == name and (unit is None or d.electoral_unit.name == unit)]
        if not matches:
            unknown.append(entry)
        elif len(matches) > 1:
            ambiguous.append((entry, matches))
        else:
            found.append(matches[0])
    return found, unknown, ambiguous


# --- Topic guide and unit contacts ------------------------------------------------------------


def published_topic_guides(*, congress_ids):
    return (
        TopicGuide.objects.filter(congress_id__in=congress_ids, published=True)
        .select_related("congress", "session")
        .order_by("-published_on", "-pk")
    )


def unit_contacts(*, congress_ids, query: str = ""):
    units = Unit.objects.filter(congress_id__in=congress_ids, is_active=True).order_by("sort_key", "pk")
    query = (query or "").strip()
    if query:
        units = units.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(public_contact__icontains=query)
        )
    return units
