"""Pages of handling-unit officers (``/unit/``): their unit's assignments and the handling.

Thin: a selector finds the assignment (404 for any other unit's), a form parses the
input, a service does the work. A service's refusal is shown on the form it came from,
with what was typed kept, and nothing is written.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import deadline_info, download_response, paginate, run_action
from core.workdays import workdays_between
from core.workflow import UNIT

from .. import services, services_handling, workflow
from ..forms_unit import (
    AssistingViewForm,
    CommitmentFormSet,
    CommitmentProgressForm,
    ContactForm,
    CoSignForm,
    CoSignReturnForm,
    ExtensionRequestForm,
    ReassignRequestForm,
    ReplyForm,
    ReplyLetterForm,
    UnitFilterForm,
)
from ..models import Assignment, Commitment, Rating
from ..selectors import unit as selectors

A = Assignment.Status
R = Assignment.Role
PAGE_SIZE = 20
COMMITMENT_PREFIX = "c"
# The re-assignment form on the same page has a "reason" field too: ids must not clash.
EXTENSION_PREFIX = "ext"

GROUP_CHOICES = [
    ("receive", gettext_lazy("To receive")),
    ("reply", gettext_lazy("To reply")),
    ("assist", gettext_lazy("To send the view or co-sign")),
    ("rehandling", gettext_lazy("Being handled again")),
    ("replied", gettext_lazy("Replied")),
    ("withdrawn", gettext_lazy("Withdrawn (re-assigned)")),
]


def _refuse_if_withdrawn(assignment: Assignment) -> None:
    if assignment.status == A.WITHDRAWN:
        raise ValidationError(_("This assignment was withdrawn; nothing more can be recorded."))


# --- The unit's list ---------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    """The unit's assignments by tab (to receive, to reply, to assist, re-handling, replied),
    filterable by session."""
    actor = request.user
    selectors.require_unit_officer(actor)
    sessions = list(selectors.sessions_for_unit(actor=actor))
    form = UnitFilterForm(request.GET, sessions=sessions, groups=GROUP_CHOICES)
    filters = form.filters()
    counts = selectors.assignment_group_counts(actor=actor, session_id=filters["session_id"])
    page = paginate(request, selectors.assignment_list_for_unit(actor=actor, **filters), size=PAGE_SIZE)
    today = timezone.localdate()
    warn_from = selectors.warn_until(today)
    for row in page.object_list:
        row.deadline_info = deadline_info(row.deadline, today, awaiting=row.status in selectors.AWAITING)
        row.mark = selectors.deadline_mark(
            row.deadline, today, awaiting=row.status in selectors.AWAITING, warn_from=warn_from
        )
    query = request.GET.copy()
    query.pop("page", None)
    tabs = [("", _("All"), counts["all"])] + [(code, label, counts[code]) for code, label in GROUP_CHOICES]
    return render(
        request,
        "proposals/unit/home.html",
        {
            "unit": actor.unit,
            "form": form,
            "filters": filters,
            "counts": counts,
            "tabs": tabs,
            "page": page,
            "query": query.urlencode(),
            "session_query": f"session={filters['session_id']}&" if filters["session_id"] else "",
            "today": today,
        },
    )


# --- One assignment ------------------------------------------------------------------------------


def _can_reply(assignment: Assignment) -> bool:
    # Assisting units send their view to the lead unit and joint units co-sign the lead unit's
    # reply: neither replies to the deputy.
    return (
        assignment.role not in (R.ASSISTING, R.JOINT)
        and workflow.ASSIGNMENT.can("reply", status=assignment.status, roles=UNIT)
        and assignment.suggestion.status in workflow.HANDLING
    )


def _render_detail(request, assignment: Assignment, *, status: int = 200, **forms):
    suggestion = assignment.suggestion
    today = timezone.localdate()
    detail = selectors.assignment_detail_for_unit(assignment=assignment)
    readonly = assignment.status == A.WITHDRAWN
    window_open = assignment.status == A.ASSIGNED and today <= assignment.reassign_window_ends
    progress_forms = forms.get("progress_forms", {})
    letter_forms = forms.get("letter_forms", {})
    latest_unsatisfied = None
    for reply in detail["replies"]:
        for commitment in reply.commitments.all():
            if commitment.status == Commitment.Status.OPEN and not readonly:
                commitment.progress_form = progress_forms.get(commitment.pk) or CommitmentProgressForm(
                    prefix=f"p{commitment.pk}"
                )
        if not readonly:
            reply.letter_form = letter_forms.get(reply.pk) or ReplyLetterForm(prefix=f"l{reply.pk}")
        for rating in reply.ratings.all():
            if rating.value == Rating.Value.UNSATISFIED:
                latest_unsatisfied = rating
    context = {
        "assignment": assignment,
        "suggestion": suggestion,
        "deputy": suggestion.lead_deputy,
        "today": today,
        "readonly": readonly,
        "is_overdue": assignment.status in selectors.AWAITING and assignment.deadline < today,
        "deadline": deadline_info(assignment.deadline, today, awaiting=assignment.status in selectors.AWAITING),
        "window_open": window_open,
        # Working days, counted with public holidays and make-up days (调休).
        "window_workdays_left": workdays_between(today, assignment.reassign_window_ends) if window_open else None,
        "can_reply": _can_reply(assignment)
        and not any(c.reply.status == c.reply.Status.COSIGNING for c in detail["reply_cosignatures"]),
        "is_assisting": assignment.role == R.ASSISTING,
        "can_send_view": assignment.role == R.ASSISTING
        and workflow.ASSIGNMENT.can("send_view", status=assignment.status, roles=UNIT)
        and suggestion.status in workflow.HANDLING,
        "view_form": forms.get("view_form") or AssistingViewForm(),
        "can_ask_extension": assignment.status in services_handling.OWING
        and suggestion.status in workflow.HANDLING
        and today <= assignment.deadline
        and not any(e.status == "requested" for e in detail["extensions"]),
        "extension_form": forms.get("extension_form") or ExtensionRequestForm(prefix=EXTENSION_PREFIX),
        "needs_contact": settings.PROPOSALS_REPLY_NEEDS_CONTACT and not detail["contacts"],
        "warning": selectors.deadline_mark(
            assignment.deadline, today, awaiting=assignment.status in selectors.AWAITING
        ),
        "rehandling": assignment.status == A.REHANDLING,
        "latest_unsatisfied": latest_unsatisfied if assignment.status == A.REHANDLING else None,
        "is_joint": assignment.role == R.JOINT,
        "cosign_form": forms.get("cosign_form") or CoSignForm(),
        "return_form": forms.get("return_form") or CoSignReturnForm(),
        "cosign_refusal": forms.get("cosign_refusal", ""),
        "reassign_form": forms.get("reassign_form") or ReassignRequestForm(),
        "contact_form": forms.get("contact_form") or ContactForm(),
        **detail,
    }
    return render(request, "proposals/unit/assignment.html", context, status=status)


@login_required
@require_GET
def assignment_detail(request, pk: int):
    """The assignment; the first visit by an officer records the receipt."""
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=pk)
    if assignment.received_at is None and assignment.status != A.WITHDRAWN:
        services.assignment_receive(actor=request.user, assignment=assignment)
        assignment.received_at = timezone.now()
    return _render_detail(request, assignment)


def _unit_action(request, assignment, form, action, *, form_name: str, done: str, anchor: str = ""):
    """The unit page's forms share one shape: run the service through the form; on success a
    message and back to the assignment (at ``anchor``), otherwise the page again with the form,
    what was typed and why it was refused (``core.views.run_action``)."""
    result = run_action(form, action, leftovers_on_form=True)
    if result.ok:
        messages.success(request, done)
        return redirect(reverse("proposals_unit:assignment", args=[assignment.pk]) + anchor)
    return _render_detail(request, assignment, status=result.status, **{form_name: form})


@login_required
@require_POST
def reassign_request(request, pk: int):
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=pk)
    return _unit_action(
        request,
        assignment,
        ReassignRequestForm(request.POST),
        lambda data: services.assignment_request_reassign(
            actor=request.user, assignment=assignment, reason=data["reason"]
        ),
        form_name="reassign_form",
        done=_("Your request for re-assignment was sent to the deputy-work office."),
    )


@login_required
@require_POST
def contact_add(request, pk: int):
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=pk)
    form = ContactForm(request.POST)

    def record(data):
        _refuse_if_withdrawn(assignment)
        return services.contact_log_add(
            actor=request.user,
            assignment=assignment,
            stage=data["stage"],
            method=data["method"],
            contacted_on=data["contacted_on"],
            note=data["note"],
        )

    return _unit_action(
        request,
        assignment,
        form,
        record,
        form_name="contact_form",
        done=_("The contact with the deputy was recorded."),
        anchor="#contacts",
    )


def _commitment_formset(request):
    if request.method != "POST":
        return CommitmentFormSet(prefix=COMMITMENT_PREFIX)
    data = request.POST.copy()
    if "add_row" in data:
        # One more blank row, everything typed kept; nothing is saved yet.
        key = f"{COMMITMENT_PREFIX}-TOTAL_FORMS"
        try:
            data[key] = str(min(int(data.get(key, "0")) + 1, 30))
        except ValueError:
            data[key] = "3"
    return CommitmentFormSet(data, prefix=COMMITMENT_PREFIX)


@login_required
@require_http_methods(["GET", "POST"])
def reply(request, pk: int):
    """The written reply (and, after an unsatisfied rating, the reply of the next round)."""
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=pk)
    suggestion = assignment.suggestion
    returned = selectors.returned_reply_for_unit(assignment=assignment) if assignment.role == R.LEAD else None
    with_joint_units = returned is None and selectors.reply_with_joint_units(assignment=assignment)
    can_reply = _can_reply(assignment) and not with_joint_units
    initial = {"category": returned.category_id, "text": returned.text, "signer": returned.signer} if returned else None
    form = ReplyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    formset = _commitment_formset(request)
    commitment_errors: list[str] = []
    status = 200
    if request.method == "POST" and "add_row" not in request.POST:
        if not can_reply:
            form.add_error(None, _("This assignment is not waiting for a reply."))
        else:
            form_ok, formset_ok = form.is_valid(), formset.is_valid()
            if form_ok and formset_ok:

                def send(data):
                    return services.reply_submit(
                        actor=request.user,
                        assignment=assignment,
                        category=data["category"],
                        text=data["text"],
                        signer=data["signer"],
                        replied_on=data["replied_on"],
                        commitments=formset.rows(),
                        letter=data.get("letter"),
                        confirmed=bool(data.get("confirm")),
                    )

                # Errors about the commitments have no field of their own: shown above the rows.
                result = run_action(form, send, field_map={"file": "letter", "commitments": "_c"})
                if result.ok:
                    if result.value.status == result.value.Status.COSIGNING:
                        messages.success(
                            request,
                            _(
                                "The reply was sent to the joint units to co-sign; the deputy receives it when all have."
                            ),
                        )
                    else:
                        messages.success(request, _("The reply was sent. The deputy is asked to rate it."))
                    return redirect("proposals_unit:assignment", pk=assignment.pk)
                commitment_errors, status = result.errors, result.status
            else:
                # A field the form could not read: still show every other problem now, not in stages.
                commitment_errors = _all_reply_errors(assignment, form, formset if formset_ok else None)
    detail = selectors.assignment_detail_for_unit(assignment=assignment)
    unsatisfied = [
        r for reply_ in detail["replies"] for r in reply_.ratings.all() if r.value == Rating.Value.UNSATISFIED
    ]
    return render(
        request,
        "proposals/unit/reply.html",
        {
            "assignment": assignment,
            "suggestion": suggestion,
            "form": form,
            "formset": formset,
            "commitment_errors": commitment_errors,
            "can_reply": can_reply,
            "round": returned.round if returned else len(detail["replies"]) + 1,
            "returned": returned,
            "with_joint_units": with_joint_units,
            "is_joint": assignment.role == R.JOINT,
            "previous_replies": detail["replies"],
            "unsatisfied": unsatisfied[-1] if unsatisfied and assignment.status == A.REHANDLING else None,
        },
        status=status,
    )


def _all_reply_errors(assignment, form, formset) -> list[str]:
    data = getattr(form, "cleaned_data", {})
    errors = services.reply_errors(
        assignment=assignment,
        category=data.get("category"),
        text=data.get("text", ""),
        signer=data.get("signer", ""),
        replied_on=data.get("replied_on"),
        commitments=formset.rows() if formset is not None else [("-", timezone.localdate())],
        letter=data.get("letter"),
        confirmed=bool(data.get("confirm")),
    )
    leftovers = []
    for name, message in errors.items():
        if name == "commitments":
            leftovers.append(message)
        elif name == "__all__":
            form.add_error(None, message)
        elif name in form.fields and name not in form.errors:
            form.add_error(name, message)
    return leftovers


@login_required
@require_POST
def assisting_view(request, pk: int):
    """An assisting unit sends its written view to the lead unit."""
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=pk)
    return _unit_action(
        request,
        assignment,
        AssistingViewForm(request.POST),
        lambda data: services_handling.assisting_view_send(
            actor=request.user, assignment=assignment, text=data["text"]
        ),
        form_name="view_form",
        done=_("Your view was sent to the lead unit."),
        anchor="#assisting-view",
    )


@login_required
@require_POST
def cosign(request, pk: int):
    """A joint unit co-signs the lead unit's reply; the last co-signature sends it to the deputy."""
    cosignature = selectors.cosignature_get_for_unit(actor=request.user, pk=pk)
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=cosignature.assignment_id)
    return _unit_action(
        request,
        assignment,
        CoSignForm(request.POST),
        lambda data: services.reply_cosign(actor=request.user, cosignature=cosignature),
        form_name="cosign_form",
        done=_("Your unit co-signed the lead unit's reply."),
        anchor="#cosign",
    )


@login_required
@require_POST
def cosign_return(request, pk: int):
    """A joint unit returns the lead unit's reply with its opinion."""
    cosignature = selectors.cosignature_get_for_unit(actor=request.user, pk=pk)
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=cosignature.assignment_id)
    return _unit_action(
        request,
        assignment,
        CoSignReturnForm(request.POST),
        lambda data: services.reply_return(actor=request.user, cosignature=cosignature, opinion=data["opinion"]),
        form_name="return_form",
        done=_("The reply was returned to the lead unit with your opinion."),
        anchor="#cosign",
    )


@login_required
@require_POST
def extension_request(request, pk: int):
    """Before the deadline, ask the office for more time."""
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=pk)
    return _unit_action(
        request,
        assignment,
        ExtensionRequestForm(request.POST, prefix=EXTENSION_PREFIX),
        lambda data: services_handling.extension_request(
            actor=request.user, assignment=assignment, reason=data["reason"], until=data["until"]
        ),
        form_name="extension_form",
        done=_("Your request for more time was sent to the deputy-work office."),
        anchor="#extensions",
    )


@login_required
@require_POST
def reply_letter(request, pk: int):
    """Upload the signed reply letter to a reply already sent."""
    reply_ = selectors.reply_get_for_unit(actor=request.user, pk=pk)
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=reply_.assignment_id)
    form = ReplyLetterForm(request.POST, request.FILES, prefix=f"l{reply_.pk}")

    def upload(data):
        _refuse_if_withdrawn(assignment)
        return services.attachment_add(
            actor=request.user, suggestion=assignment.suggestion, upload=data["file"], reply=reply_
        )

    result = run_action(form, upload, leftovers_on_form=True)
    if result.ok:
        messages.success(request, _("The reply letter was uploaded."))
        return redirect(reverse("proposals_unit:assignment", args=[assignment.pk]) + f"#reply-{reply_.pk}")
    return _render_detail(request, assignment, letter_forms={reply_.pk: form}, status=result.status)


@login_required
@require_POST
def commitment_progress(request, pk: int):
    commitment = selectors.commitment_get_for_unit(actor=request.user, pk=pk)
    assignment = selectors.assignment_get_for_unit(actor=request.user, pk=commitment.reply.assignment_id)
    form = CommitmentProgressForm(request.POST, prefix=f"p{commitment.pk}")
    result = run_action(
        form,
        lambda data: services.commitment_progress_add(
            actor=request.user,
            commitment=commitment,
            note=data["note"],
            fulfilled=data["fulfilled"],
            reported_on=data["reported_on"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        if form.cleaned_data["fulfilled"]:
            messages.success(request, _("The commitment is recorded as fulfilled; the deputy is told."))
        else:
            messages.success(request, _("The progress was recorded; the deputy is told."))
        return redirect(reverse("proposals_unit:assignment", args=[assignment.pk]) + f"#commitment-{commitment.pk}")
    return _render_detail(request, assignment, progress_forms={commitment.pk: form}, status=result.status)


@login_required
@require_GET
def attachment(request, pk: int):
    """A file of an item assigned to the unit, downloaded (never shown inline: no HTML from uploads)."""
    item = selectors.attachment_get_for_unit(actor=request.user, pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return download_response(handle, filename=item.original_name, content_type=item.content_type)
