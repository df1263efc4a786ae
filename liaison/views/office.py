"""The office's pages for the public's opinions (``/office/opinions/``) and the stations'
printable QR codes and public summaries (``/office/stations/``).

Staff only, scoped to their congresses: anyone else gets 403 (or the login page), a record
outside the scope 404. A refusal comes back on the page next to its form, as typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.views import paginate, run_action

from .. import qr, services, workflow
from ..forms import (
    AnswerForm,
    AssignForm,
    DutyCancelForm,
    NoteForm,
    OfficeFilterForm,
    ReasonForm,
    RequiredNoteForm,
    SummaryForm,
)
from ..selectors import office as selectors

PAGE_SIZE = 50


@login_required
@require_GET
def opinion_list(request):
    stations = selectors.station_choices_for_office(actor=request.user)
    form = OfficeFilterForm(request.GET or None, stations=stations)
    rows = selectors.opinions_for_office(actor=request.user, **form.filters())
    page = paginate(request, rows, size=PAGE_SIZE)
    return render(request, "liaison/office/opinions.html", {"form": form, "page": page})


# Each action: its form, the form's key on the page, the service call, the success message.
ACTIONS = {
    "release": (
        NoteForm,
        lambda actor, o, d: services.opinion_release(actor=actor, opinion=o, note=d["note"]),
        gettext_lazy("Released for handling."),
    ),
    "reject": (
        ReasonForm,
        lambda actor, o, d: services.opinion_reject(actor=actor, opinion=o, reason=d["reason"]),
        gettext_lazy("The opinion was rejected."),
    ),
    "close": (
        NoteForm,
        lambda actor, o, d: services.opinion_close(actor=actor, opinion=o, note=d["note"]),
        gettext_lazy("The case was closed."),
    ),
    "close_unanswered": (
        ReasonForm,
        lambda actor, o, d: services.opinion_close_unanswered(actor=actor, opinion=o, reason=d["reason"]),
        gettext_lazy("The case was closed without an answer."),
    ),
    "note": (
        RequiredNoteForm,
        lambda actor, o, d: services.opinion_add_note(actor=actor, opinion=o, note=d["note"]),
        gettext_lazy("The note was added."),
    ),
    "answer": (
        AnswerForm,
        lambda actor, o, d: services.opinion_answer(actor=actor, opinion=o, answer=d["answer"]),
        gettext_lazy("Your answer was saved; the citizen can read it by their link."),
    ),
}


def _render_detail(request, opinion, *, status=200, bound=None, bound_action=""):
    held = services.opinion_roles(request.user, opinion)
    assignees = services.assignee_choices(station=opinion.station)
    forms = {}
    for action, (form_class, _run, _msg) in ACTIONS.items():
        if workflow.OPINION.can(action, status=opinion.status, roles=held):
            forms[action] = bound if action == bound_action else form_class(prefix=action)
    if workflow.OPINION.can("assign", status=opinion.status, roles=held):
        forms["assign"] = bound if bound_action == "assign" else AssignForm(prefix="assign", assignees=assignees)
    if bound is not None and bound_action not in forms:
        # A refused action the state no longer allows: its form stays, with the reason.
        forms[bound_action] = bound
    context = {
        "opinion": opinion,
        "forms": forms,
        "labels": workflow.ACTION_LABELS,
        "events": list(opinion.events.all()),
    }
    return render(request, "liaison/office/opinion.html", context, status=status)


@login_required
@require_GET
def opinion_detail(request, pk: int):
    return _render_detail(request, selectors.opinion_get_for_office(actor=request.user, pk=pk))


@login_required
@require_POST
def opinion_action(request, pk: int, action: str):
    opinion = selectors.opinion_get_for_office(actor=request.user, pk=pk)
    if action == "assign":
        form = AssignForm(request.POST, prefix="assign", assignees=services.assignee_choices(station=opinion.station))

        def run(d):
            return services.opinion_assign(actor=request.user, opinion=opinion, assignee=d["assignee"], note=d["note"])

        success = _("The opinion was assigned.")
    elif action in ACTIONS:
        form_class, call, success = ACTIONS[action]
        form = form_class(request.POST, prefix=action)

        def run(d):
            return call(request.user, opinion, d)

    else:
        return HttpResponse(status=404)
    result = run_action(form, run, leftovers_on_form=True)
    if result.ok:
        messages.success(request, success)
        return redirect("liaison_office:opinion", pk=opinion.pk)
    return _render_detail(request, opinion, status=result.status, bound=form, bound_action=action)


# --- Stations ---------------------------------------------------------------------------------


@login_required
@require_GET
def station_list(request):
    page = paginate(request, selectors.stations_for_office(actor=request.user), size=PAGE_SIZE)
    return render(request, "liaison/office/stations.html", {"page": page})


def _render_station(request, station, *, status=200, form=None, cancel_form=None, cancel_pk=None):
    # Each coming duty gets its own cancel form; a refused one comes back bound, as typed.
    for duty in station.coming_duties:
        bound = cancel_form if duty.pk == cancel_pk else None
        duty.cancel_form = bound or DutyCancelForm(prefix=f"cancel-{duty.pk}")
        duty.can_cancel = duty.cancelled_at is None and not services.duty_has_begun(duty)
    context = {"station": station, "form": form or SummaryForm(initial={"summary": station.summary})}
    if cancel_form is not None and all(d.pk != cancel_pk for d in station.coming_duties):
        context["stray_cancel_form"] = cancel_form  # a past duty's refusal: shown above the list
    return render(request, "liaison/office/station.html", context, status=status)


@login_required
@require_POST
def duty_cancel(request, pk: int):
    duty = selectors.duty_get_for_office(actor=request.user, pk=pk)
    form = DutyCancelForm(request.POST, prefix=f"cancel-{duty.pk}")
    result = run_action(
        form,
        lambda d: services.duty_cancel(actor=request.user, duty=duty, reason=d["reason"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(
            request,
            _("The duty of %(name)s on %(date)s is cancelled; the deputy has been told.")
            % {"name": duty.deputy.name, "date": duty.date.isoformat()},
        )
        return redirect("liaison_office:station", pk=duty.station_id)
    station = selectors.station_get_for_office(actor=request.user, pk=duty.station_id)
    return _render_station(request, station, status=result.status, cancel_form=form, cancel_pk=duty.pk)


@login_required
@require_GET
def station_detail(request, pk: int):
    return _render_station(request, selectors.station_get_for_office(actor=request.user, pk=pk))


@login_required
@require_POST
def station_summary(request, pk: int):
    station = selectors.station_get_for_office(actor=request.user, pk=pk)
    form = SummaryForm(request.POST)
    result = run_action(
        form,
        lambda d: services.station_summary_publish(actor=request.user, station=station, summary=d["summary"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(
            request, _("The summary is published.") if station.summary else _("The summary was withdrawn.")
        )
        return redirect("liaison_office:station", pk=station.pk)
    return _render_station(request, station, status=result.status, form=form)


@login_required
@require_GET
def station_qr_page(request, pk: int):
    """A sheet to print for the station's door: the station's code and each deputy's."""
    station = selectors.station_get_for_office(actor=request.user, pk=pk)
    codes = [{"label": station.name, "url": qr.opinion_form_url(station), "deputy": None}]
    codes += [{"label": d.name, "url": qr.opinion_form_url(station, d), "deputy": d} for d in station.serving_deputies]
    return render(request, "liaison/office/qr.html", {"station": station, "codes": codes})


@login_required
@require_GET
def station_qr_svg(request, pk: int):
    """The code itself, as an SVG file (``?deputy=<id>`` for a deputy's)."""
    station = selectors.station_get_for_office(actor=request.user, pk=pk)
    deputy = None
    wanted = request.GET.get("deputy", "")
    if wanted:
        deputy = next((d for d in station.serving_deputies if str(d.pk) == wanted), None)
        if deputy is None:
            return HttpResponse(status=404)
    response = HttpResponse(qr.svg_bytes(qr.opinion_form_url(station, deputy)), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-cache"
    if request.GET.get("download"):
        name = f"qr-station-{station.pk}" + (f"-deputy-{deputy.pk}" if deputy else "") + ".svg"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
