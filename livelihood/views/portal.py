"""The deputy's pages (/portal/livelihood/): candidates while the window is open (alone or
jointly, taking up a public idea), the projects their groups supervise with observations,
and the year-end rating. A refusal comes back next to its form, as typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from core.views import run_action
from deputies.models import Deputy

from .. import services, services_delivery
from ..forms import CandidateForm, NoteForm, ObservationForm, RatingForm
from ..models import Cycle
from ..selectors import portal as selectors


def _require_deputy(request):
    if not roles.has_role(request.user, roles.DEPUTY):
        raise PermissionDenied


@login_required
@require_GET
def home(request):
    _require_deputy(request)
    cycles = []
    for cycle in selectors.cycles_for_deputy(actor=request.user).order_by("-year")[:3]:
        cycle.open = services.window_open(cycle)
        cycle.mine = list(selectors.my_candidates(actor=request.user, cycle=cycle))
        cycle.public_ideas = list(selectors.adoptable_ideas(cycle=cycle)[:20]) if cycle.open else []
        cycle.project_list = (
            selectors.projects_for_deputy(actor=request.user, cycle=cycle)
            if cycle.status in (Cycle.Status.VOTED, Cycle.Status.EVALUATING, Cycle.Status.CLOSED)
            else []
        )
        cycles.append(cycle)
    return render(request, "livelihood/portal/home.html", {"cycles": cycles})


@login_required
@require_http_methods(["GET", "POST"])
def candidate_new(request, pk: int):
    _require_deputy(request)
    cycle = selectors.cycle_for_deputy(actor=request.user, pk=pk)
    colleagues = (
        Deputy.objects.filter(congress_id=cycle.congress_id, status=Deputy.Status.SERVING)
        .exclude(user=request.user)
        .order_by("name", "pk")
    )
    adopt = selectors.idea_adoptable(cycle=cycle, pk=request.GET.get("adopt") or request.POST.get("adopted_idea"))
    initial = {}
    if adopt is not None:
        initial = {"title": adopt.title, "what_where": adopt.what_where, "why": adopt.why, "adopted_idea": adopt.pk}
    form = CandidateForm(request.POST if request.method == "POST" else None, deputies=colleagues, initial=initial)
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda d: services.candidate_submit(
                actor=request.user,
                cycle=cycle,
                title=d["title"],
                what_where=d["what_where"],
                why=d["why"],
                estimated_cost=d["estimated_cost"],
                beneficiaries=d["beneficiaries"],
                co_deputies=list(d["co_deputies"]),
                adopted_idea=adopt,
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("Your candidate was submitted."))
            return redirect(reverse("livelihood_portal:home"))
        status = result.status
    context = {"cycle": cycle, "form": form, "adopt": adopt, "open": services.window_open(cycle)}
    return render(request, "livelihood/portal/candidate.html", context, status=status)


def _project_page(request, project, *, status=200, observation_form=None, rating_form=None):
    cycle = project.cycle
    my_rating = project.ratings.filter(deputy__user=request.user).first()
    context = {
        "project": project,
        "cycle": cycle,
        "may_observe": services_delivery.may_observe(request.user, project) is not None and project.status == "elected",
        "may_rate": cycle.status == Cycle.Status.EVALUATING and my_rating is None,
        "my_rating": my_rating,
        "observation_form": observation_form or ObservationForm(),
        "rating_form": rating_form or RatingForm(),
    }
    return render(request, "livelihood/portal/project.html", context, status=status)


@login_required
@require_GET
def project(request, pk: int):
    _require_deputy(request)
    return _project_page(request, selectors.project_for_deputy(actor=request.user, pk=pk))


@login_required
@require_POST
def observe(request, pk: int):
    _require_deputy(request)
    project = selectors.project_for_deputy(actor=request.user, pk=pk)
    form = ObservationForm(request.POST)
    result = run_action(
        form,
        lambda d: services_delivery.observation_make(actor=request.user, project=project, text=d["text"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Your observation was sent to the department."))
        return redirect(reverse("livelihood_portal:project", args=[pk]))
    return _project_page(request, project, status=result.status, observation_form=form)


@login_required
@require_POST
def rate(request, pk: int):
    _require_deputy(request)
    project = selectors.project_for_deputy(actor=request.user, pk=pk)
    form = RatingForm(request.POST)
    result = run_action(
        form,
        lambda d: services_delivery.rating_submit(
            actor=request.user, project=project, value=d["value"], comment=d["comment"]
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Thank you; your rating was recorded."))
        return redirect(reverse("livelihood_portal:project", args=[pk]))
    return _project_page(request, project, status=result.status, rating_form=form)


@login_required
@require_POST
def observation_close(request, pk: int, observation: int):
    _require_deputy(request)
    project = selectors.project_for_deputy(actor=request.user, pk=pk)
    obs = next((o for o in project.my_observations if o.pk == observation), None)
    if obs is None:
        raise PermissionDenied
    form = NoteForm(request.POST)
    result = run_action(
        form, lambda d: services_delivery.observation_close(actor=request.user, observation=obs, note=d["note"])
    )
    if result.ok:
        messages.success(request, _("The observation is closed."))
        return redirect(reverse("livelihood_portal:project", args=[pk]))
    return _project_page(request, project, status=result.status)
