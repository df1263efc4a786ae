"""The archive's suggestions section: what a deputy led, co-signed and rated, on the page,
in the print view and in the Excel export, equal to a recount from the records."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import CoSigner, Rating, Suggestion
from tests import builders


@pytest.fixture
def record(deputy, staff, unit_officer, city, term):
    """GIVEN a deputy who led three submitted items (one replied, rated unsatisfied, replied again
    and rated satisfied), keeps one draft, and co-signed one item of another deputy;
    and another deputy's item the deputy has nothing to do with."""
    other = builders.make_deputy_user(city, term, "李明")
    third = builders.make_deputy_user(city, term, "周红")
    builders.submitted(deputy, title="关于增设社区养老服务站的建议")
    builders.submitted(deputy, title="关于优化公交线路的建议")
    handled, _assignment, first = builders.replied(deputy, staff, unit_officer, title="关于老旧小区加装电梯的建议")
    builders.rate(deputy, first, Rating.Value.UNSATISFIED, "进度太慢")
    second = builders.reply(unit_officer, handled, code="A", text="已完成加装。")
    builders.rate(deputy, second, Rating.Value.SATISFIED)
    builders.draft(deputy, title="草稿不计入")
    builders.submitted(other, title="关于治理河道污染的建议", cosigners=[deputy])
    builders.submitted(third, title="与该代表无关的建议")
    return deputy


def recount(mandate, year):
    return {
        "led": Suggestion.objects.filter(lead_deputy=mandate, submitted_at__year=year).count(),
        "cosigned": CoSigner.objects.filter(
            deputy=mandate, status=CoSigner.Status.CONFIRMED, suggestion__submitted_at__year=year
        ).count(),
        "rated": Rating.objects.filter(deputy=mandate, rated_at__year=year).count(),
    }


def section_of(response):
    (section,) = [s for s in response.context["sections"] if s.key == "suggestions"]
    return section


@pytest.mark.django_db
def test_the_deputy_sees_what_they_led_cosigned_and_rated(deputy_client, record):
    year = timezone.localdate().year
    response = deputy_client.get(reverse("archive:my_archive"), {"year": year})
    assert response.status_code == 200
    section = section_of(response)
    figures = [value for _label, value in section.figures]
    counted = recount(record.mandate, year)
    assert figures[:3] == [counted["led"], counted["cosigned"], counted["rated"]] == [3, 1, 2]
    led, cosigned, rated = section.tables
    assert {row[1] for row in led.rows} == {
        "关于增设社区养老服务站的建议",
        "关于优化公交线路的建议",
        "关于老旧小区加装电梯的建议",
    }
    assert [row[1] for row in cosigned.rows] == ["关于治理河道污染的建议"]
    assert cosigned.rows[0][-1] == "李明"
    assert sorted(row[3] for row in rated.rows) == sorted(["满意", "不满意"])
    page = response.content.decode()
    assert "关于治理河道污染的建议" in page and "草稿不计入" not in page and "与该代表无关的建议" not in page


@pytest.mark.django_db
def test_another_year_shows_none_of_it(deputy_client, record):
    year = timezone.localdate().year - 1
    section = section_of(deputy_client.get(reverse("archive:my_archive"), {"year": year}))
    assert [value for _label, value in section.figures][:3] == [0, 0, 0]
    # The term's totals do not depend on the year shown.
    assert [value for _label, value in section.figures][3:] == [3, 1]


@pytest.mark.django_db
def test_staff_see_the_same_section_and_it_is_in_the_export_and_the_print_view(staff_client, record):
    year = timezone.localdate().year
    url = reverse("archive:archive_detail", args=[record.mandate.pk])
    section = section_of(staff_client.get(url, {"year": year}))
    assert [value for _label, value in section.figures][:3] == list(recount(record.mandate, year).values())

    export = staff_client.get(reverse("archive:archive_detail_export", args=[record.mandate.pk]), {"year": year})
    book = openpyxl.load_workbook(io.BytesIO(export.getvalue()))
    # The summary, then one sheet per section: activities, suggestions, livelihood, study.
    assert book.sheetnames[:3] == ["统计", "活动", "议案建议"] and len(book.sheetnames) == 5
    cells = [c for row in book.worksheets[2].iter_rows(values_only=True) for c in row if c is not None]
    assert "关于治理河道污染的建议" in cells and "关于老旧小区加装电梯的建议" in cells and 3 in cells

    printed = staff_client.get(reverse("archive:archive_detail_print", args=[record.mandate.pk]), {"year": year})
    text = printed.content.decode()
    assert "关于优化公交线路的建议" in text and "李明" in text
