"""The workflow of a public opinion, as a transition table run by ``core.workflow``.

received (or held for review → released / rejected by staff) → assigned by staff (to a
deputy of the station or a member of staff) → answered by the assignee → closed by staff.
Staff may also close an opinion without an answer, giving the reason. Notes may be added
while the case is open, by staff or the assignee. Every action writes an OpinionEvent.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import InvalidTransition
from core.workflow import STAFF, Workflow, t

from .models import Opinion, OpinionEvent

# The person an opinion is assigned to (a deputy of the station, or a member of staff).
ASSIGNEE = "assignee"

S = Opinion.Status
OPEN = frozenset({S.HELD, S.RECEIVED, S.ASSIGNED, S.ANSWERED})

TRANSITIONS = {
    "release": t({S.HELD}, S.RECEIVED, STAFF),
    "reject": t({S.HELD}, S.REJECTED, STAFF),
    # Assigning again hands the case to someone else.
    "assign": t({S.RECEIVED, S.ASSIGNED}, S.ASSIGNED, STAFF),
    "answer": t({S.ASSIGNED}, S.ANSWERED, ASSIGNEE),
    "close": t({S.ANSWERED}, S.CLOSED, STAFF),
    "close_unanswered": t({S.RECEIVED, S.ASSIGNED}, S.CLOSED, STAFF),
    "note": t(OPEN, None, STAFF, ASSIGNEE),
}

ACTION_LABELS = {
    "submit": _("Opinion received"),
    "hold": _("Held for review"),
    "release": _("Released for handling"),
    "reject": _("Rejected"),
    "assign": _("Assigned"),
    "answer": _("Answered"),
    "close": _("Closed"),
    "close_unanswered": _("Closed without answer"),
    "note": _("Note"),
}


def _event(opinion, *, action, actor, from_status, to_status, note):
    return OpinionEvent.objects.create(
        opinion=opinion, action=action, actor=actor, from_status=from_status, to_status=to_status, note=note
    )


def _refusal(opinion, current, action):
    label = S(current).label if current in S.values else current
    return InvalidTransition(
        gettext("This opinion is “%(status)s”; “%(action)s” is not possible now.")
        % {"status": label, "action": ACTION_LABELS.get(action, action)}
    )


OPINION = Workflow(
    model=Opinion,
    transitions=TRANSITIONS,
    labels=ACTION_LABELS,
    state_labels=dict(S.choices),
    event=_event,
    refusal=_refusal,
    initial={S.RECEIVED, S.HELD},
)
