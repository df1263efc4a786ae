"""The roster's workflows, run by ``core.workflow``: a deputy's status, a credentials
review and a vacancy. Only office staff change the roster; a confirmed review moves the
by-elected deputies and fills their vacancies (``SYSTEM``)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import InvalidTransition
from core.workflow import STAFF, SYSTEM, Workflow, t

from .models import CredentialsReview, Deputy, StatusChange, Vacancy

S = Deputy.Status
K = StatusChange.Kind


def _status_change(deputy, *, action, actor, from_status, to_status, note, effective_date, reason=""):
    # The StatusChange row is the audit log of the roster and what the credentials report lists.
    return StatusChange.objects.create(
        deputy=deputy,
        kind=action,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
        effective_date=effective_date,
        note=note,
        actor=actor,
    )


def _deputy_refusal(deputy, current, action):
    status = S(current).label if current in S.values else deputy.get_status_display()
    return InvalidTransition(
        gettext("Deputy “%(name)s” is “%(status)s”; “%(action)s” is not possible.")
        % {"name": deputy.name, "status": status, "action": K(action).label}
    )


# The action names are StatusChange.Kind values: the event row records the kind of change.
DEPUTY_STATUS = Workflow(
    model=Deputy,
    transitions={
        K.SUSPEND: t({S.SERVING}, S.SUSPENDED, STAFF),
        K.RESUME: t({S.SUSPENDED}, S.SERVING, STAFF),
        K.TERMINATE: t({S.SERVING, S.SUSPENDED, S.PENDING}, S.TERMINATED, STAFF),
        K.CONFIRM: t({S.PENDING}, S.SERVING, SYSTEM),
    },
    labels=dict(K.choices),
    state_labels=dict(S.choices),
    event=_status_change,
    refusal=_deputy_refusal,
    # A new mandate serves at once, or waits for the credentials review after a by-election.
    initial={S.SERVING, S.PENDING},
)

CREDENTIALS_REVIEW = Workflow(
    model=CredentialsReview,
    transitions={"approve": t({CredentialsReview.Status.DRAFT}, CredentialsReview.Status.APPROVED, STAFF)},
    labels={"approve": _("Confirmed by the SC")},
    state_labels=dict(CredentialsReview.Status.choices),
)

VACANCY = Workflow(
    model=Vacancy,
    transitions={"fill": t({Vacancy.Status.OPEN}, Vacancy.Status.FILLED, SYSTEM)},
    labels={"fill": _("Filled")},
    state_labels=dict(Vacancy.Status.choices),
)
