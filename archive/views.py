"""Pages of the performance archive (履职档案): a deputy's own, and the staff list and detail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from activities import services as activity_services
from activities.models import DeputyLetter, Participation
from core.views import XLSX, download_response, paginate, run_action
from deputies import selectors as deputy_selectors
from deputies.models import Deputy

from . import exports, selectors
from .forms import ArchiveListFilterForm, LetterFeedbackForm, year_choices

P = Participation.Status
ARCHIVE_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20


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
        "sections": selectors.archive_sections(deputy=deputy, year=year),
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
        return render(request, "archive/archive_no_mandate.html")
    year = _archive_year(request, deputy)
    feedback_forms = {}
    status = 200
    if request.method == "POST":
        form = LetterFeedbackForm(request.POST)

        def give_feedback(data):
            letter = DeputyLetter.objects.select_related("deputy").filter(pk=data["letter"], deputy=deputy).first()
            if letter is None:
                raise Http404
            activity_services.letter_feedback(
                actor=request.user, letter=letter, feedback=data["feedback"], note=data["note"]
            )
            return letter

        result = run_action(form, give_feedback, leftovers_on_form=True)
        if result.ok:
            messages.success(
                request,
                _("Thank you: your feedback on “%(subject)s” was recorded.") % {"subject": result.value.subject},
            )
            return redirect(f"{reverse('archive:my_archive')}?deputy={deputy.pk}&year={year}#letters")
        status = result.status
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
            "export_url": f"{reverse('archive:my_archive_export')}?deputy={deputy.pk}&year={year}",
            "print_url": f"{reverse('archive:my_archive_print')}?deputy={deputy.pk}&year={year}",
            "archive_url": reverse("archive:my_archive"),
            "staff_view": False,
        }
    )
    return render(request, "archive/archive.html", context, status=status)


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
        request, "archive/archive_print.html", _archive_context(deputy=deputy, year=year, viewer=request.user)
    )


@login_required
@require_GET
def archive_detail(request, deputy_id: int):
    """Any deputy's archive, for staff of the deputy's congress (and the deputy themselves)."""
    deputy = selectors.archive_deputy_get_for_actor(actor=request.user, deputy_id=deputy_id)
    year = _archive_year(request, deputy)
    context = _archive_context(deputy=deputy, year=year, viewer=request.user)
    base = reverse("archive:archive_detail", args=[deputy.pk])
    context.update(
        {
            "export_url": f"{reverse('archive:archive_detail_export', args=[deputy.pk])}?year={year}",
            "print_url": f"{reverse('archive:archive_detail_print', args=[deputy.pk])}?year={year}",
            "archive_url": base,
            "staff_view": roles.is_staff_member(request.user),
        }
    )
    return render(request, "archive/archive.html", context)


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
        request, "archive/archive_print.html", _archive_context(deputy=deputy, year=year, viewer=request.user)
    )


def _archive_export(request, deputy: Deputy) -> HttpResponse:
    year = _archive_year(request, deputy)
    content = exports.archive_workbook(
        deputy=deputy,
        year=year,
        summary=selectors.archive_summary(deputy=deputy, year=year),
        timeline=selectors.archive_timeline(deputy=deputy, year=year),
    )
    return download_response(content, filename=f"履职档案-{deputy.name}-{year}.xlsx", content_type=XLSX)


# --- Staff: all deputies with their counts --------------------------------------------------


def _archive_list_query(request):
    """The filter form and the filtered, annotated queryset of the staff list."""
    actor = request.user
    if not roles.is_staff_member(actor):
        raise PermissionDenied
    today = timezone.localdate()
    congresses = deputy_selectors.congress_queryset_for_actor(actor=actor)
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
    page = paginate(request, rows, size=ARCHIVE_PAGE_SIZE)
    return render(
        request,
        "archive/archive_list.html",
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
    return download_response(content, filename=f"代表履职统计-{filters['year']}.xlsx", content_type=XLSX)
