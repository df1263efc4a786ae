"""Import and export of the roster (deputies, electoral units, groups) with the portal's formats.

Files are built in memory with openpyxl / csv; imports go through the resource as the admin
calls it (dry run, then the real import), and once through the admin with the test client.
"""

import csv
import io
from pathlib import Path

import openpyxl
import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import translation

from accounts import roles
from accounts.models import SecurityEvent, User
from dataio.formats import CSV, XLSX, ImportFileError
from deputies.models import Deputy, DeputyGroup, ElectoralUnit
from deputies.resources import DeputyGroupResource, DeputyResource, ElectoralUnitResource
from tests import factories

pytestmark = pytest.mark.django_db

CITY = "示例市人民代表大会"
# Headers as a person writes them: Chinese where the catalogue already has the text,
# the field's usual Chinese name (姓名) where the import knows it as an alias.
HEADERS = ["人大", "选举单位", "姓名", "性别", "出生年份", "手机号码", "身份证号码", "当选日期", "Create account"]
GOOD_ID = "11010519491231002X"  # the check-digit example of GB 11643


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def run_import(resource_class, content: bytes, user, *, fmt=XLSX, dry_run=False):
    dataset = fmt().create_dataset(content)
    return resource_class(user=user).import_data(dataset, dry_run=dry_run, user=user, file_name="test.xlsx")


def export_form(resource_class, fmt="0") -> dict:
    """The admin's export form with every column ticked."""
    prefix = resource_class.__name__.lower()
    return {
        "format": fmt,
        "resource": "0",
        **{f"{prefix}_{name}": "on" for name in resource_class().get_export_order()},
    }


def problems(result) -> list[tuple[int | None, str, str]]:
    """(row number, column, message) for every problem of an import, whole-file ones first."""
    found = [(None, "", str(error.error)) for error in result.base_errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            found.extend((row.number, column, str(m)) for m in messages)
    return found


@pytest.fixture(autouse=True)
def _english():
    """Messages and column labels in English, whether or not the catalogue has them yet;
    the Chinese tests switch to zh-hans with the ``zh_catalogue`` fixture."""
    with translation.override("en"):
        yield


@pytest.fixture
def zh_catalogue(settings, tmp_path):
    """The Chinese catalogue as the lead compiles it: the .po plus every locale fragment.

    The committed .mo lacks strings added since it was compiled; building it here lets the
    tests check the Chinese headers and messages without editing the .po.
    """
    root = Path(settings.BASE_DIR)
    po = polib.pofile(str(root / "locale/zh_Hans/LC_MESSAGES/django.po"))
    known = {entry.msgid for entry in po}
    for fragment in sorted((root / "locale/fragments").glob("*.tsv")):
        for line in fragment.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                en, zh = (part.replace("\\n", "\n") for part in line.split("\t", 1))
                if en not in known:
                    po.append(polib.POEntry(msgid=en, msgstr=zh))
                    known.add(en)
    target = tmp_path / "locale/zh_Hans/LC_MESSAGES"
    target.mkdir(parents=True)
    po.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    yield
    translation.trans_real._translations = {}


@pytest.fixture
def unit2(city):
    return factories.ElectoralUnitFactory(congress=city, name="秦淮区")


def deputy_row(name, mobile, unit="玄武区", account="否", **extra):
    row = [CITY, unit, name, "女", 1975, mobile, "", "2022-01-05", account]
    for index, value in extra.items():
        row[int(index)] = value
    return row


# --- good files ---


def test_good_xlsx_creates_deputies_and_requested_accounts(staff, term, electoral_unit, unit2):
    content = xlsx_bytes(
        [
            HEADERS,
            deputy_row("王芳", "13800005001", account="是"),
            deputy_row("赵强", "138 0000 5002", unit="秦淮区", **{"3": "男", "6": GOOD_ID}),
            deputy_row("钱敏", 13800005003, account="Y", **{"7": "2022/1/6"}),
        ]
    )
    preview = run_import(DeputyResource, content, staff, dry_run=True)
    assert problems(preview) == []
    assert Deputy.objects.count() == 0 and not User.objects.filter(full_name="王芳").exists()

    result = run_import(DeputyResource, content, staff)
    assert problems(result) == []
    assert result.totals["new"] == 3
    wang = Deputy.objects.get(name="王芳")
    assert (wang.congress, wang.term, wang.electoral_unit, wang.mobile) == (
        term.congress,
        term,
        electoral_unit,
        "13800005001",
    )
    assert wang.user is not None and wang.user.mobile == "13800005001" and wang.user.full_name == "王芳"
    assert roles.has_role(wang.user, roles.DEPUTY)
    assert not wang.user.has_usable_password()
    zhao = Deputy.objects.get(name="赵强")
    assert (zhao.gender, zhao.electoral_unit, zhao.id_number, zhao.user) == ("M", unit2, GOOD_ID, None)
    assert Deputy.objects.get(name="钱敏").elected_on.isoformat() == "2022-01-06"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ACCOUNT_CREATED).count() == 2
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IMPORT)
    assert (event.actor, event.detail["rows"], event.detail["model"]) == (staff, 3, "deputies.Deputy")


def test_good_csv_with_english_headers_imports(staff, term, electoral_unit):
    content = csv_bytes(
        [
            [
                "Congress",
                "Electoral unit",
                "Full name",
                "Gender",
                "Grassroots deputy",
                "Mobile number",
                "Create account",
            ],
            [CITY, "玄武区", "孙丽", "Female", "yes", "13800005011", "true"],
            [CITY, "玄武区", "周军", "Male", "0", "", "false"],
        ]
    )
    result = run_import(DeputyResource, content, staff, fmt=CSV)
    assert problems(result) == []
    sun = Deputy.objects.get(name="孙丽")
    assert sun.is_grassroots and sun.user.mobile == "13800005011"
    zhou = Deputy.objects.get(name="周军")
    assert (zhou.gender, zhou.is_grassroots, zhou.user, zhou.status) == ("M", False, None, Deputy.Status.SERVING)


def test_csv_saved_by_excel_in_gbk_is_read(staff, term, electoral_unit):
    content = csv_bytes([HEADERS, deputy_row("吴刚", "13800005021")], encoding="gbk")
    assert problems(run_import(DeputyResource, content, staff, fmt=CSV)) == []
    assert Deputy.objects.filter(name="吴刚").exists()


def test_one_person_in_two_terms_gets_one_account(staff, term, electoral_unit):
    old = factories.TermFactory(congress=term.congress, number=16, name="第十六届", is_current=False)
    content = xlsx_bytes(
        [
            ["人大", "届", "选举单位", "姓名", "性别", "手机号码", "Create account"],
            [CITY, "第十六届", "玄武区", "王芳", "女", "13800005035", "是"],
            [CITY, "第十七届", "玄武区", "王芳", "女", "13800005035", "是"],
        ]
    )
    preview = run_import(DeputyResource, content, staff, dry_run=True)
    assert problems(preview) == []
    assert all(">Yes<" in row.diff[-1] for row in preview.rows)  # the planned account shows
    assert not User.objects.filter(mobile="13800005035").exists()  # but the preview creates none
    assert problems(run_import(DeputyResource, content, staff)) == []
    account = User.objects.get(mobile="13800005035")
    assert set(Deputy.objects.values_list("term", "user")) == {(old.pk, account.pk), (term.pk, account.pk)}


def test_two_people_cannot_share_an_account_email(staff, term, electoral_unit):
    factories.UserFactory(full_name="老用户", email="old@example.org", mobile="13800005039")
    content = xlsx_bytes(
        [
            ["人大", "选举单位", "姓名", "性别", "手机号码", "E-mail", "Create account"],
            [CITY, "玄武区", "王芳", "女", "13800005036", "office@example.org", "是"],
            [CITY, "玄武区", "赵强", "男", "13800005037", "office@example.org", "是"],
            [CITY, "玄武区", "钱敏", "女", "13800005038", "old@example.org", "是"],
        ]
    )
    # The preview names the row whose account would hold the address …
    found = problems(run_import(DeputyResource, content, staff, dry_run=True))
    assert found == [
        (
            3,
            "Create account",
            "The e-mail address office@example.org already belongs to the account of 王芳 (row 2); correct it or leave it empty.",
        ),
        (
            4,
            "Create account",
            "The e-mail address old@example.org already belongs to the account of 老用户; correct it or leave it empty.",
        ),
    ]
    # … and so does the real import (the accounts are made in bulk after the rows are
    # checked), which then writes nothing.
    assert "account of 王芳 (row 2);" in problems(run_import(DeputyResource, content, staff))[0][2]
    assert not User.objects.filter(email="office@example.org").exists()


def test_account_is_linked_when_the_person_already_has_one(staff, term, electoral_unit):
    """GIVEN a person with an account (a mandate at another level) WHEN a row for them asks
    for an account THEN the mandate is linked to that account, not a second one."""
    existing = factories.UserFactory(full_name="郑华", mobile="13800005031")
    run_import(DeputyResource, xlsx_bytes([HEADERS, deputy_row("郑华", "13800005031", account="是")]), staff)
    assert Deputy.objects.get(name="郑华").user == existing
    assert User.objects.filter(mobile="13800005031").count() == 1
    assert roles.has_role(User.objects.get(pk=existing.pk), roles.DEPUTY)


# --- bad files: every row reported, nothing written ---


def test_bad_rows_are_all_reported_with_row_numbers_and_nothing_is_written(staff, term, electoral_unit):
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, mobile="13800005099")
    content = xlsx_bytes(
        [
            HEADERS,
            deputy_row("好人", "13800005041", account="是"),  # row 2: fine
            deputy_row("甲", "13800005042", unit="不存在区"),  # row 3
            deputy_row("乙", "12345"),  # row 4
            deputy_row("丙", "13800005044", **{"7": "2022-13-45"}),  # row 5
            deputy_row("丁", "13800005045", **{"4": "七五年"}),  # row 6
            deputy_row("戊", "13800005046", **{"6": "110105194912310021"}),  # row 7: wrong check digit
            deputy_row("己", "13800005041"),  # row 8: same mobile as row 2
            deputy_row("庚", "13800005099"),  # row 9: mobile of an existing deputy of the term
            deputy_row("", "13800005047"),  # row 10: no name
            deputy_row("辛", "13800005048", **{"3": "未知"}),  # row 11
            deputy_row("壬", "13800005049", account="也许"),  # row 12
        ]
    )
    result = run_import(DeputyResource, content, staff)
    found = problems(result)
    by_row = {row: (column, message) for row, column, message in found}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert by_row[3] == ("Electoral unit", "示例市人民代表大会 has no electoral unit named “不存在区”.")
    assert by_row[4][0] == "Mobile number" and "“12345”" in by_row[4][1]
    assert by_row[5] == ("Elected on", "“2022-13-45” is not a date; write it like 2022-01-05.")
    assert by_row[6] == ("Birth year", "“七五年” is not a year; write four digits, e.g. 1975.")
    assert by_row[7][0] == "ID number" and "check digit" in by_row[7][1]
    assert by_row[8] == ("Mobile number", "Mobile number 13800005041 is also in row 2 of this file.")
    assert by_row[9][0] == "Mobile number" and "already belongs to deputy" in by_row[9][1]
    assert by_row[10] == ("Full name", "This column needs a value.")
    assert by_row[11][0] == "Gender" and "“未知” is not one of" in by_row[11][1]
    assert by_row[12][0] == "Create account" and "“也许”" in by_row[12][1]
    # All-or-nothing: not even the good row 2 (nor its account) was written.
    assert Deputy.objects.count() == 1
    assert not User.objects.filter(full_name="好人").exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT).exists()


def test_errors_are_in_chinese_with_the_compiled_catalogue(zh_catalogue, staff, term, electoral_unit):
    with translation.override("zh-hans"):
        result = run_import(
            DeputyResource,
            xlsx_bytes([["人大", "选举单位", "姓名", "性别", "创建账号"], [CITY, "不存在区", "甲", "女", "否"]]),
            staff,
        )
        [(row, column, message)] = problems(result)
    assert (row, column) == (2, "选举单位")
    assert message == "示例市人民代表大会没有名为“不存在区”的选举单位。"


def test_missing_required_column_is_a_whole_file_error(staff, term, electoral_unit):
    result = run_import(DeputyResource, xlsx_bytes([["人大", "姓名", "性别"], [CITY, "甲", "女"]]), staff)
    [(row, _column, message)] = problems(result)
    assert (row, message) == (None, "Required columns are missing: Electoral unit.")
    assert not result.invalid_rows and Deputy.objects.count() == 0


def test_unknown_column_is_named(staff, term, electoral_unit):
    result = run_import(
        DeputyResource, xlsx_bytes([HEADERS + ["备注"], deputy_row("甲", "13800005051") + ["x"]]), staff
    )
    [(_row, _column, message)] = problems(result)
    assert "“备注”" in message


@pytest.mark.parametrize(
    "content, fmt, expected",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, XLSX, "not an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, CSV, "not a CSV text file"),
        (bytes(range(256)) * 4, XLSX, "not an Excel workbook"),
        (b"", XLSX, "empty"),
        (b"", CSV, "empty"),
        (b"PK\x03\x04" + b"garbage" * 10, XLSX, "not a readable Excel workbook"),
        # An OLE file that is no workbook (a .doc, say): the older .xls format is read.
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, XLSX, "not a readable Excel workbook"),
        ("人大,姓名\n".encode(), CSV, "no data rows"),
    ],
)
def test_wrong_file_types_give_a_clear_message(content, fmt, expected):
    with pytest.raises(ImportFileError, match=expected):
        fmt().create_dataset(content)


def test_xlsx_uploaded_as_csv_is_named(staff):
    with pytest.raises(ImportFileError, match="Excel workbook, not a CSV"):
        CSV().create_dataset(xlsx_bytes([["a"], ["b"]]))


def test_duplicate_mobile_in_another_term_is_allowed(staff, term, electoral_unit):
    """The uniqueness rule is per term: the same person may serve again in the next term."""
    old = factories.TermFactory(congress=term.congress, number=16, name="第十六届", is_current=False)
    factories.DeputyFactory(congress=term.congress, term=old, electoral_unit=electoral_unit, mobile="13800005061")
    assert problems(run_import(DeputyResource, xlsx_bytes([HEADERS, deputy_row("甲", "13800005061")]), staff)) == []


def test_row_may_name_another_term(staff, term, electoral_unit):
    old = factories.TermFactory(congress=term.congress, number=16, name="第十六届", is_current=False)
    content = xlsx_bytes(
        [
            ["人大", "届", "选举单位", "姓名", "性别"],
            [CITY, "第十六届", "玄武区", "甲", "女"],
            [CITY, 16, "玄武区", "乙", "女"],
        ]
    )
    assert problems(run_import(DeputyResource, content, staff)) == []
    assert set(Deputy.objects.values_list("term", flat=True)) == {old.pk}


def test_new_deputy_cannot_be_imported_as_terminated(staff, term, electoral_unit):
    content = xlsx_bytes([["人大", "选举单位", "姓名", "性别", "状态"], [CITY, "玄武区", "甲", "女", "代表资格终止"]])
    [(row, column, _message)] = problems(run_import(DeputyResource, content, staff))
    assert (row, column) == (2, "Status")


# --- scope: district staff ---


def test_district_staff_cannot_import_into_the_city_congress(district_staff, district, term, electoral_unit):
    district_term = factories.TermFactory(congress=district)
    factories.ElectoralUnitFactory(congress=district, name="梅园街道")
    content = xlsx_bytes(
        [
            ["人大", "选举单位", "姓名", "性别"],
            [district.name, "梅园街道", "甲", "女"],
            [CITY, "玄武区", "乙", "女"],
        ]
    )
    result = run_import(DeputyResource, content, district_staff)
    [(row, column, message)] = problems(result)
    assert (row, column) == (3, "Congress") and message.startswith(f"“{CITY}” is not your congress")
    assert Deputy.objects.count() == 0
    # Without the city row the district's own row is imported.
    content = xlsx_bytes([["人大", "选举单位", "姓名", "性别"], [district.name, "梅园街道", "甲", "女"]])
    assert problems(run_import(DeputyResource, content, district_staff)) == []
    assert Deputy.objects.get().term == district_term


def test_district_staff_cannot_update_a_city_deputy_by_its_id(district_staff, district, term, electoral_unit):
    city_deputy = factories.DeputyFactory(
        congress=term.congress, term=term, electoral_unit=electoral_unit, name="市代表"
    )
    content = xlsx_bytes(
        [["Record ID", "人大", "选举单位", "姓名", "性别"], [city_deputy.pk, CITY, "玄武区", "改名", "女"]]
    )
    messages = [m for _r, _c, m in problems(run_import(DeputyResource, content, district_staff))]
    assert any(f"no record {city_deputy.pk}" in m for m in messages)
    city_deputy.refresh_from_db()
    assert city_deputy.name == "市代表"


def test_district_staff_export_holds_only_their_congress(district_staff, district, term, electoral_unit):
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, name="市代表")
    factories.DeputyFactory(congress=district, name="区代表")
    dataset = DeputyResource(user=district_staff).export(queryset=Deputy.objects.all())
    assert [row[dataset.headers.index("Full name")] for row in dataset] == ["区代表"]


def test_district_staff_admin_export_holds_only_their_congress(client, district_staff, district, term, electoral_unit):
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, name="市代表")
    factories.DeputyFactory(congress=district, name="区代表")
    client.force_login(district_staff)
    response = client.post("/admin/deputies/deputy/export/", export_form(DeputyResource, fmt="1"))
    text = response.content.decode("utf-8-sig")
    assert "区代表" in text and "市代表" not in text


# --- export: BOM, headers, formulae, masking, audit ---


def test_csv_export_has_bom_and_chinese_headers(staff_client, zh_catalogue, term, electoral_unit):
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, name="王芳")
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = staff_client.post("/admin/deputies/deputy/export/", export_form(DeputyResource, fmt="1"))
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:6] == ["编号", "人大", "届", "选举单位", "姓名", "性别"]
    assert "手机号码" in header and "创建账号" in header


def test_formula_looking_values_are_exported_as_text(staff, term, electoral_unit):
    factories.DeputyFactory(
        congress=term.congress,
        term=term,
        electoral_unit=electoral_unit,
        name='=HYPERLINK("http://x")',
        employer="+1",
        party="@a",
        occupation="-2",
    )
    dataset = DeputyResource(user=staff).export(queryset=Deputy.objects.all())

    rows = list(csv.reader(io.StringIO(CSV().export_data(dataset).lstrip("\ufeff"))))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Full name"] == '\'=HYPERLINK("http://x")'
    assert (values["Employer and position"], values["Party"], values["Occupation"]) == ("'+1", "'@a", "'-2")

    book = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(dataset)))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    name_cell = sheet.cell(row=2, column=headers.index("Full name") + 1)
    assert name_cell.data_type == "s" and name_cell.value == '=HYPERLINK("http://x")'
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_export_masks_personal_data_without_the_permission(staff, term, electoral_unit):
    factories.DeputyFactory(
        congress=term.congress,
        term=term,
        electoral_unit=electoral_unit,
        mobile="13800005071",
        id_number=GOOD_ID,
        address="示例市玄武区中山路1号",
    )
    staff.groups.get(name=roles.GROUP_NAMES[roles.STAFF]).permissions.remove(
        Permission.objects.get(codename="view_personal_data")
    )
    staff = User.objects.get(pk=staff.pk)  # drop the permission cache
    dataset = DeputyResource(user=staff).export(queryset=Deputy.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["Mobile number"], row["ID number"], row["Address"]) == (
        "138****5071",
        "11**************2X",
        "示例市玄武区****",
    )
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_PERSONAL).exists()


def test_unmasked_export_writes_an_audit_row(staff, term, electoral_unit):
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, mobile="13800005072")
    dataset = DeputyResource(user=staff).export(queryset=Deputy.objects.all())
    assert dict(zip(dataset.headers, dataset[0], strict=True))["Mobile number"] == "13800005072"
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT_PERSONAL)
    assert (event.actor, event.detail["rows"], event.detail["model"]) == (staff, 1, "deputies.Deputy")


def test_export_without_personal_columns_is_not_audited(staff, term, electoral_unit):
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit)
    DeputyResource(user=staff).export(queryset=Deputy.objects.all(), export_fields=["name", "gender"])
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_PERSONAL).exists()


def test_export_query_count_does_not_grow_with_rows(staff, term, electoral_unit, django_assert_max_num_queries):
    def export_queries(n):
        for _ in range(n):
            factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            DeputyResource(user=User.objects.get(pk=staff.pk)).export(queryset=Deputy.objects.all())
        return len(ctx.captured_queries)

    assert export_queries(2) == export_queries(20)


# --- round trip ---


def test_export_reimports_unchanged_in_the_other_language(staff, zh_catalogue, term, electoral_unit):
    """GIVEN deputies exported with Chinese headers WHEN the file is imported in English
    THEN every row is recognised as unchanged and nothing is written."""
    factories.DeputyFactory(
        congress=term.congress,
        term=term,
        electoral_unit=electoral_unit,
        name="王芳",
        mobile="13800005081",
        id_number=GOOD_ID,
    )
    user = factories.UserFactory(full_name="赵强")
    factories.DeputyFactory(
        congress=term.congress, term=term, electoral_unit=electoral_unit, name="赵强", user=user, is_grassroots=True
    )
    with translation.override("zh-hans"):
        exported = XLSX().export_data(DeputyResource(user=staff).export(queryset=Deputy.objects.all()))
    with translation.override("en"):
        result = run_import(DeputyResource, exported, staff)
    assert problems(result) == []
    assert result.totals["skip"] == 2 and result.totals["update"] == 0 and result.totals["new"] == 0
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT).exists()


def test_edited_export_updates_the_records(staff, term, electoral_unit, unit2):
    deputy = factories.DeputyFactory(
        congress=term.congress, term=term, electoral_unit=electoral_unit, name="王芳", mobile="13800005091"
    )
    dataset = DeputyResource(user=staff).export(queryset=Deputy.objects.all())
    rows = list(csv.reader(io.StringIO(CSV().export_data(dataset).lstrip("\ufeff"))))
    rows[1][rows[0].index("Electoral unit")] = "秦淮区"
    rows[1][rows[0].index("Employer and position")] = "示例市第二中学校长"
    result = run_import(DeputyResource, csv_bytes(rows), staff, fmt=CSV)
    assert problems(result) == [] and result.totals["update"] == 1
    deputy.refresh_from_db()
    assert (deputy.electoral_unit, deputy.employer, deputy.mobile) == (unit2, "示例市第二中学校长", "13800005091")
    assert Deputy.objects.count() == 1


def test_masked_export_reimports_without_touching_personal_data(staff, term, electoral_unit):
    """Someone without the permission exports (masked) and re-imports: the stored mobile stays."""
    deputy = factories.DeputyFactory(
        congress=term.congress, term=term, electoral_unit=electoral_unit, mobile="13800005092"
    )
    staff.groups.get(name=roles.GROUP_NAMES[roles.STAFF]).permissions.remove(
        Permission.objects.get(codename="view_personal_data")
    )
    staff = User.objects.get(pk=staff.pk)
    exported = XLSX().export_data(DeputyResource(user=staff).export(queryset=Deputy.objects.all()))
    result = run_import(DeputyResource, exported, staff)
    assert problems(result) == [] and result.totals["skip"] == 1
    deputy.refresh_from_db()
    assert deputy.mobile == "13800005092"
    # A real number in the column is refused for them.
    book = openpyxl.load_workbook(io.BytesIO(exported))
    headers = [c.value for c in book.active[1]]
    book.active.cell(row=2, column=headers.index("Mobile number") + 1, value="13800005093")
    out = io.BytesIO()
    book.save(out)
    [(row, column, _message)] = problems(run_import(DeputyResource, out.getvalue(), staff))
    assert (row, column) == (2, "Mobile number")


# --- electoral units and groups ---


def test_electoral_units_import_and_duplicates(staff, term, electoral_unit):
    content = xlsx_bytes(
        [
            ["人大", "Name", "应选名额", "排序"],
            [CITY, "鼓楼区", 60, 2],
            [CITY, "玄武区", 50, 1],  # exists already
            [CITY, "鼓楼区", 60, 3],  # twice in the file
        ]
    )
    found = problems(run_import(ElectoralUnitResource, content, staff))
    assert [(row, column) for row, column, _m in found] == [(3, "Name"), (4, "Name")]
    assert not ElectoralUnit.objects.filter(name="鼓楼区").exists()
    content = xlsx_bytes([["人大", "Name", "应选名额"], [CITY, "鼓楼区", 60]])
    assert problems(run_import(ElectoralUnitResource, content, staff)) == []
    assert ElectoralUnit.objects.get(name="鼓楼区").seats == 60


def test_groups_import_with_members_and_round_trip(staff, term, electoral_unit):
    a = factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, name="王芳")
    b = factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, name="赵强")
    twin = factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, name="赵强")
    content = xlsx_bytes(
        [
            ["人大", "类别", "Name", "选举单位", "组长", "成员"],
            [CITY, "代表小组", "玄武区代表小组", "玄武区", "王芳", f"王芳、赵强（{b.pk}）"],
            [CITY, "专业代表小组", "法制专业组", "", "赵强", ""],
        ]
    )
    found = problems(run_import(DeputyGroupResource, content, staff))
    assert [(row, column) for row, column, _m in found] == [(3, "Leader")]
    assert "record ID" in found[0][2]
    content = xlsx_bytes(
        [
            ["人大", "类别", "Name", "选举单位", "组长", "成员"],
            [CITY, "代表小组", "玄武区代表小组", "玄武区", "王芳", f"王芳、赵强（{b.pk}）"],
        ]
    )
    assert problems(run_import(DeputyGroupResource, content, staff)) == []
    group = DeputyGroup.objects.get()
    assert (group.kind, group.leader, set(group.members.all())) == ("group", a, {a, b})
    # Export writes the ambiguous name with its ID, so the file re-imports unchanged.
    dataset = DeputyGroupResource(user=staff).export(queryset=DeputyGroup.objects.all())
    assert dict(zip(dataset.headers, dataset[0], strict=True))["Members"] in (
        f"王芳、赵强（{b.pk}）",
        f"赵强（{b.pk}）、王芳",
    )
    result = run_import(DeputyGroupResource, XLSX().export_data(dataset), staff)
    assert problems(result) == [] and result.totals["skip"] == 1
    assert twin not in group.members.all()


# --- the admin, end to end ---


def _upload(client, content, name="deputies.xlsx", fmt="0"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = io.BytesIO(content)
    upload.name = name
    return client.post("/admin/deputies/deputy/import/", {"import_file": upload, "format": fmt, "resource": "0"})


def test_admin_import_shows_errors_and_no_confirm_button(staff_client, term, electoral_unit):
    content = xlsx_bytes([HEADERS, deputy_row("甲", "13800005101"), deputy_row("乙", "12345", unit="不存在区")])
    response = _upload(staff_client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="confirm"' not in html
    assert "import-problems" in html and "不存在区" in html and "12345" in html
    assert "Required columns: Congress、Electoral unit、Full name、Gender." in html
    assert response.context["result"].invalid_rows[0].number == 3
    assert Deputy.objects.count() == 0


def test_admin_import_preview_then_confirm_writes_rows(staff_client, staff, term, electoral_unit):
    content = xlsx_bytes([HEADERS, deputy_row("甲", "13800005111", account="是"), deputy_row("乙", "13800005112")])
    response = _upload(staff_client, content)
    html = response.content.decode()
    assert 'name="confirm"' in html and Deputy.objects.count() == 0
    confirm = response.context["confirm_form"].initial
    response = staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    assert response.status_code == 302
    assert set(Deputy.objects.values_list("name", flat=True)) == {"甲", "乙"}
    assert Deputy.objects.get(name="甲").user.mobile == "13800005111"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT, actor=staff).count() == 1
    # A second click on "Confirm import" does not import the file again.
    response = staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    assert response.status_code == 302 and Deputy.objects.count() == 2


def test_admin_csv_import_in_gbk(staff_client, term, electoral_unit):
    content = csv_bytes([HEADERS, deputy_row("吴刚", "13800005161")], encoding="gbk")
    response = _upload(staff_client, content, name="名单.csv", fmt="1")
    confirm = response.context["confirm_form"].initial
    assert staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"}).status_code == 302
    assert Deputy.objects.get().name == "吴刚"


def test_admin_confirm_rechecks_and_writes_nothing_if_the_data_changed(staff_client, term, electoral_unit):
    """GIVEN a previewed file WHEN someone adds a deputy with one of its mobiles before the
    confirmation THEN the confirmation writes nothing and shows the problem."""
    content = xlsx_bytes([HEADERS, deputy_row("甲", "13800005131"), deputy_row("乙", "13800005132")])
    confirm = _upload(staff_client, content).context["confirm_form"].initial
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=electoral_unit, mobile="13800005132")
    response = staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert response.context["result"].invalid_rows[0].number == 3
    assert not Deputy.objects.filter(name__in=["甲", "乙"]).exists()


def test_admin_preview_of_a_big_file_shows_totals(staff_client, term, electoral_unit, monkeypatch):
    monkeypatch.setattr("dataio.importing.PREVIEW_MAX_ROWS", 1)
    response = _upload(
        staff_client, xlsx_bytes([HEADERS, deputy_row("甲", "13800005141"), deputy_row("乙", "13800005142")])
    )
    html = response.content.decode()
    assert 'name="confirm"' in html and "too large to show row by row" in html
    assert "New records: 2." in html


def test_failed_uploads_are_not_kept(staff_client, settings, term, electoral_unit):
    _upload(staff_client, xlsx_bytes([HEADERS, deputy_row("甲", "12345")]))
    folder = Path(settings.STORAGES["import_export"]["OPTIONS"]["location"]) / "django-import-export"
    assert not folder.exists() or not any(folder.iterdir())
    _upload(staff_client, xlsx_bytes([HEADERS, deputy_row("甲", "13800005151")]))
    assert len(list(folder.iterdir())) == 1  # kept for the confirm step


def test_admin_import_refuses_wrong_and_oversized_files(staff_client, settings, term, electoral_unit):
    response = _upload(staff_client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, name="photo.xlsx")
    assert response.status_code == 200
    assert "not an Excel workbook" in response.content.decode()
    response = _upload(staff_client, b"", name="empty.csv", fmt="1")
    assert response.status_code == 200
    settings.IMPORT_MAX_BYTES = 100
    response = _upload(staff_client, xlsx_bytes([HEADERS, deputy_row("甲", "13800005121")]))
    assert response.status_code == 200 and "at most" in response.content.decode()
    assert Deputy.objects.count() == 0


def test_admin_import_of_a_file_with_a_missing_column(staff_client, term, electoral_unit):
    response = _upload(staff_client, xlsx_bytes([["人大", "姓名", "性别"], [CITY, "甲", "女"]]))
    html = response.content.decode()
    assert response.status_code == 200 and 'name="confirm"' not in html
    assert "Required columns are missing: Electoral unit." in html


# --- the benchmark command, at toy size ---


def test_bench_import_command_runs(db, capsys):
    call_command("bench_import", rows=30, allow_any_database=True)
    out = capsys.readouterr().out
    assert "rows/s" in out
    assert Deputy.objects.count() == 30


# --- rosters as offices keep them ---


def test_a_roster_as_offices_keep_it_imports(staff, term, electoral_unit):
    """A row-number column, the birth month instead of the year (as text, typed as a number,
    as a date cell) and 政治面貌 for the party: what real rosters hold."""
    import datetime

    headers = ["序号", "人大", "选举单位", "姓名", "性别", "民族", "出生年月", "政治面貌", "工作单位及职务"]
    rows = [
        [1, CITY, "玄武区", "王芳", "女", "汉族", "1968.10", "中共党员", "示例市某中学教师"],
        [2, CITY, "玄武区", "李强", "男", "回族", 1975.3, "民盟盟员", "某科技公司总经理"],
        [3, CITY, "玄武区", "张敏", "女", "汉族", "1980年5月", "群众", "某社区党委书记"],
        [4, CITY, "玄武区", "刘军", "男", "满族", datetime.date(1972, 11, 1), "无党派人士", "某医院主任医师"],
    ]
    result = run_import(DeputyResource, xlsx_bytes([headers, *rows]), staff)
    assert problems(result) == []
    got = {d.name: (d.birth_year, d.party, d.ethnicity) for d in Deputy.objects.all()}
    assert got == {
        "王芳": (1968, "中共党员", "汉族"),
        "李强": (1975, "民盟盟员", "回族"),
        "张敏": (1980, "群众", "汉族"),
        "刘军": (1972, "无党派人士", "满族"),
    }


def test_a_birth_month_that_is_no_date_is_refused(staff, term, electoral_unit):
    headers = ["人大", "选举单位", "姓名", "性别", "出生年月"]
    result = run_import(DeputyResource, xlsx_bytes([headers, [CITY, "玄武区", "甲", "女", "1975.13"]]), staff)
    assert problems(result) == [(2, "Birth year", "“1975.13” is not a year; write four digits, e.g. 1975.")]
    assert Deputy.objects.count() == 0


def _xls_bytes(rows) -> bytes:
    """An .xls workbook (the older Excel format), with date cells formatted as dates."""
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("代表名单")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xls_roster_is_imported_through_the_admin(staff_client, term, electoral_unit):
    import datetime

    content = _xls_bytes(
        [
            HEADERS,
            [CITY, "玄武区", "甲", "女", 1975, 13800005201, "", datetime.date(2022, 1, 5), "否"],
            [CITY, "玄武区", "乙", "男", 1980, "13800005202", "", "2022-01-06", "否"],
        ]
    )
    assert content.startswith(b"\xd0\xcf\x11\xe0")
    response = _upload(staff_client, content, name="代表名单.xls")
    assert 'name="confirm"' in response.content.decode()
    confirm = response.context["confirm_form"].initial
    response = staff_client.post("/admin/deputies/deputy/process_import/", {**confirm, "confirm": "1"})
    assert response.status_code == 302
    got = {d.name: (d.birth_year, d.mobile, d.elected_on) for d in Deputy.objects.all()}
    assert got == {
        "甲": (1975, "13800005201", datetime.date(2022, 1, 5)),
        "乙": (1980, "13800005202", datetime.date(2022, 1, 6)),
    }


def test_an_xls_with_a_bad_row_lists_it_and_writes_nothing(staff, term, electoral_unit):
    content = _xls_bytes([HEADERS, deputy_row("甲", "13800005211"), deputy_row("乙", "12345")])
    result = run_import(DeputyResource, content, staff)
    assert [(row, column) for row, column, _m in problems(result)] == [(3, "Mobile number")]
    assert Deputy.objects.count() == 0
