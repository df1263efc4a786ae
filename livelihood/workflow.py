"""The livelihood workflows, as transition tables run by ``core.workflow``.

- A cycle: draft → collecting (the window is open) → screening (window closed, staff build the
  candidate list) → voted (results recorded, projects delivered) → evaluating → closed.
- An idea or candidate: received (or held for review when a sensitive word is found) →
  shortlisted / merged into another / not taken up.
- A project on the candidate list: candidate → elected or not elected (by the vote) →
  completed.
- An observation of a supervising deputy: open → answered by the department → closed.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import DEPUTY, STAFF, SYSTEM, UNIT, Workflow, t

from .models import Cycle, CycleEvent, Idea, IdeaEvent, Observation, ObservationEvent, Project, ProjectEvent

C = Cycle.Status
I = Idea.Status  # noqa: E741
P = Project.Status
O = Observation.Status  # noqa: E741


def _writer(model, fk):
    def write(obj, *, action, actor, from_status, to_status, note):
        return model.objects.create(
            **{fk: obj}, action=action, actor=actor, from_status=from_status or "", to_status=to_status or "", note=note
        )

    return write


CYCLE_LABELS = {
    "open_collection": _("Collection window opened"),
    "close_collection": _("Collection window closed"),
    "record_vote": _("Vote results recorded"),
    "open_evaluation": _("Evaluation opened"),
    "close": _("Cycle closed"),
}

CYCLE = Workflow(
    model=Cycle,
    transitions={
        "open_collection": t({C.DRAFT}, C.COLLECTING, STAFF),
        "close_collection": t({C.COLLECTING}, C.SCREENING, STAFF, SYSTEM),
        "record_vote": t({C.SCREENING}, C.VOTED, STAFF),
        "open_evaluation": t({C.VOTED}, C.EVALUATING, STAFF),
        "close": t({C.EVALUATING}, C.CLOSED, STAFF),
    },
    labels=CYCLE_LABELS,
    state_labels=dict(C.choices),
    event=_writer(CycleEvent, "cycle"),
    initial={C.DRAFT},
)

IDEA_LABELS = {
    "submit": _("Received"),
    "hold": _("Held for review"),
    "release": _("Released"),
    "shortlist": _("Shortlisted"),
    "unshortlist": _("Taken off the shortlist"),
    "merge": _("Merged"),
    "reject": _("Not taken up"),
    "group": _("Grouped"),
}
IDEA = Workflow(
    model=Idea,
    transitions={
        "release": t({I.HELD}, I.RECEIVED, STAFF),
        "shortlist": t({I.RECEIVED}, I.SHORTLISTED, STAFF),
        "unshortlist": t({I.SHORTLISTED}, I.RECEIVED, STAFF),
        "merge": t({I.RECEIVED, I.SHORTLISTED}, I.MERGED, STAFF),
        "reject": t({I.HELD, I.RECEIVED}, I.REJECTED, STAFF),
        "group": t({I.RECEIVED, I.SHORTLISTED}, None, STAFF),
    },
    labels=IDEA_LABELS,
    state_labels=dict(I.choices),
    event=_writer(IdeaEvent, "idea"),
    initial={I.RECEIVED, I.HELD},
)

PROJECT_LABELS = {
    "elect": _("Elected"),
    "not_elect": _("Not elected"),
    "complete": _("Completed"),
    "reopen": _("Reopened"),
}
PROJECT = Workflow(
    model=Project,
    transitions={
        "elect": t({P.CANDIDATE}, P.ELECTED, SYSTEM),
        "not_elect": t({P.CANDIDATE}, P.NOT_ELECTED, SYSTEM),
        "complete": t({P.ELECTED}, P.COMPLETED, STAFF),
        "reopen": t({P.COMPLETED}, P.ELECTED, STAFF),
    },
    labels=PROJECT_LABELS,
    state_labels=dict(P.choices),
    event=_writer(ProjectEvent, "project"),
    initial={P.CANDIDATE},
)

OBSERVATION_LABELS = {
    "make": _("Observation made"),
    "answer": _("Answered"),
    "close": _("Closed"),
}
OBSERVATION = Workflow(
    model=Observation,
    transitions={
        "answer": t({O.OPEN}, O.ANSWERED, UNIT),
        "close": t({O.ANSWERED}, O.CLOSED, STAFF, DEPUTY),
    },
    labels=OBSERVATION_LABELS,
    state_labels=dict(O.choices),
    event=_writer(ObservationEvent, "observation"),
    initial={O.OPEN},
)
