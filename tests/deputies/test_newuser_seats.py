"""The roster import and the seats of an electoral unit: a row that would give a unit more
deputies than its seats is a row error in the preview (nothing written), and the preview counts
rows per electoral unit (new, changed, with problems, seats left)."""

import pytest
from django.utils import translation

from deputies.models import Deputy
from deputies.resources import DeputyResource
from tests import factories

from .test_import_export import HEADERS, _upload, deputy_row, problems, run_import, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def small_unit(electoral_unit):
    electoral_unit.seats = 3
    electoral_unit.save(update_fields=["seats"])
    return electoral_unit


def rows(n, start=0, unit="玄武区"):
    return [deputy_row(f"代表{start + i}", f"138000062{start + i:02d}", unit=unit) for i in range(n)]


def test_rows_beyond_the_seats_are_refused_and_nothing_is_written(staff, term, small_unit):
    """GIVEN a unit with 3 seats, 1 taken WHEN a file adds 4 THEN rows 4 and 5 (the 3rd and 4th new
    deputies) are refused on the electoral unit column, and nothing is imported."""
    factories.DeputyFactory(congress=term.congress, term=term, electoral_unit=small_unit, status=Deputy.Status.SERVING)
    content = xlsx_bytes([HEADERS, *rows(4)])
    preview = run_import(DeputyResource, content, staff, dry_run=True)
    found = problems(preview)
    assert [(row, column) for row, column, _m in found] == [(4, "Electoral unit"), (5, "Electoral unit")]
    assert "elects 3 deputies and all 3 seats are taken" in found[0][2]
    result = run_import(DeputyResource, content, staff)
    assert result.has_validation_errors()
    assert Deputy.objects.count() == 1


def test_terminated_deputies_free_their_seat(staff, term, small_unit):
    for _i in range(3):
        factories.DeputyFactory(
            congress=term.congress, term=term, electoral_unit=small_unit, status=Deputy.Status.TERMINATED
        )
    assert problems(run_import(DeputyResource, xlsx_bytes([HEADERS, *rows(3)]), staff)) == []
    assert Deputy.objects.filter(status__in=(Deputy.Status.SERVING, Deputy.Status.PENDING)).count() == 3


def test_a_unit_without_recorded_seats_is_not_limited(staff, term, electoral_unit):
    electoral_unit.seats = None
    electoral_unit.save(update_fields=["seats"])
    assert problems(run_import(DeputyResource, xlsx_bytes([HEADERS, *rows(5)]), staff)) == []


def test_updating_a_seated_deputy_takes_no_new_seat(staff, term, small_unit):
    """GIVEN a full unit WHEN its deputies' rows come back with their record IDs and a change
    THEN they are changed, not refused, and the preview counts them as changed."""
    assert problems(run_import(DeputyResource, xlsx_bytes([HEADERS, *rows(3)]), staff)) == []
    header = ["Record ID", "人大", "选举单位", "姓名", "性别"]
    again = [[d.pk, "示例市人民代表大会", "玄武区", d.name + "甲", "女"] for d in Deputy.objects.order_by("pk")]
    preview = run_import(DeputyResource, xlsx_bytes([header, *again]), staff, dry_run=True)
    assert problems(preview) == []
    assert [(line["new"], line["updated"], line["seats_left"]) for line in preview.group_summary] == [(0, 3, 0)]


def test_the_preview_counts_rows_per_electoral_unit(staff, term, small_unit, city):
    other = factories.ElectoralUnitFactory(congress=city, name="秦淮区", seats=None)
    content = xlsx_bytes(
        [HEADERS, *rows(4), *rows(2, start=10, unit="秦淮区"), deputy_row("无名", "12345", unit="秦淮区")]
    )
    summary = run_import(DeputyResource, content, staff, dry_run=True).group_summary
    lines = {line["name"]: (line["new"], line["updated"], line["errors"], line["seats_left"]) for line in summary}
    assert lines == {small_unit.name: (3, 0, 1, 0), other.name: (2, 0, 1, None)}


def test_the_admin_preview_shows_the_per_unit_table(staff_client, term, small_unit):
    response = _upload(staff_client, xlsx_bytes([HEADERS, *rows(2)]))
    html = response.content.decode()
    assert 'id="import-groups"' in html and "Seats left" in html
    assert response.context["result"].group_summary[0]["seats_left"] == 1
    assert Deputy.objects.count() == 0
