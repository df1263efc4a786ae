"""Fixtures of the liaison tests: a city station with the deputy attached, a district station."""

import pytest

from .. import factories
from .factories import StationFactory


@pytest.fixture
def station(city, deputy):
    station = StationFactory(congress=city, name="玄武区梅园新村街道代表联络站", street="梅园新村街道")
    station.deputies.add(deputy.mandate)
    return station


@pytest.fixture
def district_station(district):
    return StationFactory(congress=district, name="玄武区代表之家", kind="home")


@pytest.fixture
def other_deputy(city, term, electoral_unit):
    """A second deputy with an account, attached to no station."""
    from ..builders import make_deputy_user

    return make_deputy_user(city, term, "王代表", electoral_unit)


@pytest.fixture
def anon_client(client):
    return client


@pytest.fixture
def staff2(city):
    from ..conftest import with_totp

    return with_totp(factories.StaffFactory(congress=city, full_name="工作人员乙"))
