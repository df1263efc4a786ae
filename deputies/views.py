"""Pages of the activity ledger and the performance archive (履职档案).

Thin: each view asks a selector for what the actor may see (404 or 403 first), parses
the input with a form, calls a service, and renders or redirects. Rules live in the
services; messages they raise are shown next to the fields they concern.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles

from . import exports, selectors, services
from .forms import (
    ATTENDANCE_CHOICES,
    ArchiveListFilterForm,
    AttendanceForm,
    InviteFilterForm,
    InviteForm,
    LetterFeedbackForm,
    RespondForm,
    year_choices,
)
from .models import Deputy, DeputyLetter, Participation

P = Participation.Status
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ARCHIVE_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# --- The deputy's invitations and history ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_activities(request):
    """Invitations to answer, accepted activities to come, and the history of the user's mandates."""
    user = request.user
    today = timezone.localdate()
    answer_form = None
    if request.method == "POST":
        answer_form = RespondForm(request.POST)
        if answer_form.is_valid():
            participation = (
                selectors.invitations_for_user(user=user).filter(pk=answer_form.cleaned_data["participation"]).first()
            )
            if participation is None:
                raise Http404
            accept = answer_form.cleaned_data["answer"] == "accept"
            try:
                services.participation_respond(
                    actor=user, participation=participation, accept=accept, reason=answer_form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _add_errors(answer_form, exc)
            else:
                if accept:
                    messages.success(request, _("You accepted “%(title)s”.") % {"title": participation.activity.title})
                else:
                    messages.success(request, _("You declined “%(title)s”.") % {"title": participation.activity.title})
                return redirect("deputies:my_activities")

    invitations = selectors.invitations_for_user(user=user)
    still_open = Q(activity__end_date__gte=today, activity__attendance_closed_at__isnull=True)
    waiting = list(invitations.filter(still_open, status=P.INVITED).order_by("activity_date", "pk"))
    upcoming = list(invitations.filter(still_open, status__in=[P.ACCEPTED, P.DECLINED]).order_by("activity_date", "pk"))
    history = invitations.exclude(still_open & Q(status__in=[P.INVITED, P.ACCEPTED, P.DECLINED]))
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    failed_pk = answer_form.data.get("participation") if answer_form is not None else None
    return render(
        request,
        "deputies/my_activities.html",
        {
            "waiting": waiting,
            "upcoming": upcoming,
            "page": page,
            "answer_form": answer_form,
            "failed_pk": str(failed_pk) if failed_pk else None,
            "has_mandate": Deputy.objects.filter(user=user).exists(),
        },
    )


# --- The performance archive ----------------------------------------------------------------


def _archive_years(deputy: Deputy) -> list[tuple[int, str]]:
    today = timezone.localdate()
    last = today.year
    if deputy.term.end_date and deputy.term.end_date.year < last:
        last = deputy.term.end_date.year
    return year_choices(deputy.term.start_date.year, last)


def _archive_year(request, deputy: Deputy) -> int:
    years = [y for y, _label in _archive_years(deputy)]
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    return year if year in years else years[0]


def _archive_context(*, deputy: Deputy, year: int, viewer) -> dict:
    summary = selectors.archive_summary(deputy=deputy, year=year)
    timeline = list(selectors.archive_timeline(deputy=deputy, year=year))
    extras = selectors.archive_extras(deputy=deputy)
    letters_year = [letter for letter in extras["letters"] if letter.received_on.year == year]
    return {
        "deputy": deputy,
        "year": year,
        "years": _archive_years(deputy),
        "summary": summary,
        "kinds_shown": [k for k in summary["kinds"] if k["invited_year"] or k["attended_term"]],
        "timeline": timeline,
        "letters_year": letters_year,
        "is_own": deputy.user_id is not None and deputy.user_id == viewer.pk,
        "generated_on": timezone.localdate(),
        **extras,
    }


def _own_mandates(user) -> list[Deputy]:
    return list(
        Deputy.objects.filter(user=user)
        .select_related("congress", "term", "electoral_unit")
        .order_by("congress_id", "pk")
    )


def _own_deputy(request) -> tuple[Deputy | None, list[Deputy]]:
    """The mandate chosen with ?deputy=<id> (404 unless it is the user's), else the first one."""
    mandates = _own_mandates(request.user)
    wanted = request.GET.get("deputy") or request.POST.get("deputy")
    if wanted:
        chosen = next((d for d in mandates if str(d.pk) == wanted), None)
        if chosen is None:
            raise Http404
        return chosen, mandates
    return (mandates[0] if mandates else None), mandates


@login_required
@require_http_methods(["GET", "POST"])
def my_archive(request):
    """The deputy's own archive; a POST is their feedback on the reply to one of their letters."""
    deputy, mandates = _own_deputy(request)
    if deputy is None:
        return render(request, "deputies/archive_no_mandate.html")
    year = _archive_year(request, deputy)
    feedback_forms = {}
    if request.method == "POST":
        form = LetterFeedbackForm(request.POST)
        letter = None
        if form.is_valid():
            letter = (
                DeputyLetter.objects.select_related("deputy")
                .filter(pk=form.cleaned_data["letter"], deputy=deputy)
                .first()
            )
            if letter is None:
                raise Http404
            try:
                services.letter_feedback(
                    actor=request.user,
                    letter=letter,
                    feedback=form.cleaned_data["feedback"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Thank you: your feedback on “%(subject)s” was recorded.") % {"subject": letter.subject}
                )
                return redirect(f"{reverse('deputies:my_archive')}?deputy={deputy.pk}&year={year}#letters")
        try:
            feedback_forms[int(request.POST.get("letter", ""))] = form
        except ValueError:
            messages.error(request, _("The feedback could not be read. Please try again."))
    context = _archive_context(deputy=deputy, year=year, viewer=request.user)
    for letter in context["letters"]:
        if letter.status == DeputyLetter.Status.REPLIED and context["is_own"]:
            letter.feedback_form = feedback_forms.get(letter.pk) or LetterFeedbackForm(initial={"letter": letter.pk})
    context.update(
        {
            "mandates": mandates,
            "export_url": f"{reverse('deputies:my_archive_export')}?deputy={deputy.pk}&year={year}",
            "print_url": f"{reverse('deputies:my_archive_print')}?deputy={deputy.pk}&year={year}",
            "archive_url": reverse("deputies:my_archive"),
            "staff_view": False,
        }
    )
    return render(request, "deputies/archive.html", context)


@login_required
@require_GET
def my_archive_export(request):
    deputy, _mandates = _own_deputy(request)
    if deputy is None:
        raise Http404
    return _archive_export(request, deputy)


@login_required
@require_GET
def my_archive_print(request):
    deputy, _mandates = _own_deputy(request)
    if deputy is None:
        raise Http404
    year = _archive_year(request, deputy)
    return render(
        request, "deputies/archive_print.html", _archive_context(deputy=deputy, year=year, viewer=request.user)
    )


@login_required
@require_GET
def archive_detail(request, deputy_id: int):
    """Any deputy's archive, for staff of the deputy's congress (and the deputy themselves)."""
    deputy = selectors.archive_deputy_get_for_actor(actor=request.user, deputy_id=deputy_id)
    year = _archive_year(request, deputy)
    context = _archive_context(deputy=deputy, year=year, viewer=request.user)
    base = reverse("deputies:archive_detail", args=[deputy.pk])
    context.update(
        {
            "export_url": f"{reverse('deputies:archive_detail_export', args=[deputy.pk])}?year={year}",
            "print_url": f"{reverse('deputies:archive_detail_print', args=[deputy.pk])}?year={year}",
            "archive_url": base,
            "staff_view": roles.is_staff_member(request.user),
        }
    )
    return render(request, "deputies/archive.html", context)


@login_required
@require_GET
def archive_detail_export(request, deputy_id: int):
    deputy = selectors.archive_deputy_get_for_actor(actor=request.user, deputy_id=deputy_id)
    return _archive_export(request, deputy)


@login_required
@require_GET
def archive_detail_print(request, deputy_id: int):
    deputy = selectors.archive_deputy_get_for_actor(actor=request.user, deputy_id=deputy_id)
    year = _archive_year(request, deputy)
    return render(
        request, "deputies/archive_print.html", _archive_context(deputy=deputy, year=year, viewer=request.user)
    )


def _archive_export(request, deputy: Deputy) -> HttpResponse:
    year = _archive_year(request, deputy)
    content = exports.archive_workbook(
        deputy=deputy,
        year=year,
        summary=selectors.archive_summary(deputy=deputy, year=year),
        timeline=selectors.archive_timeline(deputy=deputy, year=year),
    )
    return _xlsx_response(content, f"履职档案-{deputy.name}-{year}.xlsx")


# --- Staff: all deputies with their counts --------------------------------------------------


def _archive_list_query(request):
    """The filter form and the filtered, annotated queryset of the staff list."""
    actor = request.user
    if not roles.is_staff_member(actor):
        raise PermissionDenied
    today = timezone.localdate()
    congresses = selectors.congress_queryset_for_actor(actor=actor)
    years = year_choices(today.year - 9, today.year)
    data = request.GET.copy()
    if "congress" not in data and actor.congress_id:
        data["congress"] = str(actor.congress_id)  # one's own congress first, not its districts mixed in
    form = ArchiveListFilterForm(data, congresses=congresses, years=years)
    filters = form.filters(default_year=today.year)
    if "congress" not in form.fields:
        filters["congress_id"] = None
    return form, filters, selectors.archive_list_for_staff(actor=actor, **filters)


@login_required
@require_GET
def archive_list(request):
    form, filters, rows = _archive_list_query(request)
    page = Paginator(rows, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/archive_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "year": filters["year"],
            "order": filters["order"],
            "sorts": _sort_links(filters["order"]),
        },
    )


def _sort_links(order: str) -> dict:
    """Per column: the order its header link asks for, and whether the list is sorted by it now.

    A count column sorts biggest first on the first click, the name column A to Z.
    """
    firsts = {
        "name": "name",
        "electoral_unit": "electoral_unit",
        "attended_year": "-attended_year",
        "attended_term": "-attended_term",
        "absent_year": "-absent_year",
    }
    links = {}
    for column, first in firsts.items():
        active = order.lstrip("-") == column
        descending = order.startswith("-")
        if active and column != "electoral_unit":
            target = column if descending else f"-{column}"
        else:
            target = first
        sort = ("descending" if descending else "ascending") if active else ""
        links[column] = {"order": target, "active": active, "aria_sort": sort}
    return links


@login_required
@require_GET
def archive_list_export(request):
    """Every row of the filtered list (not only the page), masked as on the page."""
    _form, filters, rows = _archive_list_query(request)
    content = exports.archive_list_workbook(rows=rows.iterator(chunk_size=2000), year=filters["year"])
    return _xlsx_response(content, f"代表履职统计-{filters['year']}.xlsx")


# --- Organisers: invitations and attendance ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_invite(request, pk: int):
    """Pick deputies by electoral unit, group, grassroots or name, then invite them."""
    activity = selectors.activity_get_for_manager(actor=request.user, activity_id=pk)
    source = request.POST if request.method == "POST" else request.GET
    filter_form = InviteFilterForm(
        source if any(k in source for k in ("units", "group", "grassroots", "q")) else None, activity=activity
    )
    filters = filter_form.filters()
    shown = selectors.invite_candidates(activity=activity, **filters)
    invite_form = None
    if request.method == "POST":
        invite_form = InviteForm(request.POST, candidates=selectors.invite_candidates(activity=activity))
        if invite_form.is_valid():
            data = invite_form.cleaned_data
            chosen = list(shown) if data["action"] == "all" else list(data["deputy"])
            try:
                n = services.activity_invite(actor=request.user, activity=activity, deputies=chosen, role=data["role"])
            except ValidationError as exc:
                _add_errors(invite_form, exc)
            else:
                messages.success(request, _("%(n)d deputies invited.") % {"n": n})
                query = request.POST.copy()
                for key in ("csrfmiddlewaretoken", "action", "role", "deputy"):
                    query.pop(key, None)
                url = reverse("deputies:activity_invite", args=[activity.pk])
                return redirect(f"{url}?{query.urlencode()}" if query else url)
    candidates = list(shown)
    invited = list(selectors.activity_participations(activity=activity))
    ticked = {str(v) for v in request.POST.getlist("deputy")} if request.method == "POST" else set()
    return render(
        request,
        "deputies/activity_invite.html",
        {
            "activity": activity,
            "filter_form": filter_form,
            "invite_form": invite_form or InviteForm(candidates=shown),
            "candidates": candidates,
            "ticked": ticked,
            "invited": invited,
            "filters_query": _filters_query(filter_form),
            "roles": Participation.Role.choices,
            "chosen_role": request.POST.get("role", Participation.Role.PARTICIPANT),
        },
    )


def _filters_query(filter_form) -> list[tuple[str, str]]:
    """The filters as hidden (name, value) pairs, so "invite all shown" invites what was shown."""
    f = filter_form.filters()
    pairs = [("units", str(pk)) for pk in f["electoral_unit_ids"]]
    if f["group_id"]:
        pairs.append(("group", str(f["group_id"])))
    if f["grassroots_only"]:
        pairs.append(("grassroots", "on"))
    if f["q"]:
        pairs.append(("q", f["q"]))
    return pairs


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """Record who came, who was absent and who was excused, for the whole list in one submit.

    One transaction: the walk-ins are resolved and ``attendance_record`` runs inside it;
    if either finds a problem, everything is rolled back and the form comes back as typed.
    """
    activity = selectors.activity_get_for_manager(actor=request.user, activity_id=pk)
    rows = list(selectors.activity_participations(activity=activity))
    day = activity.start_date
    serving = {p.pk: services.deputy_status_on(p.deputy, day) == Deputy.Status.SERVING for p in rows}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        activity=activity,
        participations=rows,
        serving_on_day=serving,
    )
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("action") == "all_attended":
            form.mark_all_attended()
            messages.info(request, _("Every row is now set to “attended”. Change the exceptions, then save."))
        else:
            form.check()
            errors = list(form.walk_in_errors)
            with transaction.atomic():
                try:
                    counts = services.attendance_record(
                        actor=request.user, activity=activity, marks=form.marks, walk_ins=form.walk_in_deputies
                    )
                except ValidationError as exc:
                    errors = exc.messages + errors
                if errors:
                    # A walk-in line could not be resolved: nothing of this submit is kept.
                    transaction.set_rollback(True)
            if not errors:
                messages.success(
                    request,
                    _("Attendance recorded: %(attended)d attended, %(absent)d absent, %(excused)d excused.")
                    % {"attended": counts[P.ATTENDED], "absent": counts[P.ABSENT], "excused": counts[P.EXCUSED]},
                )
                return redirect("deputies:attendance", pk=activity.pk)
    sheet = [
        {
            "p": p,
            "status": form.values[p.pk][0],
            "reason": form.values[p.pk][1],
            "problem": form.row_problems.get(p.pk, ""),
            "serving": serving[p.pk],
        }
        for p in rows
    ]
    return render(
        request,
        "deputies/attendance.html",
        {
            "activity": activity,
            "sheet": sheet,
            "choices": [(value, str(label)) for value, label in ATTENDANCE_CHOICES],
            "errors": errors,
            "walk_in_text": form.walk_in_text,
            "not_started": activity.start_date > timezone.localdate(),
            "bad_rows": len(form.row_problems),
        },
    )


@login_required
@require_GET
def my_recording(request):
    """Activities the user must record attendance for (谁组织、谁负责)."""
    today = timezone.localdate()
    activities = list(selectors.activities_to_record(actor=request.user))
    due = [a for a in activities if a.start_date <= today]
    later = [a for a in activities if a.start_date > today]
    return render(
        request,
        "deputies/my_recording.html",
        {"due": due, "later": later, "today": today, "week_ago": today - datetime.timedelta(days=7)},
    )
