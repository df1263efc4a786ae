"""Excel exports of the performance archive: one deputy's, and the staff list of all deputies.

The files go to electoral units and into the office's own spreadsheets, so the headers
are Chinese whatever language the page was in, and text that starts like a formula
(= + - @) is written as a text cell: a title someone typed as ``=HYPERLINK(…)`` must
never run in Excel or WPS (formula injection).
"""

import io
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.masking import mask_mobile
from core.spreadsheet import safe_cell
from deputies.models import Deputy

from . import selectors

EXPORT_LANGUAGE = "zh-hans"


_cell = safe_cell


def _sheet(book: Workbook, title: str, widths: list[int]):
    sheet = book.create_sheet(title=title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def _row(sheet, values: Iterable, *, bold: bool = False) -> None:
    sheet.append([_cell(sheet, v, bold=bold) for v in values])


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def archive_workbook(*, deputy: Deputy, year: int, summary: dict, timeline) -> bytes:
    """Two sheets: the counts per kind (year and term) and the year's timeline."""
    with translation.override(EXPORT_LANGUAGE):
        book = Workbook(write_only=True)
        counts = _sheet(book, _("Counts"), [34, 14, 14, 14, 18, 14])
        _row(counts, [_("Performance archive of deputy %(name)s") % {"name": deputy.name}], bold=True)
        _row(counts, [_("Congress"), deputy.congress.name])
        _row(counts, [_("Electoral unit"), deputy.electoral_unit.name])
        _row(counts, [_("Term"), deputy.term.name])
        _row(counts, [_("Year"), year])
        _row(counts, [])
        _row(
            counts,
            [
                _("Kind of activity"),
                _("Attended (year)"),
                _("Invited (year)"),
                _("Absent (year)"),
                _("Excused or declined (year)"),
                _("Attended (term)"),
            ],
            bold=True,
        )
        keys = ["attended_year", "invited_year", "absent_year", "excused_year", "attended_term"]
        for kind in summary["kinds"]:
            _row(counts, [str(kind["label"]), *(kind[k] for k in keys)])
        _row(counts, [_("Total"), *(summary["totals"][k] for k in keys)], bold=True)

        events = _sheet(book, _("Activities"), [12, 22, 40, 24, 24, 10, 10, 30, 12])
        _row(
            events,
            [
                _("Date"),
                _("Kind of activity"),
                _("Activity"),
                _("Organising body"),
                _("Place"),
                _("Role"),
                _("Status"),
                _("Reason"),
                _("Came without invitation"),
            ],
            bold=True,
        )
        for p in timeline:
            a = p.activity
            _row(
                events,
                [
                    p.activity_date,
                    a.get_kind_display(),
                    a.title,
                    a.organiser,
                    a.place,
                    p.get_role_display(),
                    p.get_status_display(),
                    p.reason,
                    _("Yes") if p.walk_in else "",
                ],
            )
        # What other apps add to the archive (suggestions led and co-signed, ratings given, …):
        # one sheet per section, its figures first, then each table under its title.
        for section in selectors.archive_sections(deputy=deputy, year=year):
            sheet = _sheet(book, str(section.title), [18, 40, 16, 16, 14, 14])
            for label, value in section.figures:
                _row(sheet, [str(label), value])
            for table in section.tables:
                _row(sheet, [])
                _row(sheet, [str(table.title)], bold=True)
                _row(sheet, [str(h) for h in table.headers], bold=True)
                for cells in table.rows:
                    _row(sheet, cells)
        return _save(book)


def archive_list_workbook(*, rows: Iterable[Deputy], year: int) -> bytes:
    """The staff list: each deputy with the counts, mobile masked as on the page."""
    with translation.override(EXPORT_LANGUAGE):
        book = Workbook(write_only=True)
        sheet = _sheet(
            book, _("Deputies' activity %(year)s") % {"year": year}, [12, 16, 24, 10, 36, 14, 10, 14, 14, 14]
        )
        _row(
            sheet,
            [
                _("Name"),
                _("Electoral unit"),
                _("Congress"),
                _("Grassroots deputy"),
                _("Employer and position"),
                _("Mobile number"),
                _("Status"),
                _("Attended in %(year)s") % {"year": year},
                _("Attended this term"),
                _("Absent in %(year)s") % {"year": year},
            ],
            bold=True,
        )
        for d in rows:
            _row(
                sheet,
                [
                    d.name,
                    d.electoral_unit.name,
                    d.congress.name,
                    _("Yes") if d.is_grassroots else _("No"),
                    d.employer,
                    mask_mobile(d.mobile),
                    d.get_status_display(),
                    d.attended_year,
                    d.attended_term,
                    d.absent_year,
                ],
            )
        return _save(book)
