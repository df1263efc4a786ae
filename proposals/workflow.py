"""The workflows of suggestions and motions, as transition tables run by ``core.workflow``.

Each action names the states it may start from, the state it leads to (None: the
status does not change, e.g. adding a unit to an assigned suggestion), and who may
run it; the engine enforces all three. ``SUGGESTION`` writes a SuggestionEvent per
transition (the timeline deputies and staff see); the assignment, co-signer and
commitment workflows have their own audit columns, and the services write their
timeline entries.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import InvalidTransition
from core.workflow import DEPUTY, STAFF, SYSTEM, UNIT, Transition, Workflow, t

from .models import Assignment, Commitment, CoSigner, Extension, Reply, ReplyCoSignature, Suggestion, SuggestionEvent

S = Suggestion.Status
A = Assignment.Status

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
    # Status unchanged, but only from these states and only by staff; each writes an event.
    "published": t({S.REPLIED, S.RATED, S.CLOSED, S.REHANDLING}, None, STAFF),
    "unpublished": t(set(S.values), None, STAFF),
    "key_supervision": t(set(S.values) - {S.DRAFT, S.SUBMITTED, S.RETURNED, S.MERGED}, None, STAFF),
}

# States in which a unit is handling the suggestion (reminders, unit pages).
HANDLING = frozenset({S.ASSIGNED, S.REHANDLING})
# States a deputy may still edit.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})

# What each action (and each SuggestionEvent.action) is called on screen.
ACTION_LABELS = {
    "key_supervision_instruction": _("Instruction of the SC leader in charge"),
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
    "assisting_view": _("Assisting unit sent its view to the lead unit"),
    "reply_cosigning": _("Lead unit's reply sent to the joint units for co-signature"),
    "reply_cosigned": _("Joint unit co-signed the reply"),
    "reply_returned": _("Joint unit returned the reply with an opinion"),
    "extension_requested": _("Extension requested"),
    "extension_granted": _("Extension granted"),
    "extension_refused": _("Extension refused"),
    "urged": _("Urging notice sent"),
}


def _suggestion_event(suggestion, *, action, actor, from_status, to_status, note):
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _suggestion_refusal(suggestion, current, action):
    label = S(current).label if current in S.values else current
    return InvalidTransition(
        gettext("This item is “%(status)s”; “%(action)s” is not possible now.")
        % {"status": label, "action": ACTION_LABELS.get(action, action)}
    )


SUGGESTION = Workflow(
    model=Suggestion,
    transitions=TRANSITIONS,
    labels=ACTION_LABELS,
    event=_suggestion_event,
    refusal=_suggestion_refusal,
)

# A unit's assignment: received → (re-assignment asked) → replied → rated, or handled again.
ASSIGNMENT = Workflow(
    model=Assignment,
    transitions={
        "request_reassign": t({A.ASSIGNED}, A.REASSIGN_REQUESTED, UNIT),
        "refuse_reassign": t({A.REASSIGN_REQUESTED}, A.ASSIGNED, STAFF),
        "grant_reassign": t({A.REASSIGN_REQUESTED}, A.WITHDRAWN, STAFF),
        "reply": t({A.ASSIGNED, A.REHANDLING}, A.REPLIED, UNIT),
        "rehandle": t({A.REPLIED}, A.REHANDLING, DEPUTY),
        "done": t({A.REPLIED}, A.DONE, DEPUTY),
        # An assisting unit's part ends when its written view reaches the lead unit.
        "send_view": t({A.ASSIGNED}, A.DONE, UNIT),
        # A joint unit's part ends when it co-signs the lead unit's reply (later rounds it co-signs as done).
        "cosign": t({A.ASSIGNED}, A.DONE, UNIT),
    },
    labels={
        "request_reassign": _("Re-assignment requested"),
        "refuse_reassign": _("Re-assignment refused"),
        "grant_reassign": _("Re-assigned"),
        "reply": _("Unit replied"),
        "rehandle": _("Sent back for handling again"),
        "done": _("Reply rated"),
        "send_view": _("Assisting unit sent its view to the lead unit"),
        "cosign": _("Joint unit co-signed the lead unit's reply"),
    },
    state_labels=dict(A.choices),
)

C = CoSigner.Status
# A co-signer may change their answer while the item can still be co-signed (the service
# adds that condition on the suggestion to the same UPDATE).
COSIGNER = Workflow(
    model=CoSigner,
    transitions={
        "confirm": t(set(C.values), C.CONFIRMED, DEPUTY),
        "decline": t(set(C.values), C.DECLINED, DEPUTY),
    },
    labels={"confirm": _("Co-signer confirmed"), "decline": _("Co-signer declined")},
    state_labels=dict(C.choices),
)

RS = Reply.Status
# A lead unit's reply with joint units: with them for co-signature, then sent to the deputy by
# the last co-signature, or returned by one of them and sent to all again once revised.
REPLY = Workflow(
    model=Reply,
    transitions={
        "send": t({RS.COSIGNING}, RS.SENT, UNIT),
        "return": t({RS.COSIGNING}, RS.RETURNED, UNIT),
        "resubmit": t({RS.RETURNED}, RS.COSIGNING, UNIT),
    },
    labels={
        "send": _("Sent to the deputy"),
        "return": _("Returned by a joint unit for revision"),
        "resubmit": _("Revised and sent to the joint units again"),
    },
    state_labels=dict(RS.choices),
)

RC = ReplyCoSignature.Status
COSIGNATURE = Workflow(
    model=ReplyCoSignature,
    transitions={
        "sign": t({RC.PENDING}, RC.SIGNED, UNIT),
        "return": t({RC.PENDING}, RC.RETURNED, UNIT),
        "reopen": t({RC.SIGNED, RC.RETURNED}, RC.PENDING, UNIT),
    },
    labels={"sign": _("Co-signed"), "return": _("Returned with an opinion"), "reopen": _("Asked again")},
    state_labels=dict(RC.choices),
)

COMMITMENT = Workflow(
    model=Commitment,
    transitions={"fulfil": t({Commitment.Status.OPEN}, Commitment.Status.FULFILLED, UNIT)},
    labels={"fulfil": _("Fulfilled")},
    state_labels=dict(Commitment.Status.choices),
)

E = Extension.Status
# A unit asks for more time; the office grants a new date or refuses.
EXTENSION = Workflow(
    model=Extension,
    transitions={
        "grant": t({E.REQUESTED}, E.GRANTED, STAFF),
        "refuse": t({E.REQUESTED}, E.REFUSED, STAFF),
    },
    labels={"grant": _("Extension granted"), "refuse": _("Extension refused")},
    state_labels=dict(E.choices),
)

# --- Awards (评优) ----------------------------------------------------------------------------------

from .models import Award  # noqa: E402

W = Award.Status
# Nominated by the office → shortlisted (or not chosen) → decided by the chairpersons' meeting →
# published with the year's list; a publication can be withdrawn (back to decided).
AWARD = Workflow(
    model=Award,
    transitions={
        "shortlist": t({W.NOMINATED}, W.SHORTLISTED, STAFF),
        "not_chosen": t({W.NOMINATED, W.SHORTLISTED}, W.NOT_CHOSEN, STAFF),
        "decide": t({W.SHORTLISTED}, W.DECIDED, STAFF),
        "publish": t({W.DECIDED}, W.PUBLISHED, STAFF),
        "withdraw": t({W.PUBLISHED}, W.DECIDED, STAFF),
    },
    labels={
        "shortlist": _("Shortlist"),
        "not_chosen": _("Not chosen"),
        "decide": _("Record the chairpersons' meeting's decision"),
        "publish": _("Publish"),
        "withdraw": _("Withdraw from the public page"),
    },
    state_labels=dict(W.choices),
    initial={W.NOMINATED},
)
