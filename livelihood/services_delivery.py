"""Actions after the vote: departments' progress reports (政府办), supervision groups,
inspections and observations, and the deputies' year-end rating (人大评).

A department officer (``User.unit``) reports only on items of their own department; a value
stays between 0 and the target, and a lower value than before needs a reason, which stays
in the timeline. Inspections are activities of the ledger (``Activity.Kind.LIVELIHOOD``), so
the archive counts them. A rating is the deputy's own act, once per project.
"""

import datetime
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from activities.models import Activity
from activities.services import activity_invite, activity_open_for
from core.exceptions import InvalidTransition, NotAllowed
from core.public_cache import public_pages_changed
from core.workdays import add_workdays
from core.workflow import DEPUTY, STAFF, UNIT
from deputies.models import Deputy
from notifications.services import notify, notify_many

from .models import (
    Cycle,
    Inspection,
    Item,
    Milestone,
    Observation,
    Photo,
    Project,
    Rating,
    Report,
    ReportValue,
    SupervisionGroup,
)
from .services import _note, is_cycle_staff, mandate_of, require_cycle_staff, require_mandate, today
from .templatetags.livelihood_tags import plain
from .workflow import OBSERVATION, PROJECT

C = Cycle.Status
P = Project.Status
DELIVERING = {P.ELECTED}
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2]|Q[1-4])$")
PHOTO_TYPES = ("image/jpeg", "image/png")


def observation_workdays() -> int:
    return int(getattr(settings, "LIVELIHOOD_OBSERVATION_WORKDAYS", 10))


def photo_max_bytes() -> int:
    return int(getattr(settings, "LIVELIHOOD_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def is_department_officer(actor, unit_id) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.unit_id is not None
        and actor.unit_id == unit_id
        and roles.has_role(actor, roles.UNIT_OFFICER)
    )


def require_department(actor, item: Item) -> None:
    if not is_department_officer(actor, item.department_id):
        raise NotAllowed(_("Only officers of the responsible department may report on this item."))


# --- Progress reports -------------------------------------------------------------------------


def _decimal(value, field):
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Give a number.")})


def report_submit(*, actor, item: Item, period: str, narrative: str, values: dict, photos=()) -> Report:
    """The department's report on an item for a month (2025-06) or a quarter (2025-Q2).

    ``values`` = ``{target_id: (value, reason)}``; a target left out keeps its value. Refused,
    nothing written: another department, a project not being delivered, a bad period, a value
    outside 0–target, a lower value without a reason, a photo that is not a JPEG or PNG image.
    """
    require_department(actor, item)
    project = item.project
    if project.status not in DELIVERING or project.cycle.status not in (C.VOTED, C.EVALUATING):
        raise InvalidTransition(_("Progress is reported on elected projects being delivered."))
    errors = {}
    period = (period or "").strip().upper()
    if not _PERIOD.match(period):
        errors["period"] = _("Give the period as a month (2025-06) or a quarter (2025-Q2).")
    try:
        narrative = _note(narrative, required=True, field="narrative", limit=4000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    targets = {t.pk: t for t in item.targets.all()}
    rows = []
    for target_id, (raw, reason) in values.items():
        target = targets.get(int(target_id))
        field = f"target_{target_id}"
        if target is None:
            errors[field] = _("This target is not one of this item's.")
            continue
        if raw in (None, ""):
            continue
        try:
            value = _decimal(raw, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        reason = (reason or "").strip()[:300]
        if value < 0 or value > target.target_value:
            errors[field] = _("Between 0 and the target, %(target)s %(unit)s.") % {
                "target": plain(target.target_value),
                "unit": target.unit,
            }
        elif value < target.current_value and not reason:
            errors[field] = _("Lower than the %(before)s reported before: please give the reason.") % {
                "before": plain(target.current_value)
            }
        else:
            rows.append((target, value, reason))
    photos = [p for p in photos if p]
    if len(photos) > 6:
        errors["photos"] = _("At most 6 photos per report.")
    if Report.objects.filter(item=item, period=period).exists():
        errors["period"] = _("This item already has a report for that period.")
    if errors:
        raise ValidationError(errors)
    from core.uploads import check_upload

    checked = []
    for upload in photos:
        try:
            _mime, extension, name = check_upload(upload, max_bytes=photo_max_bytes(), allowed=PHOTO_TYPES)
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages})
        checked.append((upload, extension, name))
    now = timezone.now()
    try:
        with transaction.atomic():
            report = Report.objects.create(item=item, period=period, narrative=narrative, author=actor, created_at=now)
            for target, value, reason in rows:
                ReportValue.objects.create(
                    report=report, target=target, previous=target.current_value, value=value, reason=reason
                )
                target.current_value = value
                target.reported_at = now
                target.save(update_fields=["current_value", "reported_at"])
            for upload, extension, name in checked:
                photo = Photo(report=report, token=secrets.token_hex(16), extension=extension, caption=name[:100])
                photo.file.save(f"{photo.token}{extension}", upload, save=False)
                photo.save()
            public_pages_changed()  # the report is public at once, and the progress on the home page
    except IntegrityError:
        raise ValidationError({"period": _("This item already has a report for that period.")})
    return report


def milestone_reach(*, actor, milestone: Milestone, reached_on: datetime.date) -> Milestone:
    """The department marks a milestone of its own item reached (not in the future)."""
    require_department(actor, milestone.item)
    if milestone.item.project.status not in DELIVERING:
        raise InvalidTransition(_("Progress is reported on elected projects being delivered."))
    if reached_on is None or reached_on > today():
        raise ValidationError({"reached_on": _("The day a milestone was reached cannot be in the future.")})
    milestone.reached_on = reached_on
    milestone.save(update_fields=["reached_on"])
    public_pages_changed()
    return milestone


def project_complete(*, actor, project: Project, note: str = "") -> Project:
    """Staff mark a project completed once every target of every item is reached."""
    require_cycle_staff(actor, project.cycle)
    open_targets = [t for i in project.items.all() for t in i.targets.all() if not t.done]
    if open_targets:
        raise InvalidTransition(
            _("%(n)d targets are not reached yet; the project cannot be completed.") % {"n": len(open_targets)}
        )
    PROJECT.run(project, "complete", actor=actor, role=STAFF, note=_note(note))
    public_pages_changed()  # the home page marks a completed project
    return project


# --- Supervision ------------------------------------------------------------------------------


def group_create(*, actor, cycle: Cycle, name: str, deputies=(), projects=(), leader=None) -> SupervisionGroup:
    require_cycle_staff(actor, cycle)
    if cycle.status not in (C.VOTED, C.EVALUATING):
        raise InvalidTransition(_("Supervision groups follow elected projects, after the vote."))
    name = _note(name, required=True, field="name", limit=60)
    deputies, projects = list(deputies), list(projects)
    errors = {}
    if any(d.congress_id != cycle.congress_id or d.status != Deputy.Status.SERVING for d in deputies):
        errors["deputies"] = _("Only serving deputies of this congress.")
    if any(p.cycle_id != cycle.pk or p.status not in (P.ELECTED, P.COMPLETED) for p in projects):
        errors["projects"] = _("Only elected projects of this cycle.")
    if leader is not None and leader not in deputies:
        errors["leader"] = _("The leader must be one of the group's deputies.")
    if SupervisionGroup.objects.filter(cycle=cycle, name=name).exists():
        errors["name"] = _("This cycle already has a group of that name.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        group = SupervisionGroup.objects.create(cycle=cycle, name=name, leader=leader)
        group.deputies.set(deputies)
        group.projects.set(projects)
    return group


def inspection_record(
    *, actor, group: SupervisionGroup, project: Project, date: datetime.date, place: str = ""
) -> Inspection:
    """A group's inspection: an activity in the ledger with the group's deputies invited, so
    attendance is recorded there and the archive counts it."""
    require_cycle_staff(actor, group.cycle)
    if not group.projects.filter(pk=project.pk).exists():
        raise ValidationError({"project": _("This group does not follow that project.")})
    place = _note(place, field="place", limit=200)
    with transaction.atomic():
        inspection = Inspection.objects.create(group=group, project=project, date=date, place=place)
        activity = activity_open_for(
            actor=actor,
            source=inspection,
            kind=Activity.Kind.LIVELIHOOD,
            congress=group.cycle.congress,
            title=(_("Livelihood supervision: %(project)s") % {"project": project.title})[:200],
            start_date=date,
            place=place,
            organiser=group.name[:100],
        )
        activity_invite(actor=actor, activity=activity, deputies=list(group.deputies.all()))
        inspection.activity = activity
        inspection.save(update_fields=["activity"])
    return inspection


def may_observe(actor, project: Project) -> Deputy | None:
    """The actor's mandate if they are in a supervision group following the project."""
    deputy = mandate_of(actor, project.cycle.congress_id)
    if deputy is None or not project.groups.filter(deputies=deputy).exists():
        return None
    return deputy


def observation_make(*, actor, project: Project, text: str) -> Observation:
    """A supervising deputy's observation; the department answers within N working days."""
    deputy = may_observe(actor, project)
    if deputy is None:
        raise NotAllowed(_("Only deputies of a supervision group following this project may leave observations."))
    if project.status != P.ELECTED:
        raise InvalidTransition(_("Observations are left on projects being delivered."))
    text = _note(text, required=True, field="text", limit=2000)
    due = add_workdays(today(), observation_workdays())
    with transaction.atomic():
        observation = Observation(project=project, deputy=deputy, text=text, due_on=due)
        OBSERVATION.start(observation, Observation.Status.OPEN)
        observation.save()
        OBSERVATION.event(observation, action="make", actor=actor, from_status="", to_status="open", note="")
        officers = project.department.officers.filter(is_active=True)
        notify_many(
            officers,
            key=f"livelihood:observation:{observation.pk}:made",
            title=_("A deputy's observation on %(project)s: please answer by %(date)s")
            % {"project": project.title, "date": due},
            url=f"/unit/livelihood/observations/{observation.pk}/",
        )
    return observation


def observation_answer(*, actor, observation: Observation, answer: str) -> Observation:
    if not is_department_officer(actor, observation.project.department_id):
        raise NotAllowed(_("Only officers of the responsible department may answer."))
    answer = _note(answer, required=True, field="answer", limit=4000)
    with transaction.atomic():
        OBSERVATION.run(
            observation,
            "answer",
            actor=actor,
            role=UNIT,
            updates={"answer": answer, "answered_by": actor, "answered_at": timezone.now()},
        )
        deputy = observation.deputy
        if deputy.user_id:
            notify(
                deputy.user,
                key=f"livelihood:observation:{observation.pk}:answered",
                title=_("The department answered your observation on %(project)s")
                % {"project": observation.project.title},
                url=f"/portal/livelihood/projects/{observation.project_id}/",
            )
    return observation


def observation_close(*, actor, observation: Observation, note: str = "") -> Observation:
    held = set()
    if is_cycle_staff(actor, observation.project.cycle):
        held.add(STAFF)
    if observation.deputy.user_id and observation.deputy.user_id == getattr(actor, "pk", None):
        held.add(DEPUTY)
    if not held:
        raise NotAllowed(_("You may not do this."))
    OBSERVATION.run(observation, "close", actor=actor, role=STAFF if STAFF in held else DEPUTY, note=_note(note))
    return observation


# --- Evaluation -------------------------------------------------------------------------------


def rating_submit(*, actor, project: Project, value: str, comment: str = "") -> Rating:
    """The deputy's own rating of a project, once, while the evaluation is open."""
    deputy = require_mandate(actor, project.cycle)
    cycle = project.cycle
    if cycle.status != C.EVALUATING or (cycle.evaluation_closes_on and today() > cycle.evaluation_closes_on):
        raise InvalidTransition(_("The evaluation is not open."))
    if project.status not in (P.ELECTED, P.COMPLETED):
        raise InvalidTransition(_("Only elected projects are evaluated."))
    if value not in Rating.Value.values:
        raise ValidationError({"value": _("Choose satisfied, basically satisfied or unsatisfied.")})
    comment = _note(comment, field="comment", limit=1000)
    try:
        with transaction.atomic():
            return Rating.objects.create(project=project, deputy=deputy, value=value, comment=comment)
    except IntegrityError:
        raise ValidationError({"value": _("You have already rated this project.")})
