"""The ledger's workflows, run by ``core.workflow``: a deputy's participation in an
activity, and a deputy's letter (代表信访) from receipt to the deputy's feedback.

"Whoever organises records it" (谁组织、谁负责): attendance is recorded by the person
named as recorder on the activity, or by office staff of its congress.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import DEPUTY, RECORDER, STAFF, UNIT, Workflow, t

from .models import DeputyLetter, Participation

P = Participation.Status
ANSWER_STATES = {P.INVITED, P.ACCEPTED, P.DECLINED}

PARTICIPATION = Workflow(
    model=Participation,
    transitions={
        # The deputy answers an invitation, and may change the answer until attendance is recorded.
        "accept": t(ANSWER_STATES, P.ACCEPTED, DEPUTY),
        "decline": t(ANSWER_STATES, P.DECLINED, DEPUTY),
        # The sheet may be corrected after it was first saved, so every state is a source.
        "attend": t(set(P.values), P.ATTENDED, RECORDER, STAFF),
        "absent": t(set(P.values), P.ABSENT, RECORDER, STAFF),
        "excuse": t(set(P.values), P.EXCUSED, RECORDER, STAFF),
    },
    labels={
        "accept": _("Accept"),
        "decline": _("Decline"),
        "attend": _("Attended"),
        "absent": _("Absent"),
        "excuse": _("Excused"),
    },
    state_labels=dict(P.choices),
    # Invited by the organiser, or recorded as present when the deputy came without an invitation.
    initial={P.INVITED, P.ATTENDED},
)

# The attendance sheet's choices and the action that records each.
ATTENDANCE_ACTIONS = {P.ATTENDED: "attend", P.ABSENT: "absent", P.EXCUSED: "excuse"}

L = DeputyLetter.Status


def _letter_event(letter, **fields):
    from .models import LetterEvent

    return LetterEvent.objects.create(letter=letter, **fields)


LETTER = Workflow(
    model=DeputyLetter,
    transitions={
        "forward": t({L.RECEIVED}, L.FORWARDED, STAFF),
        "reply": t({L.FORWARDED}, L.REPLIED, UNIT, STAFF),
        # The office may end a matter that needs no unit's answer (or no more waiting), with a reason.
        "close": t({L.RECEIVED, L.FORWARDED}, L.CLOSED, STAFF),
        # Only the deputy rates the reply: nobody rates on a deputy's behalf.
        "feedback": t({L.REPLIED}, L.CLOSED, DEPUTY),
    },
    labels={
        "forward": _("Forwarded"),
        "reply": _("Answered"),
        "close": _("Closed by the office"),
        "feedback": _("Feedback given"),
    },
    state_labels=dict(L.choices),
    event=_letter_event,
    # A deputy lodges a letter in the portal, or staff enter one received on paper.
    initial={L.RECEIVED},
)

# The timeline's words for steps that are not transitions.
LETTER_EVENT_LABELS = {
    **LETTER.labels,
    "lodge": _("Lodged"),
    "attach": _("File attached"),
}
