"""The admin's export page in Chinese: import-export's own words ("Select all") and each column
under its own heading (not "Id (编号)"); an export with no format chosen says so at the top."""

import re

import pytest
from django.utils import translation

from deputies.models import Deputy
from deputies.resources import DeputyResource

EXPORT_URL = "/admin/deputies/deputy/export/"

pytestmark = pytest.mark.django_db


def labels(html: str) -> list[str]:
    return [text.strip() for text in re.findall(r"<label[^>]*>([^<]*)</label>", html)]


def test_the_export_page_is_chinese(staff_client):
    html = staff_client.get(EXPORT_URL).content.decode()
    found = labels(html)
    assert "全选" in found and "Select all" not in html
    with translation.override("zh-hans"):
        headings = {name: str(field.column_name) for name, field in DeputyResource().fields.items()}
    assert headings["id"] in found and headings["id"] != "Id" and "姓名" in found and "选举单位" in found
    assert not [label for label in found if re.search(r"[A-Za-z]{2,}", label)], found


def test_an_export_without_a_format_is_refused_with_a_message(staff_client, term, electoral_unit):
    data = {"resource": "0", **{f"deputyresource_{n}": "on" for n in DeputyResource().get_export_order()}}
    response = staff_client.post(EXPORT_URL, data)
    assert response.status_code == 200
    assert not response.get("Content-Disposition")
    html = response.content.decode()
    assert 'id="export-errors"' in html
    assert "未导出任何内容，请更正以下错误。" in html
    assert "请先选择导出文件格式（Excel 或 CSV）。" in html


def test_an_export_with_a_format_downloads(staff_client, term, electoral_unit):
    data = {
        "format": "1",
        "resource": "0",
        **{f"deputyresource_{n}": "on" for n in DeputyResource().get_export_order()},
    }
    response = staff_client.post(EXPORT_URL, data)
    assert response.get("Content-Disposition", "").startswith("attachment")
    assert Deputy.objects.count() == 0
