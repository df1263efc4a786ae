"""Import and export of login accounts: created through the service, never with staff rights, scoped."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import translation

from accounts import roles
from accounts.models import SecurityEvent, User
from dataio.formats import CSV, XLSX
from deputies.account_resources import UserResource
from tests import factories

pytestmark = pytest.mark.django_db

CITY = "示例市人民代表大会"


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


def run_import(content: bytes, user, *, fmt=XLSX, dry_run=False):
    dataset = fmt().create_dataset(content)
    return UserResource(user=user).import_data(dataset, dry_run=dry_run, user=user, file_name="users.xlsx")


def problems(result):
    found = [(None, "", str(error.error)) for error in result.base_errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            found.extend((row.number, column, str(m)) for m in messages)
    return found


def test_import_creates_accounts_through_the_service(staff, city):
    unit = factories.UnitFactory(congress=city, name="示例市交通运输局")
    content = xlsx_bytes(
        [
            ["姓名", "电子邮箱", "手机号码", "人大", "承办单位", "可登录管理后台"],
            ["承办人甲", "Jia@Example.ORG", "13800006001", CITY, "示例市交通运输局", "是"],
            ["联络员乙", "", "13800006002", CITY, "", ""],
        ]
    )
    assert problems(run_import(content, staff, dry_run=True)) == []
    assert not User.objects.filter(mobile="13800006001").exists()
    result = run_import(content, staff)
    assert problems(result) == [] and result.totals["new"] == 2
    jia = User.objects.get(mobile="13800006001")
    assert (jia.email, jia.unit, jia.congress) == ("Jia@example.org", unit, city)
    # The file cannot hand out the admin: "Can use the admin" is for reading only.
    assert not jia.is_staff and not jia.has_usable_password()
    assert roles.has_role(jia, roles.UNIT_OFFICER)
    assert User.objects.get(mobile="13800006002").email is None
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ACCOUNT_CREATED, actor=staff).count() == 2
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IMPORT)
    assert (event.detail["model"], event.detail["new"]) == ("accounts.User", 2)


def test_duplicates_in_the_file_and_in_the_database_are_row_errors(staff, city):
    factories.UserFactory(full_name="已有", email="old@example.org", mobile="13800006099")
    content = xlsx_bytes(
        [
            ["Full name", "E-mail", "Mobile number", "Congress"],
            ["甲", "a@example.org", "13800006011", CITY],
            ["乙", "a@example.org", "13800006012", CITY],
            ["丙", "c@example.org", "13800006099", CITY],
            ["丁", "", "", CITY],
            ["戊", "not-an-address", "12", CITY],
        ]
    )
    found = problems(run_import(content, staff))
    assert [(row, column) for row, column, _m in found] == [
        (3, "E-mail"),
        (4, "Mobile number"),
        (5, "__all__"),
        (6, "E-mail"),
        (6, "Mobile number"),
    ]
    assert "row 2" in found[0][2] and "已有" in found[1][2]
    assert not User.objects.filter(full_name__in=["甲", "乙"]).exists()


def test_district_staff_cannot_import_accounts_into_the_city(district_staff, district, city):
    content = xlsx_bytes(
        [["姓名", "手机号码", "人大"], ["甲", "13800006021", CITY], ["乙", "13800006022", district.name]]
    )
    found = problems(run_import(content, district_staff))
    assert [(row, column) for row, column, _m in found] == [(2, "Congress")]
    assert not User.objects.filter(mobile__in=["13800006021", "13800006022"]).exists()


def test_district_staff_must_place_a_new_account_in_their_congress(district_staff, district):
    content = xlsx_bytes([["姓名", "手机号码"], ["甲", "13800006023"]])
    [(row, column, _message)] = problems(run_import(content, district_staff))
    assert (row, column) == (2, "__all__")


def test_district_staff_export_holds_only_accounts_of_their_congress(district_staff, district, city):
    factories.UserFactory(full_name="市里的人", congress=city)
    factories.UserFactory(full_name="区里的人", congress=district)
    dataset = UserResource(user=district_staff).export(queryset=User.objects.all())
    names = {row[dataset.headers.index("Full name")] for row in dataset}
    assert names == {"区里的人", "区工作人员"}


def test_update_of_congress_and_unit_is_audited(staff, city, district):
    person = factories.UserFactory(full_name="甲", mobile="13800006031", congress=city)
    content = xlsx_bytes([["Record ID", "姓名", "手机号码", "人大"], [person.pk, "甲", "13800006031", district.name]])
    result = run_import(content, staff)
    assert problems(result) == [] and result.totals["update"] == 1
    person.refresh_from_db()
    assert person.congress == district
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_CHANGED, target_user=person)
    assert event.detail["changes"] == {"congress_id": [city.pk, district.pk]}


def test_staff_cannot_change_a_superuser_by_import(staff, city):
    boss = User.objects.create_superuser(email="boss@example.org", full_name="超级管理员", congress=city)
    content = xlsx_bytes([["Record ID", "Full name", "E-mail"], [boss.pk, "超级管理员", "mine@example.org"]])
    [(row, column, _message)] = problems(run_import(content, staff))
    assert (row, column) == (2, "Record ID")
    boss.refresh_from_db()
    assert boss.email == "boss@example.org"


def test_export_masks_mobiles_without_the_permission_and_audits_with_it(staff, city):
    factories.UserFactory(full_name="甲", mobile="13800006041", congress=city)
    dataset = UserResource(user=staff).export(queryset=User.objects.filter(full_name="甲"))
    assert dataset[0][dataset.headers.index("Mobile number")] == "13800006041"
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT_PERSONAL)
    assert (event.actor, event.detail["model"], event.detail["rows"]) == (staff, "accounts.User", 1)

    staff.groups.get(name=roles.GROUP_NAMES[roles.STAFF]).permissions.remove(
        Permission.objects.get(codename="view_personal_data")
    )
    staff = User.objects.get(pk=staff.pk)
    dataset = UserResource(user=staff).export(queryset=User.objects.filter(full_name="甲"))
    assert dataset[0][dataset.headers.index("Mobile number")] == "138****6041"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT_PERSONAL).count() == 1


def test_export_reimports_unchanged(staff, city):
    factories.UserFactory(full_name="甲", congress=city)
    factories.UserFactory(full_name="乙", unit=factories.UnitFactory(congress=city))
    exported = CSV().export_data(UserResource(user=staff).export(queryset=User.objects.all()))
    result = run_import(exported.encode("utf-8"), staff, fmt=CSV)
    assert problems(result) == []
    assert result.totals["new"] == 0 and result.totals["update"] == 0 and result.totals["skip"] == User.objects.count()


def test_admin_user_import_page_lists_the_columns(staff_client):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = staff_client.get("/admin/accounts/user/import/")
    assert response.status_code == 200
    assert "Full name" in response.content.decode()
