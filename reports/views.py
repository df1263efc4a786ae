"""The reports the office hands in, each as a printable A4 page and as Excel (``?format=xlsx``).

Thin: read the year and congress (``ReportForm``; a bad value answers the index page with the
reason, status 400), call the selector, lay its figures out as tables that the page and the
workbook share, so the two cannot disagree.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from activities.models import Activity
from core.views import XLSX, download_response

from . import selectors
from .exports import EXPORT_LANGUAGE, Table, workbook
from .forms import ReportForm

# The reports of the index, in the order of the work plan's items they serve.
REPORTS = [
    ("annual", _("Annual deputy-work report"), _("Figures for each item of the work plan.")),
    (
        "handling",
        _("Handling report for the standing committee"),
        _("Per handling unit, with the trend of five years."),
    ),
    ("summaries", _("Deputies' annual performance summaries"), _("For each electoral unit: one page per deputy.")),
    (
        "coverage",
        _("Coverage report"),
        _("Grassroots deputies visited by leaders and attending SC meetings this term."),
    ),
    ("livelihood", _("Livelihood projects of the year"), _("Votes, progress and supervision of each project.")),
    ("quality", _("Quality of handling per unit"), _("To shortlist the advanced handling units for the awards.")),
]
TITLES = {key: title for key, title, _note in REPORTS}


def _form(request, *, with_units: bool = False) -> ReportForm:
    actor = request.user
    congresses = selectors.report_congresses(actor=actor)
    default = next((c for c in congresses if c.pk == actor.congress_id), congresses[0] if congresses else None)
    units = list(selectors.units_for_congresses(congresses=congresses)) if with_units else []
    return ReportForm(request.GET, congresses=congresses, units=units, default_congress=default)


def _query(form: ReportForm, **extra) -> str:
    data = form.cleaned_data
    params = {"year": data["year"], "congress": data["congress"].pk, **extra}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _index(request, form: ReportForm, *, status: int = 200):
    links = []
    if form.is_valid():
        query = _query(form)
        links = [
            {
                "title": title,
                "note": note,
                "url": f"{reverse(f'reports:{key}')}?{query}",
                "xlsx": f"{reverse(f'reports:{key}')}?{query}&format=xlsx",
            }
            for key, title, note in REPORTS
        ]
    return render(request, "reports/index.html", {"form": form, "links": links}, status=status)


@login_required
@require_GET
def index(request):
    form = _form(request)
    return _index(request, form, status=200 if form.is_valid() else 400)


def _heading(congress, title, year=None) -> list[str]:
    """The office's heading, as on the printed page: the congress's office, the report and its year."""
    return [f"{congress.name} {_('Deputy-work office')}", f"{title} {year}" if year else str(title)]


def _respond(request, form, *, key: str, build, filename: str, empty=None, **context):
    """The page (``reports/report.html`` unless told) or, with ``format=xlsx``, the workbook.

    ``build`` lays the tables out; for the workbook it runs in Chinese, whatever the page's language.
    """
    congress, year = form.cleaned_data["congress"], form.cleaned_data["year"]
    title = TITLES[key]
    if request.GET.get("format") == "xlsx":
        with translation.override(EXPORT_LANGUAGE):
            heading = _heading(congress, title, context.get("year_shown", year))
            content = workbook(heading=heading, tables=build(), empty=empty or "")
        return download_response(content, filename=f"{filename}.xlsx", content_type=XLSX)
    tables = build()
    template = context.pop("template", "reports/report.html")
    return render(
        request,
        template,
        {
            "form": form,
            "key": key,
            "title": title,
            "congress": congress,
            "year": year,
            "tables": tables,
            "empty": empty,
            "query": _query(form, **context.pop("query_extra", {})),
            "today": timezone.localdate(),
            **context,
        },
    )


def _valid(request, **kwargs):
    form = _form(request, **kwargs)
    if not form.is_valid():
        return form, _index(request, form, status=400)
    return form, None


# --- 1. Annual report ----------------------------------------------------------------------------


@login_required
@require_GET
def annual(request):
    form, refusal = _valid(request)
    if refusal:
        return refusal
    congress, year = form.cleaned_data["congress"], form.cleaned_data["year"]
    items = selectors.annual_figures(actor=request.user, congress=congress, year=year)

    def build():
        return [_annual_table(items)]

    return _respond(request, form, key="annual", build=build, filename=f"年度代表工作报告-{year}", items=items)


def _annual_table(items) -> Table:
    return Table(
        title=_("Figures per work-plan item"),
        headers=[_("Work-plan item"), _("Subject"), _("Figure"), _("Value")],
        rows=[[item.numbers, item.title, f.label, f.value] for item in items for f in item.figures],
        note=_(
            "Suggestions of the year: those of a session opened in the year and those submitted between "
            "sessions in the year. On time and satisfaction count assignments, as in the handling report."
        ),
    )


# --- 2. Handling report ---------------------------------------------------------------------------


def _handling_tables(report: dict, year: int) -> list[Table]:
    stats, totals = report["stats"], report["totals"]
    codes = [c.code for c in stats["categories"]]
    units = Table(
        title=_("Handling per unit in %(year)d") % {"year": year},
        headers=[
            _("Handling unit"),
            _("Number assigned"),
            _("Number replied"),
            _("Replied on time"),
            _("Extended"),
            _("Number overdue"),
            *codes,
            _("Number rated"),
            _("Satisfaction rate (%)"),
        ],
        rows=[
            [
                row["unit_name"],
                row["assigned"],
                row["replied"],
                row["on_time"],
                row["extended"],
                row["overdue"],
                *(entry["count"] for entry in row["categories"]),
                row["rated"],
                selectors.percent(row["satisfied"], row["rated"]),
            ]
            for row in stats["rows"]
        ],
        footer=[
            _("Total"),
            totals["assigned"],
            totals["replied"],
            totals["on_time"],
            totals["extended"],
            totals["overdue"],
            *totals["categories"],
            totals["rated"],
            totals["satisfaction_rate"],
        ],
        note=_(
            "Replied on time: the first reply came by the deadline, a granted extension's new date included. "
            "Satisfaction: satisfied or basically satisfied among the rated latest replies."
        ),
    )
    trend = Table(
        title=_("Trend over the years"),
        headers=[
            _("Year"),
            _("Number assigned"),
            _("Number replied"),
            _("Replied on time"),
            _("On-time reply rate (%)"),
            _("Number rated"),
            _("Satisfaction rate (%)"),
        ],
        rows=[
            [
                row["year"],
                row["assigned"],
                row["replied"],
                row["on_time"],
                row["on_time_rate"],
                row["rated"],
                row["satisfaction_rate"],
            ]
            for row in report["trend"]
        ],
    )
    return [units, trend]


@login_required
@require_GET
def handling(request):
    form, refusal = _valid(request)
    if refusal:
        return refusal
    congress, year = form.cleaned_data["congress"], form.cleaned_data["year"]
    report = selectors.handling_report(actor=request.user, congress=congress, year=year)
    return _respond(
        request,
        form,
        key="handling",
        build=lambda: _handling_tables(report, year),
        filename=f"代表建议办理情况报告-{year}",
    )


# --- 3. Performance summaries --------------------------------------------------------------------


def _summary_headers(kinds) -> list:
    return [
        _("Deputy"),
        _("Employer and position"),
        _("Activities attended (year)"),
        _("Invited (year)"),
        _("Absent (year)"),
        _("Excused or declined (year)"),
        _("Activities attended (term)"),
        *(label for _value, label in kinds),
        _("Suggestions led (year)"),
        _("Letters and visits passed on (year)"),
    ]


@login_required
@require_GET
def summaries(request):
    form, refusal = _valid(request, with_units=True)
    if refusal:
        return refusal
    congress, year = form.cleaned_data["congress"], form.cleaned_data["year"]
    unit = form.cleaned_data["electoral_unit"]
    if unit is None:
        units = list(selectors.summary_units(actor=request.user, congress=congress))
        base = f"{reverse('reports:summaries')}?{_query(form)}"
        return _respond(
            request,
            form,
            key="summaries",
            build=list,
            filename=f"代表履职情况-{year}",
            template="reports/summaries_choose.html",
            empty=_("Choose an electoral unit"),
            units=[{"unit": u, "url": f"{base}&electoral_unit={u.pk}"} for u in units],
        )
    deputies = selectors.performance_summaries(actor=request.user, congress=congress, year=year, electoral_unit=unit)
    kinds = Activity.Kind.choices
    rows = []
    for d in deputies:
        by_kind = {k["kind"]: k["attended_year"] for k in d.kinds}
        rows.append(
            [
                d.name,
                d.employer,
                d.attended_year,
                d.invited_year,
                d.absent_year,
                d.excused_year,
                d.attended_term,
                *(by_kind.get(value, 0) for value, _label in kinds),
                d.suggestions_led,
                d.letters_year,
            ]
        )

    def build():
        return [
            Table(
                title=unit.name,
                headers=_summary_headers(kinds),
                rows=rows,
                note=_("An excused absence (with a reason) is not counted as an absence."),
            )
        ]

    return _respond(
        request,
        form,
        key="summaries",
        build=build,
        filename=f"代表履职情况-{unit.name}-{year}",
        template="reports/summaries.html",
        unit=unit,
        deputies=deputies,
        query_extra={"electoral_unit": unit.pk},
    )


# --- 4. Coverage -------------------------------------------------------------------------------------


@login_required
@require_GET
def coverage(request):
    form, refusal = _valid(request)
    if refusal:
        return refusal
    congress = form.cleaned_data["congress"]
    report = selectors.coverage_report(actor=request.user, congress=congress)

    def build():
        if report is None:
            return []
        overall = report["overall"]
        return [
            Table(
                title=_("Per electoral unit"),
                headers=[
                    _("Electoral unit"),
                    _("Grassroots deputies"),
                    _("Visited by a leader"),
                    _("Visited (%)"),
                    _("Attended an SC meeting"),
                    _("Attended (%)"),
                ],
                rows=[
                    [r["name"], r["total"], r["visited"], r["visited_percent"], r["attended"], r["attended_percent"]]
                    for r in report["rows"]
                ],
                footer=[
                    _("Total"),
                    overall.total,
                    overall.visited,
                    overall.visited_percent,
                    overall.attended,
                    overall.attended_percent,
                ],
                note=_("Share of the term elapsed: %(percent)d%%. Both shares should reach 100%% by the term's end.")
                % {"percent": overall.elapsed_percent},
            )
        ]

    return _respond(
        request,
        form,
        key="coverage",
        build=build,
        filename="代表联系覆盖情况",
        empty=_("This congress has no current term."),
        term=report["term"] if report else None,
        year_shown=report["term"].name if report else None,
    )


# --- 5. Livelihood -------------------------------------------------------------------------------------


@login_required
@require_GET
def livelihood(request):
    form, refusal = _valid(request)
    if refusal:
        return refusal
    congress, year = form.cleaned_data["congress"], form.cleaned_data["year"]
    report = selectors.livelihood_year(actor=request.user, congress=congress, year=year)

    def build():
        if report is None:
            return []
        projects = report["projects"]
        return [
            Table(
                title=_("Projects"),
                headers=[
                    _("Number"),
                    _("Project"),
                    _("Responsible department"),
                    _("Status"),
                    _("Votes for"),
                    _("Votes against"),
                    _("Abstentions"),
                    _("Progress (%)"),
                    _("Targets behind schedule"),
                    _("Supervision groups"),
                    _("Inspections"),
                    _("Observations"),
                    _("Observations awaiting answer"),
                    _("Satisfaction rate (%)"),
                ],
                rows=[
                    [
                        p.number,
                        p.title,
                        p.department.name,
                        p.get_status_display(),
                        p.votes_for,
                        p.votes_against,
                        p.votes_abstain,
                        p.percent,
                        p.behind,
                        p.groups_n,
                        p.inspections_n,
                        p.observations_n,
                        p.observations_open,
                        p.satisfaction_rate,
                    ]
                    for p in projects
                ],
                note=_("Progress: the mean share reached of the project's targets."),
            )
        ]

    return _respond(
        request,
        form,
        key="livelihood",
        build=build,
        filename=f"民生实事项目年度情况-{year}",
        empty=_("No livelihood cycle for this year."),
        cycle=report["cycle"] if report else None,
    )


# --- 6. Per-unit quality -----------------------------------------------------------------------------

QUALITY_COLUMNS = [
    ("name", _("Handling unit")),
    ("assigned", _("Number assigned")),
    ("on_time", _("On-time reply rate (%)")),
    ("satisfaction", _("Satisfaction rate (%)")),
    ("rehandled", _("Handled again (%)")),
    ("fulfilment", _("Commitments fulfilled (%)")),
    ("extended", _("Extended")),
]


def _sort_links(order: str, query: str) -> list[dict]:
    """Per column header: the link that sorts by it (best first on the first click, the other
    way on the next) and its ``aria-sort``."""
    links = []
    for column, label in QUALITY_COLUMNS:
        active = order.lstrip("-") == column
        descending = order.startswith("-")
        if active:
            target = column if descending else f"-{column}"
        else:
            target = selectors.QUALITY_FIRST[column]
        links.append(
            {
                "label": label,
                "url": f"?{query}&order={target}",
                "active": active,
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
            }
        )
    return links


@login_required
@require_GET
def quality(request):
    form, refusal = _valid(request)
    if refusal:
        return refusal
    congress, year = form.cleaned_data["congress"], form.cleaned_data["year"]
    order = selectors.quality_order(form.cleaned_data.get("order") or "")
    rows = selectors.unit_quality(actor=request.user, congress=congress, year=year, order=order)
    query = _query(form)
    return _respond(
        request,
        form,
        key="quality",
        build=lambda: [_quality_table(rows, year)],
        filename=f"承办单位办理质量-{year}",
        template="reports/quality.html",
        rows=rows,
        order=order,
        sorts=_sort_links(order, query),
        query_extra={"order": order},
    )


def _quality_table(rows, year) -> Table:
    return Table(
        title=_("Quality of handling per unit in %(year)d") % {"year": year},
        headers=[
            _("Handling unit"),
            _("Number assigned"),
            _("Number replied"),
            _("Replied on time"),
            _("On-time reply rate (%)"),
            _("Number rated"),
            _("Satisfied or basically satisfied"),
            _("Satisfaction rate (%)"),
            _("Handled again"),
            _("Handled again (%)"),
            _("Commitments"),
            _("Commitments fulfilled"),
            _("Commitments overdue"),
            _("Commitments fulfilled (%)"),
            _("Extended"),
        ],
        rows=[
            [
                r["name"],
                r["assigned"],
                r["replied"],
                r["on_time"],
                r["on_time_rate"],
                r["rated"],
                r["satisfied"],
                r["satisfaction_rate"],
                r["rehandled"],
                r["rehandled_rate"],
                r["commitments"],
                r["fulfilled"],
                r["commitments_overdue"],
                r["fulfilment_rate"],
                r["extended"],
            ]
            for r in rows
        ],
        note=_(
            "Handled again: assignments sent back for a new reply. Commitments fulfilled: of the commitments "
            "made in the replies. Extended: assignments given more time."
        ),
    )
