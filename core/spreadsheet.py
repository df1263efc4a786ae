"""Spreadsheet cells that stay literal: no formula injection in Excel or WPS.

Text that starts like a formula (= + - @, tab, CR) is written as a text cell with
Excel's quote prefix, so a title typed as ``=HYPERLINK(…)`` stays text and never runs,
even after someone edits the cell. Characters Excel refuses are dropped.
"""

import datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

# A cell starting with one of these is (or becomes) a formula in Excel and WPS.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(sheet, value, *, bold: bool = False, number_format: str | None = None) -> WriteOnlyCell:
    """A write-only cell holding ``value`` literally."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    c = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # openpyxl would have typed it as a formula ("f"); a string cell with the quote prefix stays text.
        c.data_type = "s"
        c.quotePrefix = True
    elif isinstance(value, datetime.date):
        c.number_format = "yyyy-mm-dd"
    if number_format:
        c.number_format = number_format
    if bold:
        c.font = Font(bold=True)
    return c
