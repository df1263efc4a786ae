"""Stations are changed in the admin (a form, a delete, an Excel import): each change empties the
public page cache after commit, so the home page's count of active stations follows at once;
an import's preview writes nothing and leaves the cache alone."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.models import Station

from ..builders import english
from ..liaison.factories import StationFactory
from ..liaison.test_import import CITY, HEADERS, _upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cached(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"pcache-stations-{uuid.uuid4().hex}",
        }
    }
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    yield
    cache.clear()


def home() -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = english(Client()).get("/")
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def warm() -> str:
    home()
    html, queries = home()
    assert queries == 0
    return html


@pytest.fixture
def station(city):
    return StationFactory(congress=city, name="玄武区梅园新村街道代表联络站")


def form(station, **changes) -> dict:
    data = {
        "congress": station.congress_id,
        "kind": station.kind,
        "district": station.district,
        "street": station.street,
        "name": station.name,
        "address": station.address,
        "opening_hours": station.opening_hours,
        "contact_name": station.contact_name,
        "contact_phone": station.contact_phone,
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_station_added_in_the_admin_is_counted_at_once(client, staff, station, django_capture_on_commit_callbacks):
    assert "at 1 station." in warm()
    client.force_login(staff)
    new = Station(
        congress=station.congress,
        kind=station.kind,
        district="玄武区",
        street="新街口街道",
        name="新街口街道代表联络站",
        address="示例路9号",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:liaison_station_add"), form(new, congress=station.congress_id))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "at 2 stations." in home()[0]


def test_a_station_closed_in_the_admin_leaves_the_count_at_once(
    client, staff, station, django_capture_on_commit_callbacks
):
    StationFactory(congress=station.congress)
    assert "at 2 stations." in warm()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:liaison_station_change", args=[station.pk]), form(station, is_active=None)
        )
    assert response.status_code == 302
    assert Station.objects.get(pk=station.pk).is_active is False
    assert "at 1 station." in home()[0]
    assert Client().get(reverse("liaison:station", args=[station.pk])).status_code == 404


def test_a_station_deleted_in_the_admin_leaves_the_count_at_once(
    client, staff, station, django_capture_on_commit_callbacks
):
    StationFactory(congress=station.congress)
    assert "at 2 stations." in warm()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:liaison_station_delete", args=[station.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert "at 1 station." in home()[0]


def test_imported_stations_are_counted_at_once_and_a_preview_changes_nothing(
    client, staff, city, django_capture_on_commit_callbacks
):
    assert "at 0 stations." in warm()
    client.force_login(staff)
    content = xlsx([HEADERS, [CITY, "代表联络站", "玄武区", "梅园新村街道", "梅园联络站", "示例路1号", "", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        preview = _upload(client, content)
    assert 'name="confirm"' in preview.content.decode()
    assert home()[1] == 0  # the preview rolled back: still the cached page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/admin/liaison/station/process_import/", {**preview.context["confirm_form"].initial, "confirm": "1"}
        )
    assert done.status_code == 302 and Station.objects.count() == 1
    html, queries = home()
    assert queries > 0 and "at 1 station." in html


def test_a_project_title_corrected_in_the_admin_shows_at_once(client, staff, city, django_capture_on_commit_callbacks):
    from ..livelihood import builders as lv

    cycle = lv.voted(staff, city)
    project = lv.elected(cycle)[0]
    assert "第1类项目" in warm()
    client.force_login(staff)
    data = {
        "title": "老旧小区加装电梯",
        "description": project.description,
        "department": project.department_id,
        "officer": "",
        "budget": str(project.budget),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:livelihood_project_change", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "1. 老旧小区加装电梯" in home()[0]
