"""The director's dashboard as an Excel workbook: one sheet per table of the page, the same
figures. Headers in Chinese whatever the page's language (the file goes to leaders); every
cell through ``core.spreadsheet.safe_cell`` (no formula injection from a unit's name)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.spreadsheet import safe_cell as cell

EXPORT_LANGUAGE = "zh-hans"


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate([36] + [14] * (len(headers) - 1), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([cell(sheet, v) for v in row])


def dashboard_workbook(context: dict) -> bytes:
    """The workbook of the figures ``overview.views._figures`` computed."""
    book = Workbook(write_only=True)
    if context.get("session") is not None:
        by_status = context["by_status"]
        _sheet(
            book,
            _("Suggestions this session by state"),
            [_("Status"), _("Items")],
            [[b.label, b.value] for b in by_status] + [[_("Total"), context["by_status_total"]]],
        )
        _sheet(
            book,
            _("Overdue items by handling unit"),
            [_("Unit"), _("Items")],
            [[b.label, b.value] for b in context["by_unit"]]
            + [[_("items with a reply overdue"), context["overdue"].value]],
        )
        _sheet(
            book,
            _("Suggestions per session"),
            [_("Session"), _("Items")],
            [[b.label, b.value] for b in context["per_session"]],
        )
        on_time, satisfied = context["on_time"], context["satisfaction"]
        _sheet(
            book,
            _("Replies on time and deputies' satisfaction"),
            [_("Figure"), _("Count"), _("Of"), _("Per cent")],
            [
                [_("First replies sent by their deadline"), on_time.part, on_time.whole, on_time.percent],
                [
                    _("Latest ratings satisfied or basically satisfied"),
                    satisfied.part,
                    satisfied.whole,
                    satisfied.percent,
                ],
            ],
        )
        total = context["categories_total"]
        _sheet(
            book,
            _("Latest replies by category"),
            [_("Category"), _("Replies"), _("Per cent")],
            [[b.label, b.value, round(100 * b.value / total) if total else 0] for b in context["categories"]]
            + [[_("Total"), total, 100 if total else 0]],
        )
        _sheet(
            book,
            _("Satisfaction per session"),
            [_("Session"), _("Rated"), _("Satisfied"), _("Per cent")],
            [[p.label, p.rated, p.satisfied, p.percent] for p in context["trend"]],
        )
        ext = context["extensions"]
        _sheet(
            book,
            _("Commitments, extensions and urging"),
            [_("Figure"), _("Count")],
            [
                [_("Commitments in the replies still in progress"), context["commitments_open"].value],
                [_("Requests for more time"), ext.asked],
                [_("of them granted"), ext.granted],
                [_("of them refused"), ext.refused],
                [_("of them waiting for a decision"), ext.waiting],
                [_("Assignments given more time"), ext.extended.value],
                [_("Urging notices sent to the units"), context["urging_notices"]],
            ],
        )
    cover = context.get("coverage")
    if cover is not None:
        _sheet(
            book,
            _("Contact with grassroots deputies this term"),
            [_("Share"), _("Reached"), _("Per cent"), _("Still missing")],
            [
                [_("Visited by a leader"), cover.visited, cover.visited_percent, cover.visited_missing],
                [_("Attended an SC meeting"), cover.attended, cover.attended_percent, cover.attended_missing],
            ],
        )
    if context.get("congress") is not None:
        month = context["month"]
        _sheet(
            book,
            _("Activities this month"),
            [_("Figure"), _("Count")],
            [
                [_("Activities"), month.activities],
                [_("Deputies invited"), month.invited],
                [_("Deputies who attended"), month.attended],
            ],
        )
        _sheet(
            book,
            _("Livelihood projects behind schedule"),
            [_("Cycle"), _("Projects")],
            [[b.label, b.value] for b in context["livelihood_behind"]],
        )
        _sheet(
            book,
            _("Important materials not read yet"),
            [_("Material"), _("Audience"), _("Read"), _("Not read yet")],
            [[m.title, m.total, m.read, m.unread] for m in context["materials"]],
        )
        _sheet(
            book,
            _("Queues in your congresses"),
            [_("Queue"), _("Items")],
            [
                [_("Deputies' data requests unanswered past their due date"), context["data_requests_overdue"].value],
                [_("Public opinions unanswered past the working days allowed"), context["opinions_overdue"].value],
                [_("Units' requests for more time waiting for a decision"), context["extensions_waiting"].value],
            ],
        )
    if not book.worksheets:
        _sheet(book, _("Director's dashboard"), [_("No congress is within your scope.")], [])
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()
