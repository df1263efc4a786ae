"""Contact assignments imported from Excel in the admin: preview with per-row errors in Chinese,
all or nothing, scoped to the staff member's congresses."""

import io

import openpyxl
import pytest

from liaison.models import ContactAssignment

from .. import factories

pytestmark = pytest.mark.django_db

CITY = "示例市人民代表大会"
HEADERS = ["人大", "常委会组成人员", "代表"]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content):
    upload = io.BytesIO(content)
    upload.name = "assignments.xlsx"
    return client.post(
        "/admin/liaison/contactassignment/import/", {"import_file": upload, "format": "0", "resource": "0"}
    )


def test_a_good_file_previews_then_imports(client, staff, leader, deputy, other_deputy):
    client.force_login(staff)
    content = xlsx([HEADERS, [CITY, "赵主任", "李代表"], [CITY, "赵主任", "王代表"]])
    response = _upload(client, content)
    assert 'name="confirm"' in response.content.decode() and ContactAssignment.objects.count() == 0
    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/liaison/contactassignment/process_import/", {**confirm, "confirm": "1"})
    assert response.status_code == 302
    assert set(ContactAssignment.objects.values_list("member_id", "deputy_id")) == {
        (leader.seat.pk, deputy.mandate.pk),
        (leader.seat.pk, other_deputy.mandate.pk),
    }


@pytest.mark.parametrize(
    "row, message",
    [
        ([CITY, "查无此人", "李代表"], "没有名为“查无此人”的在任常委会组成人员"),
        ([CITY, "赵主任", "查无此人"], "没有名为“查无此人”的代表"),
        ([CITY, "赵主任", "赵主任"], "不能被指定联系自己"),
        ([CITY, "赵主任", "李代表"], "该组合在本文件第 2 行中也有"),
        ([CITY, "赵主任", "已指定代表"], "该代表已指定由该组成人员联系"),
        (["查无此人大", "赵主任", "李代表"], "没有名为“查无此人大”的人大"),
    ],
)
def test_bad_rows_are_shown_and_nothing_is_written(client, staff, leader, deputy, city, term, row, message):
    taken = factories.DeputyFactory(congress=city, term=term, name="已指定代表")
    ContactAssignment.objects.create(member=leader.seat, deputy=taken)
    client.force_login(staff)
    response = _upload(client, xlsx([HEADERS, [CITY, "赵主任", "李代表"], row]))
    html = response.content.decode()
    assert 'name="confirm"' not in html
    assert message in html
    assert [r.number for r in response.context["result"].invalid_rows] == [3]
    assert ContactAssignment.objects.count() == 1


def test_district_staff_may_not_import_into_the_city(client, district_staff, leader, deputy):
    client.force_login(district_staff)
    response = _upload(client, xlsx([HEADERS, [CITY, "赵主任", "李代表"]]))
    assert "不是您所属的人大" in response.content.decode()
    assert ContactAssignment.objects.count() == 0


def test_the_export_reads_back(client, staff, leader, deputy):
    ContactAssignment.objects.create(member=leader.seat, deputy=deputy.mandate)
    client.force_login(staff)
    response = client.post("/admin/liaison/contactassignment/export/", {"format": "0", "resource": "0"})
    assert response.status_code == 200
