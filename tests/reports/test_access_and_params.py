"""Who may open the reports (staff only; a district's staff their congress only) and what a
bad parameter gets (the index with a clear message, status 400, never a 500)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.registry import navigation
from liaison.models import Opinion
from reports import selectors

pytestmark = pytest.mark.django_db

NAMES = ["index", "annual", "handling", "summaries", "coverage", "livelihood", "quality"]


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_log_in(client, name):
    response = client.get(reverse(f"reports:{name}"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", NAMES)
def test_deputy_and_unit_officer_are_refused(client, deputy, unit_officer, name):
    for user in (deputy, unit_officer):
        client.force_login(user)
        assert client.get(reverse(f"reports:{name}")).status_code == 403
        assert client.get(reverse(f"reports:{name}") + "?format=xlsx").status_code == 403


def test_selectors_refuse_non_staff(deputy, city):
    with pytest.raises(Exception) as refused:
        selectors.annual_figures(actor=deputy, congress=city, year=2024)
    assert refused.type.__name__ == "PermissionDenied"


def test_district_staff_see_only_their_congress(world, district_client, district, city):
    index = district_client.get(reverse("reports:index"))
    assert index.status_code == 200
    choices = [pk for pk, _label in index.context["form"].fields["congress"].choices]
    assert choices == [district.pk]
    # The city's reports are not theirs: the city is not a choice.
    for name in NAMES[1:]:
        response = district_client.get(reverse(f"reports:{name}") + f"?congress={city.pk}")
        assert response.status_code == 400, name
    # Their own congress's rows only: the district station's one opinion, none of the city's.
    response = district_client.get(reverse("reports:annual"))
    got = {f.key: f.value for item in response.context["items"] for f in item.figures}
    assert got["opinions"] == Opinion.objects.filter(station__congress=district).count() == 1
    assert got["suggestions_received"] == 0
    quality = district_client.get(reverse("reports:quality"))
    assert quality.context["rows"] == []


def test_district_staff_cannot_open_a_city_electoral_unit(world, district_client):
    response = district_client.get(reverse("reports:summaries") + f"?electoral_unit={world.xuanwu.pk}")
    assert response.status_code == 400


def test_city_staff_may_choose_the_district(world, staff_client, district):
    response = staff_client.get(reverse("reports:annual") + f"?congress={district.pk}")
    assert response.status_code == 200
    got = {f.key: f.value for item in response.context["items"] for f in item.figures}
    assert got["opinions"] == 1


@pytest.mark.parametrize("year", ["abc", "1999", "3000", "20 24", "-1", "2024.5"])
def test_bad_year_gets_a_clear_message(staff_client, staff, year):
    for name in NAMES:
        response = staff_client.get(reverse(f"reports:{name}") + f"?year={year}")
        assert response.status_code == 400, name
        errors = response.context["form"].errors["year"]
        assert errors and all(e.strip() for e in errors)
        assert errors[0] in response.content.decode()


def test_bad_year_message_is_in_chinese(staff_client):
    response = staff_client.get(reverse("reports:annual") + "?year=1999")
    message = response.context["form"].errors["year"][0]
    assert str(timezone.localdate().year) in message and "2000" in message


@pytest.mark.parametrize("param", ["congress=abc", "congress=999999", "electoral_unit=abc", "electoral_unit=999999"])
def test_bad_congress_or_unit_is_refused_with_a_message(world, staff_client, param):
    response = staff_client.get(reverse("reports:summaries") + f"?{param}")
    assert response.status_code == 400
    assert response.context["form"].errors


def test_the_index_lists_every_report_with_the_choice(world, staff_client, city):
    response = staff_client.get(reverse("reports:index") + f"?year={world.year}&congress={city.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    for name in NAMES[1:]:
        assert f"{reverse(f'reports:{name}')}?year={world.year}&amp;congress={city.pk}" in html


def test_header_link_for_staff_only(rf, staff, deputy):
    entry = next(e for e in navigation.entries() if e.name == "reports")
    request = rf.get("/")
    request.user = staff
    (item,) = entry.func(request)
    assert item.in_admin and item.url == reverse("reports:index")
    request.user = deputy
    assert entry.func(request) == []
    assert Client().get(reverse("reports:index")).status_code == 302


@pytest.mark.parametrize(
    "url",
    ["reports:summaries", "reports:coverage", "reports:livelihood"],
)
def test_an_empty_report_still_downloads(world, staff_client, district, url):
    """GIVEN a congress with no term, no cycle and no electoral unit (the district)."""
    from .helpers import sheet_values

    rows = sheet_values(staff_client.get(reverse(url) + f"?congress={district.pk}&year=2020&format=xlsx"))
    assert rows[0][0].startswith(district.name)
    assert len(rows) == 3


def test_selectors_refuse_a_congress_outside_the_scope(world, district_staff, city):
    from django.core.exceptions import PermissionDenied

    for call in (
        lambda: selectors.annual_figures(actor=district_staff, congress=city, year=world.year),
        lambda: selectors.handling_report(actor=district_staff, congress=city, year=world.year),
        lambda: selectors.performance_summaries(
            actor=district_staff, congress=city, year=world.year, electoral_unit=world.xuanwu
        ),
        lambda: selectors.coverage_report(actor=district_staff, congress=city),
        lambda: selectors.livelihood_year(actor=district_staff, congress=city, year=world.year),
        lambda: selectors.unit_quality(actor=district_staff, congress=city, year=world.year),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_excel_cells_never_run_as_formulas(world, staff_client, staff):
    from accounts.models import Unit

    from ..builders import FORMULA
    from .helpers import workbook

    Unit.objects.filter(pk=world.units[0].pk).update(name=FORMULA)
    book = workbook(staff_client.get(reverse("reports:quality") + f"?year={world.year}&format=xlsx"))
    cells = [c for row in book.worksheets[0].iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


def test_excel_is_in_chinese_whatever_the_page_language(world, staff_client):
    from ..builders import english
    from .helpers import sheet_values

    english(staff_client)
    page = staff_client.get(reverse("reports:annual"))
    assert "Annual deputy-work report" in page.content.decode()
    rows = sheet_values(staff_client.get(reverse("reports:annual") + "?format=xlsx"))
    assert rows[0][0].endswith("代表工作机构")


def test_index_query_count(world, staff_client, django_assert_num_queries):
    with django_assert_num_queries(9):
        assert staff_client.get(reverse("reports:index")).status_code == 200
