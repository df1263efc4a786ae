"""The office's pages (/office/livelihood/): the cycles, the collection window, screening of
ideas and candidates, the candidate list (projects, items, targets), the vote (typed in or
imported with a preview), supervision groups and inspections, the evaluation, and exports.

Staff only, scoped to their congresses: anyone else gets 403, a record outside the scope 404.
Irreversible steps (closing the window, recording the vote, closing the cycle) ask for
confirmation on the page; a refusal comes back next to its form, as typed.
"""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.models import Unit
from accounts.scoping import scoped
from core.views import XLSX, add_service_errors, download_response, paginate, run_action
from deputies.models import Congress, Deputy

from .. import resources, services, services_delivery
from ..forms import (
    CycleForm,
    EvaluationForm,
    GroupForm,
    GroupLabelForm,
    IdeaFilterForm,
    InspectionForm,
    ItemForm,
    MergeForm,
    MilestoneForm,
    NoteForm,
    OfflineIdeaForm,
    ProjectForm,
    ReasonForm,
    TargetForm,
    VoteEntryForm,
    VoteImportForm,
)
from ..models import Cycle, Idea, Project
from ..selectors import office as selectors
from ..workflow import CYCLE, IDEA

C = Cycle.Status
VOTE_SALT = "livelihood.vote.preview"


class ConfirmForm(django_forms.Form):
    confirm = django_forms.BooleanField(
        label=_("I have checked; this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm; this step cannot be undone.")},
    )


def _require_staff(request):
    if not roles.is_staff_member(request.user):
        raise PermissionDenied


def _congresses(request):
    return scoped(Congress.objects.all(), request.user, "id").order_by("pk")


@login_required
@require_http_methods(["GET", "POST"])
def cycles(request):
    _require_staff(request)
    form = CycleForm(request.POST if request.method == "POST" else None, congresses=_congresses(request))
    status = 200
    if request.method == "POST":
        result = run_action(form, lambda d: services.cycle_create(actor=request.user, **d), leftovers_on_form=True)
        if result.ok:
            messages.success(request, _("The cycle was created."))
            return redirect(reverse("livelihood_office:cycle", args=[result.value.pk]))
        status = result.status
    rows = selectors.cycles_for_office(actor=request.user)
    return render(request, "livelihood/office/cycles.html", {"cycles": rows, "form": form}, status=status)


STEPS = {
    # action: (service, needs confirmation, success message)
    "open_collection": (services.cycle_open_collection, False, _("The window is open; the deputies were told.")),
    "close_collection": (services.cycle_close_collection, True, _("The window is closed; screening can start.")),
    "close": (services.cycle_close, True, _("The cycle is closed.")),
}


def _cycle_context(request, cycle, **extra):
    held = {"staff"}
    projects = selectors.projects_for_office(cycle=cycle)
    context = {
        "cycle": cycle,
        "steps": [a for a in STEPS if CYCLE.can(a, status=cycle.status, roles=held)],
        "step_labels": {a: CYCLE.label(a) for a in STEPS},
        "projects": projects,
        "idea_counts": {
            Idea.Status(row["status"]).label: row["n"]
            for row in cycle.ideas.order_by().values("status").annotate(n=Count("pk"))
        },
        "groups": list(cycle.groups.prefetch_related("deputies", "projects", "inspections").order_by("name")),
        "confirm_form": ConfirmForm(),
        "evaluation_form": EvaluationForm(),
        "group_form": None,
        "project_form": None,
        "Status": C,
    }
    if cycle.status == C.SCREENING:
        context["project_form"] = _project_form(cycle)
    if cycle.status in (C.VOTED, C.EVALUATING):
        context["group_form"] = _group_form(cycle)
    context.update(extra)
    return context


def _project_form(cycle, data=None):
    return ProjectForm(
        data,
        prefix="project",
        departments=Unit.objects.filter(congress_id=cycle.congress_id, is_active=True).order_by("sort_key", "name"),
        ideas=cycle.ideas.filter(status=Idea.Status.SHORTLISTED).order_by("title"),
        initial={"number": cycle.projects.count() + 1},
    )


def _group_form(cycle, data=None):
    return GroupForm(
        data,
        prefix="group",
        deputies=Deputy.objects.filter(congress_id=cycle.congress_id, status=Deputy.Status.SERVING).order_by("name"),
        projects=cycle.projects.filter(status__in=(Project.Status.ELECTED, Project.Status.COMPLETED)).order_by(
            "number"
        ),
    )


@login_required
@require_GET
def cycle(request, pk: int):
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    return render(request, "livelihood/office/cycle.html", _cycle_context(request, cycle))


@login_required
@require_POST
def cycle_step(request, pk: int, action: str):
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    if action == "open_evaluation":
        form = EvaluationForm(request.POST)
        result = run_action(
            form,
            lambda d: services.cycle_open_evaluation(actor=request.user, cycle=cycle, closes_on=d["closes_on"]),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("The evaluation is open; the deputies were told."))
            return redirect(reverse("livelihood_office:cycle", args=[pk]))
        return render(
            request,
            "livelihood/office/cycle.html",
            _cycle_context(request, cycle, evaluation_form=form),
            status=result.status,
        )
    if action not in STEPS:
        raise PermissionDenied
    service, confirm, message = STEPS[action]
    form = ConfirmForm(request.POST) if confirm else NoteForm(request.POST)
    result = run_action(form, lambda d: service(actor=request.user, cycle=cycle), leftovers_on_form=True)
    if result.ok:
        messages.success(request, message)
        return redirect(reverse("livelihood_office:cycle", args=[pk]))
    return render(
        request,
        "livelihood/office/cycle.html",
        _cycle_context(request, cycle, confirm_form=form, failed=action),
        status=result.status,
    )


# --- Screening --------------------------------------------------------------------------------


def _ideas_context(request, cycle, **extra):
    filters = IdeaFilterForm(request.GET or None)
    rows = selectors.ideas_for_office(cycle=cycle, **filters.filters())
    page = paginate(request, rows, size=50)
    open_ideas = cycle.ideas.filter(status__in=(Idea.Status.RECEIVED, Idea.Status.SHORTLISTED)).order_by("title")
    for idea in page.object_list:
        idea.actions = IDEA.actions(status=idea.status, roles={"staff"})
    context = {
        "cycle": cycle,
        "page": page,
        "filters": filters,
        "offline_form": OfflineIdeaForm(prefix="offline", deputies=_deputies(cycle)),
        "merge_choices": open_ideas,
        "screening": cycle.status in (C.COLLECTING, C.SCREENING),
    }
    context.update(extra)
    return context


def _deputies(cycle):
    return Deputy.objects.filter(congress_id=cycle.congress_id, status=Deputy.Status.SERVING).order_by("name", "pk")


@login_required
@require_GET
def ideas(request, pk: int):
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    return render(request, "livelihood/office/ideas.html", _ideas_context(request, cycle))


@login_required
@require_POST
def idea_offline(request, pk: int):
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    form = OfflineIdeaForm(request.POST, prefix="offline", deputies=_deputies(cycle))
    result = run_action(
        form,
        lambda d: services.idea_enter_offline(
            actor=request.user,
            cycle=cycle,
            title=d["title"],
            what_where=d["what_where"],
            why=d["why"],
            author_name=d["author_name"],
            contact=d["contact"],
            deputies=list(d["deputies"]),
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The idea was entered."))
        return redirect(reverse("livelihood_office:ideas", args=[pk]))
    return render(
        request, "livelihood/office/ideas.html", _ideas_context(request, cycle, offline_form=form), status=result.status
    )


IDEA_ACTIONS = {
    "release": (NoteForm, lambda a, i, d: services.idea_release(actor=a, idea=i, note=d["note"])),
    "shortlist": (NoteForm, lambda a, i, d: services.idea_shortlist(actor=a, idea=i, note=d["note"])),
    "unshortlist": (NoteForm, lambda a, i, d: services.idea_unshortlist(actor=a, idea=i, note=d["note"])),
    "reject": (ReasonForm, lambda a, i, d: services.idea_reject(actor=a, idea=i, reason=d["reason"])),
    "group": (GroupLabelForm, lambda a, i, d: services.idea_group(actor=a, idea=i, group=d["group"])),
}


@login_required
@require_POST
def idea_action(request, pk: int, action: str):
    _require_staff(request)
    idea = selectors.idea_for_office(actor=request.user, pk=pk)
    cycle = idea.cycle
    if action == "merge":
        form = MergeForm(request.POST, ideas=cycle.ideas.exclude(pk=idea.pk))
        run = lambda d: services.idea_merge(actor=request.user, idea=idea, into=d["into"], note=d["note"])  # noqa: E731
    elif action in IDEA_ACTIONS:
        form_class, call = IDEA_ACTIONS[action]
        form = form_class(request.POST)
        run = lambda d: call(request.user, idea, d)  # noqa: E731
    else:
        raise PermissionDenied
    result = run_action(form, run)
    if result.ok:
        messages.success(request, _("“%(title)s”: %(action)s.") % {"title": idea.title, "action": IDEA.label(action)})
        return redirect(reverse("livelihood_office:ideas", args=[cycle.pk]) + f"#idea-{idea.pk}")
    errors = result.errors + [str(e) for field in form.errors.values() for e in field]
    return render(
        request,
        "livelihood/office/ideas.html",
        _ideas_context(request, cycle, action_errors=errors, failed_idea=idea.pk),
        status=result.status,
    )


# --- The candidate list and projects -----------------------------------------------------------


@login_required
@require_POST
def project_add(request, pk: int):
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    form = _project_form(cycle, request.POST)
    result = run_action(
        form,
        lambda d: services.project_add(
            actor=request.user,
            cycle=cycle,
            number=d["number"],
            title=d["title"],
            description=d["description"],
            department=d["department"],
            budget=d["budget"],
            ideas=list(d["ideas"]),
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The project is on the candidate list."))
        return redirect(reverse("livelihood_office:project", args=[result.value.pk]))
    return render(
        request, "livelihood/office/cycle.html", _cycle_context(request, cycle, project_form=form), status=result.status
    )


def _project_context(request, project, **extra):
    departments = Unit.objects.filter(congress_id=project.cycle.congress_id, is_active=True).order_by(
        "sort_key", "name"
    )
    context = {
        "project": project,
        "cycle": project.cycle,
        "item_form": ItemForm(prefix="item", departments=departments, initial={"department": project.department_id}),
        "target_form": TargetForm(prefix="target", items=project.items.all()),
        "milestone_form": MilestoneForm(prefix="milestone", items=project.items.all()),
        "inspection_form": InspectionForm(prefix="inspection", groups=project.groups.all()),
        "editable": project.status in (Project.Status.CANDIDATE, Project.Status.ELECTED)
        and project.cycle.status not in (C.EVALUATING, C.CLOSED),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def project(request, pk: int):
    _require_staff(request)
    project = selectors.project_for_office(actor=request.user, pk=pk)
    return render(request, "livelihood/office/project.html", _project_context(request, project))


@login_required
@require_POST
def project_part(request, pk: int, part: str):
    _require_staff(request)
    project = selectors.project_for_office(actor=request.user, pk=pk)
    departments = Unit.objects.filter(congress_id=project.cycle.congress_id, is_active=True)
    if part == "item":
        form = ItemForm(request.POST, prefix="item", departments=departments)
        run = lambda d: services.item_add(  # noqa: E731
            actor=request.user, project=project, title=d["title"], department=d["department"], budget=d["budget"]
        )
    elif part == "target":
        form = TargetForm(request.POST, prefix="target", items=project.items.all())
        run = lambda d: services.target_add(  # noqa: E731
            actor=request.user,
            item=d["item"],
            name=d["name"],
            unit=d["unit"],
            target_value=d["target_value"],
            due_date=d["due_date"],
        )
    elif part == "milestone":
        form = MilestoneForm(request.POST, prefix="milestone", items=project.items.all())
        run = lambda d: services.milestone_add(  # noqa: E731
            actor=request.user, item=d["item"], title=d["title"], due_date=d["due_date"]
        )
    elif part == "inspection":
        form = InspectionForm(request.POST, prefix="inspection", groups=project.groups.all())
        run = lambda d: services_delivery.inspection_record(  # noqa: E731
            actor=request.user, group=d["group"], project=project, date=d["date"], place=d["place"]
        )
    elif part == "complete":
        form = ConfirmForm(request.POST)
        run = lambda d: services_delivery.project_complete(actor=request.user, project=project)  # noqa: E731
    else:
        raise PermissionDenied
    result = run_action(form, run, leftovers_on_form=True)
    if result.ok:
        messages.success(request, _("Saved."))
        return redirect(reverse("livelihood_office:project", args=[pk]))
    project = selectors.project_for_office(actor=request.user, pk=pk)
    return render(
        request,
        "livelihood/office/project.html",
        _project_context(request, project, **{f"{part}_form": form}),
        status=result.status,
    )


# --- The vote ---------------------------------------------------------------------------------


def _vote_context(cycle, **extra):
    candidates = list(cycle.projects.filter(status=Project.Status.CANDIDATE).order_by("number"))
    # Offered, not imposed: the office checks the roster's count against the session's own.
    serving = Deputy.objects.filter(congress_id=cycle.congress_id, status=Deputy.Status.SERVING).count()
    context = {
        "cycle": cycle,
        "candidates": candidates,
        "entry_form": VoteEntryForm(projects=candidates, prefix="entry", initial={"deputies_total": serving}),
        "import_form": VoteImportForm(initial={"deputies_total": serving}),
        "preview": None,
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def vote(request, pk: int):
    """GET: the forms. POST ``step=preview``: check an uploaded file and show it, row errors
    and all; ``step=confirm``: record the previewed results; ``step=entry``: record typed-in ones."""
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "livelihood/office/vote.html", _vote_context(cycle))
    step = request.POST.get("step")
    if step == "preview":
        form = VoteImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "livelihood/office/vote.html", _vote_context(cycle, import_form=form))
        total = form.cleaned_data["deputies_total"]
        preview = resources.vote_preview(cycle=cycle, upload=form.cleaned_data["file"], deputies_total=total)
        token = ""
        if not preview.errors:
            token = signing.dumps(
                {
                    "cycle": cycle.pk,
                    "total": total,
                    "held_on": form.cleaned_data["held_on"].isoformat(),
                    "results": [[n, *v] for n, v in preview.results.items()],
                },
                salt=VOTE_SALT,
            )
        return render(
            request, "livelihood/office/vote.html", _vote_context(cycle, import_form=form, preview=preview, token=token)
        )
    if step == "confirm":
        import datetime

        try:
            data = signing.loads(request.POST.get("token", ""), salt=VOTE_SALT, max_age=3600)
            if data["cycle"] != cycle.pk:
                raise signing.BadSignature
        except signing.BadSignature:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect(reverse("livelihood_office:vote", args=[pk]))
        results = {row[0]: tuple(row[1:]) for row in data["results"]}
        form = ConfirmForm(request.POST)
        result = run_action(
            form,
            lambda d: services.vote_record(
                actor=request.user,
                cycle=cycle,
                deputies_total=data["total"],
                results=results,
                held_on=datetime.date.fromisoformat(data["held_on"]),
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("The vote results were recorded and published."))
            return redirect(reverse("livelihood_office:cycle", args=[pk]))
        return render(
            request,
            "livelihood/office/vote.html",
            _vote_context(cycle, confirm_errors=form.non_field_errors() + form.errors.get("confirm", [])),
            status=result.status,
        )
    candidates = list(cycle.projects.filter(status=Project.Status.CANDIDATE).order_by("number"))
    form = VoteEntryForm(request.POST, projects=candidates, prefix="entry")
    confirm = ConfirmForm(request.POST)
    if form.is_valid() and confirm.is_valid():
        try:
            services.vote_record(
                actor=request.user,
                cycle=cycle,
                deputies_total=form.cleaned_data["deputies_total"],
                results=form.results(),
                held_on=form.cleaned_data["held_on"],
            )
        except (ValidationError, PermissionDenied) as exc:
            leftover = add_service_errors(form, exc)
            for key in leftover:
                form.add_error(None, key)
            status = 403 if isinstance(exc, PermissionDenied) else 200
            return render(request, "livelihood/office/vote.html", _vote_context(cycle, entry_form=form), status=status)
        messages.success(request, _("The vote results were recorded and published."))
        return redirect(reverse("livelihood_office:cycle", args=[pk]))
    if not confirm.is_valid():
        form.add_error(None, confirm.errors["confirm"])
    return render(request, "livelihood/office/vote.html", _vote_context(cycle, entry_form=form))


# --- Supervision groups ------------------------------------------------------------------------


@login_required
@require_POST
def group_add(request, pk: int):
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    form = _group_form(cycle, request.POST)
    result = run_action(
        form,
        lambda d: services_delivery.group_create(
            actor=request.user, cycle=cycle, name=d["name"], deputies=list(d["deputies"]), projects=list(d["projects"])
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The supervision group was formed."))
        return redirect(reverse("livelihood_office:cycle", args=[pk]) + "#groups")
    return render(
        request, "livelihood/office/cycle.html", _cycle_context(request, cycle, group_form=form), status=result.status
    )


# --- Exports ----------------------------------------------------------------------------------

EXPORTS = {
    "ideas": (resources.export_ideas, "ideas"),
    "vote": (resources.export_vote, "vote"),
    "ledger": (resources.export_ledger, "ledger"),
    "evaluation": (resources.export_evaluation, "evaluation"),
}


@login_required
@require_GET
def export(request, pk: int, kind: str):
    _require_staff(request)
    cycle = selectors.cycle_for_office(actor=request.user, pk=pk)
    if kind not in EXPORTS:
        raise PermissionDenied
    build, name = EXPORTS[kind]
    return download_response(build(cycle), filename=f"livelihood-{cycle.year}-{name}.xlsx", content_type=XLSX)
