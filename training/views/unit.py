"""A unit officer's pages (``/unit/training/``): the data requests routed to their unit, with
the answer form (text and files) and the decline form (with a reason)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.views import deadline_info, download_response, paginate, run_action

from .. import services_requests
from ..forms import AnswerForm, DeclineForm
from ..models import DataRequest
from ..selectors import portal as portal_selectors
from ..selectors import unit as selectors
from ..workflow import REQUEST

PAGE_SIZE = 30


@login_required
@require_GET
def requests(request):
    page = paginate(request, selectors.requests_for_unit(user=request.user), size=PAGE_SIZE)
    for row in page.object_list:
        row.due_info = deadline_info(row.due, awaiting=row.status == DataRequest.Status.ROUTED)
    return render(request, "training/unit/requests.html", {"page": page})


def _render(request, data_request, *, status=200, answer_form=None, decline_form=None):
    held = services_requests.request_roles(request.user, data_request)
    context = {
        "req": data_request,
        "can_answer": REQUEST.can("answer", status=data_request.status, roles=held),
        "answer_form": answer_form or AnswerForm(prefix="answer"),
        "decline_form": decline_form or DeclineForm(prefix="decline"),
        "due": deadline_info(data_request.due, awaiting=data_request.status == DataRequest.Status.ROUTED),
        "labels": {k: str(v) for k, v in REQUEST.labels.items()},
        **portal_selectors.request_parts(data_request),
    }
    return render(request, "training/unit/request.html", context, status=status)


@login_required
@require_GET
def request_detail(request, pk: int):
    return _render(request, selectors.request_get_for_unit(user=request.user, pk=pk))


@login_required
@require_POST
def request_answer(request, pk: int):
    data_request = selectors.request_get_for_unit(user=request.user, pk=pk)
    form = AnswerForm(request.POST, request.FILES, prefix="answer")
    result = run_action(
        form,
        lambda d: services_requests.request_answer(
            actor=request.user, request=data_request, answer=d["answer"], uploads=d["files"]
        ),
        field_map={"file": "files"},
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Your answer was sent to the deputy."))
        return redirect("training_unit:request", pk=data_request.pk)
    return _render(request, data_request, status=result.status, answer_form=form)


@login_required
@require_POST
def request_decline(request, pk: int):
    data_request = selectors.request_get_for_unit(user=request.user, pk=pk)
    form = DeclineForm(request.POST, prefix="decline")
    result = run_action(
        form,
        lambda d: services_requests.request_decline(actor=request.user, request=data_request, reason=d["reason"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The request was declined; the deputy was told why."))
        return redirect("training_unit:request", pk=data_request.pk)
    return _render(request, data_request, status=result.status, decline_form=form)


@login_required
@require_GET
def document(request, pk: int):
    item = selectors.document_get_for_unit(user=request.user, pk=pk)
    return download_response(item.file.open("rb"), filename=item.original_name, content_type=item.content_type)
