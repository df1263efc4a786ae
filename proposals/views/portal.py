"""The deputies' pages for suggestions and motions (/portal/suggestions/).

Thin: a selector answers 404 before anything else, a form parses the input, a service
does the write and decides who may do it; its refusals are shown next to the field or at
the top of the page, and a page that fails re-renders with everything typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import InvalidTransition, NotAllowed
from core.forms import ConfirmForm
from core.views import (
    add_service_errors,
    deadline_info,
    download_response,
    paginate,
    refusal_messages,
    refusal_status,
    run_action,
    safe_next_url,
)

from .. import services, workflow
from ..forms_portal import AttachmentForm, InviteForm, RatingForm, RespondForm, SuggestionForm, UnitSearchForm
from ..models import Assignment, CoSigner, Reply, Suggestion
from ..selectors import portal as selectors
from ..selectors import suggestion_get_for_actor
from ..selectors.similar import similar_for_suggestion, similar_suggestions

PAGE_SIZE = 20
UNITS_PAGE_SIZE = 30
S = Suggestion.Status

# Notes the deputy may read; the others are the office's or the unit's internal remarks.
EVENT_NOTES_SHOWN = {
    "return",
    "rated",
    "rehandle",
    "unit_replied",
    "commitment_progress",
    "merge",
    "merged_in",
    "key_supervision_progress",
}


# --- Helpers ----------------------------------------------------------------------------------


def _is_lead(user, suggestion: Suggestion) -> bool:
    return suggestion.lead_deputy.user_id is not None and suggestion.lead_deputy.user_id == user.pk


def _detail_url(suggestion, anchor: str = "") -> str:
    return reverse("proposals_portal:detail", args=[suggestion.pk]) + (f"#{anchor}" if anchor else "")


def _edit_url(suggestion, anchor: str = "") -> str:
    return reverse("proposals_portal:edit", args=[suggestion.pk]) + (f"#{anchor}" if anchor else "")


def _not_editable(request, suggestion):
    messages.error(request, _("This item has been submitted and can no longer be edited."))
    return redirect(_detail_url(suggestion))


def _lead_draft_or_refuse(request, pk: int):
    """The item for the lead deputy's drafting pages: 404 if invisible, 403 if not theirs."""
    suggestion = selectors.suggestion_for_portal(actor=request.user, pk=pk)
    if not _is_lead(request.user, suggestion):
        raise PermissionDenied(_("Only the lead deputy may edit this draft."))
    return suggestion


def _motion_state(suggestion: Suggestion) -> dict:
    needed = suggestion.congress.motion_min_cosigners
    have = suggestion.confirmed_count + 1  # the lead deputy counts
    pending = sum(1 for c in suggestion.cosigner_list if c.status == CoSigner.Status.INVITED)
    return {"needed": needed, "have": have, "missing": max(0, needed - have), "pending": pending}


def _guide_context(congress_ids) -> dict:
    guides = list(selectors.published_topic_guides(congress_ids=congress_ids)[:1])
    return {"guide": guides[0] if guides else None}


# --- List -------------------------------------------------------------------------------------


@login_required
@require_GET
def suggestion_list(request):
    """My items as lead deputy, co-signing requests to answer, and items I co-signed."""
    user = request.user
    today = timezone.localdate()
    led = paginate(request, selectors.led_suggestions(actor=user), param="page", size=PAGE_SIZE)
    for suggestion in led.object_list:
        suggestion.due = deadline_info(suggestion.next_deadline, today)
    waiting = paginate(request, selectors.cosign_requests(actor=user), param="rpage", size=PAGE_SIZE)
    cosigned = paginate(request, selectors.cosigned_suggestions(actor=user), param="cpage", size=PAGE_SIZE)
    selectors.with_units(cosigned.object_list)
    mandates = selectors.serving_mandates(user=user)
    return render(
        request,
        "proposals/portal/list.html",
        {"led": led, "waiting": waiting, "cosigned": cosigned, "can_draft": bool(mandates)},
    )


# --- Drafting ---------------------------------------------------------------------------------


def submit_confirm_form(data=None) -> ConfirmForm:
    """The checkbox that confirms a submission (it cannot be undone: the draft goes to the office)."""
    return ConfirmForm(
        data,
        prefix="submit",
        label=_(
            "I have read the item through: once submitted it goes to the deputy-work office and can no longer be edited."
        ),
    )


def _render_edit(
    request,
    suggestion,
    *,
    form=None,
    invite_form=None,
    upload_form=None,
    submit_errors=(),
    confirm_form=None,
    status=200,
):
    lead = suggestion.lead_deputy
    lead.congress = suggestion.congress  # same congress by construction; saves a query
    if form is None:
        form = SuggestionForm(
            mandates=[lead],
            initial={
                "title": suggestion.title,
                "body": suggestion.body,
                "kind": suggestion.kind,
                "field": suggestion.field_id,
                "session": suggestion.session_id,
            },
        )
    context = {
        "suggestion": suggestion,
        "form": form,
        "invite_form": invite_form or InviteForm(suggestion=suggestion),
        "upload_form": upload_form or AttachmentForm(),
        "submit_errors": list(submit_errors),
        "confirm_form": confirm_form or submit_confirm_form(),
        "similar": similar_for_suggestion(suggestion=suggestion),
        "motion": _motion_state(suggestion),
        **_guide_context([suggestion.congress_id]),
    }
    return render(request, "proposals/portal/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_new(request):
    mandates = selectors.serving_mandates(user=request.user)
    if not mandates:
        return render(request, "proposals/portal/form.html", {"no_mandate": True}, status=403)
    # A draft may start from text brought from elsewhere (an opinion left at a liaison
    # station): ?title=…&body=… fill the empty form; nothing is saved until the deputy saves.
    initial = {key: request.GET.get(key, "")[:limit] for key, limit in (("title", 200), ("body", 5000))}
    if request.method == "POST" and request.POST.get("action") == "similar":
        # "Look for similar suggestions" before anything is saved: the form comes back as typed.
        typed = {key: request.POST.get(key, "") for key in ("mandate", "kind", "title", "body", "field", "session")}
        return _render_new(request, mandates, SuggestionForm(mandates=mandates, initial=typed), similar_from=typed)
    form = SuggestionForm(request.POST or None, mandates=mandates, initial=initial)
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda data: services.suggestion_create(
                actor=request.user,
                lead_deputy=form.chosen_mandate(),
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                field=data["field"],
                session=data["session"],
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            suggestion = result.value
            if request.POST.get("action") == "submit":
                refusal = submit_confirm_form(request.POST).refusal
                try:
                    if refusal:
                        raise ValidationError(refusal)
                    services.suggestion_submit(actor=request.user, suggestion=suggestion)
                except (ValidationError, NotAllowed) as exc:
                    for text in refusal_messages(exc):
                        messages.error(
                            request, _("Your draft was saved but not submitted: %(reason)s") % {"reason": text}
                        )
                    return redirect(_edit_url(suggestion, "submit"))
                messages.success(request, _("Submitted for review: “%(title)s”.") % {"title": suggestion.title})
                return redirect(_detail_url(suggestion))
            messages.success(request, _("Draft saved. You can now invite co-signers and attach files."))
            return redirect(_edit_url(suggestion))
        status = result.status
    return _render_new(
        request, mandates, form, similar_from=None if request.method == "POST" else initial, status=status
    )


def _typed_int(value) -> int | None:
    """A typed id, or None when it is not one a database column can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _render_new(request, mandates, form, *, similar_from=None, status=200):
    """The new-item page; ``similar_from`` (typed or brought title and text) lists the items like it."""
    similar = None
    if similar_from is not None and (similar_from.get("title") or "").strip():
        chosen = _typed_int(similar_from.get("mandate"))
        mandate = next((m for m in mandates if m.pk == chosen), mandates[0])
        similar = similar_suggestions(
            congress_id=mandate.congress_id,
            session_id=_typed_int(similar_from.get("session")),
            title=similar_from["title"][:200],
            body=(similar_from.get("body") or "")[:5000],
        )
    context = {
        "form": form,
        # The tick is checked only when "submit" was pressed.
        "confirm_form": submit_confirm_form(
            request.POST if request.method == "POST" and similar_from is None else None
        ),
        "similar": similar,
        **_guide_context(selectors.congress_ids_for_user(user=request.user, mandates=mandates)),
    }
    return render(request, "proposals/portal/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_edit(request, pk: int):
    suggestion = _lead_draft_or_refuse(request, pk)
    if suggestion.status not in workflow.EDITABLE:
        return _not_editable(request, suggestion)
    if request.method == "GET":
        return _render_edit(request, suggestion)
    lead = suggestion.lead_deputy
    lead.congress = suggestion.congress
    form = SuggestionForm(request.POST, mandates=[lead])
    if not form.is_valid():
        return _render_edit(request, suggestion, form=form)
    data = form.cleaned_data
    try:
        services.suggestion_update(
            actor=request.user,
            suggestion=suggestion,
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            field=data["field"],
            session=data["session"],
        )
    except InvalidTransition:
        return _not_editable(request, suggestion)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc))
    except ValidationError as exc:
        add_service_errors(form, exc, leftovers_on_form=True)
        return _render_edit(request, suggestion, form=form)
    if request.POST.get("action") != "submit":
        messages.success(request, _("Draft saved."))
        return redirect(_edit_url(suggestion))
    confirm_form = submit_confirm_form(request.POST)
    if confirm_form.refusal:
        # Saved, not submitted: the deputy has not confirmed the step that cannot be undone.
        return _render_edit(
            request, suggestion, form=form, submit_errors=[confirm_form.refusal], confirm_form=confirm_form
        )
    try:
        services.suggestion_submit(actor=request.user, suggestion=suggestion)
    except (ValidationError, NotAllowed) as exc:
        # The changes are saved; the page says why it could not be submitted.
        return _render_edit(request, suggestion, form=form, submit_errors=refusal_messages(exc))
    messages.success(request, _("Submitted for review: “%(title)s”.") % {"title": suggestion.title})
    return redirect(_detail_url(suggestion))


@login_required
@require_POST
def cosigner_invite(request, pk: int):
    suggestion = _lead_draft_or_refuse(request, pk)
    if suggestion.status not in workflow.EDITABLE:
        return _not_editable(request, suggestion)
    form = InviteForm(request.POST, suggestion=suggestion)
    if form.is_valid():
        try:
            created = services.cosigner_invite(
                actor=request.user, suggestion=suggestion, deputies=form.cleaned_data["deputies"]
            )
        except InvalidTransition:
            return _not_editable(request, suggestion)
        except (ValidationError, NotAllowed) as exc:
            form.add_error("names", refusal_messages(exc))
        else:
            if created:
                messages.success(
                    request,
                    ngettext("%(n)d deputy invited to co-sign.", "%(n)d deputies invited to co-sign.", created)
                    % {"n": created},
                )
            else:
                messages.info(request, _("Those deputies had already been invited."))
            return redirect(_edit_url(suggestion, "cosigners"))
    return _render_edit(request, suggestion, invite_form=form)


@login_required
@require_POST
def cosigner_withdraw(request, pk: int, cosigner_pk: int):
    suggestion = _lead_draft_or_refuse(request, pk)
    cosigner = get_object_or_404(suggestion.cosigners.select_related("deputy", "suggestion"), pk=cosigner_pk)
    try:
        services.cosigner_withdraw(actor=request.user, cosigner=cosigner)
    except InvalidTransition:
        return _not_editable(request, suggestion)
    messages.success(request, _("%(name)s is no longer a co-signer.") % {"name": cosigner.deputy.name})
    return redirect(_edit_url(suggestion, "cosigners"))


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    suggestion = _lead_draft_or_refuse(request, pk)
    attachment = get_object_or_404(
        suggestion.attachments.select_related("suggestion"), pk=attachment_pk, reply__isnull=True
    )
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except InvalidTransition:
        return _not_editable(request, suggestion)
    messages.success(request, _("Removed “%(name)s”.") % {"name": attachment.original_name})
    return redirect(_edit_url(suggestion, "attachments"))


@login_required
@require_POST
def attachment_upload(request, pk: int):
    suggestion = _lead_draft_or_refuse(request, pk)
    if suggestion.status not in workflow.EDITABLE:
        return _not_editable(request, suggestion)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                actor=request.user, suggestion=suggestion, upload=form.cleaned_data["file"]
            )
        except InvalidTransition:
            return _not_editable(request, suggestion)
        except (ValidationError, NotAllowed) as exc:
            form.add_error("file", refusal_messages(exc))
        else:
            messages.success(request, _("Attached “%(name)s”.") % {"name": attachment.original_name})
            return redirect(_edit_url(suggestion, "attachments"))
    return _render_edit(request, suggestion, upload_form=form)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """Files go out only through this check, never as a guessable public media URL."""
    attachment = selectors.attachment_get_for_actor(actor=request.user, suggestion_pk=pk, pk=attachment_pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return download_response(handle, filename=attachment.original_name, content_type=attachment.content_type)


# --- Following an item ------------------------------------------------------------------------


def _render_detail(request, suggestion, *, failed=None, page_errors=(), status=200):
    """``failed``: (reply pk, bound rating form) to show again with its errors."""
    user = request.user
    today = timezone.localdate()
    is_lead = _is_lead(user, suggestion)
    assignments = selectors.suggestion_handling(suggestion=suggestion)
    commitments = []
    for assignment in assignments:
        latest = assignment.reply_list[-1] if assignment.reply_list else None
        for reply in assignment.reply_list:
            reply.unit = assignment.unit
            reply.my_rating = next((r for r in reply.rating_list if r.deputy_id == suggestion.lead_deputy_id), None)
            reply.can_rate = (
                is_lead
                and reply is latest
                and assignment.status == Assignment.Status.REPLIED
                and reply.my_rating is None
            )
            if failed and failed[0] == reply.pk:
                reply.rate_form = failed[1]
            elif reply.can_rate:
                reply.rate_form = RatingForm(prefix=f"r{reply.pk}")
            commitments.extend((reply, c) for c in reply.commitment_list)
        assignment.due = deadline_info(
            assignment.deadline, today, awaiting=assignment.status in selectors.OPEN_ASSIGNMENT
        )
    # The units' exchange over a reply being co-signed is theirs: the deputy sees that it went to
    # the joint units, and the reply once it is sent.
    events = [
        e
        for e in selectors.suggestion_timeline(suggestion=suggestion)
        if e.action not in {"reply_cosigned", "reply_returned"}
    ]
    for event in events:
        event.label = event.action_label
        event.shown_note = event.note if event.action in EVENT_NOTES_SHOWN else ""
    mine = next((c for c in suggestion.cosigner_list if c.deputy.user_id == user.pk), None)
    context = {
        "suggestion": suggestion,
        "is_lead": is_lead,
        "can_edit": is_lead and suggestion.status in workflow.EDITABLE,
        "my_cosigner": mine,
        "can_answer": mine is not None
        and mine.status == CoSigner.Status.INVITED
        and suggestion.status in selectors.ANSWERABLE,
        "assignments": assignments,
        "commitments": commitments,
        "has_replies": any(a.reply_list for a in assignments),
        "events": events,
        "page_errors": list(page_errors),
        "motion": _motion_state(suggestion) if suggestion.kind == Suggestion.Kind.MOTION else None,
    }
    return render(request, "proposals/portal/detail.html", context, status=status)


@login_required
@require_GET
def suggestion_detail(request, pk: int):
    suggestion = selectors.suggestion_for_portal(actor=request.user, pk=pk)
    return _render_detail(request, suggestion)


@login_required
@require_POST
def reply_rate(request, pk: int, reply_pk: int):
    """The lead deputy's own rating. Anyone else is refused by the service (and told so)."""
    suggestion = selectors.suggestion_for_portal(actor=request.user, pk=pk)
    reply = (
        Reply.objects.select_related("assignment", "assignment__unit", "assignment__suggestion__lead_deputy")
        .filter(pk=reply_pk, assignment__suggestion=suggestion)
        .first()
    )
    if reply is None:
        raise Http404
    form = RatingForm(request.POST, prefix=f"r{reply.pk}")
    status = 200
    page_errors = []
    if form.is_valid():
        try:
            services.reply_rate(
                actor=request.user, reply=reply, value=form.cleaned_data["value"], comment=form.cleaned_data["comment"]
            )
        except (NotAllowed, InvalidTransition) as exc:
            # Not about what was typed: said at the top of the page.
            page_errors, status = refusal_messages(exc), refusal_status(exc)
        except ValidationError as exc:
            add_service_errors(form, exc, leftovers_on_form=True)
        else:
            messages.success(
                request,
                _("Thank you: your rating of the reply from %(unit)s is recorded.") % {"unit": reply.assignment.unit},
            )
            return redirect(_detail_url(suggestion, f"reply-{reply.pk}"))
    return _render_detail(request, suggestion, failed=(reply.pk, form), page_errors=page_errors, status=status)


@login_required
@require_POST
def cosigner_respond(request, pk: int):
    """A co-signer confirms or declines; the item must still be open for co-signing."""
    suggestion = suggestion_get_for_actor(actor=request.user, pk=pk)
    cosigner = (
        CoSigner.objects.select_related("deputy", "suggestion")
        .filter(suggestion=suggestion, deputy__user=request.user)
        .first()
    )
    if cosigner is None:
        raise Http404
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirm or decline."))
        return redirect(_detail_url(suggestion))
    confirm = form.cleaned_data["answer"] == "confirm"
    try:
        services.cosigner_respond(actor=request.user, cosigner=cosigner, confirm=confirm)
    except (ValidationError, NotAllowed) as exc:
        for text in refusal_messages(exc):
            messages.error(request, text)
        return redirect(safe_next_url(request, form.cleaned_data["next"], _detail_url(suggestion)))
    if confirm:
        messages.success(request, _("You co-signed “%(title)s”.") % {"title": suggestion.title})
        fallback = _detail_url(suggestion)
    else:
        messages.success(request, _("You declined to co-sign “%(title)s”.") % {"title": suggestion.title})
        # A declined draft is no longer visible to the deputy: back to the list.
        fallback = reverse("proposals_portal:list")
    return redirect(safe_next_url(request, form.cleaned_data["next"], fallback))


# --- Before writing: topic guide, unit contacts ---------------------------------------------


@login_required
@require_GET
def topic_guide(request):
    congress_ids = selectors.congress_ids_for_user(user=request.user)
    guides = list(selectors.published_topic_guides(congress_ids=congress_ids))
    return render(request, "proposals/portal/guide.html", {"guides": guides})


@login_required
@require_GET
def unit_contacts(request):
    form = UnitSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    congress_ids = selectors.congress_ids_for_user(user=request.user)
    units = selectors.unit_contacts(congress_ids=congress_ids, query=query)
    page = paginate(request, units, param="page", size=UNITS_PAGE_SIZE)
    return render(request, "proposals/portal/units.html", {"form": form, "page": page, "query": query})
