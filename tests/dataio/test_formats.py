"""The portal's XLSX and CSV formats: Excel-safe exports, content-typed imports, the upload form."""

import csv
import datetime
import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from dataio import formats
from dataio.formats import CSV, XLSX, ImportFileError, PortalImportForm, sniff
from dataio.importing import BoolWidget, DateWidget, MobileWidget, YearWidget


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dataset(headers, *rows):
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


FORMULAE = ["=1+1", "+8613800000000", "-5", "@SUM(A1)", "\t=cmd", '=HYPERLINK("http://example.org","x")']


def test_csv_export_starts_with_a_bom_and_quotes_formulae():
    text = CSV().export_data(dataset(["姓名", "备注"], *[["王芳", value] for value in FORMULAE]))
    assert text.startswith("\ufeff姓名,备注\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row[1] for row in rows[1:]] == ["'" + value for value in FORMULAE]


def test_csv_export_reimports_to_the_same_values():
    exported = CSV().export_data(
        dataset(["姓名", "备注"], *[["王芳", value] for value in FORMULAE + ["'quoted", "普通"]])
    )
    back = CSV().create_dataset(exported.encode("utf-8"))
    assert back.headers == ["姓名", "备注"]
    # Our own quote is removed again; a quote someone typed stays.
    assert [row[1] for row in back] == FORMULAE + ["'quoted", "普通"]


def test_xlsx_export_writes_formulae_as_text_cells():
    content = XLSX().export_data(dataset(["姓名", "备注", "年份"], *[["王芳", value, 1975] for value in FORMULAE]))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == ["姓名", "备注", "年份"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    for index, value in enumerate(FORMULAE, start=2):
        cell = sheet.cell(row=index, column=2)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
        assert sheet.cell(row=index, column=3).value == 1975
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_export_drops_control_characters_instead_of_failing():
    content = XLSX().export_data(dataset(["备注"], ["a\x01b\x1fc"]))
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A2"].value == "abc"


def test_xlsx_import_reads_numbers_as_typed_and_drops_trailing_blank_rows():
    content = xlsx_bytes(
        [["手机号码", "出生年份", "姓名"], [13800000001.0, 1975.0, " 王芳 "], [None, None, None], [None, None, None]]
    )
    data = XLSX().create_dataset(content)
    assert data.headers == ["手机号码", "出生年份", "姓名"]
    assert list(data) == [(13800000001, 1975, "王芳")]


def test_values_beyond_the_last_header_get_a_blank_header():
    data = CSV().create_dataset("姓名\n王芳,多余\n".encode())
    assert data.headers == ["姓名", None]
    assert list(data) == [("王芳", "多余")]


def test_gbk_csv_is_read_and_undecodable_bytes_are_refused():
    assert list(CSV().create_dataset("姓名\n王芳\n".encode("gbk"))) == [("王芳",)]
    with pytest.raises(ImportFileError, match="encoding"):
        CSV().create_dataset(b"\xff\xfe\xfd\n\xff\xff\n")
    with pytest.raises(ImportFileError, match="encoding"):
        CSV().create_dataset("姓名\n王芳\n".encode("utf-16"))


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(formats, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="at most 3"):
        CSV().create_dataset(b"a\n1\n2\n3\n4\n")


def test_a_workbook_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(formats, "MAX_UNPACKED_BYTES", 100)
    with pytest.raises(ImportFileError, match="too large"):
        XLSX().create_dataset(xlsx_bytes([["a"], ["b"]]))


def test_header_row_must_not_be_empty():
    with pytest.raises(ImportFileError, match="column names"):
        CSV().create_dataset(b",,\n1,2,3\n")


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"", "empty"),
        (b"PK\x03\x04rest", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "ole"),
        (b"\x89PNG\r\n\x1a\n", "binary"),
        (b"%PDF-1.7", "binary"),
        ("姓名".encode("utf-16"), "utf16"),
        ("姓名,性别\n".encode(), "text"),
    ],
)
def test_sniff_types_files_by_content(data, kind):
    assert sniff(data) == kind


def _form(content: bytes, name: str, fmt: str):
    upload = SimpleUploadedFile(name, content)
    return PortalImportForm([XLSX, CSV], [object], data={"format": fmt}, files={"import_file": upload})


@pytest.fixture
def _resources(monkeypatch):
    # The form only needs a display name from its resources.
    monkeypatch.setattr(PortalImportForm, "_init_resources", lambda self, resources: None)


def test_upload_form_checks_content_against_the_chosen_format(_resources):
    form = _form(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "photo.xlsx", "0")
    assert not form.is_valid()
    assert "not an Excel workbook" in form.errors["import_file"][0]
    form = _form(xlsx_bytes([["a"], ["b"]]), "data.csv", "1")
    assert not form.is_valid() and "Excel workbook, not a CSV" in form.errors["import_file"][0]
    assert _form(xlsx_bytes([["a"], ["b"]]), "data.xlsx", "0").is_valid()


def test_upload_form_refuses_files_over_the_limit(_resources, settings):
    settings.IMPORT_MAX_BYTES = 10
    form = _form(b"a,b\n1,2\n3,4\n", "data.csv", "1")
    assert not form.is_valid() and "at most 10" in form.errors["import_file"][0]


# --- widgets: one cell to one value ---


@pytest.mark.parametrize("text", ["是", "Y", "y", "yes", "YES", "1", 1, "true", "True", "t", True, "√"])
def test_yes_values(text):
    assert BoolWidget().clean(text) is True


@pytest.mark.parametrize("text", ["否", "N", "no", "0", 0, "false", "FALSE", "f", False, "×"])
def test_no_values(text):
    assert BoolWidget().clean(text) is False


def test_empty_and_unknown_yes_no_values():
    assert BoolWidget().clean("") is None and BoolWidget().clean(None) is None
    with pytest.raises(ValueError, match="“也许” is not a yes/no value"):
        BoolWidget().clean("也许")


@pytest.mark.parametrize(
    "value",
    [
        "2022-01-05",
        "2022/1/5",
        "2022.01.05",
        "2022年1月5日",
        "20220105",
        20220105,
        "2022-01-05 00:00:00",
        datetime.datetime(2022, 1, 5, 0, 0),
        datetime.date(2022, 1, 5),
    ],
)
def test_dates(value):
    assert DateWidget().clean(value) == datetime.date(2022, 1, 5)


@pytest.mark.parametrize("value", ["2022-13-01", "5/1/2022", "明年", 44566])
def test_bad_dates(value):
    with pytest.raises(ValueError, match="is not a date"):
        DateWidget().clean(value)


def test_years():
    assert YearWidget().clean("1975") == YearWidget().clean(1975.0) == YearWidget().clean("1975年") == 1975
    # A birth month or date, as rosters give it: the year is kept.
    for month in (
        "1975.03",
        "1975.3",
        1975.1,
        "1975年3月",
        "1975年3月1日",
        "1975-03",
        "1975/3/1",
        "197503",
        "19750301",
    ):
        assert YearWidget().clean(month) == 1975, month
    assert YearWidget().clean(datetime.date(1975, 3, 1)) == YearWidget().clean(datetime.datetime(1975, 3, 1)) == 1975
    for bad in ("75", "1850", "3000", "一九七五", "1975.13", "1975-00", "19751", "197513", "1975年13月", "1975.1.32"):
        with pytest.raises(ValueError, match="is not a year"):
            YearWidget().clean(bad)


def test_mobiles_are_normalised_and_checked():
    assert MobileWidget().clean("+86 138-0000-0001") == MobileWidget().clean(13800000001.0) == "13800000001"
    with pytest.raises(ValueError, match="11 digits"):
        MobileWidget().clean("0251234567")


def test_stale_uploads_are_purged(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    storages["import_export"].save("django-import-export/old", ContentFile(b"x"))
    assert formats.purge_stale_uploads(older_than=datetime.timedelta(days=1)) == 0
    assert formats.purge_stale_uploads(older_than=datetime.timedelta(seconds=-1)) == 1
    assert formats.purge_stale_uploads() == 0
