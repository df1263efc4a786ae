"""The public pages' query counts do not grow with the data: 5 stations or deputies vs 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.models import Duty

from ..builders import serving_deputies
from .factories import StationFactory

pytestmark = pytest.mark.django_db

# The list: the count and the page. The detail: the station, its deputies, its schedule.
LIST_QUERIES = 2
DETAIL_QUERIES = 3


def _stations(city, n):
    StationFactory.create_batch(n, congress=city)


def _station_with(city, term, n):
    station = StationFactory(congress=city)
    deputies = serving_deputies(n, city=city, term=term)
    station.deputies.set(deputies)
    today = timezone.localdate()
    Duty.objects.bulk_create(
        Duty(
            station=station,
            deputy=d,
            date=today + datetime.timedelta(days=i % 28),
            start_time=datetime.time(9, 0),
            end_time=datetime.time(12, 0),
        )
        for i, d in enumerate(deputies)
    )
    return station


@pytest.mark.parametrize("n", [5, 500])
def test_station_list_queries(client, city, n, django_assert_num_queries):
    _stations(city, n)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("liaison:stations"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [5, 500])
def test_station_list_search_queries(client, city, n, django_assert_num_queries):
    _stations(city, n)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("liaison:stations"), {"q": "街道"})
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 500])
def test_station_detail_queries(client, city, term, n, django_assert_num_queries):
    station = _station_with(city, term, n)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("liaison:station", args=[station.pk]))
    assert response.status_code == 200
    assert len(response.context["station"].public_deputies) == n
    assert len(response.context["station"].schedule) == n


def test_the_list_groups_by_district_and_searches_street_or_name(client, city):
    StationFactory(congress=city, district="秦淮区", street="夫子庙街道", name="夫子庙联络站")
    StationFactory(congress=city, district="玄武区", street="新街口街道", name="新街口代表之家")
    StationFactory(congress=city, district="玄武区", street="红山街道", name="红山联络站", is_active=False)
    html = client.get(reverse("liaison:stations")).content.decode()
    # One heading per district, the district's stations under it.
    assert html.count('<h2 id="district-') == 2
    assert html.index("秦淮区</h2>") < html.index("夫子庙联络站")
    assert html.index("玄武区</h2>") < html.index("新街口代表之家")
    assert "红山联络站" not in html  # closed stations are not listed
    found = client.get(reverse("liaison:stations"), {"q": "夫子庙"}).context["page"].object_list
    assert [s.name for s in found] == ["夫子庙联络站"]
    found = client.get(reverse("liaison:stations"), {"q": "新街口代表之家"}).context["page"].object_list
    assert [s.name for s in found] == ["新街口代表之家"]


def test_the_station_page_shows_public_names_only(client, station, deputy):
    mandate = deputy.mandate
    mandate.address = "示例市玄武区某小区1栋"
    mandate.id_number = "11010519491231002X"
    mandate.save()
    html = client.get(reverse("liaison:station", args=[station.pk])).content.decode()
    assert mandate.name in html
    for private in (mandate.mobile, "11010519491231002X", "某小区1栋", mandate.employer):
        assert private not in html


def test_the_schedule_shows_the_next_four_weeks_only(client, station, deputy):
    today = timezone.localdate()
    for days in (-1, 0, 27, 28):
        Duty.objects.create(
            station=station,
            deputy=deputy.mandate,
            date=today + datetime.timedelta(days=days),
            start_time=datetime.time(9),
            end_time=datetime.time(11),
        )
    schedule = client.get(reverse("liaison:station", args=[station.pk])).context["station"].schedule
    assert [d.date for d in schedule] == [today, today + datetime.timedelta(days=27)]
