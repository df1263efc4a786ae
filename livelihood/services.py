"""Actions of the livelihood cycle up to the vote: the collection window, ideas from the public,
deputies' candidates, offline entries, screening, the candidate list and the vote.

Who may act: staff of the cycle's congress (``in_scope``) for the window, screening, the list
and the vote; a serving deputy of the congress for their own candidates; anyone for a public
idea, within the abuse limits of ``core.public_forms``. Status changes run through
``livelihood/workflow.py``; delivery, supervision and evaluation are in ``services_delivery.py``.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import Unit
from accounts.scoping import in_scope
from core import public_forms
from core.exceptions import InvalidTransition, NotAllowed
from core.public_cache import public_pages_changed
from core.workflow import STAFF, SYSTEM
from deputies.models import Deputy
from notifications.services import notify_many

from . import vote as vote_rule
from .models import Cycle, Idea, Item, Milestone, Project, Target
from .workflow import CYCLE, IDEA, PROJECT

C = Cycle.Status
I = Idea.Status  # noqa: E741
P = Project.Status

PUBLIC_SCOPE = "livelihood-idea"
LIMITS = {"title": 100, "what_where": 2000, "why": 2000, "author_name": 40, "contact": 40, "beneficiaries": 200}
NOTE_MAX = 1000
_PHONE = re.compile(r"^[0-9+()\- ]{5,40}$")
_LONG_NUMBER = re.compile(r"\d[\d\s-]{5,}\d")


def today() -> datetime.date:
    return timezone.localdate()


# --- Who may act ------------------------------------------------------------------------------


def is_cycle_staff(actor, cycle: Cycle) -> bool:
    return roles.is_staff_member(actor) and in_scope(actor, cycle.congress_id)


def require_cycle_staff(actor, cycle: Cycle) -> None:
    if not roles.is_staff_member(actor):
        raise NotAllowed(_("Only office staff may do this."))
    if not in_scope(actor, cycle.congress_id):
        raise NotAllowed(_("This livelihood cycle belongs to another congress."))


def mandate_of(actor, congress_id) -> Deputy | None:
    """The actor's serving mandate in the congress, if any."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return Deputy.objects.filter(user=actor, congress_id=congress_id, status=Deputy.Status.SERVING).first()


def require_mandate(actor, cycle: Cycle) -> Deputy:
    deputy = mandate_of(actor, cycle.congress_id)
    if deputy is None:
        raise NotAllowed(_("Only serving deputies of this congress may do this."))
    return deputy


def window_open(cycle: Cycle, on: datetime.date | None = None) -> bool:
    on = on or today()
    return cycle.status == C.COLLECTING and cycle.opens_on <= on <= cycle.closes_on


def _note(text, *, required=False, field="note", limit=NOTE_MAX) -> str:
    cleaned, errors = public_forms.clean_fields(
        {field: text}, limits={field: limit}, required=[field] if required else []
    )
    if errors:
        raise ValidationError(errors)
    return cleaned[field]


def _serving_users(cycle: Cycle):
    return (
        get_user_model()
        .objects.filter(is_active=True, mandates__congress_id=cycle.congress_id, mandates__status=Deputy.Status.SERVING)
        .distinct()
    )


# --- The cycle --------------------------------------------------------------------------------


def cycle_create(
    *,
    actor,
    congress,
    year: int,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    seats: int = 10,
    tie_rule: str = Cycle.TieRule.FEWER_AGAINST,
    notice: str = "",
) -> Cycle:
    cycle = Cycle(
        congress=congress,
        year=year,
        title=_note(title, required=True, field="title", limit=100),
        opens_on=opens_on,
        closes_on=closes_on,
        seats=seats,
        tie_rule=tie_rule,
        notice=_note(notice, field="notice", limit=4000),
    )
    require_cycle_staff(actor, cycle)
    errors = {}
    if closes_on < opens_on:
        errors["closes_on"] = _("The window must close on or after the day it opens.")
    if seats < 1:
        errors["seats"] = _("At least one seat.")
    if tie_rule not in Cycle.TieRule.values:
        errors["tie_rule"] = _("Choose a tie rule.")
    if Cycle.objects.filter(congress=congress, year=year).exists():
        errors["year"] = _("This congress already has a livelihood cycle for that year.")
    if errors:
        raise ValidationError(errors)
    CYCLE.start(cycle, C.DRAFT)
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError:
        raise ValidationError({"year": _("This congress already has a livelihood cycle for that year.")})
    return cycle


def cycle_open_collection(*, actor, cycle: Cycle, announce: bool = True) -> Cycle:
    """Open the window; every serving deputy of the congress is told (once), unless
    ``announce`` is off (a past year entered afterwards)."""
    require_cycle_staff(actor, cycle)
    with transaction.atomic():
        CYCLE.run(cycle, "open_collection", actor=actor, role=STAFF)
        public_pages_changed()  # the cached public pages show the cycles' state
        if not announce:
            return cycle
        notify_many(
            _serving_users(cycle),
            key=f"livelihood:cycle:{cycle.pk}:opened",
            title=_("Livelihood projects %(year)d: candidates are collected until %(date)s")
            % {"year": cycle.year, "date": cycle.closes_on},
            body=_(
                "Propose a candidate project in the portal, alone or jointly; you may take up an idea from the public."
            ),
            url="/portal/livelihood/",
        )
    return cycle


def cycle_close_collection(*, actor, cycle: Cycle, role: str = STAFF) -> Cycle:
    if role == STAFF:
        require_cycle_staff(actor, cycle)
    CYCLE.run(cycle, "close_collection", actor=actor, role=role)
    public_pages_changed()
    return cycle


# --- Ideas from the public, candidates, offline entries ---------------------------------------


def _clean_idea_texts(values: dict, *, required=("title", "what_where")) -> tuple[dict, dict]:
    messages = {
        "title": _("Please give your idea a short title."),
        "what_where": _("Please say what should be done, and where."),
        "why": _("Please say why it matters."),
    }
    cleaned, errors = public_forms.clean_fields(
        values,
        limits={k: LIMITS[k] for k in values if k in LIMITS},
        required={k: messages.get(k) for k in required},
        plain=("contact",),
    )
    contact = cleaned.get("contact", "")
    if "contact" not in errors and contact and not _PHONE.match(contact):
        errors["contact"] = _("Please give a phone number (digits only), or leave it empty.")
    return cleaned, errors


def idea_submit_public(
    *, cycle: Cycle, title: str, what_where: str, why: str = "", author_name: str = "", contact: str = "", ip=None
) -> Idea:
    """An idea from anyone while the window is open. Refused with nothing stored: a closed
    window, empty, oversized or NUL-carrying texts, a bad phone, more than the rate limit's
    posts from one address; held for review when a sensitive word is found."""
    if not window_open(cycle):
        raise ValidationError(_("Ideas are not being collected at present."))
    cleaned, errors = _clean_idea_texts(
        {"title": title, "what_where": what_where, "why": why, "author_name": author_name, "contact": contact}
    )
    for name in ("title", "what_where", "why"):
        if name not in errors and _LONG_NUMBER.search(cleaned.get(name, "")):
            errors[name] = _("Leave out phone numbers and ID numbers here; use the contact field.")
    if errors:
        raise ValidationError(errors)
    found = public_forms.find_sensitive(cleaned["title"], cleaned["what_where"], cleaned["why"], cleaned["author_name"])
    idea = Idea(
        cycle=cycle,
        source=Idea.Source.PUBLIC,
        title=cleaned["title"],
        what_where=cleaned["what_where"],
        why=cleaned["why"],
        author_name=cleaned["author_name"],
        contact=cleaned["contact"],
        held_reason="、".join(found)[:200],
    )
    IDEA.start(idea, I.HELD if found else I.RECEIVED)
    with transaction.atomic():
        # One at a time per cycle, so a burst cannot slip past the count.
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
        idea.client_hash = public_forms.rate_limit_check(
            PUBLIC_SCOPE, ip, queryset=Idea.objects.filter(source=Idea.Source.PUBLIC)
        )
        idea.save()
        IDEA.event(
            idea, action="hold" if found else "submit", actor=None, from_status="", to_status=idea.status, note=""
        )
    return idea


def _parse_cost(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        cost = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"estimated_cost": _("Give the cost as a number of 10,000 yuan.")})
    if cost < 0 or cost >= Decimal("10000000000"):
        raise ValidationError({"estimated_cost": _("Give the cost as a number of 10,000 yuan.")})
    return cost


def candidate_submit(
    *,
    actor,
    cycle: Cycle,
    title: str,
    what_where: str,
    why: str,
    estimated_cost=None,
    beneficiaries: str = "",
    co_deputies=(),
    adopted_idea: Idea | None = None,
) -> Idea:
    """A deputy's candidate, alone or with co-proposers, while the window is open; it may take
    up a public idea of the cycle (the idea stays, linked)."""
    lead = require_mandate(actor, cycle)
    if not window_open(cycle):
        raise InvalidTransition(_("Candidates are not being collected at present."))
    cleaned, errors = _clean_idea_texts(
        {"title": title, "what_where": what_where, "why": why, "beneficiaries": beneficiaries},
        required=("title", "what_where", "why"),
    )
    try:
        cost = _parse_cost(estimated_cost)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cost = None
    others = [d for d in co_deputies if d.pk != lead.pk]
    bad = [d.name for d in others if d.congress_id != cycle.congress_id or d.status != Deputy.Status.SERVING]
    if bad:
        errors["co_deputies"] = _("Not serving deputies of this congress: %(names)s") % {"names": "、".join(bad)}
    if adopted_idea is not None and (
        adopted_idea.cycle_id != cycle.pk
        or adopted_idea.source != Idea.Source.PUBLIC
        or adopted_idea.status not in (I.RECEIVED, I.SHORTLISTED)
    ):
        errors["adopted_idea"] = _("This idea from the public cannot be taken up.")
    if errors:
        raise ValidationError(errors)
    idea = Idea(
        cycle=cycle,
        source=Idea.Source.DEPUTY,
        title=cleaned["title"],
        what_where=cleaned["what_where"],
        why=cleaned["why"],
        estimated_cost=cost,
        beneficiaries=cleaned["beneficiaries"],
        lead=lead,
        adopted_idea=adopted_idea,
        entered_by=actor,
    )
    IDEA.start(idea, I.RECEIVED)
    with transaction.atomic():
        idea.save()
        idea.deputies.set([lead, *others])
        note = _("Takes up the public idea “%(title)s”") % {"title": adopted_idea.title} if adopted_idea else ""
        IDEA.event(idea, action="submit", actor=actor, from_status="", to_status=idea.status, note=note)
        co_users = get_user_model().objects.filter(pk__in=[d.user_id for d in others if d.user_id])
        notify_many(
            co_users,
            key=f"livelihood:idea:{idea.pk}:co",
            title=_("%(name)s named you as co-proposer of a livelihood candidate: %(title)s")
            % {"name": lead.name, "title": idea.title},
            url="/portal/livelihood/",
        )
    return idea


def idea_enter_offline(
    *,
    actor,
    cycle: Cycle,
    title: str,
    what_where: str,
    why: str = "",
    author_name: str = "",
    contact: str = "",
    deputies=(),
    estimated_cost=None,
    beneficiaries: str = "",
) -> Idea:
    """Staff enter a letter, a 12345 call or a paper form from a deputy (then named)."""
    require_cycle_staff(actor, cycle)
    if cycle.status not in (C.COLLECTING, C.SCREENING):
        raise InvalidTransition(_("Ideas can be entered while they are collected or screened."))
    cleaned, errors = _clean_idea_texts(
        {
            "title": title,
            "what_where": what_where,
            "why": why,
            "author_name": author_name,
            "contact": contact,
            "beneficiaries": beneficiaries,
        }
    )
    try:
        cost = _parse_cost(estimated_cost)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cost = None
    deputies = list(deputies)
    if any(d.congress_id != cycle.congress_id for d in deputies):
        errors["deputies"] = _("Name deputies of this congress only.")
    if errors:
        raise ValidationError(errors)
    idea = Idea(
        cycle=cycle,
        source=Idea.Source.OFFLINE,
        title=cleaned["title"],
        what_where=cleaned["what_where"],
        why=cleaned["why"],
        author_name=cleaned["author_name"],
        contact=cleaned["contact"],
        estimated_cost=cost,
        beneficiaries=cleaned["beneficiaries"],
        lead=deputies[0] if deputies else None,
        entered_by=actor,
    )
    IDEA.start(idea, I.RECEIVED)
    with transaction.atomic():
        idea.save()
        if deputies:
            idea.deputies.set(deputies)
        IDEA.event(
            idea, action="submit", actor=actor, from_status="", to_status=idea.status, note=_("Entered by staff")
        )
    return idea


# --- Screening --------------------------------------------------------------------------------


def _screen(actor, idea: Idea, action: str, *, note: str = "", updates=None) -> Idea:
    require_cycle_staff(actor, idea.cycle)
    if idea.cycle.status not in (C.COLLECTING, C.SCREENING):
        raise InvalidTransition(_("Screening is over for this cycle."))
    IDEA.run(idea, action, actor=actor, role=STAFF, note=note, updates=updates)
    return idea


def idea_release(*, actor, idea: Idea, note: str = "") -> Idea:
    return _screen(actor, idea, "release", note=_note(note), updates={"held_reason": ""})


def idea_shortlist(*, actor, idea: Idea, note: str = "") -> Idea:
    return _screen(actor, idea, "shortlist", note=_note(note))


def idea_unshortlist(*, actor, idea: Idea, note: str = "") -> Idea:
    return _screen(actor, idea, "unshortlist", note=_note(note))


def idea_reject(*, actor, idea: Idea, reason: str) -> Idea:
    return _screen(actor, idea, "reject", note=_note(reason, required=True, field="reason", limit=500))


def idea_group(*, actor, idea: Idea, group: str) -> Idea:
    group = _note(group, field="group", limit=40)
    return _screen(actor, idea, "group", note=group, updates={"group": group})


def idea_merge(*, actor, idea: Idea, into: Idea, note: str = "") -> Idea:
    """Merge an idea into another of the same cycle (which stays open); never into itself or
    into one already merged."""
    if into is None or into.pk == idea.pk or into.cycle_id != idea.cycle_id:
        raise ValidationError({"into": _("Choose another idea of the same cycle.")})
    if into.status not in (I.RECEIVED, I.SHORTLISTED):
        raise ValidationError({"into": _("That idea is not open; merge into an open one.")})
    note = _note(note) or into.title
    return _screen(actor, idea, "merge", note=note, updates={"merged_into": into})


# --- The candidate list -----------------------------------------------------------------------


def _money(value, field="budget") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ValidationError({field: _("Give the budget as a number of 10,000 yuan.")})
    if amount < 0 or amount >= Decimal("10000000000"):
        raise ValidationError({field: _("Give the budget as a number of 10,000 yuan.")})
    return amount


def _department(cycle: Cycle, unit: Unit | None, field="department") -> Unit:
    if unit is None or unit.congress_id != cycle.congress_id or not unit.is_active:
        raise ValidationError({field: _("Choose an active department of this congress.")})
    return unit


def project_add(
    *, actor, cycle: Cycle, number: int, title: str, department: Unit, budget=0, description: str = "", ideas=()
) -> Project:
    """A category on the government's candidate list; taken from shortlisted ideas."""
    require_cycle_staff(actor, cycle)
    if cycle.status != C.SCREENING:
        raise InvalidTransition(_("The candidate list is drawn up after the window closes and before the vote."))
    project = Project(
        cycle=cycle,
        number=number,
        title=_note(title, required=True, field="title", limit=100),
        description=_note(description, field="description", limit=4000),
        department=_department(cycle, department),
        budget=_money(budget),
    )
    ideas = list(ideas)
    if any(i.cycle_id != cycle.pk or i.status != I.SHORTLISTED for i in ideas):
        raise ValidationError({"ideas": _("Only shortlisted ideas of this cycle can go on the list.")})
    if Project.objects.filter(cycle=cycle, number=number).exists():
        raise ValidationError({"number": _("Another project of this cycle has that number.")})
    PROJECT.start(project, P.CANDIDATE)
    with transaction.atomic():
        project.save()
        project.ideas.set(ideas)
    return project


def _require_project_editor(actor, project: Project) -> None:
    require_cycle_staff(actor, project.cycle)
    if project.status in (P.NOT_ELECTED, P.COMPLETED) or project.cycle.status in (C.EVALUATING, C.CLOSED):
        raise InvalidTransition(_("This project can no longer be changed."))


def item_add(*, actor, project: Project, title: str, department: Unit | None = None, budget=0) -> Item:
    _require_project_editor(actor, project)
    item = Item(
        project=project,
        title=_note(title, required=True, field="title", limit=150),
        department=_department(project.cycle, department or project.department),
        budget=_money(budget),
        order=project.items.count() + 1,
    )
    item.save()
    public_pages_changed()  # an elected project's items and progress are public
    return item


def target_add(*, actor, item: Item, name: str, unit: str, target_value, due_date: datetime.date) -> Target:
    _require_project_editor(actor, item.project)
    value = _money(target_value, field="target_value")
    if value <= 0:
        raise ValidationError({"target_value": _("The target must be more than zero.")})
    target = Target(
        item=item,
        name=_note(name, required=True, field="name", limit=150),
        unit=_note(unit, required=True, field="unit", limit=20),
        target_value=value,
        due_date=due_date,
    )
    target.save()
    public_pages_changed()  # a new target changes an elected project's progress on the home page
    return target


def milestone_add(*, actor, item: Item, title: str, due_date: datetime.date) -> Milestone:
    _require_project_editor(actor, item.project)
    milestone = Milestone(item=item, title=_note(title, required=True, field="title", limit=150), due_date=due_date)
    milestone.save()
    public_pages_changed()
    return milestone


# --- The vote ---------------------------------------------------------------------------------


def vote_check(*, cycle: Cycle, deputies_total, results: dict) -> dict:
    """Errors by key (``deputies_total``, or a project's number) of a results table:
    ``results = {project_number: (for, against, abstain)}`` for every candidate."""
    errors = {}
    if not isinstance(deputies_total, int) or deputies_total < 1:
        return {"deputies_total": _("Give the number of all deputies of the congress.")}
    numbers = set(cycle.projects.filter(status=P.CANDIDATE).values_list("number", flat=True))
    if len(numbers) <= cycle.seats:
        errors["__all__"] = _(
            "The vote needs more candidates than seats (差额): %(n)d candidates for %(seats)d seats."
        ) % {"n": len(numbers), "seats": cycle.seats}
    for number in sorted(numbers - set(results)):
        errors[number] = _("No result for candidate %(number)d.") % {"number": number}
    for number, counts in results.items():
        if number not in numbers:
            errors[number] = _("No candidate numbered %(number)s on the list.") % {"number": number}
            continue
        if any(not isinstance(v, int) or v < 0 for v in counts):
            errors[number] = _("Votes must be whole numbers, zero or more.")
        elif sum(counts) > deputies_total:
            errors[number] = _("For, against and abstain add up to %(sum)d, more than the %(total)d deputies.") % {
                "sum": sum(counts),
                "total": deputies_total,
            }
    return errors


def vote_record(*, actor, cycle: Cycle, deputies_total: int, results: dict, held_on: datetime.date) -> dict:
    """Record every candidate's votes, all or nothing, and decide who is elected by the rule
    in ``vote.py``. Returns ``{number: outcome}``."""
    require_cycle_staff(actor, cycle)
    if cycle.status != C.SCREENING:
        raise InvalidTransition(_("The vote is recorded once, after the candidate list is drawn up."))
    errors = vote_check(cycle=cycle, deputies_total=deputies_total, results=results)
    if errors:
        raise ValidationError({str(k): v for k, v in errors.items()})
    projects = {p.number: p for p in cycle.projects.filter(status=P.CANDIDATE)}
    ballots = [vote_rule.Ballot(n, *results[n]) for n in projects]
    outcomes = vote_rule.decide(ballots, seats=cycle.seats, deputies_total=deputies_total, tie_rule=cycle.tie_rule)
    with transaction.atomic():
        CYCLE.run(
            cycle,
            "record_vote",
            actor=actor,
            role=STAFF,
            updates={"deputies_total": deputies_total, "vote_held_on": held_on},
        )
        for number, project in projects.items():
            outcome = outcomes[number]
            votes_for, against, abstain = results[number]
            PROJECT.run(
                project,
                "elect" if outcome in vote_rule.ELECTED else "not_elect",
                actor=actor,
                role=SYSTEM,
                note=str(Project.Outcome(outcome).label),
                updates={
                    "votes_for": votes_for,
                    "votes_against": against,
                    "votes_abstain": abstain,
                    "outcome": outcome,
                },
            )
        public_pages_changed()  # the vote publishes the cycle: its elected projects reach the home page
    return outcomes


# --- Evaluation window ------------------------------------------------------------------------


def cycle_open_evaluation(*, actor, cycle: Cycle, closes_on: datetime.date, announce: bool = True) -> Cycle:
    """Open the year-end evaluation until ``closes_on``; every serving deputy is told."""
    require_cycle_staff(actor, cycle)
    if closes_on is None or closes_on < today():
        raise ValidationError({"closes_on": _("The evaluation must close today or later.")})
    with transaction.atomic():
        CYCLE.run(cycle, "open_evaluation", actor=actor, role=STAFF, updates={"evaluation_closes_on": closes_on})
        public_pages_changed()
        if not announce:
            return cycle
        notify_many(
            _serving_users(cycle),
            key=f"livelihood:cycle:{cycle.pk}:evaluation",
            title=_("Livelihood projects %(year)d: please rate each project by %(date)s")
            % {"year": cycle.year, "date": closes_on},
            url="/portal/livelihood/",
        )
    return cycle


def cycle_close(*, actor, cycle: Cycle) -> Cycle:
    require_cycle_staff(actor, cycle)
    CYCLE.run(cycle, "close", actor=actor, role=STAFF)
    public_pages_changed()
    return cycle
