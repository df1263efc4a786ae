"""The office list keeps its filter form's HTML (core.figures): right for each actor, each
filter, and renewed by any change to the records."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("proposals_office:list")


def _html(client, params=None) -> str:
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_unit_is_offered_in_the_filter_at_once(staff_client, city):
    assert "新设的市数据局" not in _html(staff_client)
    assert "新设的市数据局" not in _html(staff_client)  # now from the cache
    factories.UnitFactory(congress=city, name="新设的市数据局")
    assert "新设的市数据局" in _html(staff_client)


def test_the_chosen_filter_is_shown_for_each_query(staff_client, city):
    unit = factories.UnitFactory(congress=city, name="市交通运输局")
    _html(staff_client)
    chosen = _html(staff_client, {"unit": unit.pk})
    assert f'<option value="{unit.pk}" selected>' in chosen
    assert f'<option value="{unit.pk}" selected>' not in _html(staff_client)
    assert 'value="养老"' in _html(staff_client, {"q": "养老"})
    assert 'value="养老"' not in _html(staff_client, {"unit": unit.pk})


def test_district_staff_never_see_the_city_s_kept_form(staff_client, district_staff, city, district):
    factories.UnitFactory(congress=city, name="市级单位甲")
    factories.UnitFactory(congress=district, name="区级单位乙")
    assert "市级单位甲" in _html(staff_client)
    other = Client()
    other.force_login(district_staff)
    html = _html(other)
    assert "区级单位乙" in html and "市级单位甲" not in html


def test_the_kept_form_is_in_the_reader_s_language(staff_client):
    chinese = _html(staff_client)
    assert '<button type="submit" class="button">筛选</button>' in chinese
    staff_client.cookies["django_language"] = "en"
    english = _html(staff_client)
    assert '<button type="submit" class="button">Filter</button>' in english
