"""The roster import's cost does not grow with the file: query counts, one parse, a lean reader.

A 10,000-row roster must import in seconds (scripts/bench_import.py times it on PostgreSQL);
these tests keep the things that made it slow from coming back: a query per row, the preview
writing every row and rolling it back, the confirmation reading the workbook a second time,
and openpyxl's per-cell objects.
"""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from dataio import formats
from dataio.formats import XLSX
from deputies.models import Deputy
from deputies.resources import DeputyResource

pytestmark = pytest.mark.django_db

CITY = "示例市人民代表大会"
HEADERS = ["人大", "选举单位", "姓名", "性别", "出生年份", "手机号码", "身份证号码", "当选日期", "Create account"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def id_number(n: int) -> str:
    body = f"990000{datetime.date(1960, 1, 1) + datetime.timedelta(days=n):%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def roster(rows: int, accounts: int = 0) -> bytes:
    """A roster of ``rows`` new deputies; the first ``accounts`` of them ask for an account."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for n in range(rows):
        unit = "玄武区" if n % 2 else "秦淮区"
        account = "是" if n < accounts else "否"
        sheet.append(
            [CITY, unit, f"代表{n}", "女", 1975, f"1380000{5000 + n:04d}", id_number(n), "2022-01-05", account]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def units(city, term, electoral_unit):
    from tests import factories

    # Seats enough for the largest roster (a unit's seats are checked: deputies.resources).
    electoral_unit.seats = 500
    electoral_unit.save(update_fields=["seats"])
    return [electoral_unit, factories.ElectoralUnitFactory(congress=city, name="秦淮区", seats=500)]


def run(content: bytes, user, *, dry_run: bool):
    dataset = XLSX().create_dataset(content)
    return DeputyResource(user=user).import_data(dataset, dry_run=dry_run, user=user, file_name="roster.xlsx")


def statements(context) -> list[str]:
    return [q["sql"] for q in context.captured_queries]


# --- query counts: the same for 10 rows as for 200 ---

# Preview: the actor's roles, permissions and scope, congresses, terms, units, the holders
# of the file's mobiles and ID numbers, the seats taken per electoral unit, and the savepoints
# around them; no insert.
PREVIEW_QUERIES = 19
# Each security-log row: on PostgreSQL the chain's advisory lock and the read of the last hash
# come before its insert (accounts.models.SecurityEvent).
AUDIT_EXTRA = 2 if connection.vendor == "postgresql" else 0
# The import: the same, the deputies' bulk inserts (``inserts()``), the IMPORT audit row.
IMPORT_QUERIES = 23 + AUDIT_EXTRA


def inserts(rows: int) -> int:
    """INSERT statements for ``rows`` new deputies: one per 1,000 rows (the resource's batch)
    on PostgreSQL; SQLite takes at most 999 parameters in a statement, so there Django splits
    each batch further (about 40 deputies a statement)."""
    import math

    fields = [f for f in Deputy._meta.concrete_fields if not f.primary_key and not f.generated]
    per_statement = min(DeputyResource._meta.batch_size, connection.ops.bulk_batch_size(fields, [None] * 1000))
    return math.ceil(rows / per_statement)


@pytest.mark.parametrize("rows", [10, 200])
def test_preview_query_count_does_not_grow_with_rows(staff, units, rows, django_assert_num_queries):
    content = roster(rows)
    with django_assert_num_queries(PREVIEW_QUERIES):
        result = run(content, staff, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == rows


@pytest.mark.parametrize("rows", [10, 200])
def test_import_query_count_does_not_grow_with_rows(staff, units, rows, django_assert_num_queries):
    content = roster(rows)
    with django_assert_num_queries(IMPORT_QUERIES - 1 + inserts(rows)):
        result = run(content, staff, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Deputy.objects.count() == rows


# New accounts, however many: a savepoint around them, the accounts' bulk insert in a
# savepoint of its own, the audit chain's head, the audit rows' bulk insert
# (accounts.services.user_create_many); then one role sync for all (the accounts' roles and groups, one insert
# of the group links, its audit row). On PostgreSQL the chain's advisory lock comes first.
ACCOUNT_QUERIES = 5 + (connection.vendor == "postgresql")


def account_inserts(accounts: int) -> int:
    """INSERT statements for ``accounts`` new accounts, their ACCOUNT_CREATED audit rows and
    the role sync's audit rows: one each per 1,000 on PostgreSQL; SQLite splits them further
    (its limit of 999 parameters)."""
    import math

    from accounts.models import SecurityEvent, User
    from accounts.services import BULK_BATCH_SIZE as BATCH_SIZE

    statements = 0
    for model in (User, SecurityEvent, SecurityEvent):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        per_statement = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * accounts))
        statements += math.ceil(accounts / per_statement)
    return statements


# (the role sync's audit rows are counted with the inserts: ``account_inserts``)
ROLE_SYNC_QUERIES = 9 + (connection.vendor == "postgresql")


@pytest.mark.parametrize(("rows", "accounts"), [(10, 5), (200, 5), (200, 150)])
def test_new_accounts_cost_the_same_queries_however_many(staff, units, rows, accounts, django_assert_num_queries):
    """GIVEN rows asking for an account WHEN the file is imported THEN the queries are the
    import's plus a fixed number for all the accounts and their bulk inserts (bounded by
    batches): neither the deputy rows nor the accounts cost a query each."""
    content = roster(rows, accounts=accounts)
    expected = IMPORT_QUERIES - 1 + inserts(rows) + ACCOUNT_QUERIES + account_inserts(accounts) + ROLE_SYNC_QUERIES
    with django_assert_num_queries(expected):
        result = run(content, staff, dry_run=False)
    assert result.totals["new"] == rows
    assert Deputy.objects.filter(user__isnull=False).count() == accounts


def test_bulk_accounts_are_what_the_account_service_makes(staff, units):
    """Each new account: the deputy's name and mobile, no usable password, the deputy role,
    linked to its deputy, and one ACCOUNT_CREATED audit row by the importer, the chain intact."""
    from accounts.audit import verify_chain
    from accounts.models import SecurityEvent, User

    result = run(roster(12, accounts=3), staff, dry_run=False)
    assert result.totals["new"] == 12
    deputies = list(Deputy.objects.filter(user__isnull=False).select_related("user").order_by("name"))
    assert [(d.name, d.user.full_name, d.user.mobile) for d in deputies] == [
        (f"代表{n}", f"代表{n}", f"1380000{5000 + n:04d}") for n in range(3)
    ]
    for deputy in deputies:
        assert not deputy.user.has_usable_password()
        assert deputy.user.groups.exists()  # the deputy role, synced after the rows
        assert User.objects.filter(mobile=deputy.mobile).count() == 1
    created = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ACCOUNT_CREATED)
    assert sorted(created.values_list("target_user_id", flat=True)) == sorted(d.user_id for d in deputies)
    assert set(created.values_list("actor_id", flat=True)) == {staff.pk}
    assert verify_chain().ok


def test_a_failed_row_leaves_no_account_behind(staff, units):
    """All or nothing: the accounts of the good rows are not made when a later row fails."""
    from accounts.models import SecurityEvent, User

    content = roster(6, accounts=6)
    book = openpyxl.load_workbook(io.BytesIO(content))
    book.active.cell(row=7, column=7).value = "99000019600101"  # too short for an ID number
    out = io.BytesIO()
    book.save(out)
    users_before = User.objects.count()
    result = run(out.getvalue(), staff, dry_run=False)
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [7]
    assert Deputy.objects.count() == 0
    assert User.objects.count() == users_before
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ACCOUNT_CREATED).exists()


def test_preview_of_a_bulk_import_writes_nothing(staff, units):
    with CaptureQueriesContext(connection) as context:
        result = run(roster(30, accounts=3), staff, dry_run=True)
    assert result.totals["new"] == 30 and not result.has_validation_errors()
    assert not [sql for sql in statements(context) if sql.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert Deputy.objects.count() == 0


def test_preview_still_reports_clashes_with_the_database(staff, units, term):
    """The preview no longer tries the inserts, so the bulk checks must catch what the
    database would refuse: a mobile number already used in the term."""
    from tests import factories

    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=units[0], mobile="13800005003")
    result = run(roster(10), staff, dry_run=True)
    assert [row.number for row in result.invalid_rows] == [5]


# --- the admin: preview then confirm, with the upload parsed once ---


def _upload(client, content):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = io.BytesIO(content)
    upload.name = "roster.xlsx"
    return client.post("/admin/deputies/deputy/import/", {"import_file": upload, "format": "0", "resource": "0"})


def _stored(settings, name: str) -> bytes:
    folder = settings.STORAGES["import_export"]["OPTIONS"]["location"]
    with open(f"{folder}/django-import-export/{name}", "rb") as f:
        return f.read()


# Upload and preview: session, user, MFA device, permissions, then the preview's queries.
ADMIN_PREVIEW_QUERIES = 23
# Confirm: the same, the import's queries, the admin log entries (one insert for all rows; on
# SQLite one per 142 rows, its 999 parameters over the entry's 7 columns: ``log_inserts``).
ADMIN_CONFIRM_QUERIES = 27 + (connection.vendor == "postgresql")


def log_inserts(rows: int) -> int:
    import math

    return 1 if connection.vendor == "postgresql" else math.ceil(rows / (999 // 7))


@pytest.mark.parametrize("rows", [10, 200])
def test_admin_preview_and_confirm_query_counts_do_not_grow(staff_client, units, rows, django_assert_num_queries):
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import User

    # The content types are cached per process: warm for the rows' models, whatever ran before.
    ContentType.objects.get_for_models(Deputy, User)
    content = roster(rows)
    with django_assert_num_queries(ADMIN_PREVIEW_QUERIES):
        response = _upload(staff_client, content)
    assert 'name="confirm"' in response.content.decode()
    confirm = response.context["confirm_form"].initial
    confirm_queries = ADMIN_CONFIRM_QUERIES - 1 + inserts(rows) + log_inserts(rows)
    pg = connection.vendor == "postgresql"
    with django_assert_num_queries(confirm_queries + pg, exact=not pg) as captured:
        response = staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    # On PostgreSQL the security log's chain lock may add a statement: at most one more, with
    # 10 rows as with 200.
    assert confirm_queries - pg <= len(captured) <= confirm_queries + pg
    assert response.status_code == 302
    assert Deputy.objects.count() == rows


def test_confirm_reads_the_preview_s_parse_not_the_workbook(staff_client, settings, units, monkeypatch):
    response = _upload(staff_client, roster(3))
    confirm = response.context["confirm_form"].initial
    assert _stored(settings, confirm["import_file_name"]).startswith(formats.PARSED_MAGIC)

    def no_second_read(self, data):
        raise AssertionError("the workbook was read twice")

    monkeypatch.setattr(XLSX, "_read_workbook", no_second_read)
    response = staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    assert response.status_code == 302
    assert sorted(Deputy.objects.values_list("name", flat=True)) == ["代表0", "代表1", "代表2"]


def test_a_kept_parse_with_a_wrong_signature_is_not_imported(staff_client, settings, units):
    response = _upload(staff_client, roster(2))
    confirm = response.context["confirm_form"].initial
    folder = settings.STORAGES["import_export"]["OPTIONS"]["location"]
    path = f"{folder}/django-import-export/{confirm['import_file_name']}"
    data = _stored(settings, confirm["import_file_name"])
    with open(path, "wb") as f:
        f.write(data.replace("代表1".encode(), "代表9".encode()))
    response = staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"}, follow=True)
    assert "no longer available" in response.content.decode()
    assert Deputy.objects.count() == 0


def test_an_upload_that_looks_like_a_kept_parse_is_not_taken_for_one(staff):
    dataset = XLSX().create_dataset(roster(2))
    forged = formats.parsed_bytes(dataset)  # even one correctly signed
    with pytest.raises(formats.ImportFileError, match="not an Excel workbook"):
        XLSX().create_dataset(forged)


def test_kept_parse_round_trips_every_cell_type():
    import tablib

    rows = [
        ["文本", 1, 2.5, True, None, datetime.datetime(2022, 1, 5, 8, 30), datetime.date(2022, 1, 5)],
        ["", -3, 1e20, False, "x", datetime.time(9, 15), datetime.timedelta(hours=36)],
    ]
    dataset = tablib.Dataset(headers=["a", "b", "c", "d", None, "f", "g"])
    for row in rows:
        dataset.append(row)
    token = formats.accept_parsed.set(True)
    try:
        back = XLSX().create_dataset(formats.parsed_bytes(dataset))
    finally:
        formats.accept_parsed.reset(token)
    assert back.headers == dataset.headers
    assert [list(row) for row in back] == rows


# --- the lean sheet reader gives what openpyxl gives ---


def _with_shared_strings(content: bytes) -> bytes:
    """The workbook as Excel saves it: strings in xl/sharedStrings.xml (openpyxl writes them
    inline), plus a string with a phonetic run, which is not part of the text."""
    source = zipfile.ZipFile(io.BytesIO(content))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    strings: list[str] = []

    def shared(match):
        strings.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'<c r="([A-Z]+\d+)" t="inlineStr"><is>(.*?)</is></c>', shared, sheet)
    strings.append('<r><t>拼</t></r><r><t>音</t></r><rPh sb="0" eb="1"><t>pin</t></rPh>')
    sheet = sheet.replace(
        "</sheetData>", f'<row r="40"><c r="A40" t="s"><v>{len(strings) - 1}</v></c></row></sheetData>'
    )
    sheet = re.sub(r'<dimension ref="A1:([A-Z]+)\d+"/>', r'<dimension ref="A1:\g<1>40"/>', sheet)
    table = "".join(f"<si>{s}</si>" for s in strings)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(info, data)
        target.writestr("xl/sharedStrings.xml", f'<sst xmlns="{ns}">{table}</sst>')
    return out.getvalue()


def _varied_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "数", "小数", "是否", "日期", "时间", "日期时间", "公式", "富文本"])
    sheet.append(["王芳", 13800001234, 2.5, True, datetime.date(2022, 1, 5), datetime.time(9, 30)])
    sheet["G2"] = datetime.datetime(2022, 1, 5, 8, 15)
    sheet["H2"] = "=1+1"  # no cached value: None, as openpyxl reads it with data_only
    sheet["I2"] = CellRichText(["粗", TextBlock(InlineFont(b=True), "体")])
    sheet["A5"] = "隔行"  # rows 3 and 4 are missing from the file
    sheet["F5"] = False
    sheet["C6"] = 1e-7
    sheet["B7"] = "  空格保留  "
    sheet["D7"] = datetime.timedelta(hours=30)
    sheet["L8"] = "超出表头"  # data beyond the last header
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _varied(shared_strings: bool) -> tuple[bytes, list[tuple]]:
    """The varied workbook (with its strings shared, or inline) and openpyxl's rows of it."""
    content = _varied_workbook()
    if shared_strings:
        content = _with_shared_strings(content)
    return content, list(openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).active.values)


@pytest.mark.parametrize("shared_strings", [False, True], ids=["inline strings", "shared strings"])
def test_lean_reader_reads_what_openpyxl_reads(shared_strings):
    content, expected = _varied(shared_strings)
    book = formats._open_workbook(io.BytesIO(content))
    got = list(formats.sheet_values(book.worksheets[0]))
    assert got == expected
    assert len(got) == (40 if shared_strings else 8)
    if shared_strings:
        assert got[-1][0] == "拼音"


def test_lean_reader_reads_a_roster_as_openpyxl_does():
    content = _with_shared_strings(roster(50))
    expected = list(openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).active.values)
    assert list(formats.sheet_values(formats._open_workbook(io.BytesIO(content)).worksheets[0])) == expected


# --- calamine reads the workbook; an error cell sends it to the exact reader ---


def _normalised(rows) -> list[tuple]:
    """openpyxl's rows as the import reads them: whole numbers as ints, text stripped, empty as None."""
    return [tuple(formats._excel_value(v) for v in row) for row in rows]


@pytest.mark.parametrize("shared_strings", [False, True], ids=["inline strings", "shared strings"])
def test_calamine_reads_what_openpyxl_reads(shared_strings):
    content, expected = _varied(shared_strings)
    expected = _normalised(expected)
    headers, rows = formats._calamine_rows(content)
    width = len(expected[0])
    got = [tuple(headers)] + [tuple(row) + (None,) * (width - len(row)) for row in rows]
    # A date-only cell comes as a date from calamine, as midnight from openpyxl: the import's
    # date widget reads both the same.
    got = [
        tuple(datetime.datetime.combine(v, datetime.time()) if type(v) is datetime.date else v for v in row)
        for row in got
    ]
    assert got == expected
    assert got[1][:4] == ("王芳", 13800001234, 2.5, True)


def test_calamine_reads_a_roster_as_openpyxl_does():
    content = _with_shared_strings(roster(30))  # the helper's extra row is row 40
    expected = _normalised(openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).active.values)
    headers, rows = formats._calamine_rows(content)
    assert [tuple(headers), *map(tuple, rows)] == expected


def test_the_import_does_not_open_the_workbook_with_openpyxl(monkeypatch):
    def no_openpyxl(source):
        raise AssertionError("openpyxl read the workbook")

    monkeypatch.setattr(formats, "_open_workbook", no_openpyxl)
    dataset = XLSX().create_dataset(roster(3))
    assert dataset["姓名"] == ["代表0", "代表1", "代表2"]


def _with_error_cell(content: bytes, cell: str, error: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rf'<c r="{cell}"[^>]*>.*?</c>'.encode(), f'<c r="{cell}" t="e"><v>{error}</v></c>'.encode(), data
                )
            target.writestr(info, data)
    return out.getvalue()


def test_a_formula_error_in_a_cell_is_reported_not_read_as_empty(staff, units):
    # calamine reads error cells (#N/A, #REF!) as empty: an optional column would be
    # imported blank without a word. Such a workbook is read by the exact reader instead.
    content = _with_error_cell(roster(3), "H3", "#REF!")
    dataset = XLSX().create_dataset(content)
    assert dataset["当选日期"][1] == "#REF!"
    result = DeputyResource(user=staff).import_data(dataset, dry_run=False, user=staff, file_name="roster.xlsx")
    messages = [str(m) for row in result.invalid_rows for ms in row.error_dict.values() for m in ms]
    assert any("#REF!" in m for m in messages), messages
    assert [row.number for row in result.invalid_rows] == [3]
    assert Deputy.objects.count() == 0


def test_the_admin_history_has_an_entry_per_imported_row(staff_client, units):
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    response = _upload(staff_client, roster(3))
    confirm = response.context["confirm_form"].initial
    staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    deputies = {str(d.pk): str(d) for d in Deputy.objects.all()}
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Deputy))
    assert {e.object_id: e.object_repr for e in entries} == deputies
    assert {e.action_flag for e in entries} == {ADDITION}
    assert {e.get_change_message() for e in entries} == {"Added by an import."}
    assert {e.user_id for e in entries} == {response.wsgi_request.user.pk}
    assert all(e.get_edited_object() is not None for e in entries)


def test_the_garbage_collector_is_off_during_an_import_and_on_again_after(staff, units, monkeypatch):
    import gc

    seen = []
    original = DeputyResource.import_instance

    def watching(self, instance, row, **kwargs):
        seen.append(gc.isenabled())
        return original(self, instance, row, **kwargs)

    monkeypatch.setattr(DeputyResource, "import_instance", watching)
    assert gc.isenabled()
    run(roster(3), staff, dry_run=False)
    assert seen == [False, False, False] and gc.isenabled()

    def failing(self, instance, row, **kwargs):
        raise RuntimeError("a bug in a row check")

    monkeypatch.setattr(DeputyResource, "import_instance", failing)
    from import_export.exceptions import ImportError as RowImportError

    with pytest.raises(RowImportError, match="a bug in a row check"):
        DeputyResource(user=staff).import_data(XLSX().create_dataset(roster(1)), raise_errors=True, user=staff)
    assert gc.isenabled()
