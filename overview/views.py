"""The director's dashboard (``/dashboard/``): the office's figures at a glance, as charts with
their tables, each figure a link to the list behind it.

Staff only, scoped to their congresses (``overview.selectors.require_dashboard``): a district's
staff see their district's congress, the city's staff choose among the city and its districts.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.views import XLSX, download_response

from . import charts, exports, selectors
from .forms import DashboardFilterForm


def _choose(items, chosen_pk, fallback):
    return next((item for item in items if item.pk == chosen_pk), fallback)


def _figures(request) -> dict:
    """The chosen congress and session and every figure of the dashboard (the page and the
    export show the same)."""
    actor = request.user
    selectors.require_dashboard(actor)
    congresses = list(selectors.dashboard_congresses(actor=actor))
    probe = DashboardFilterForm(request.GET or None, congresses=congresses)
    own = _choose(congresses, getattr(actor, "congress_id", None), congresses[0] if congresses else None)
    congress = _choose(congresses, probe.value("congress"), own)
    sessions = list(selectors.dashboard_sessions(actor=actor, congress=congress)) if congress else []
    form = DashboardFilterForm(request.GET or None, congresses=congresses, sessions=sessions)
    session = _choose(sessions, form.value("session"), sessions[0] if sessions else None)
    form.initial = {"congress": getattr(congress, "pk", None), "session": getattr(session, "pk", None)}
    context = {
        "form": form,
        "congress": congress,
        "session": session,
        "data_requests_overdue": selectors.data_requests_overdue(actor=actor),
    }

    if session is not None:
        by_status = selectors.suggestions_by_status(actor=actor, session=session)
        by_unit = selectors.overdue_by_unit(actor=actor, session=session)
        per_session = selectors.suggestions_per_session(actor=actor, sessions=sessions)
        context.update(
            by_status=by_status,
            by_status_total=sum(b.value for b in by_status),
            by_status_total_link=selectors.session_list_link(session),
            by_status_chart=charts.bar_chart(
                [(b.label, b.value) for b in by_status],
                title=_("Suggestions this session by state"),
                table_id="table-by-status",
            ),
            overdue=selectors.overdue_total(actor=actor, session=session),
            by_unit=by_unit,
            by_unit_chart=charts.bar_chart(
                [(b.label, b.value) for b in by_unit],
                title=_("Overdue items by handling unit"),
                table_id="table-by-unit",
            ),
            per_session=per_session,
            per_session_chart=charts.line_chart(
                [(b.label, b.value) for b in per_session],
                title=_("Suggestions per session"),
                table_id="table-per-session",
            ),
        )
    if congress is not None:
        cover = selectors.coverage(actor=actor, congress=congress)
        context["coverage"] = cover
        if cover is not None:
            context.update(
                visited_chart=charts.donut_chart(
                    cover.visited,
                    cover.total,
                    title=_("Grassroots deputies visited by a leader this term"),
                    table_id="table-coverage",
                    mark=cover.elapsed_percent,
                ),
                attended_chart=charts.donut_chart(
                    cover.attended,
                    cover.total,
                    title=_("Grassroots deputies who attended an SC meeting this term"),
                    table_id="table-coverage",
                    mark=cover.elapsed_percent,
                ),
            )
    return context


@login_required
@require_GET
def dashboard(request):
    context = _figures(request)
    context["query"] = request.GET.urlencode()
    return render(request, "overview/dashboard.html", context)


@login_required
@require_GET
def export(request):
    """The dashboard's tables as an Excel workbook, one sheet per table, same filters."""
    with translation.override(exports.EXPORT_LANGUAGE):
        content = exports.dashboard_workbook(_figures(request))
        name = _("Director's dashboard")
    stamp = timezone.localdate().strftime("%Y%m%d")
    return download_response(content, filename=f"{name}-{stamp}.xlsx", content_type=XLSX)
