"""Public pages: this year's projects with their progress, past years, a project with its
items, targets and timeline, the vote results and the evaluation, and the idea form.

No page shows who proposed an idea or how to reach them; ratings appear only as counts.
"""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.http import client_ip
from core.views import run_action

from .. import services
from ..forms import IdeaForm
from ..models import Cycle, Project
from ..selectors import public as selectors

C = Cycle.Status


def _cycle_page(request, year=None):
    try:
        cycle = selectors.cycle_public(year=year)
    except Http404:
        if year is not None:
            raise
        cycle = None  # no published cycle yet: the page still says where ideas go
    context = {
        "cycle": cycle,
        "collecting": list(selectors.collecting_cycles()),
        "years": list(selectors.public_cycles().values_list("year", flat=True)),
        "Outcome": Project.Outcome,
        "C": C,
    }
    return render(request, "livelihood/public/index.html", context)


@require_GET
def index(request):
    return _cycle_page(request)


@require_GET
def year(request, year: int):
    return _cycle_page(request, year)


@require_GET
def project(request, pk: int):
    project = selectors.project_public(pk=pk)
    return render(request, "livelihood/public/project.html", {"project": project, "cycle": project.cycle})


@require_GET
def photo(request, pk: int):
    item = selectors.photo_public(pk=pk)
    content_type = "image/png" if item.extension == ".png" else "image/jpeg"
    response = FileResponse(item.file.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def idea_new(request):
    cycles = list(selectors.collecting_cycles())
    cycle = next((c for c in cycles if services.window_open(c)), None)
    form = IdeaForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and cycle is not None:
        result = run_action(
            form,
            lambda d: services.idea_submit_public(
                cycle=cycle,
                title=d["title"],
                what_where=d["what_where"],
                why=d["why"],
                author_name=d["author_name"],
                contact=d["contact"],
                ip=client_ip(request),
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            return redirect(reverse("livelihood:idea_thanks"))
        status = result.status
    context = {"form": form, "cycle": cycle, **IdeaForm.guard_context()}
    return render(request, "livelihood/public/idea_form.html", context, status=status)


@require_GET
def idea_thanks(request):
    return render(request, "livelihood/public/idea_thanks.html")
