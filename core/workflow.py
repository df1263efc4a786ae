"""The one workflow engine: every change of a ``status`` field in the project runs here.

A workflow is a transition table: each action names the states it may leave from, the
state it leads to (None: the status stays, e.g. adding a unit to an assigned
suggestion), and the roles that may run it. ``Workflow.run`` checks the role against the
table, then does a conditional UPDATE (``filter(pk=…, status=current)``) so that of two
people acting at once only one wins, writes the workflow's event row in the same
transaction, and raises ``InvalidTransition`` changing nothing when no row moved.
``Workflow.can`` answers the same question without writing, so pages show only the
actions a user may take. ``tests/test_architecture.py`` fails when a status is written
anywhere else.

Declaring one (a public opinion case, say)::

    CASE = Workflow(
        model=OpinionCase,
        transitions={
            "accept": t({S.RECEIVED}, S.ACCEPTED, STAFF),
            "forward": t({S.ACCEPTED}, S.FORWARDED, STAFF),
            "reply": t({S.FORWARDED}, S.REPLIED, UNIT),
        },
        labels={"accept": _("Accepted"), ...},
        event=lambda case, **e: CaseEvent.objects.create(case=case, **e),
    )

    CASE.run(case, "forward", actor=user, role=STAFF, updates={"unit": unit}, note="…")
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext as _

from .exceptions import InvalidTransition, NotAllowed

# Roles a transition table may name. Apps decide which of them an actor holds for a record.
STAFF = "staff"  # office staff of the record's congress
DEPUTY = "deputy"  # the deputy the record belongs to
UNIT = "unit"  # an officer of the unit the record is sent to
RECORDER = "recorder"  # the person named to record an activity
SYSTEM = "system"  # follows from another action (the last reply arriving, a confirmed review)


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None
    actors: frozenset


def t(sources: Iterable[str], target: str | None, *actors: str) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors))


class Workflow:
    """A transition table over one model's status field.

    ``event(obj, *, action, actor, from_status, to_status, note, **extra)`` writes the
    workflow's event row (its audit log and timeline); ``refusal(obj, current, action)``
    words the error when the record is not in a state the action starts from.
    """

    def __init__(
        self,
        *,
        model,
        transitions: dict[str, Transition],
        labels: dict | None = None,
        state_labels: dict | None = None,
        event: Callable | None = None,
        refusal: Callable | None = None,
        field: str = "status",
        initial: Iterable[str] = (),
    ):
        self.model = model
        self.transitions = transitions
        self.labels = labels or {}
        self.state_labels = state_labels
        self.event = event
        self.refusal = refusal
        self.field = field
        self.initial = frozenset(initial)

    # --- questions -------------------------------------------------------------------------

    def label(self, action: str) -> str:
        return str(self.labels.get(action, action))

    def can(self, action: str, *, status: str, roles: Iterable[str] | str) -> bool:
        """Whether someone holding ``roles`` may run ``action`` on a record in ``status``."""
        rule = self.transitions[action]
        held = {roles} if isinstance(roles, str) else set(roles)
        return status in rule.sources and bool(rule.actors & held)

    def actions(self, *, status: str, roles: Iterable[str] | str) -> list[str]:
        """Every action the roles may run from ``status``, in table order."""
        return [a for a in self.transitions if self.can(a, status=status, roles=roles)]

    def leaves_from(self, action: str) -> frozenset:
        return self.transitions[action].sources

    # --- changes -----------------------------------------------------------------------------

    def start(self, obj, state: str) -> None:
        """Give a row that is not saved yet one of the workflow's initial states (an import
        may create a by-elected deputy as pending, say); a saved row only moves by ``run``."""
        if obj.pk is not None:
            raise InvalidTransition(_("A saved record changes state only through its workflow."))
        if state not in self.initial:
            raise InvalidTransition(
                _("A new record cannot start as “%(status)s”.")
                % {"status": (self.state_labels or {}).get(state, state)}
            )
        setattr(obj, self.field, state)

    def _check_role(self, action: str, role: str) -> Transition:
        rule = self.transitions[action]
        if role not in rule.actors:
            raise NotAllowed(_("You may not do this: “%(action)s”.") % {"action": self.label(action)})
        return rule

    def _refuse(self, obj, current, action: str) -> InvalidTransition:
        if self.refusal is not None:
            return self.refusal(obj, current, action)
        state = current
        if self.state_labels is not None and current in self.state_labels:
            state = self.state_labels[current]
        return InvalidTransition(
            _("This record is “%(status)s”; “%(action)s” is not possible now.")
            % {"status": state, "action": self.label(action)}
        )

    def run(
        self,
        obj,
        action: str,
        *,
        actor,
        role: str,
        note: str = "",
        updates: dict | None = None,
        lock: bool = False,
        event: dict | None = None,
        where: dict | None = None,
    ):
        """Move ``obj`` along the table and write the event row; return the event (or None).

        ``updates`` are other fields written by the same UPDATE (a date, a reason);
        ``event`` adds fields to the event row; ``where`` adds conditions to the UPDATE that
        must also hold (e.g. the parent record's state). With ``lock`` the row is read
        ``SELECT … FOR UPDATE`` first (the conditional UPDATE guards on SQLite too).
        """
        rule = self._check_role(action, role)
        updates = dict(updates or {})
        manager = self.model._base_manager
        with transaction.atomic():
            rows = manager.filter(pk=obj.pk)
            if lock:
                rows = rows.select_for_update()
            current = rows.values_list(self.field, flat=True).first()
            target = rule.target or current
            changed = 0
            if current in rule.sources:
                changed = (
                    manager.filter(pk=obj.pk, **{self.field: current})
                    .filter(**(where or {}))
                    .update(**{self.field: target}, **updates)
                )
            if not changed:
                raise self._refuse(obj, current, action)
            setattr(obj, self.field, target)
            for key, value in updates.items():
                if not hasattr(value, "resolve_expression"):
                    setattr(obj, key, value)
            if self.event is None:
                return None
            return self.event(
                obj, action=action, actor=actor, from_status=current, to_status=target, note=note, **(event or {})
            )

    def run_many(self, objs, action: str, *, actor, role: str, updates: dict | None = None):
        """Move many rows at once, all or nothing: one conditional UPDATE per current state.

        Raises ``InvalidTransition`` (rolling back) if any row was not in a source state.
        Returns the number of rows moved. No event rows: use it for workflows without one.
        """
        rule = self._check_role(action, role)
        target = rule.target
        objs = list(objs)
        if not objs:
            return 0
        by_state: dict[str, list] = {}
        for obj in objs:
            by_state.setdefault(getattr(obj, self.field), []).append(obj)
        manager = self.model._base_manager
        moved = 0
        with transaction.atomic():
            for current, group in by_state.items():
                if current not in rule.sources:
                    raise self._refuse(group[0], current, action)
                ids = [o.pk for o in group]
                changed = manager.filter(pk__in=ids, **{self.field: current}).update(
                    **{self.field: target}, **(updates or {})
                )
                if changed != len(ids):
                    raise self._refuse(group[0], current, action)
                moved += changed
        for obj in objs:
            setattr(obj, self.field, target)
        return moved

    def run_each(self, items, *, actor, role: str, fields: Iterable[str] = (), updates: dict | None = None, batch=500):
        """Move many rows, each by its own action, in one UPDATE per ``batch`` rows (like
        ``bulk_update``), all or nothing.

        ``items`` are ``(obj, action)`` pairs read in this transaction (lock them with
        ``select_for_update``); ``fields`` are other per-row fields taken from each object,
        ``updates`` fields written alike on every row. Raises ``InvalidTransition`` if an
        action does not start from the row's state, or if a row moved meanwhile.
        """
        fields = list(fields)

        def value(obj, name, target):
            return target if name == self.field else getattr(obj, name)

        plan = []
        for obj, action in items:
            rule = self._check_role(action, role)
            current = getattr(obj, self.field)
            if current not in rule.sources:
                raise self._refuse(obj, current, action)
            plan.append((obj, current, rule.target or current))
        manager = self.model._base_manager
        with transaction.atomic():
            for start in range(0, len(plan), batch):
                chunk = plan[start : start + batch]
                values = {
                    name: Case(
                        *[When(pk=o.pk, then=Value(value(o, name, target))) for o, _c, target in chunk],
                        output_field=self.model._meta.get_field(name),
                    )
                    for name in [self.field, *fields]
                }
                values.update(updates or {})
                # The guard: each row is still in the state it was read in (one term per state).
                by_state: dict[str, list] = {}
                for o, current, _t in chunk:
                    by_state.setdefault(current, []).append(o.pk)
                guard = Q()
                for current, ids in by_state.items():
                    guard |= Q(pk__in=ids, **{self.field: current})
                changed = manager.filter(guard).update(**values)
                if changed != len(chunk):
                    raise InvalidTransition(_("Someone else changed these records meanwhile; nothing was saved."))
        for obj, _current, target in plan:
            setattr(obj, self.field, target)
        return len(plan)
