"""Key supervision (重点督办) in the deputies' portal: the SC leader's items and instructions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from core.exceptions import NotAllowed
from core.views import XLSX, download_response, run_action

from .. import exports, services_supervision
from ..forms_supervision import InstructionForm, UnitReportForm
from ..models import KeySupervision
from ..selectors import supervision as selectors


def _year(request, years: list[int]) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return years[0] if years else timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
def leader_page(request):
    """The SC leader's supervised items of the chosen year; POST adds an instruction to one."""
    if not selectors.is_sc_leader(request.user):
        raise PermissionDenied(_("This page is for the standing committee's leaders in charge of key supervision."))
    forms, status = {}, 200
    if request.method == "POST":
        try:
            supervision = KeySupervision.objects.select_related("suggestion", "sc_leader__deputy").get(
                pk=int(request.POST.get("supervision", ""))
            )
        except (ValueError, KeySupervision.DoesNotExist):
            raise Http404
        form = InstructionForm(request.POST)
        result = run_action(
            form,
            lambda d: services_supervision.instruction_add(actor=request.user, supervision=supervision, text=d["text"]),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("The instruction is recorded; the lead unit and the office are told."))
            url = reverse("proposals_portal:supervision") + f"?year={supervision.year}#ks-{supervision.pk}"
            return redirect(url)
        forms[supervision.pk] = form
        status = result.status
    years = selectors.leader_years(actor=request.user)
    year = _year(request, years)
    items = selectors.leader_items(actor=request.user, year=year)
    for item in items:
        item.form = forms.get(item.pk) or InstructionForm()
    return render(
        request,
        "proposals/supervision/leader.html",
        {"items": items, "years": years, "year": year, "today": timezone.localdate()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_page(request):
    """The unit's key-supervision items and their report schedule; POST files a progress report."""
    try:
        forms, status = {}, 200
        if request.method == "POST":
            selectors.unit_items(actor=request.user)  # refuses a non-officer before reading the item
            try:
                supervision = KeySupervision.objects.select_related("suggestion").get(
                    pk=int(request.POST.get("supervision", ""))
                )
            except (ValueError, KeySupervision.DoesNotExist):
                raise Http404
            form = UnitReportForm(request.POST)
            result = run_action(
                form,
                lambda d: services_supervision.unit_report_add(
                    actor=request.user, supervision=supervision, note=d["note"], reported_on=d["reported_on"]
                ),
                leftovers_on_form=True,
            )
            if result.ok:
                messages.success(request, _("The progress report is filed."))
                return redirect(reverse("proposals_unit:supervision") + f"#ks-{supervision.pk}")
            forms[supervision.pk] = form
            status = result.status
        items = selectors.unit_items(actor=request.user)
    except NotAllowed:
        raise PermissionDenied(_("This page is for the officers of handling units."))
    for item in items:
        item.form = forms.get(item.pk) or UnitReportForm()
    return render(request, "proposals/supervision/unit.html", {"items": items}, status=status)


def _report_headers() -> list[str]:
    return [
        _("Item number"),
        _("Title"),
        _("Leading SC leader"),
        _("Government leader in charge"),
        _("Supervising committee"),
        _("Handling units"),
        _("Reports filed"),
        _("Reports late"),
        _("Instructions"),
        _("Status"),
        _("Units replied"),
        _("Ratings"),
    ]


def _report_values(item) -> list:
    return [
        item.suggestion.number_label,
        item.suggestion.title,
        f"{item.sc_leader.get_position_display()} {item.sc_leader.deputy.name}",
        item.government_leader,
        item.committee,
        item.unit_names,
        item.reports_n,
        item.late_n,
        item.instructions_n,
        item.suggestion.get_status_display(),
        f"{item.replied_n}/{item.assignments_n}",
        item.ratings_n,
    ]


def _report_workbook(items, year: int):
    with translation.override(exports.EXPORT_LANGUAGE):
        book = Workbook(write_only=True)
        sheet = exports._sheet(
            book,
            _("Key supervision %(year)d") % {"year": year},
            _report_headers(),
            [16, 36, 18, 16, 16, 30, 8, 8, 8, 12, 8, 8],
        )
        for item in items:
            exports._append(sheet, _report_values(item))
    return exports._finish(book)


@login_required
@require_GET
def office_report(request):
    """The key-supervision report of a year for the standing committee: printable A4 page, or Excel."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    try:
        items = selectors.report_rows(actor=request.user, year=year)
    except NotAllowed:
        raise PermissionDenied(_("Only deputy-work office staff may do this."))
    if request.GET.get("format") == "xlsx":
        handle = _report_workbook(items, year)
        return download_response(handle, filename=f"重点督办建议情况-{year}.xlsx", content_type=XLSX)
    rows = [_report_values(item) for item in items]
    return render(
        request,
        "proposals/supervision/report.html",
        {"rows": rows, "headers": _report_headers(), "year": year, "congress": request.user.congress},
    )
