"""A department officer's pages (/unit/livelihood/): the department's items with their
targets, the progress report form (values, narrative, photos), and deputies' observations
to answer. Items of another department are 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from core.views import run_action

from .. import services_delivery
from ..forms import AnswerForm, ReachedForm, ReportForm
from ..selectors import unit as selectors


def _require_officer(request):
    if not roles.has_role(request.user, roles.UNIT_OFFICER) or not request.user.unit_id:
        raise PermissionDenied


@login_required
@require_GET
def home(request):
    _require_officer(request)
    items = list(selectors.items_for_unit(actor=request.user))
    for item in items:
        item.percent = selectors.attach_progress_item(item)
    observations = list(selectors.observations_for_unit(actor=request.user)[:50])
    return render(request, "livelihood/unit/home.html", {"items": items, "observations": observations})


@login_required
@require_http_methods(["GET", "POST"])
def item_report(request, pk: int):
    _require_officer(request)
    item = selectors.item_for_unit(actor=request.user, pk=pk)
    form = ReportForm(request.POST if request.method == "POST" else None, targets=item.targets.all())
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda d: services_delivery.report_submit(
                actor=request.user,
                item=item,
                period=d["period"],
                narrative=d["narrative"],
                values=form.values(),
                photos=request.FILES.getlist("photos"),
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("The progress report was saved and is shown on the public page."))
            return redirect(reverse("livelihood_unit:item", args=[pk]))
        status = result.status
    return render(request, "livelihood/unit/item.html", {"item": item, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def observation(request, pk: int):
    _require_officer(request)
    obs = selectors.observation_for_unit(actor=request.user, pk=pk)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda d: services_delivery.observation_answer(actor=request.user, observation=obs, answer=d["answer"]),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("Your answer was sent to the deputy."))
            return redirect(reverse("livelihood_unit:home"))
        status = result.status
    return render(request, "livelihood/unit/observation.html", {"obs": obs, "form": form}, status=status)


@login_required
@require_POST
def milestone_reached(request, pk: int, milestone: int):
    _require_officer(request)
    item = selectors.item_for_unit(actor=request.user, pk=pk)
    target = next((m for m in item.milestones.all() if m.pk == milestone), None)
    if target is None:
        raise PermissionDenied
    form = ReachedForm(request.POST, prefix=f"m{milestone}")
    result = run_action(
        form,
        lambda d: services_delivery.milestone_reach(actor=request.user, milestone=target, reached_on=d["reached_on"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Saved."))
        return redirect(reverse("livelihood_unit:item", args=[pk]))
    report_form = ReportForm(targets=item.targets.all())
    return render(
        request,
        "livelihood/unit/item.html",
        {"item": item, "form": report_form, "reached_errors": form.errors.get("reached_on", [])},
        status=result.status,
    )
