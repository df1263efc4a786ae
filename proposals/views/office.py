"""The deputy-work office's back-office pages for suggestions (``/office/suggestions/``).

Staff only (``accounts.roles.is_staff_member``), scoped to their congresses: anyone else
gets 403 (or the login page), an item outside the scope 404. Each page is thin: a
selector reads, a form parses, a service writes. A service's refusal is shown on the
item page next to the form it came from, with what was typed kept, and nothing written.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import InvalidTransition, NotAllowed
from core.views import (
    DOCX,
    XLSX,
    deadline_info,
    download_response,
    paginate,
    refusal_messages,
    refusal_status,
    run_action,
    safe_next_url,
)
from core.workdays import add_workdays
from core.workflow import STAFF

from .. import documents, exports, services, services_handling, workflow
from ..forms_office import (
    AcceptForm,
    AssignFormSet,
    AssignOptionsForm,
    CloseForm,
    ConvertForm,
    DecideReassignForm,
    EvaluationForm,
    ExtensionDecisionForm,
    KeySupervisionForm,
    MergeForm,
    NoteForm,
    PaperSuggestionForm,
    ProgressForm,
    PublishForm,
    ReturnForm,
    SuggestionFilterForm,
    UrgingNoticeForm,
)
from ..models import Assignment, Field, KeySupervision, Rating, Suggestion
from ..selectors import office as selectors
from ..selectors.similar import similar_for_suggestion
from ..selectors.unit import deadline_mark, warn_until

S = Suggestion.Status
A = Assignment.Status
PAGE_SIZE = 50
ASSIGN_PREFIX = "u"

# The timeline shows each event by what happened, in the reader's language: the workflow's
# labels, plus the one action this module writes itself.
EVENT_LABELS = {
    **workflow.ACTION_LABELS,
}


# --- Helpers ---------------------------------------------------------------------------------


def _filter_form(request):
    actor = request.user
    return SuggestionFilterForm(
        request.GET if request.GET else None,
        sessions=selectors.sessions_for_office(actor=actor),
        fields=Field.objects.order_by("order", "name"),
        units=selectors.units_for_office(actor=actor),
    )


def _filtered(request):
    """The filter form and the filtered items (unannotated: pages and exports add what they need)."""
    selectors.require_staff(request.user)
    form = _filter_form(request)
    filters = form.filters()
    return form, selectors.apply_filters(selectors.suggestions_for_office(actor=request.user), **filters), filters


def _detail_url(suggestion, anchor: str = "") -> str:
    return reverse("proposals_office:detail", args=[suggestion.pk]) + (f"#{anchor}" if anchor else "")


# --- Lists -------------------------------------------------------------------------------------


@login_required
@require_GET
def suggestion_list(request):
    """Every item of the office's congresses, filtered and searched; exports take the same filters."""
    form, _qs, filters = _filtered(request)
    rows = selectors.suggestion_list_for_office(actor=request.user, **filters)
    page = paginate(request, rows, size=PAGE_SIZE)
    today = timezone.localdate()
    warn_from = warn_until(today)
    # Each label translated once per page (``get_FOO_display`` hashes every choice per call).
    statuses, kinds, roles = (
        {value: str(label) for value, label in choices}
        for choices in (Suggestion.Status.choices, Suggestion.Kind.choices, Assignment.Role.choices)
    )
    for row in page.object_list:
        marks = {
            deadline_mark(a.deadline, today, awaiting=a.status in selectors.AWAITING, warn_from=warn_from)
            for a in row.current_assignments
        }
        row.mark = "overdue" if "overdue" in marks else "soon" if "soon" in marks else None
        row.status_label, row.kind_label = statuses.get(row.status, row.status), kinds.get(row.kind, row.kind)
        for a in row.current_assignments:
            a.role_label = roles.get(a.role, a.role)
    query = request.GET.copy()
    query.pop("page", None)
    query, filtered = query.urlencode(), any(filters.values())
    return render(
        request,
        "proposals/office/list.html",
        {
            "form": form,
            "filters_html": _filters_html(request, form, query, filtered),
            "page": page,
            "query": query,
            "filtered": filtered,
        },
    )


def _filters_html(request, form, query: str, filtered: bool) -> str:
    """The filter form as HTML, kept like the dashboards' figures (``core.figures``): its lists
    of sessions, fields and units are the actor's, and rendering their options is a third of
    the list's time. Renewed with any change to the records, so a new unit is offered at once."""
    from core import figures

    user = request.user
    found = figures.cached(
        ("office-list-filters", user.pk, user.congress_id, query),
        lambda: {
            "html": render_to_string(
                "proposals/office/_list_filters.html", {"form": form, "filtered": filtered}, request=request
            )
        },
    )
    return mark_safe(found["html"])  # rendered by the template above, escaped there


@login_required
@require_GET
def review(request):
    """The review queue: submitted items in the order they came in."""
    rows = selectors.review_queue(actor=request.user)
    page = paginate(request, rows, size=PAGE_SIZE)
    return render(request, "proposals/office/review.html", {"page": page, "query": "", "accept_form": AcceptForm()})


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request):
    """Enter a suggestion handed in on paper for a deputy: marked and audited as entered by staff."""
    actor = request.user
    selectors.require_staff(actor)
    form = PaperSuggestionForm(
        request.POST if request.method == "POST" else None,
        deputies=selectors.deputies_for_paper_entry(actor=actor),
        sessions=selectors.sessions_for_office(actor=actor),
        fields=Field.objects.order_by("order", "name"),
    )
    status = 200

    def create(data):
        with transaction.atomic():
            return services.suggestion_create(
                actor=actor,
                lead_deputy=data["lead_deputy"],
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                field=data["field"],
                session=data["session"],
                on_behalf=True,
            )

    if request.method == "POST":
        result = run_action(form, create, leftovers_on_form=True)
        status = result.status
        if result.ok:
            suggestion, data = result.value, form.cleaned_data
            if data["submit_now"]:
                try:
                    services.suggestion_submit(actor=actor, suggestion=suggestion)
                except (ValidationError, NotAllowed) as exc:
                    # Kept as a draft (a motion without its co-signers, say): the item page says why.
                    messages.warning(
                        request,
                        _("Saved as a draft, not submitted: %(reason)s") % {"reason": " ".join(refusal_messages(exc))},
                    )
                else:
                    messages.success(
                        request,
                        _("The suggestion was entered for %(name)s and submitted for review.")
                        % {"name": data["lead_deputy"].name},
                    )
            else:
                messages.success(
                    request, _("The suggestion was saved as a draft for %(name)s.") % {"name": data["lead_deputy"].name}
                )
            return redirect("proposals_office:detail", pk=suggestion.pk)
    return render(request, "proposals/office/paper_entry.html", {"form": form}, status=status)


# --- The item page -----------------------------------------------------------------------------


def _assign_forms(request, suggestion, units):
    post = request.method == "POST" and request.resolver_match.url_name == "assign"
    options = AssignOptionsForm(request.POST if post else None)
    formset = AssignFormSet(request.POST if post else None, prefix=ASSIGN_PREFIX, form_kwargs={"units": units})
    return options, formset


def status_in_handling(suggestion: Suggestion) -> bool:
    return suggestion.status in workflow.HANDLING


def _render_detail(request, suggestion: Suggestion, *, status: int = 200, **forms):
    actor = request.user
    today = timezone.localdate()
    detail = selectors.suggestion_detail_for_office(suggestion=suggestion)
    units = selectors.units_for_office(actor=actor, congress_id=suggestion.congress_id)
    current_unit_ids = {a.unit_id for a in detail["current_assignments"]}
    warn_from = warn_until(today)
    for assignment in detail["assignments"]:
        assignment.deadline_info = deadline_info(
            assignment.deadline, today, awaiting=assignment.status in selectors.AWAITING
        )
        assignment.mark = deadline_mark(
            assignment.deadline, today, awaiting=assignment.status in selectors.AWAITING, warn_from=warn_from
        )
        for extension in assignment.extensions.all():
            if extension.status == "requested":
                extension.decide_form = forms.get("extension_forms", {}).get(extension.pk) or ExtensionDecisionForm(
                    prefix=f"x{extension.pk}", initial={"until": extension.requested_until}
                )
        if assignment.status in selectors.OWING and assignment.deadline < today and status_in_handling(suggestion):
            assignment.urge_form = forms.get("urge_forms", {}).get(assignment.pk) or UrgingNoticeForm(
                prefix=f"g{assignment.pk}"
            )
        if assignment.status == A.REASSIGN_REQUESTED:
            assignment.decide_form = forms.get("decide_forms", {}).get(assignment.pk) or DecideReassignForm(
                units=units.exclude(pk__in=current_unit_ids), prefix=f"d{assignment.pk}"
            )
        for reply in assignment.replies.all():
            unsatisfied = any(r.value == Rating.Value.UNSATISFIED for r in reply.ratings.all())
            if unsatisfied:
                reply.evaluation_form = forms.get("evaluation_forms", {}).get(reply.pk) or EvaluationForm(
                    prefix=f"e{reply.pk}"
                )
    status_value = suggestion.status
    supervision = detail["supervision"]
    assign_options, assign_formset = forms.get("assign") or _assign_forms(request, suggestion, units)
    merge_q = request.GET.get("merge_q", "").strip()

    # Only the actions the transition table lets staff take from this state are offered.
    def allowed(action: str) -> bool:
        return workflow.SUGGESTION.can(action, status=status_value, roles=STAFF)

    can = {
        "review": allowed("accept") and allowed("return"),
        "convert": allowed("convert") and suggestion.kind == Suggestion.Kind.MOTION,
        "merge": allowed("merge"),
        "submit": suggestion.entered_by_staff and allowed("submit"),
        "assign": allowed("assign"),
        "close": allowed("close"),
        "publish": not suggestion.published and allowed("published"),
        "unpublish": suggestion.published and allowed("unpublished"),
        "select_key": supervision is None and allowed("key_supervision"),
    }
    for event in detail["events"]:
        event.label = EVENT_LABELS.get(event.action, event.action)
    context = {
        "suggestion": suggestion,
        "today": today,
        "can": can,
        "units": units,
        # What an assignment made today would get: shown before staff press the button.
        "preview_deadline": services.reply_deadline(today, broad=suggestion.is_broad),
        "preview_window": add_workdays(today, settings.PROPOSALS_REASSIGN_WORKDAYS) if can["assign"] else None,
        "reply_months": settings.PROPOSALS_BROAD_REPLY_MONTHS
        if suggestion.is_broad
        else settings.PROPOSALS_REPLY_MONTHS,
        "reassign_workdays": settings.PROPOSALS_REASSIGN_WORKDAYS,
        # Each form its own ids (several have a "note"): a label must name its own field.
        "accept_form": forms.get("accept_form") or AcceptForm(auto_id=_auto_id("accept_form")),
        "publish_form": forms.get("publish_form") or PublishForm(auto_id=_auto_id("publish_form")),
        "return_form": forms.get("return_form") or ReturnForm(auto_id=_auto_id("return_form")),
        "merge_form": forms.get("merge_form") or MergeForm(auto_id=_auto_id("merge_form")),
        "convert_form": forms.get("convert_form") or ConvertForm(auto_id=_auto_id("convert_form")),
        "submit_form": forms.get("submit_form") or NoteForm(auto_id=_auto_id("submit_form")),
        "merge_q": merge_q,
        "merge_candidates": list(selectors.merge_candidates(actor=actor, suggestion=suggestion, q=merge_q))
        if merge_q and can["merge"]
        else None,
        # At review: items like this one, so staff can merge a duplicate (one query).
        "similar": similar_for_suggestion(suggestion=suggestion) if can["review"] or can["merge"] else None,
        "assign_options": assign_options,
        "assign_formset": assign_formset,
        "ks_form": forms.get("ks_form")
        or (
            KeySupervisionForm(leaders=selectors.sc_leaders_for(congress_id=suggestion.congress_id))
            if can["select_key"]
            else None
        ),
        "ks_progress_form": forms.get("ks_progress_form") or ProgressForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "publish_errors": forms.get("publish_errors", []),
        **detail,
    }
    return render(request, "proposals/office/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk: int):
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=pk)
    return _render_detail(request, suggestion)


def _auto_id(form_key: str) -> str:
    """``accept_form`` -> ids ``id_accept-note``: unique on the item page, which shows several forms."""
    return f"id_{form_key.removesuffix('_form')}-%s"


def _action(request, pk: int, form_class, form_key: str, run, success: str, *, anchor: str = "", **form_kwargs):
    """Parse ``form_class``, run the service; on a refusal show the item page with the form as typed."""
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=pk)
    form = form_class(request.POST, auto_id=_auto_id(form_key), **form_kwargs)
    result = run_action(form, lambda data: run(suggestion, data), leftovers_on_form=True)
    if result.ok:
        messages.success(request, success if not callable(success) else success(suggestion, result.value))
        return redirect(safe_next_url(request, request.POST.get("next"), _detail_url(suggestion, anchor)))
    return _render_detail(request, suggestion, status=result.status, **{form_key: form})


@login_required
@require_POST
def accept(request, pk: int):
    return _action(
        request,
        pk,
        AcceptForm,
        "accept_form",
        lambda s, d: services.suggestion_accept(actor=request.user, suggestion=s, broad=d["broad"], note=d["note"]),
        lambda s, _r: _("Accepted as %(number)s.") % {"number": s.number_label},
    )


@login_required
@require_POST
def return_(request, pk: int):
    return _action(
        request,
        pk,
        ReturnForm,
        "return_form",
        lambda s, d: services.suggestion_return(actor=request.user, suggestion=s, reason=d["reason"]),
        _("Returned to the deputy with the reason given."),
    )


@login_required
@require_POST
def convert(request, pk: int):
    return _action(
        request,
        pk,
        ConvertForm,
        "convert_form",
        lambda s, d: services.suggestion_convert_to_suggestion(actor=request.user, suggestion=s, note=d["note"]),
        _("The motion will be handled as a suggestion."),
    )


@login_required
@require_POST
def submit(request, pk: int):
    return _action(
        request,
        pk,
        NoteForm,
        "submit_form",
        lambda s, d: services.suggestion_submit(actor=request.user, suggestion=s),
        _("Submitted for review."),
    )


@login_required
@require_POST
def merge(request, pk: int):
    def run(suggestion, data):
        target = None
        if data.get("into"):
            target = selectors.suggestions_for_office(actor=request.user).filter(pk=data["into"]).first()
        elif data.get("number"):
            target = selectors.merge_target_by_number(actor=request.user, suggestion=suggestion, number=data["number"])
        if target is None:
            raise ValidationError(
                {"number": _("No item with this number can take the merge; search and choose it instead.")}
            )
        return services.suggestion_merge(actor=request.user, suggestion=suggestion, into=target, note=data["note"])

    return _action(
        request,
        pk,
        MergeForm,
        "merge_form",
        run,
        lambda s, _r: _("Merged into %(target)s.") % {"target": s.merged_into},
    )


@login_required
@require_POST
def assign(request, pk: int):
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=pk)
    units = selectors.units_for_office(actor=request.user, congress_id=suggestion.congress_id)
    options, formset = _assign_forms(request, suggestion, units)
    status = 200
    if options.is_valid() and formset.is_valid():
        result = run_action(
            options,
            lambda data: services.suggestion_assign(
                actor=request.user,
                suggestion=suggestion,
                units_roles=formset.rows(),
                assigned_on=data["assigned_on"],
                pre_assignment=data["pre_assignment"],
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            created = result.value
            messages.success(
                request,
                _("Assigned to %(units)s; reply due on %(date)s.")
                % {"units": "、".join(a.unit.name for a in created), "date": created[0].deadline.isoformat()},
            )
            return redirect(_detail_url(suggestion, "assignments"))
        status = result.status
    return _render_detail(request, suggestion, status=status, assign=(options, formset))


@login_required
@require_POST
def decide_reassign(request, pk: int):
    assignment = selectors.assignment_get_for_office(actor=request.user, pk=pk)
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=assignment.suggestion_id)
    current = Assignment.objects.filter(suggestion=suggestion).exclude(status=A.WITHDRAWN).values("unit_id")
    units = selectors.units_for_office(actor=request.user, congress_id=suggestion.congress_id).exclude(pk__in=current)
    form = DecideReassignForm(request.POST, units=units, prefix=f"d{assignment.pk}")
    result = run_action(
        form,
        lambda data: services.assignment_decide_reassign(
            actor=request.user,
            assignment=assignment,
            grant=data["decision"] == "grant",
            new_unit=data["new_unit"],
            note=data["note"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        if form.cleaned_data["decision"] == "grant":
            messages.success(
                request,
                _("The request was granted; %(unit)s no longer handles the item.") % {"unit": assignment.unit.name},
            )
        else:
            messages.success(
                request, _("The request was refused; %(unit)s keeps the item.") % {"unit": assignment.unit.name}
            )
        return redirect(_detail_url(suggestion, "assignments"))
    return _render_detail(request, suggestion, status=result.status, decide_forms={assignment.pk: form})


@login_required
@require_POST
def key_supervision(request, pk: int):
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=pk)

    def run(s, data):
        from .. import services_supervision

        if KeySupervision.objects.filter(suggestion=s).exists():
            raise InvalidTransition(_("This item is already under key supervision."))
        with transaction.atomic():
            supervision = services.key_supervision_select(
                actor=request.user,
                suggestion=s,
                sc_leader=data["sc_leader"],
                government_leader=data["government_leader"],
                committee=data["committee"],
                selected_on=data["selected_on"],
            )
            return services_supervision.report_schedule_set(
                actor=request.user, supervision=supervision, days=data["report_every_days"]
            )

    return _action(
        request,
        pk,
        KeySupervisionForm,
        "ks_form",
        run,
        _("The item is now under key supervision."),
        anchor="key-supervision",
        leaders=selectors.sc_leaders_for(congress_id=suggestion.congress_id),
    )


@login_required
@require_POST
def key_supervision_progress(request, pk: int):
    def run(s, data):
        supervision = KeySupervision.objects.filter(suggestion=s).select_related("suggestion").first()
        if supervision is None:
            raise InvalidTransition(_("This item is not under key supervision."))
        return services.key_supervision_progress_add(
            actor=request.user, supervision=supervision, note=data["note"], reported_on=data["reported_on"]
        )

    return _action(
        request, pk, ProgressForm, "ks_progress_form", run, _("The progress was recorded."), anchor="key-supervision"
    )


@login_required
@require_POST
def evaluation(request, pk: int):
    reply = selectors.reply_get_for_office(actor=request.user, pk=pk)
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=reply.assignment.suggestion_id)
    form = EvaluationForm(request.POST, prefix=f"e{reply.pk}")
    result = run_action(
        form,
        lambda data: services.third_party_evaluation_add(
            actor=request.user,
            reply=reply,
            evaluator=data["evaluator"],
            evaluated_on=data["evaluated_on"],
            conclusion=data["conclusion"],
            score=data["score"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The third-party evaluation was recorded."))
        return redirect(_detail_url(suggestion, f"reply-{reply.pk}"))
    return _render_detail(request, suggestion, status=result.status, evaluation_forms={reply.pk: form})


@login_required
@require_POST
def close(request, pk: int):
    return _action(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda s, d: services.suggestion_close(actor=request.user, suggestion=s, publish=d["publish"], note=d["note"]),
        _("The item was closed."),
    )


@login_required
@require_POST
def publish(request, pk: int):
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        if "published" in form.errors:
            return _render_detail(
                request, suggestion, status=400, publish_errors=[_("The request could not be read. Please try again.")]
            )
        return _render_detail(request, suggestion, publish_form=form)
    published = form.cleaned_data["published"]
    try:
        services.suggestion_set_published(actor=request.user, suggestion=suggestion, published=published)
    except (ValidationError, NotAllowed) as exc:
        return _render_detail(request, suggestion, status=refusal_status(exc), publish_errors=refusal_messages(exc))
    messages.success(
        request, _("Published on the public pages.") if published else _("Withdrawn from the public pages.")
    )
    return redirect(_detail_url(suggestion))


@login_required
@require_GET
def attachment(request, pk: int):
    item = selectors.attachment_get_for_office(actor=request.user, pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return download_response(handle, filename=item.original_name, content_type=item.content_type)


# --- Word documents ------------------------------------------------------------------------


@login_required
@require_GET
def assignment_letter(request, pk: int):
    """The assignment letter (交办函) to one unit, ready to print and stamp."""
    assignment = selectors.assignment_get_for_office(actor=request.user, pk=pk)
    content = documents.assignment_letter(assignment=assignment)
    name = f"交办函-{assignment.suggestion.number_label or assignment.suggestion_id}-{assignment.unit.name}.docx"
    return download_response(content, filename=name, content_type=DOCX)


@login_required
@require_GET
def reply_summary(request, pk: int):
    """Every reply of the item with category, signer, date, text and the deputy's ratings."""
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=pk)
    detail_data = selectors.suggestion_detail_for_office(suggestion=suggestion)
    content = documents.reply_summary(
        suggestion=suggestion, assignments=detail_data["assignments"], cosigners=detail_data["cosigners"]
    )
    name = f"答复情况-{suggestion.number_label or suggestion.pk}.docx"
    return download_response(content, filename=name, content_type=DOCX)


# --- Extensions, urging notices, escalation -----------------------------------------------------


@login_required
@require_POST
def decide_extension(request, pk: int):
    extension = selectors.extension_get_for_office(actor=request.user, pk=pk)
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=extension.assignment.suggestion_id)
    form = ExtensionDecisionForm(request.POST, prefix=f"x{extension.pk}")
    result = run_action(
        form,
        lambda data: services_handling.extension_decide(
            actor=request.user,
            extension=extension,
            grant=data["decision"] == "grant",
            until=data["until"],
            note=data["note"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        if form.cleaned_data["decision"] == "grant":
            messages.success(
                request,
                _("More time granted to %(unit)s: the reply is now due on %(date)s.")
                % {"unit": extension.assignment.unit.name, "date": result.value.granted_until.isoformat()},
            )
        else:
            messages.success(request, _("The request for more time was refused; the unit is told."))
        return redirect(safe_next_url(request, request.POST.get("next"), _detail_url(suggestion, "assignments")))
    return _render_detail(request, suggestion, status=result.status, extension_forms={extension.pk: form})


@login_required
@require_POST
def urge(request, pk: int):
    assignment = selectors.assignment_get_for_office(actor=request.user, pk=pk)
    suggestion = selectors.suggestion_get_for_office(actor=request.user, pk=assignment.suggestion_id)
    form = UrgingNoticeForm(request.POST, prefix=f"g{assignment.pk}")
    result = run_action(
        form,
        lambda data: services_handling.urging_notice_send(actor=request.user, assignment=assignment, text=data["text"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(
            request,
            _("Urging notice no. %(n)d sent to %(unit)s; download the letter below to print and stamp it.")
            % {"n": result.value.number, "unit": assignment.unit.name},
        )
        return redirect(_detail_url(suggestion, f"assignment-{assignment.pk}"))
    return _render_detail(request, suggestion, status=result.status, urge_forms={assignment.pk: form})


@login_required
@require_GET
def urging_letter(request, pk: int):
    """The urging notice as a Word letter."""
    notice = selectors.urging_notice_get_for_office(actor=request.user, pk=pk)
    content = documents.urging_notice_letter(notice=notice)
    suggestion = notice.assignment.suggestion
    name = f"催办通知-{suggestion.number_label or suggestion.pk}-{notice.assignment.unit.name}-{notice.number}.docx"
    return download_response(content, filename=name, content_type=DOCX)


@login_required
@require_GET
def escalation(request):
    """Deadlines at a glance: requests for more time, units late or nearly late, items to assign."""
    actor = request.user
    today = timezone.localdate()
    warn_from = warn_until(today)
    recess = list(selectors.recess_items_to_assign(actor=actor))
    for item in recess:
        accepted_on = timezone.localtime(item.accepted_at).date() if item.accepted_at else today
        item.assign_by = add_workdays(accepted_on, settings.PROPOSALS_RECESS_ASSIGN_WORKDAYS)
    return render(
        request,
        "proposals/office/escalation.html",
        {
            "today": today,
            "extensions": list(selectors.pending_extensions(actor=actor)),
            "overdue": list(selectors.overdue_assignments(actor=actor, today=today)),
            "due_soon": list(selectors.due_soon_assignments(actor=actor, warn_from=warn_from, today=today)),
            "recess": recess,
            "warn_workdays": settings.PROPOSALS_DEADLINE_WARN_WORKDAYS,
            "recess_workdays": settings.PROPOSALS_RECESS_ASSIGN_WORKDAYS,
            "chair_days": settings.PROPOSALS_CHAIRPERSONS_OVERDUE_DAYS,
        },
    )


@login_required
@require_GET
def chairpersons(request):
    """Units still overdue long after their deadline: the list for the chairpersons' meeting (printable)."""
    today = timezone.localdate()
    days = settings.PROPOSALS_CHAIRPERSONS_OVERDUE_DAYS
    rows = list(selectors.overdue_assignments(actor=request.user, late_days=days, today=today))
    for row in rows:
        row.days_late = (today - row.deadline).days
    return render(request, "proposals/office/chairpersons.html", {"today": today, "rows": rows, "days": days})


# --- Excel exports (the list's filters apply) ---------------------------------------------------


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d")


@login_required
@require_GET
def export_ledger(request):
    _form, qs, _filters = _filtered(request)
    rows = selectors.ledger_rows(suggestions=qs.values("pk"))
    handle = exports.ledger_workbook(rows=rows.iterator(chunk_size=2000), today=timezone.localdate())
    return download_response(handle, filename=f"建议办理台账-{_stamp()}.xlsx", content_type=XLSX)


@login_required
@require_GET
def export_units(request):
    _form, qs, _filters = _filtered(request)
    stats = selectors.unit_statistics(suggestions=qs.values("pk"))
    handle = exports.unit_statistics_workbook(stats=stats)
    return download_response(handle, filename=f"承办单位办理情况统计-{_stamp()}.xlsx", content_type=XLSX)


@login_required
@require_GET
def handling_report(request):
    """The handling report for the standing committee: per unit, printable, with the list's filters."""
    form, qs, filters = _filtered(request)
    stats = selectors.unit_statistics(suggestions=qs.values("pk"))
    totals = {
        key: sum(row[key] for row in stats["rows"])
        for key in ("assigned", "replied", "on_time", "extended", "overdue", "rated", "satisfied")
    }
    totals["categories"] = [
        sum(row["categories"][i]["count"] for row in stats["rows"]) for i in range(len(stats["categories"]))
    ]
    query = request.GET.copy()
    return render(
        request,
        "proposals/office/report.html",
        {
            "form": form,
            "stats": stats,
            "totals": totals,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "filtered": any(filters.values()),
        },
    )


@login_required
@require_GET
def export_commitments(request):
    _form, qs, _filters = _filtered(request)
    rows = selectors.commitment_rows(suggestions=qs.values("pk"))
    handle = exports.commitments_workbook(rows=rows.iterator(chunk_size=2000), today=timezone.localdate())
    return download_response(handle, filename=f"答复承诺事项台账-{_stamp()}.xlsx", content_type=XLSX)
