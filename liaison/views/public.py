"""Public pages: the station directory, a station with its deputies, schedule and the opinion
form, and the citizen's private page for their opinion (``/opinions/<token>/``).

Opinions are never listed on a public page; the private page shows only the one whose
token was given, and never the contact number.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.http import client_ip
from core.views import paginate, run_action

from .. import services
from ..forms import OpinionForm
from ..models import Opinion
from ..selectors import public as selectors

PAGE_SIZE = 30
S = Opinion.Status


@require_GET
def station_list(request):
    q = (request.GET.get("q") or "").strip()[:50]
    page = paginate(request, selectors.stations_public(q=q), size=PAGE_SIZE)
    return render(request, "liaison/public/list.html", {"page": page, "q": q})


@never_cache
@require_http_methods(["GET", "POST"])
def station_detail(request, pk: int):
    station = selectors.station_get_public(pk=pk)
    initial = {}
    wanted = request.GET.get("deputy", "")
    if wanted.isdigit() and any(d.pk == int(wanted) for d in station.public_deputies):
        initial["deputy"] = int(wanted)
    form = OpinionForm(
        request.POST if request.method == "POST" else None, deputies=station.public_deputies, initial=initial
    )
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda data: services.opinion_submit(
                station=station,
                deputy=form.chosen_deputy(),
                category=data["category"],
                text=data["text"],
                author_name=data["author_name"],
                contact=data["contact"],
                ip=client_ip(request),
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            _opinion, token = result.value
            messages.success(request, _("Thank you. Your opinion was received."))
            return redirect(reverse("liaison:opinion", args=[token]) + "?new=1")
        status = result.status
    context = {"station": station, "form": form, **OpinionForm.guard_context()}
    return render(request, "liaison/public/detail.html", context, status=status)


@never_cache
@require_GET
def opinion_status(request, token: str):
    opinion = selectors.opinion_by_token(token)
    fresh = request.GET.get("new") == "1"
    response = render(
        request,
        "liaison/public/opinion.html",
        {"opinion": opinion, "fresh": fresh, "link": request.build_absolute_uri(request.path), "S": S},
    )
    # The address is the key to the case: keep it out of referrers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
