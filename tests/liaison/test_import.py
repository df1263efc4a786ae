"""Stations imported from Excel in the admin: preview with per-row errors in Chinese, all or nothing."""

import io

import openpyxl
import pytest

from liaison.models import Station

pytestmark = pytest.mark.django_db

CITY = "示例市人民代表大会"
HEADERS = ["人大", "类别", "区", "街道（镇）", "名称", "站点地址", "开放时间", "进站代表"]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content):
    upload = io.BytesIO(content)
    upload.name = "stations.xlsx"
    return client.post("/admin/liaison/station/import/", {"import_file": upload, "format": "0", "resource": "0"})


def test_a_row_naming_an_unknown_deputy_is_an_error_and_nothing_is_written(client, staff, deputy):
    client.force_login(staff)
    content = xlsx(
        [
            HEADERS,
            [CITY, "代表联络站", "玄武区", "梅园新村街道", "梅园联络站", "示例路1号", "工作日", deputy.mandate.name],
            [CITY, "代表之家", "玄武区", "新街口街道", "新街口代表之家", "示例路2号", "", "查无此人"],
        ]
    )
    response = _upload(client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="confirm"' not in html
    assert "没有名为“查无此人”的代表" in html
    rows = response.context["result"].invalid_rows
    assert [r.number for r in rows] == [3]
    assert any("查无此人" in str(m) for m in rows[0].error_dict.get("进站代表", []))
    assert Station.objects.count() == 0


def test_a_good_file_previews_then_imports_with_deputies(client, staff, deputy):
    client.force_login(staff)
    content = xlsx(
        [HEADERS, [CITY, "代表联络站", "玄武区", "梅园新村街道", "梅园联络站", "示例路1号", "", deputy.mandate.name]]
    )
    response = _upload(client, content)
    assert 'name="confirm"' in response.content.decode() and Station.objects.count() == 0
    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/liaison/station/process_import/", {**confirm, "confirm": "1"})
    assert response.status_code == 302
    station = Station.objects.get()
    assert station.kind == Station.Kind.STATION and list(station.deputies.all()) == [deputy.mandate]


def test_district_staff_may_not_import_into_the_city(client, district_staff):
    client.force_login(district_staff)
    content = xlsx([HEADERS, [CITY, "代表联络站", "玄武区", "", "梅园联络站", "示例路1号", "", ""]])
    response = _upload(client, content)
    assert "不是您所属的人大" in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
    assert Station.objects.count() == 0


def test_a_station_list_as_a_district_publishes_it_imports(client, district_staff, district):
    """No congress column (the importer's own), no kind column (read from each name), a row
    number column and the list's own column names."""
    client.force_login(district_staff)
    headers = ["序号", "所属区", "街道", "站点名称", "地址", "联系人", "联系电话", "接待时间"]
    rows = [
        [
            1,
            "玄武区",
            "梅园新村街道",
            "梅园新村街道人大代表联络站",
            "示例路1号",
            "王某",
            "025-00000001",
            "每月第二周周三",
        ],
        [2, "玄武区", "新街口街道", "新街口街道人大代表之家", "示例路2号", "李某", "025-00000002", "工作日 9:00-17:00"],
        [3, "玄武区", "", "区政务服务中心人大代表联系点", "示例路3号", "", "", ""],
        [4, "玄武区", "", "玄武区医疗卫生专业代表工作站", "示例路4号", "", "", ""],
    ]
    response = _upload(client, xlsx([headers, *rows]))
    assert 'name="confirm"' in response.content.decode(), response.content.decode()[-3000:]
    confirm = response.context["confirm_form"].initial
    assert client.post("/admin/liaison/station/process_import/", {**confirm, "confirm": "1"}).status_code == 302
    got = {s.name: (s.kind, s.congress_id, s.opening_hours) for s in Station.objects.all()}
    assert got == {
        "梅园新村街道人大代表联络站": (Station.Kind.STATION, district.pk, "每月第二周周三"),
        "新街口街道人大代表之家": (Station.Kind.HOME, district.pk, "工作日 9:00-17:00"),
        "区政务服务中心人大代表联系点": (Station.Kind.SERVICE_CENTER, district.pk, ""),
        "玄武区医疗卫生专业代表工作站": (Station.Kind.PROFESSIONAL, district.pk, ""),
    }


def _refused(client, name: str) -> str:
    """A three-column list of one station called ``name``: refused, nothing written; the page."""
    response = _upload(client, xlsx([["区", "名称", "站点地址"], ["玄武区", name, "示例路1号"]]))
    html = response.content.decode()
    assert 'name="confirm"' not in html and Station.objects.count() == 0
    return html


def test_a_name_that_gives_no_kind_asks_for_the_column(client, district_staff):
    client.force_login(district_staff)
    assert "无法从名称“梅园新村活动室”看出类别；请填写“类别”列。" in _refused(client, "梅园新村活动室")


def test_without_a_congress_column_a_superuser_without_congress_is_asked_for_it(client, staff):
    staff.is_superuser, staff.congress = True, None
    staff.save(update_fields=["is_superuser", "congress"])
    client.force_login(staff)
    assert "请填写所属人大" in _refused(client, "梅园新村联络站")
