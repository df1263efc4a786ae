"""The suggestion workflow as one explicit table.

Each action names the states it may start from, the state it leads to (None: the
status does not change, e.g. adding a unit to an assigned suggestion), and who may
run it. ``services._transition`` is the only code that changes ``Suggestion.status``.
"""

from dataclasses import dataclass

from .models import Suggestion

S = Suggestion.Status

DEPUTY = "deputy"  # the lead deputy
STAFF = "staff"
UNIT = "unit"  # an officer of an assigned unit
SYSTEM = "system"  # follows from another action (e.g. the last reply arriving)


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None
    actors: frozenset


def t(sources, target, *actors) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors))


TRANSITIONS: dict[str, Transition] = {
    "submit": t({S.DRAFT, S.RETURNED}, S.SUBMITTED, DEPUTY, STAFF),
    "accept": t({S.SUBMITTED}, S.ACCEPTED, STAFF),
    "return": t({S.SUBMITTED}, S.RETURNED, STAFF),
    "convert": t({S.SUBMITTED}, None, STAFF),
    "merge": t({S.SUBMITTED, S.ACCEPTED}, S.MERGED, STAFF),
    "assign": t({S.ACCEPTED, S.ASSIGNED}, S.ASSIGNED, STAFF),
    "reassign": t({S.ASSIGNED}, S.ASSIGNED, STAFF),
    "reply": t({S.ASSIGNED, S.REHANDLING}, S.REPLIED, SYSTEM),
    "rate": t({S.REPLIED}, S.RATED, SYSTEM),
    # From "assigned" too: with several units, one unit's reply may be rated before another replies.
    "rehandle": t({S.ASSIGNED, S.REPLIED, S.RATED}, S.REHANDLING, SYSTEM),
    "close": t({S.RATED, S.REPLIED}, S.CLOSED, STAFF),
}

# States in which a unit is handling the suggestion (reminders, unit pages).
HANDLING = frozenset({S.ASSIGNED, S.REHANDLING})
# States a deputy may still edit.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})

# What each action (and each SuggestionEvent.action) is called on screen.
from django.utils.translation import gettext_lazy as _  # noqa: E402

ACTION_LABELS = {
    "create": _("Draft created"),
    "submit": _("Submitted"),
    "accept": _("Accepted for handling"),
    "return": _("Returned"),
    "convert": _("Motion turned into a suggestion"),
    "merge": _("Merged into another item"),
    "merged_in": _("Another item merged in"),
    "assign": _("Assigned"),
    "reassign": _("Re-assigned"),
    "reassign_requested": _("Re-assignment requested"),
    "reassign_refused": _("Re-assignment refused"),
    "contact": _("Unit contacted the deputy"),
    "unit_replied": _("Unit replied"),
    "reply": _("All replies received"),
    "rated": _("Reply rated"),
    "rate": _("All replies rated"),
    "rehandle": _("Sent back for handling again"),
    "close": _("Closed"),
    "published": _("Published"),
    "unpublished": _("Withdrawn from the public pages"),
    "cosigners_invited": _("Co-signers invited"),
    "cosigner_confirmed": _("Co-signer confirmed"),
    "cosigner_declined": _("Co-signer declined"),
    "cosigner_withdrawn": _("Co-signing invitation withdrawn"),
    "attachment_removed": _("Attachment removed"),
    "commitment_progress": _("Progress on a commitment"),
    "key_supervision": _("Chosen for key supervision"),
    "key_supervision_progress": _("Key supervision progress"),
    "third_party_evaluation": _("Third-party evaluation recorded"),
    "attachment_public": _("Attachment cleared for publication"),
    "attachment_private": _("Attachment withdrawn from publication"),
}
