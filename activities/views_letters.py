"""Deputies' letters (代表信访) on three audiences' pages: the deputy lodges and follows them in
the portal (``/portal/letters/``), the unit's officer answers on the unit's page
(``/unit/letters/``), office staff forward or close them (``/office/letters/``). One file
download checks that the person may see the letter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.models import Unit
from accounts.scoping import scoped
from core.exceptions import NotAllowed
from core.views import deadline_info, download_response, paginate, run_action
from core.workflow import DEPUTY, STAFF, UNIT
from deputies.models import Deputy

from . import selectors, services, workflow
from .forms import LetterCloseForm, LetterFeedbackForm, LetterForm, LetterForwardForm, LetterReplyForm
from .models import DeputyLetter

PAGE_SIZE = 30
TEMPLATE = "activities/letters/{}.html"


def _page_context(letter, **extra):
    events = selectors.letter_timeline(letter=letter)
    for event in events:
        event.label = workflow.LETTER_EVENT_LABELS.get(event.action, event.action)
    files = selectors.letter_files(letter=letter)
    return {
        "letter": letter,
        "events": events,
        "letter_files": [f for f in files if f.part == "letter"],
        "reply_files": [f for f in files if f.part == "reply"],
        "due": deadline_info(letter.reply_due, awaiting=letter.status == DeputyLetter.Status.FORWARDED),
        **extra,
    }


def _mandates(user):
    return (
        Deputy.objects.filter(user=user, status=Deputy.Status.SERVING)
        .select_related("congress")
        .order_by("congress__level", "pk")
    )


# --- The deputy ----------------------------------------------------------------------------


@login_required
@require_GET
def portal_list(request):
    if not roles.has_role(request.user, roles.DEPUTY):
        raise PermissionDenied
    page = paginate(request, selectors.letters_for_deputy(user=request.user), size=PAGE_SIZE)
    return render(request, TEMPLATE.format("portal_list"), {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def portal_new(request):
    mandates = _mandates(request.user)
    if not roles.has_role(request.user, roles.DEPUTY) or not mandates.exists():
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = LetterForm(request.POST, request.FILES, mandates=mandates)
        result = run_action(
            form,
            lambda d: services.letter_lodge(
                actor=request.user, deputy=d["mandate"], subject=d["subject"], content=d["content"], uploads=d["files"]
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("Your letter was sent to the deputy-work office."))
            return redirect("activities:letter_portal", pk=result.value.pk)
        status = result.status
    else:
        form = LetterForm(mandates=mandates, initial={"mandate": mandates.first()})
    return render(request, TEMPLATE.format("portal_new"), {"form": form}, status=status)


def _render_portal(request, letter, *, form=None, status=200):
    can_feedback = letter.deputy.user_id == request.user.pk and workflow.LETTER.can(
        "feedback", status=letter.status, roles={DEPUTY}
    )
    context = _page_context(letter, can_feedback=can_feedback, feedback_form=form or LetterFeedbackForm())
    return render(request, TEMPLATE.format("portal_detail"), context, status=status)


@login_required
@require_GET
def portal_detail(request, pk: int):
    return _render_portal(request, selectors.letter_get(actor=request.user, pk=pk, audience="portal"))


@login_required
@require_POST
def portal_feedback(request, pk: int):
    letter = selectors.letter_get(actor=request.user, pk=pk, audience="portal")
    form = LetterFeedbackForm(request.POST)
    result = run_action(
        form,
        lambda d: services.letter_feedback(actor=request.user, letter=letter, feedback=d["feedback"], note=d["note"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Thank you: your feedback was recorded."))
        return redirect("activities:letter_portal", pk=letter.pk)
    return _render_portal(request, letter, form=form, status=result.status)


# --- The unit ------------------------------------------------------------------------------


@login_required
@require_GET
def unit_list(request):
    if not roles.has_role(request.user, roles.UNIT_OFFICER) or request.user.unit_id is None:
        raise PermissionDenied
    page = paginate(request, selectors.letters_for_unit(actor=request.user), size=PAGE_SIZE)
    today = timezone.localdate()
    for letter in page.object_list:
        letter.due = deadline_info(letter.reply_due, today, awaiting=letter.status == DeputyLetter.Status.FORWARDED)
    return render(request, TEMPLATE.format("unit_list"), {"page": page, "unit": request.user.unit})


def _render_unit(request, letter, *, form=None, status=200):
    can_reply = workflow.LETTER.can("reply", status=letter.status, roles={UNIT})
    context = _page_context(letter, can_reply=can_reply, reply_form=form or LetterReplyForm())
    return render(request, TEMPLATE.format("unit_detail"), context, status=status)


@login_required
@require_GET
def unit_detail(request, pk: int):
    return _render_unit(request, selectors.letter_get(actor=request.user, pk=pk, audience="unit"))


@login_required
@require_POST
def unit_reply(request, pk: int):
    letter = selectors.letter_get(actor=request.user, pk=pk, audience="unit")
    form = LetterReplyForm(request.POST, request.FILES)
    result = run_action(
        form,
        lambda d: services.letter_reply(
            actor=request.user, letter=letter, reply=d["reply"], replied_on=timezone.localdate(), upload=d["file"]
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Your answer was sent; the deputy can read it now."))
        return redirect("activities:letter_unit", pk=letter.pk)
    return _render_unit(request, letter, form=form, status=result.status)


# --- The office ----------------------------------------------------------------------------


def _office_units(actor):
    return scoped(Unit.objects.filter(is_active=True), actor, "congress_id").order_by("sort_key", "name")


@login_required
@require_GET
def office_list(request):
    status = request.GET.get("status", "")
    if status not in DeputyLetter.Status.values:
        status = ""
    try:
        letters = selectors.letters_for_office(actor=request.user, status=status)
    except NotAllowed:
        raise PermissionDenied
    page = paginate(request, letters, size=PAGE_SIZE)
    today = timezone.localdate()
    for letter in page.object_list:
        letter.due = deadline_info(letter.reply_due, today, awaiting=letter.status == DeputyLetter.Status.FORWARDED)
    return render(
        request,
        TEMPLATE.format("office_list"),
        {"page": page, "status": status, "statuses": DeputyLetter.Status.choices},
    )


def _office_letter(request, pk):
    try:
        return selectors.letter_get(actor=request.user, pk=pk, audience="office")
    except NotAllowed:
        raise PermissionDenied


def _render_office(request, letter, *, forward_form=None, close_form=None, status=200):
    context = _page_context(
        letter,
        can_forward=workflow.LETTER.can("forward", status=letter.status, roles={STAFF}),
        can_close=workflow.LETTER.can("close", status=letter.status, roles={STAFF}),
        forward_form=forward_form
        or LetterForwardForm(units=_office_units(request.user), initial={"workdays": services.letter_reply_workdays()}),
        close_form=close_form or LetterCloseForm(),
    )
    return render(request, TEMPLATE.format("office_detail"), context, status=status)


@login_required
@require_GET
def office_detail(request, pk: int):
    return _render_office(request, _office_letter(request, pk))


@login_required
@require_POST
def office_forward(request, pk: int):
    letter = _office_letter(request, pk)
    form = LetterForwardForm(request.POST, units=_office_units(request.user))
    result = run_action(
        form,
        lambda d: services.letter_forward(
            actor=request.user,
            letter=letter,
            body=d["body"],
            forwarded_on=timezone.localdate(),
            workdays=d["workdays"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Forwarded; the unit's officers were told."))
        return redirect("activities:letter_office", pk=letter.pk)
    return _render_office(request, letter, forward_form=form, status=result.status)


@login_required
@require_POST
def office_close(request, pk: int):
    letter = _office_letter(request, pk)
    form = LetterCloseForm(request.POST)
    result = run_action(
        form, lambda d: services.letter_close(actor=request.user, letter=letter, note=d["note"]), leftovers_on_form=True
    )
    if result.ok:
        messages.success(request, _("The letter was closed; the deputy was told why."))
        return redirect("activities:letter_office", pk=letter.pk)
    return _render_office(request, letter, close_form=form, status=result.status)


# --- Files ---------------------------------------------------------------------------------


@login_required
@require_GET
def letter_file(request, pk: int, file_pk: int):
    """Files go out only through this check, never as a guessable public media URL."""
    attachment = selectors.letter_attachment_for(actor=request.user, letter_pk=pk, pk=file_pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return download_response(handle, filename=attachment.original_name, content_type=attachment.content_type)
