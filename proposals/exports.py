"""Excel exports of the office: the handling ledger, per-unit statistics, the commitment ledger.

The files go into the office's own spreadsheets and to leaders, so the headers are
Chinese whatever language the page was in. Every cell goes through ``cell()``: text
that starts like a formula (= + - @, tab, CR) is written as a text cell with Excel's
quote prefix, so a title typed as ``=HYPERLINK(…)`` stays literal text and never runs
in Excel or WPS (formula injection). Workbooks are write-only (rows go straight to a
temporary file, constant memory), fed from querysets read in chunks, so 10,000+ rows
export without holding them in memory; the view streams the file back.
"""

import datetime
import tempfile
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from core.spreadsheet import safe_cell as cell

from .models import Commitment, Rating

EXPORT_LANGUAGE = "zh-hans"
# Up to this size the file stays in memory; beyond, it spills to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _sheet(book: Workbook, title: str, headers: list[str], widths: list[int]):
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([cell(sheet, h, bold=True) for h in headers])
    return sheet


def _append(sheet, values: Iterable) -> None:
    sheet.append([v if isinstance(v, Cell) else cell(sheet, v) for v in values])


def _finish(book: Workbook):
    """The saved workbook as an open binary file positioned at the start (for FileResponse)."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    book.save(handle)
    handle.seek(0)
    return handle


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _rating_label(value: str | None) -> str:
    return str(Rating.Value(value).label) if value in Rating.Value.values else ""


def ledger_headers() -> list[str]:
    with translation.override(EXPORT_LANGUAGE):
        return [
            _("Item number"),
            _("Title"),
            _("Lead deputy"),
            _("Handling unit"),
            _("Role"),
            _("Assigned on"),
            _("Reply due"),
            _("Extended?"),
            _("Deadline before the extension"),
            _("Replied on"),
            _("Reply category"),
            _("Deputy's feedback"),
            _("Overdue?"),
        ]


def ledger_workbook(*, rows: Iterable, today: datetime.date):
    """The handling ledger (办理台账): one row per assignment (``selectors.office.ledger_rows``)."""
    with translation.override(EXPORT_LANGUAGE):
        book = Workbook(write_only=True)
        sheet = _sheet(book, _("Handling ledger"), ledger_headers(), [16, 40, 12, 28, 8, 12, 12, 8, 14, 12, 22, 12, 8])
        for a in rows:
            s = a.suggestion
            category = f"{a.latest_category_code} {a.latest_category_name}" if a.latest_category_code else ""
            _append(
                sheet,
                [
                    s.number_label,
                    s.title,
                    s.lead_deputy.name,
                    a.unit.name,
                    a.get_role_display(),
                    a.assigned_on,
                    a.deadline,
                    _yes_no(bool(a.extensions_granted)),
                    a.original_deadline,
                    a.first_replied_on,
                    category,
                    _rating_label(a.latest_rating),
                    _yes_no(bool(a.awaiting_overdue or a.replied_late)),
                ],
            )
        return _finish(book)


def unit_statistics_headers(categories) -> list[str]:
    with translation.override(EXPORT_LANGUAGE):
        return (
            [
                _("Handling unit"),
                _("Number assigned"),
                _("Number replied"),
                _("Replied on time"),
                _("On-time rate"),
                _("Number overdue"),
            ]
            + [_("Category %(code)s share") % {"code": c.code} for c in categories]
            + [_("Number rated"), _("Satisfied or basically satisfied"), _("Satisfaction rate")]
        )


def unit_statistics_workbook(*, stats: dict):
    """Per-unit statistics (承办单位办理情况统计), from ``selectors.office.unit_statistics``."""
    with translation.override(EXPORT_LANGUAGE):
        book = Workbook(write_only=True)
        categories = stats["categories"]
        headers = unit_statistics_headers(categories)
        sheet = _sheet(book, _("Per-unit statistics"), headers, [30] + [12] * (len(headers) - 1))
        percent = "0.0%"
        totals = {"assigned": 0, "replied": 0, "on_time": 0, "overdue": 0, "rated": 0, "satisfied": 0}
        category_totals = [0] * len(categories)
        for row in stats["rows"]:
            for key in totals:
                totals[key] += row[key]
            for index, entry in enumerate(row["categories"]):
                category_totals[index] += entry["count"]
            _append(
                sheet,
                [
                    row["unit_name"],
                    row["assigned"],
                    row["replied"],
                    row["on_time"],
                    cell(sheet, row["on_time"] / row["assigned"] if row["assigned"] else None, number_format=percent),
                    row["overdue"],
                    *[cell(sheet, entry["share"], number_format=percent) for entry in row["categories"]],
                    row["rated"],
                    row["satisfied"],
                    cell(sheet, row["satisfaction"], number_format=percent),
                ],
            )
        replied_total = sum(category_totals)
        _append(
            sheet,
            [
                cell(sheet, _("Total"), bold=True),
                totals["assigned"],
                totals["replied"],
                totals["on_time"],
                cell(
                    sheet, totals["on_time"] / totals["assigned"] if totals["assigned"] else None, number_format=percent
                ),
                totals["overdue"],
                *[
                    cell(sheet, (n / replied_total) if replied_total else None, number_format=percent)
                    for n in category_totals
                ],
                totals["rated"],
                totals["satisfied"],
                cell(sheet, totals["satisfied"] / totals["rated"] if totals["rated"] else None, number_format=percent),
            ],
        )
        return _finish(book)


def commitment_headers() -> list[str]:
    with translation.override(EXPORT_LANGUAGE):
        return [
            _("Item number"),
            _("Title"),
            _("Handling unit"),
            _("Commitment"),
            _("Due date"),
            _("Status"),
            _("Overdue?"),
            _("Fulfilled on"),
            _("Latest progress on"),
            _("Latest progress"),
        ]


def commitments_workbook(*, rows: Iterable, today: datetime.date):
    """The commitment ledger (答复承诺解决事项台账), from ``selectors.office.commitment_rows``."""
    with translation.override(EXPORT_LANGUAGE):
        book = Workbook(write_only=True)
        sheet = _sheet(book, _("Commitment ledger"), commitment_headers(), [16, 36, 26, 40, 12, 12, 8, 12, 12, 40])
        for c in rows:
            a = c.reply.assignment
            s = a.suggestion
            _append(
                sheet,
                [
                    s.number_label,
                    s.title,
                    a.unit.name,
                    c.content,
                    c.due_date,
                    c.get_status_display(),
                    _yes_no(c.status == Commitment.Status.OPEN and c.due_date < today),
                    c.fulfilled_on,
                    c.last_progress_on,
                    c.last_progress_note or "",
                ],
            )
        return _finish(book)
