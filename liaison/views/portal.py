"""The deputy's liaison pages in the portal: coming station duties, and the public's
opinions assigned to them (only those), with the answer form."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.masking import mask_mobile
from core.views import paginate, run_action

from .. import services, workflow
from ..forms import AnswerForm, RequiredNoteForm
from ..selectors import portal as selectors

PAGE_SIZE = 30


@login_required
@require_GET
def duties(request):
    rows = list(selectors.duties_for_user(user=request.user))
    opinions = paginate(request, selectors.opinions_for_assignee(user=request.user), size=PAGE_SIZE)
    return render(request, "liaison/portal/duties.html", {"duties": rows, "page": opinions})


def _render_opinion(request, opinion, *, status=200, answer_form=None, note_form=None):
    held = services.opinion_roles(request.user, opinion)
    context = {
        "opinion": opinion,
        # The assignee sees the citizen's number in full; nobody else on this page.
        "contact": opinion.contact if workflow.ASSIGNEE in held else mask_mobile(opinion.contact),
        "can_answer": workflow.OPINION.can("answer", status=opinion.status, roles=held),
        "can_note": workflow.OPINION.can("note", status=opinion.status, roles=held),
        "answer_form": answer_form or AnswerForm(),
        "note_form": note_form or RequiredNoteForm(),
        "events": [e for e in opinion.events.select_related("actor") if e.action != "hold"],
        "labels": workflow.ACTION_LABELS,
        # The assignee may take the matter up as a suggestion: the new-draft page starts from
        # the opinion's text (never the citizen's name or contact).
        "draft_query": urlencode(
            {
                "title": _("Suggestion on what the public raised at %(station)s") % {"station": opinion.station.name},
                "body": opinion.text,
            }
        )
        if workflow.ASSIGNEE in held
        else "",
    }
    return render(request, "liaison/portal/opinion.html", context, status=status)


@login_required
@require_GET
def opinion_detail(request, pk: int):
    return _render_opinion(request, selectors.opinion_get_for_assignee(user=request.user, pk=pk))


@login_required
@require_POST
def opinion_answer(request, pk: int):
    opinion = selectors.opinion_get_for_assignee(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    result = run_action(
        form,
        lambda d: services.opinion_answer(actor=request.user, opinion=opinion, answer=d["answer"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Your answer was saved; the citizen can read it by their link."))
        return redirect("liaison_portal:opinion", pk=opinion.pk)
    return _render_opinion(request, opinion, status=result.status, answer_form=form)


@login_required
@require_http_methods(["POST"])
def opinion_note(request, pk: int):
    opinion = selectors.opinion_get_for_assignee(user=request.user, pk=pk)
    form = RequiredNoteForm(request.POST)
    result = run_action(
        form,
        lambda d: services.opinion_add_note(actor=request.user, opinion=opinion, note=d["note"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The note was added."))
        return redirect("liaison_portal:opinion", pk=opinion.pk)
    return _render_opinion(request, opinion, status=result.status, note_form=form)
