"""The director's dashboard (``/dashboard/``): the office's figures at a glance, as charts with
their tables, each figure a link to the list behind it.

Staff, scoped to their congresses (``overview.selectors.require_dashboard``): a district's
staff see their district's congress, the city's staff choose among the city and its districts.
The standing committee's leaders (a current director's or deputy director's seat) read it too,
for the congresses they lead: the same figures and the Excel, without the links to the
office's working lists.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import figures
from core.views import XLSX, download_response

from . import charts, exports, selectors
from .forms import DashboardFilterForm


def _choose(items, chosen_pk, fallback):
    return next((item for item in items if item.pk == chosen_pk), fallback)


def _filters(request) -> dict:
    """The chosen level, congress, term, session and year, each falling back to its default
    when missing or outside the actor's choices (a district's staff: their district only)."""
    actor = request.user
    selectors.require_dashboard(actor)
    congresses = list(selectors.dashboard_congresses(actor=actor))
    probe = DashboardFilterForm(request.GET or None, congresses=congresses)
    level = probe.value("level") or ""
    shown = [c for c in congresses if c.level == level] if level else congresses
    own = _choose(shown, getattr(actor, "congress_id", None), shown[0] if shown else None)
    congress = _choose(shown, probe.value("congress"), own)
    sessions = list(selectors.dashboard_sessions(actor=actor, congress=congress)) if congress else []
    form = DashboardFilterForm(request.GET or None, congresses=congresses, sessions=sessions)
    session = _choose(sessions, form.value("session"), sessions[0] if sessions else None)
    terms = list({s.term_id: s.term for s in sessions}.values())
    default_term = session.term if session is not None else None
    term = _choose(terms, form.value("term"), default_term)
    if term is not None:
        in_term = [s for s in sessions if s.term_id == term.pk]
        session = session if session in in_term else in_term[0]
        sessions = in_term
    year = form.value("year") or timezone.localdate().year
    form.initial = {
        "level": level,
        "congress": getattr(congress, "pk", None),
        "term": getattr(term, "pk", None),
        "session": getattr(session, "pk", None),
        "year": year,
    }
    return {"form": form, "congress": congress, "term": term, "session": session, "sessions": sessions, "year": year}


def _figures(request) -> dict:
    """The chosen filters and every figure of the dashboard (the page and the export show the
    same), from the cache while nothing they count has changed (``core.figures``): the filters
    as asked (refused values included) and the actor are the key, since what they resolve to
    (the congress, its sessions) changes only with a write that renews the cache anyway."""
    actor = request.user
    selectors.require_dashboard(actor)
    asked = [(name, request.GET.getlist(name)) for name in DashboardFilterForm.base_fields]
    parts = ("director-dashboard", *selectors.cache_parts(actor), asked)
    return figures.cached(parts, lambda: _count_and_render(request))


def _count_and_render(request) -> dict:
    """Every figure for the chosen filters, and the page's part that shows them (the filter form,
    the charts, every table: the costliest part to render), rendered once when counted."""
    actor = request.user
    chosen = _filters(request)
    context = {
        "congress": chosen["congress"],
        "term": chosen["term"],
        "session": chosen["session"],
        "year": chosen["year"],
        "links": selectors.can_follow_links(actor),
        **_count(actor, chosen),
    }
    context["figures_html"] = render_to_string("overview/_figures.html", {**context, "form": chosen["form"]})
    return context


def _count(actor, chosen) -> dict:
    """Every figure of the dashboard for the chosen filters, counted from the records."""
    congress, session, sessions = chosen["congress"], chosen["session"], chosen["sessions"]
    context = {
        "data_requests_overdue": selectors.data_requests_overdue(actor=actor),
        "opinions_overdue": selectors.opinions_overdue(actor=actor),
        "extensions_waiting": selectors.extensions_waiting(actor=actor),
    }

    if session is not None:
        by_status = selectors.suggestions_by_status(actor=actor, session=session)
        by_unit = selectors.overdue_by_unit(actor=actor, session=session)
        per_session = selectors.suggestions_per_session(actor=actor, sessions=sessions)
        categories = selectors.reply_categories(actor=actor, session=session)
        trend = selectors.satisfaction_trend(actor=actor, sessions=sessions)
        on_time = selectors.on_time_rate(actor=actor, session=session)
        satisfied = selectors.satisfaction(actor=actor, session=session)
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
            on_time=on_time,
            on_time_chart=charts.donut_chart(
                on_time.part, on_time.whole, title=_("First replies sent by their deadline"), table_id="table-quality"
            ),
            satisfaction=satisfied,
            satisfaction_chart=charts.donut_chart(
                satisfied.part,
                satisfied.whole,
                title=_("Deputies satisfied or basically satisfied with the reply"),
                table_id="table-quality",
            ),
            categories=categories,
            categories_total=sum(b.value for b in categories),
            categories_chart=charts.bar_chart(
                [(b.label, b.value) for b in categories],
                title=_("Latest replies by category"),
                table_id="table-categories",
            ),
            trend=trend,
            # The line joins the sessions with a rating (a session without one has no share).
            trend_chart=charts.line_chart(
                [(p.label, p.percent) for p in trend if p.rated],
                title=_("Satisfaction per session, per cent"),
                table_id="table-trend",
            )
            if any(p.rated for p in trend)
            else None,
            extensions=selectors.extensions(actor=actor, session=session),
            urging_notices=selectors.urging_notices(actor=actor, session=session),
            commitments_open=selectors.open_commitments(actor=actor, session=session),
            report_link=selectors.report_link(session),
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
        month = selectors.activities_this_month(actor=actor, congress=congress)
        behind = selectors.livelihood_behind(actor=actor, congress=congress, year=chosen["year"])
        context.update(
            month=month,
            livelihood_behind=behind,
            livelihood_behind_chart=charts.bar_chart(
                [(b.label, b.value) for b in behind],
                title=_("Livelihood projects behind schedule"),
                table_id="table-livelihood",
            )
            if behind
            else None,
            materials=selectors.important_materials_unread(actor=actor, congress=congress),
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
