"""The reports as Excel workbooks: the same tables as the printable pages, one sheet each.

The files go into the office's papers, so the words are Chinese whatever the page's language
(labels are lazy and resolved here under ``zh-hans``), and every cell goes through
``core.spreadsheet.safe_cell``: a unit's or a deputy's name typed as ``=HYPERLINK(…)`` stays
text (no formula injection).
"""

import dataclasses
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.spreadsheet import safe_cell

EXPORT_LANGUAGE = "zh-hans"


@dataclasses.dataclass
class Table:
    """A table of a report: the page renders it, the workbook writes it as a sheet."""

    title: object
    headers: list
    rows: list[list]
    footer: list | None = None
    note: object = ""


def _text(value):
    # Lazy labels become text in the export's language; numbers and dates stay typed.
    if value is None or isinstance(value, int | float | str):
        return value
    if hasattr(value, "year") and hasattr(value, "month"):
        return value
    return str(value)


def workbook(*, heading: list, tables: list[Table], empty="") -> bytes:
    """One sheet per table, each opening with the report's heading lines, then the table's
    title, its header row (bold), its rows and its footer row (bold). Without a table, one
    sheet with the heading and ``empty`` (why there is nothing to show)."""
    with translation.override(EXPORT_LANGUAGE):
        book = Workbook(write_only=True)
        if not tables:
            sheet = book.create_sheet(title=str(heading[-1])[:28] if heading else "Sheet")
            for line in [*heading, empty or _("Nothing recorded for this period.")]:
                sheet.append([safe_cell(sheet, _text(line), bold=True)])
        used = set()
        for index, table in enumerate(tables, start=1):
            title = str(table.title)[:28] or str(index)
            if title in used:
                title = f"{title[:25]}-{index}"
            used.add(title)
            sheet = book.create_sheet(title=title)
            widths = [30] + [14] * (len(table.headers) - 1)
            for column, width in enumerate(widths, start=1):
                sheet.column_dimensions[get_column_letter(column)].width = width
            for line in heading:
                sheet.append([safe_cell(sheet, _text(line), bold=True)])
            sheet.append([safe_cell(sheet, _text(table.title), bold=True)])
            sheet.append([safe_cell(sheet, _text(h), bold=True) for h in table.headers])
            for row in table.rows:
                sheet.append([safe_cell(sheet, _text(v)) for v in row])
            if table.footer:
                sheet.append([safe_cell(sheet, _text(v), bold=True) for v in table.footer])
            if table.note:
                sheet.append([])
                sheet.append([safe_cell(sheet, _text(table.note))])
        handle = io.BytesIO()
        book.save(handle)
        return handle.getvalue()
