"""The workflow of a data request (资料申请), as a transition table run by ``core.workflow``.

submitted → routed by staff (to a unit, with a deadline) → answered or declined by the
unit's officer → rated by the deputy. Staff may decline a request before routing it, and
route a routed one again (to another unit, a new deadline). Every action writes a RequestEvent.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import InvalidTransition
from core.workflow import DEPUTY, STAFF, UNIT, Workflow, t

from .models import DataRequest, RequestEvent

S = DataRequest.Status
OPEN = frozenset({S.SUBMITTED, S.ROUTED})

TRANSITIONS = {
    "route": t({S.SUBMITTED, S.ROUTED}, S.ROUTED, STAFF),
    "refuse": t({S.SUBMITTED}, S.DECLINED, STAFF),
    "answer": t({S.ROUTED}, S.ANSWERED, UNIT),
    "decline": t({S.ROUTED}, S.DECLINED, UNIT),
    "rate": t({S.ANSWERED}, S.RATED, DEPUTY),
}

ACTION_LABELS = {
    "submit": _("Request submitted"),
    "route": _("Sent to the unit"),
    "refuse": _("Declined by the office"),
    "answer": _("Answered"),
    "decline": _("Declined by the unit"),
    "rate": _("Rated"),
}


def _event(request, *, action, actor, from_status, to_status, note):
    return RequestEvent.objects.create(
        request=request, action=action, actor=actor, from_status=from_status, to_status=to_status, note=note
    )


def _refusal(request, current, action):
    label = S(current).label if current in S.values else current
    return InvalidTransition(
        gettext("This request is “%(status)s”; “%(action)s” is not possible now.")
        % {"status": label, "action": ACTION_LABELS.get(action, action)}
    )


REQUEST = Workflow(
    model=DataRequest,
    transitions=TRANSITIONS,
    labels=ACTION_LABELS,
    state_labels=dict(S.choices),
    event=_event,
    refusal=_refusal,
    initial={S.SUBMITTED},
)
