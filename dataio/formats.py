"""Import/export file formats (Excel-safe XLSX and CSV) and the admin mixin that uses them.

Exports must open cleanly in Excel and WPS: a CSV carries a UTF-8 BOM (without it both
read the file as GBK and the Chinese turns to mojibake), and a cell whose text starts
like a formula is written as text, so a value such as ``=HYPERLINK(...)`` that someone
typed into the portal can never run in the office's spreadsheet (CSV/formula injection).
``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` stays off: it deletes the ``=`` and so
changes the data; quoting keeps it.

Imports are typed by content, never by the file name, and every unreadable file ends in
one sentence a person can act on (``ImportFileError``), not in a 500.
"""

import contextlib
import contextvars
import csv
import datetime
import gc
import io
import json
import os
import re
import zipfile

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.signals import post_export
from import_export.tmp_storages import MediaStorage

from core.spreadsheet import FORMULA_PREFIXES, safe_cell

from . import exporting

# Rows beyond this are refused: an import is a roster, not a data dump, and a small
# file can unpack to millions of rows.
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 50_000)
# An .xlsx is a zip: refuse one that unpacks to more than this (zip bomb).
MAX_UNPACKED_BYTES = getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the older Excel .xls (and .doc: calamine refuses those)


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector off while a file is read and imported (reference counting
    still frees everything): the rows' hundreds of thousands of new objects set off a dozen
    full collections, each walking the whole process, a second of a 10,000-row import."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class ImportFileError(ValueError):
    """The uploaded file cannot be read; the message says why, in the user's language."""


def sniff(data: bytes) -> str:
    """What the bytes are, by content: 'empty', 'zip', 'ole', 'utf16', 'binary' or 'text'."""
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"  # Excel's "Unicode text"
    head = data[:8192]
    # Text files (UTF-8 or GB18030) never contain NUL; images, PDFs and executables do,
    # and so do UTF-16 text files, which we do not read either.
    if b"\x00" in head or head.startswith((b"\x89PNG", b"%PDF", b"\xff\xd8\xff", b"GIF8")):
        return "binary"
    return "text"


def content_error(kind: str, expected: str) -> str | None:
    """The message for a file whose content is ``kind`` when a ``expected`` file was chosen."""
    if kind == "empty":
        return _("The file is empty.")
    if expected == "xlsx":
        if kind not in ("zip", "ole"):
            return _("This file is not an Excel workbook (.xlsx or .xls). Upload an Excel file or a CSV file.")
    if expected == "csv":
        if kind in ("zip", "ole"):
            return _("This file is an Excel workbook, not a CSV file. Choose the format “xlsx” and upload it again.")
        if kind == "binary":
            return _("This file is not a CSV text file. Upload an .xlsx file or a CSV file.")
        if kind == "utf16":
            return encoding_error()
    return None


def encoding_error() -> str:
    return _("The CSV file's text encoding is not UTF-8 or GBK. Save it again as “CSV UTF-8”.")


def _as_bytes(in_stream) -> bytes:
    if isinstance(in_stream, bytes):
        return in_stream
    if isinstance(in_stream, str):
        return in_stream.encode("utf-8")
    return in_stream.read()


def _cell_text(value) -> str:
    return "" if value is None else str(value)


def _build_dataset(headers: list, rows: list[list]):
    """A tablib Dataset from a header row and data rows, with the checks both formats share.

    Trailing blank rows are dropped (Excel keeps formatted empty rows), ragged rows are
    padded, and data beyond the last header gets a blank header so that the resource can
    name the problem instead of losing the values.
    """
    import tablib

    while rows and all(v is None or _cell_text(v).strip() == "" for v in rows[-1]):
        rows.pop()
    if not any(_cell_text(h).strip() for h in headers):
        raise ImportFileError(_("The first row of the file must hold the column names; it is empty."))
    if not rows:
        raise ImportFileError(_("The file has column names but no data rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(rows)d data rows; at most %(max)d can be imported at once. Split the file.")
            % {"rows": len(rows), "max": MAX_ROWS}
        )
    width = max(len(headers), *(len(r) for r in rows))
    headers = [None if h is None else str(h).strip() for h in headers] + [None] * (width - len(headers))
    # Every row padded to the same width: built at once (``append`` checks each row's width).
    return tablib.Dataset(*(list(row) + [None] * (width - len(row)) for row in rows), headers=headers)


# --- One parse per upload ---
# Reading a 10,000-row workbook costs seconds; the preview reads it, and the confirmation
# would read it again. So after the preview's parse the stored upload is replaced by its
# rows (JSON, signed with the secret key so that nothing but our own parse is ever taken
# for one), and the confirmation step, and only it, accepts that form.

PARSED_MAGIC = b"PORTAL-PARSED-ROWS-1\n"
_HMAC_SALT = "dataio.formats.parsed-upload"
# Set by the admin's confirm step (PortalImportExportMixin.process_import).
accept_parsed = contextvars.ContextVar("dataio_accept_parsed", default=False)

_CELL_TYPES = {
    "datetime": (datetime.datetime, datetime.datetime.fromisoformat),
    "date": (datetime.date, datetime.date.fromisoformat),
    "time": (datetime.time, datetime.time.fromisoformat),
}


def _encode_cell(value):
    if isinstance(value, datetime.timedelta):
        return {"$t": "timedelta", "v": value.total_seconds()}
    for tag, (kind, _parse) in _CELL_TYPES.items():  # datetime before date: a datetime is a date
        if isinstance(value, kind):
            return {"$t": tag, "v": value.isoformat()}
    raise TypeError(f"cannot keep a cell of type {type(value).__name__}")


def _decode_cell(obj: dict):
    if "$t" not in obj:  # the outer object
        return obj
    if obj["$t"] == "timedelta":
        return datetime.timedelta(seconds=obj["v"])
    return _CELL_TYPES[obj["$t"]][1](obj["v"])


def parsed_bytes(dataset) -> bytes:
    """A parsed upload as the confirm step reads it back (see ``parsed_dataset``)."""
    payload = json.dumps(
        {"headers": dataset.headers, "rows": [list(row) for row in dataset]},
        default=_encode_cell,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return PARSED_MAGIC + salted_hmac(_HMAC_SALT, payload).hexdigest().encode() + b"\n" + payload


def parsed_dataset(data: bytes):
    """The dataset kept by ``parsed_bytes``; None if the signature does not match."""
    import tablib

    mac, _newline, payload = data[len(PARSED_MAGIC) :].partition(b"\n")
    if not constant_time_compare(mac, salted_hmac(_HMAC_SALT, payload).hexdigest().encode()):
        return None
    content = json.loads(payload, object_hook=_decode_cell)
    if len({len(row) for row in content["rows"]} | {len(content["headers"])}) != 1:
        return None  # not as ``parsed_bytes`` writes it
    return tablib.Dataset(*content["rows"], headers=content["headers"])


def keep_parsed(storage, dataset) -> None:
    """Replace the stored upload with its parsed rows (same name: the confirm form names it)."""
    try:
        data = parsed_bytes(dataset)
    except TypeError:
        return  # a cell type we do not keep: the confirmation reads the workbook again
    storage.remove()
    storage.save(data)


class XLSX(base_formats.XLSX):
    """Excel workbook: reads the first sheet's values; writes formula-like text as text cells."""

    #: The upload's storage, set by the admin's preview step: the parse replaces it.
    keep_parsed_in = None

    def create_dataset(self, in_stream):
        data = _as_bytes(in_stream)
        if data.startswith(PARSED_MAGIC) and accept_parsed.get():
            dataset = parsed_dataset(data)
            if dataset is None:
                raise ImportFileError(_("The uploaded file is no longer available. Upload it again."))
            return dataset
        dataset = self._read_workbook(data)
        if self.keep_parsed_in is not None:
            keep_parsed(self.keep_parsed_in, dataset)
        return dataset

    def _read_workbook(self, data: bytes):
        kind = sniff(data)
        problem = content_error(kind, "xlsx")
        if problem:
            raise ImportFileError(problem)
        try:
            if kind == "ole":
                # The older Excel format (.xls, as many offices' systems still save it): calamine
                # reads it too. Its error cells (#N/A) read as empty: no other reader to send them to.
                return _build_dataset(*_calamine_rows(data))
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                    raise ImportFileError(_("The workbook is too large once unpacked; split it into smaller files."))
                has_error_cells = _has_error_cells(archive)
            if not has_error_cells:
                return _build_dataset(*_calamine_rows(data))
            # data_only: a formula cell gives its last computed value, never the formula.
            book = _open_workbook(io.BytesIO(data))
        except ImportFileError:
            raise
        except Exception:
            # BadZipFile, InvalidFileException, KeyError (a zip without a workbook), CalamineError …
            raise ImportFileError(
                _("This file is not a readable Excel workbook (.xlsx or .xls). Save it again in Excel or WPS as .xlsx.")
            )
        try:
            sheet = book.worksheets[0]
            rows_iter = sheet_values(sheet)
            headers = list(next(rows_iter, []) or [])
            rows = []
            for row in rows_iter:
                rows.append([_excel_value(v) for v in row])
                if len(rows) > MAX_ROWS + 1000:  # stop reading; the check below reports it
                    break
        finally:
            book.close()
        return _build_dataset(headers, rows)

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=(dataset.title or "Sheet1")[:31])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(dataset.headers or [], start=1):
            # CJK characters are about two columns wide.
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, 2 * len(str(header)) + 4))

        sheet.append([safe_cell(sheet, h, bold=True) for h in dataset.headers or []])
        for row in dataset:
            sheet.append([safe_cell(sheet, v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


# --- A lean reader of the sheet's cells ---
# Workbooks are read by calamine (``_calamine_rows``), except those with an error cell, which
# calamine reads as empty: those go through openpyxl, with the lean reader below.
# openpyxl's read-only parser builds an object per string cell and per shared string; for
# 150,000 cells that is two thirds of the time of an import's preview. These functions give
# exactly what ``ReadOnlyWorksheet.iter_rows(values_only=True)`` gives (the same rows, the
# same padding, the same types: dates by the cell's number format, the workbook's epoch),
# reading the cell elements directly; openpyxl still reads the workbook, its styles and
# the sheet's dimensions. tests/dataio/test_import_speed.py compares the two.

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _VALUE, _INLINE, _TEXT, _RUN, _SI = (_NS + tag for tag in ("row", "v", "is", "t", "r", "si"))
_COLUMNS: dict[str, int] = {}


def _has_error_cells(archive: zipfile.ZipFile) -> bool:
    """Whether a worksheet holds an error cell (#N/A, #REF! …), which calamine reads as empty."""
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            xml = archive.read(info.filename)
            # The regular expression only where the attribute appears at all (a plain find is
            # ten times faster over a 10,000-row sheet).
            if (b't="e"' in xml or b"t='e'" in xml) and _ERROR_CELL.search(xml):
                return True
    return False


_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*\st=[\"']e[\"']")


def _calamine_rows(data: bytes) -> tuple[list, list[list]]:
    """The first sheet's header and data rows, read by calamine (compiled; five times openpyxl's speed).

    Values come as openpyxl gives them with ``data_only``: a formula's last computed value,
    dates by the cell's number format, empty cells as None. Whole numbers come back as
    floats, as openpyxl gives them for number cells; ``_excel_value`` makes them ints.
    """
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        values = book.get_sheet_by_index(0).to_python(skip_empty_area=False, nrows=MAX_ROWS + 1002)
    if not values:
        return [], []
    headers = [None if v == "" else v for v in values[0]]
    rows = [[None if v == "" else _excel_value(v) for v in row] for row in values[1:]]
    return headers, rows


def _column(reference: str) -> int:
    letters = reference.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        from openpyxl.utils.cell import column_index_from_string

        index = _COLUMNS[letters] = column_index_from_string(letters)
    return index


def _text(node) -> str:
    """A string element's text without formatting or phonetic runs (openpyxl's Text.content)."""
    parts = []
    for child in node:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            text = child.find(_TEXT)
            if text is not None:
                parts.append(text.text or "")
    return "".join(parts)


def _read_shared_strings(source) -> list[str]:
    from xml.etree.ElementTree import iterparse

    strings = []
    for _event, node in iterparse(source):
        if node.tag == _SI:
            strings.append(_text(node).replace("x005F_", ""))
            node.clear()
    return strings


def _open_workbook(source):
    """``openpyxl.load_workbook(source, read_only=True, data_only=True)`` with the lean string reader."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.indexed_list import IndexedList
    from openpyxl.xml.constants import SHARED_STRINGS

    class WorkbookReader(ExcelReader):
        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = IndexedList(_read_shared_strings(source))

    reader = WorkbookReader(source, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _sheet_rows(sheet):
    """(row number, [(column, value), …]) for each row element of the sheet."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_excel, from_ISO8601

    book = sheet.parent
    strings, epoch = sheet._shared_strings, book.epoch
    date_formats, timedelta_formats = book._date_formats, book._timedelta_formats
    number = 0
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag != _ROW:
                continue
            attribute = element.get("r")
            if attribute is None:
                number += 1
            else:
                number = int(attribute) if attribute.isdigit() else int(float(attribute))
            cells, column = [], 0
            for cell in element:
                reference = cell.get("r")
                column = _column(reference) if reference else column + 1
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    inline = cell.find(_INLINE)
                    cells.append((column, None if inline is None else _text(inline)))
                    continue
                value = cell.findtext(_VALUE, None) or None
                if value is None:
                    pass
                elif kind == "n":
                    # openpyxl's _cast_number, then a date by the cell's number format.
                    value = float(value) if "." in value or "E" in value or "e" in value else int(value)
                    style = cell.get("s")
                    if style and int(style) in date_formats:
                        try:
                            value = from_excel(value, epoch, timedelta=int(style) in timedelta_formats)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"  # as openpyxl: a serial out of range reads as an error
                elif kind == "s":
                    value = strings[int(value)]
                elif kind == "b":
                    value = bool(int(value))
                elif kind == "d":
                    value = from_ISO8601(value)
                # "str" (a formula's text) and "e" (an error such as #N/A) stay text.
                cells.append((column, value))
            element.clear()
            yield number, cells


def sheet_values(sheet):
    """The rows of a read-only sheet as tuples of values, like ``sheet.iter_rows(values_only=True)``."""
    max_col, max_row = sheet.max_column, sheet.max_row
    empty = (None,) * max_col if max_col is not None else ()
    counter, number = 1, 1
    for number, cells in _sheet_rows(sheet):
        if max_row is not None and number > max_row:
            break
        while counter < number:  # rows missing from the file
            counter += 1
            yield empty
        if counter <= number:
            counter += 1
            if not cells and not max_col:
                yield ()
                continue
            width = max_col or cells[-1][0]
            row = [None] * width
            for column, value in cells:
                if 1 <= column <= width:
                    row[column - 1] = value
            yield tuple(row)
    if max_row is not None and max_row < number:
        for _ in range(counter, max_row + 1):
            yield empty


def _excel_value(value):
    # Whole numbers come back as floats when the cell was typed as a number
    # (13800001234.0, 1975.0); make them ints so they read as the digits people typed.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


class CSV(base_formats.CSV):
    """CSV with a UTF-8 BOM on export; reads UTF-8 (with or without BOM) or GB18030 (Excel's Chinese default)."""

    def create_dataset(self, in_stream, **kwargs):
        data = _as_bytes(in_stream)
        problem = content_error(sniff(data), "csv")
        if problem:
            raise ImportFileError(problem)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                # Excel and WPS on a Chinese Windows save "CSV" in GBK; GB18030 is its superset.
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise ImportFileError(encoding_error())
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            raise ImportFileError(_("The CSV file is malformed (for example an unclosed quote)."))
        if not rows:
            raise ImportFileError(_("The file is empty."))
        return _build_dataset(rows[0], [[_csv_value(v) for v in row] for row in rows[1:]])

    def export_data(self, dataset, **kwargs):
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(dataset.headers or [])
        for row in dataset:
            writer.writerow([_csv_escape(v) for v in row])
        # The BOM tells Excel and WPS the file is UTF-8.
        return "\ufeff" + out.getvalue()


def _csv_escape(value):
    text = _cell_text(value)
    # A leading apostrophe makes Excel and WPS show the rest as text.
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_value(text: str):
    text = text.strip()
    # Undo our own export quoting so that an export re-imports unchanged.
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def purge_stale_uploads(older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete uploads that waited longer than ``older_than`` for a confirmation that never came.

    They sit in the storage's ``django-import-export/`` folder (MediaStorage); run this
    daily (a periodic scan). Returns the number of files deleted.
    """
    storage = MediaStorage()
    folder, backend = storage.MEDIA_FOLDER, storage._storage
    try:
        _dirs, files = backend.listdir(folder)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in files:
        path = f"{folder}/{name}"
        if backend.get_modified_time(path) < cutoff:
            backend.delete(path)
            deleted += 1
    return deleted


class PortalImportForm(ImportForm):
    """The upload step: refuses empty and oversized files and files whose content is not the chosen format."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._formats = formats

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; at most %(max)s can be imported.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload

    def clean(self):
        data = super().clean()
        upload, fmt = data.get("import_file"), data.get("format")
        if upload is not None and fmt not in (None, ""):
            upload.seek(0)
            head = upload.read(8192)
            upload.seek(0)
            expected = "xlsx" if issubclass(self._formats[int(fmt)], base_formats.XLSX) else "csv"
            problem = content_error(sniff(head), expected)
            if problem:
                self.add_error("import_file", problem)
        return data


# import-export's own words on its admin pages that its Chinese catalogue leaves untranslated;
# marked here so that ours (LOCALE_PATHS wins) translates them.
IMPORT_EXPORT_STRINGS = (
    gettext_noop("Select all"),
    gettext_noop("Resource"),
    gettext_noop("Home"),
    gettext_noop("You must select an export format."),
    gettext_noop("Value could not be parsed."),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
)


class PortalExportForm(SelectableFieldsExportForm):
    """The export form with each column under its own (translated) heading, not the field's
    identifier title-cased ("Id (编号)"), and a plain message when no format was chosen (the
    page shows it at the top too, so the export never seems to reload for nothing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].error_messages["required"] = gettext_lazy(
            "Choose the file format (Excel or CSV) before exporting."
        )

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field and field.column_name else field_name


class PortalImportExportMixin(ImportExportMixin):
    """Admin import/export with the portal's formats, checks and messages.

    - The request reaches the resource (``request=``), so exports are masked and audited
      per user and imports are scoped to the user's congresses.
    - Uploaded files wait for the confirm step in Django's storage (MEDIA_ROOT or S3),
      not in a local temp folder, so the confirm request may land on another machine.
    - The confirm step re-checks the whole file; if anything fails, nothing is written
      and the problems are shown again instead of a success message.
    - Exports of personal data are controlled (dataio/exporting.py): personal columns only
      with ``dataio.export_personal_data``, every such export audited, and more than
      ``EXPORT_PERSONAL_MAX_ROWS`` rows only once, with another person's approval of an
      export request filed from the export page.
    """

    formats = [XLSX, CSV]
    import_form_class = PortalImportForm
    export_form_class = PortalExportForm
    import_template_name = "admin/import_export/portal_import.html"
    export_template_name = "admin/import_export/portal_export.html"
    tmp_storage_class = MediaStorage
    # Every row is listed with its problems; a traceback helps nobody in the office.
    import_error_display = ("message",)

    def _create_log_entry(self, user_pk, rows, import_type, action_flag):
        """The admin history's entry per imported row, in one statement on PostgreSQL
        (``LogEntry.objects.log_actions`` builds and prepares a model instance per row, a
        second's work for 10,000 rows), with a message in the office's language."""
        from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections, router

        if not rows:
            return
        message = {ADDITION: _("Added by an import."), CHANGE: _("Changed by an import.")}.get(
            action_flag, _("Deleted by an import.")
        )
        using = router.db_for_write(LogEntry)
        kinds = {type(obj) for obj in rows}
        if connections[using].vendor != "postgresql" or len(kinds) != 1:
            LogEntry.objects.log_actions(user_pk, rows, action_flag, change_message=message)
            return
        content_type = ContentType.objects.db_manager(using).get_for_model(kinds.pop(), for_concrete_model=False)
        table = connections[using].ops.quote_name(LogEntry._meta.db_table)
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (action_time, user_id, content_type_id, object_id, object_repr, "
                "action_flag, change_message) SELECT %s, %s, %s, u.object_id, u.object_repr, %s, %s "
                "FROM UNNEST(%s::text[], %s::text[]) AS u(object_id, object_repr)",
                [
                    timezone.now(),
                    user_pk,
                    content_type.pk,
                    action_flag,
                    message,
                    [str(obj.pk) for obj in rows],
                    [str(obj)[:200] for obj in rows],
                ],
            )

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        resource = self.get_import_resource_classes(None)[0]()
        labels = getattr(resource, "_labels", {})
        context["required_columns"] = [labels[n] for n in getattr(resource, "required_fields", ()) if n in labels]
        return context

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**kwargs, "request": request}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("The file could not be read. Check that it is an .xlsx or CSV file."))

    def write_to_tmp_storage(self, import_file, input_format):
        storage = super().write_to_tmp_storage(import_file, input_format)
        if isinstance(input_format, XLSX):
            input_format.keep_parsed_in = storage  # the preview's parse replaces the upload
        return storage

    def import_action(self, request, **kwargs):
        with gc_paused():  # the file's read and the preview (see gc_paused)
            response = super().import_action(request, **kwargs)
        # import-export keeps every upload for the confirm step, even one that failed the
        # checks and can never be confirmed: delete those at once (they hold personal data).
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if request.method == "POST" and not context.get("confirm_form") and getattr(form, "cleaned_data", None):
            name = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
            if name:
                self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()
        return response

    def process_import(self, request, **kwargs):
        name = os.path.basename(request.POST.get("import_file_name", ""))
        # A double click on "Confirm import" must not import the file twice: the first
        # request claims the upload (in the shared cache, so this holds across processes).
        if request.method == "POST" and name and not cache.add(f"portal-import-claim:{name}", True, timeout=3600):
            messages.error(
                request, _("This file is already being imported or was imported. Upload it again to import it again.")
            )
            return HttpResponseRedirect(self._import_url())
        token = accept_parsed.set(True)
        try:
            with gc_paused():  # the import and its log entries (see gc_paused)
                return super().process_import(request, **kwargs)
        except (FileNotFoundError, ImportFileError):
            messages.error(request, _("The uploaded file is no longer available. Upload it again."))
            return HttpResponseRedirect(self._import_url())
        finally:
            accept_parsed.reset(token)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation (someone added a
            # deputy with the same mobile number, say): the whole import was rolled back.
            messages.error(
                request,
                _("Nothing was imported: the file no longer passes the checks. Correct it and upload it again."),
            )
            return self._render_import_page(request, result)
        return super().process_result(result, request)

    def _import_url(self):
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)

    def _render_import_page(self, request, result):
        form_class = self.get_import_form_class(request)
        form = form_class(self.get_import_formats(), self.get_import_resource_classes(request))
        resource = self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))
        context = self.get_import_context_data()
        context.update(self.admin_site.each_context(request))
        context.update(
            {
                "title": _("Import"),
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "fields_list": [
                    (resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])
                ],
                "import_error_display": self.import_error_display,
                "result": result,
            }
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    # --- export: personal data controls ---

    def export_action(self, request):
        if request.method == "POST" and "_request_export_approval" in request.POST:
            if not self.has_export_permission(request):
                raise PermissionDenied
            return self._file_export_request(request)
        return super().export_action(request)

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context.update(self._export_notes(request))
        return context

    def _export_resource(self, request, form=None):
        resource_class = self.choose_export_resource_class(form, request)
        return resource_class(**self.get_export_resource_kwargs(request))

    def _export_queryset(self, request):
        queryset = self.get_export_queryset(request)
        selected = request.POST.getlist("export_items") if request.method == "POST" else []
        if selected:
            queryset = queryset.filter(pk__in=selected)
        return queryset

    def _export_notes(self, request) -> dict:
        resource = self._export_resource(request)
        labels = {name: resource.fields[name].column_name for name in resource.fields}
        left_out = [labels[n] for n in resource.personal_export_names() if n in resource.left_out_names()]
        masked = [
            labels[n]
            for n in resource.personal_export_names()
            if n in resource.personal_fields and n not in left_out and not resource.can_see_personal()
        ]
        notes = []
        if left_out:
            notes.append(
                _("You may not export personal data: the file leaves out these columns: %(columns)s.")
                % {"columns": "、".join(left_out)}
            )
        if masked:
            notes.append(
                _("You may not see personal data: these columns are masked: %(columns)s.")
                % {"columns": "、".join(masked)}
            )
        if resource.clear_personal_names():
            notes.append(
                _(
                    "Exports with personal data (%(columns)s) are recorded in the security log. An export of more"
                    " than %(max)d rows with personal data needs the approval of another member of staff."
                )
                % {
                    "columns": "、".join(labels[n] for n in resource.clear_personal_names()),
                    "max": exporting.max_rows(),
                }
            )
        return {"export_notes": notes, "export_requests_url": self._export_requests_url()}

    def _export_requests_url(self):
        return reverse("admin:dataio_exportapproval_changelist", current_app=self.admin_site.name)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        kwargs.setdefault("export_format", file_format.get_extension())
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        resource = self._export_resource(request, export_form)
        columns = resource.clear_personal_names(self.get_export_resource_fields_from_form(export_form))
        rows = resource.filter_export(queryset).count() if columns else 0
        if not (columns and exporting.over_limit(rows)):
            return super()._do_file_export(file_format, request, queryset, export_form=export_form)
        model, query = self.model._meta.label, exporting.query_description(request)
        with transaction.atomic():
            # Used only if the file is made: an error below rolls the claim back.
            approval = exporting.claim_approval(request.user, model, query, rows)
            if approval is not None:
                data = self.get_export_data(
                    file_format,
                    request,
                    queryset,
                    encoding=self.to_encoding,
                    export_form=export_form,
                    export_approval=approval,
                )
        if approval is None:
            exporting.refuse(
                request,
                request.user,
                model=model,
                rows=rows,
                columns=columns,
                fmt=file_format.get_extension(),
                query=query,
            )
            return self._export_refused_page(request, export_form, rows, exporting.refusal_message(rows))
        response = HttpResponse(data, content_type=file_format.get_content_type())
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        post_export.send(sender=None, model=self.model)
        return response

    def _export_refused_page(self, request, form, rows, message, reason_error=None):
        context = self.init_request_context_data(request, form)
        context.update(
            {
                "export_refused": message,
                "export_rows": rows,
                "export_items": request.POST.getlist("export_items"),
                "reason_error": reason_error,
                "reason": request.POST.get("reason", ""),
            }
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.export_template_name], context)

    def _file_export_request(self, request):
        """The export page's "request approval" form: records what the export would cover."""
        form = self.get_export_form_class()(self.get_export_formats(), self.get_export_resource_classes(request))
        resource = self._export_resource(request)
        queryset = self._export_queryset(request)
        rows = resource.filter_export(queryset).count()
        reason = request.POST.get("reason", "").strip()[:2000]
        if not resource.clear_personal_names():
            messages.error(request, _("You may not export personal data, so an export of yours needs no approval."))
            return HttpResponseRedirect(request.get_full_path())
        if not exporting.over_limit(rows):
            messages.info(request, _("This export is within the limit and needs no approval."))
            return HttpResponseRedirect(request.get_full_path())
        if not reason:
            return self._export_refused_page(
                request, form, rows, exporting.refusal_message(rows), reason_error=_("Give the reason for the export.")
            )
        exporting.file_request(
            request.user,
            model=self.model._meta.label,
            query=exporting.query_description(request),
            rows=rows,
            reason=reason,
        )
        messages.success(
            request,
            _(
                "Your export request (%(rows)d rows) was filed. When another member of staff has approved it,"
                " run the same export again within %(hours)d hours; it can be used once."
            )
            % {"rows": rows, "hours": exporting.approval_hours()},
        )
        return HttpResponseRedirect(request.get_full_path())
