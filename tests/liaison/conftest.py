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


# --- The two connections ----------------------------------------------------------------------


@pytest.fixture
def leader(city, term, electoral_unit):
    """A deputy director of the standing committee with an account (``leader.seat``)."""
    from .factories import sc_member

    return sc_member(city, term, "赵主任", position="deputy_director", electoral_unit=electoral_unit)


@pytest.fixture
def sc_plain(city, term, electoral_unit):
    """An ordinary SC member (not a leader) with an account (``sc_plain.seat``)."""
    from .factories import sc_member

    return sc_member(city, term, "钱委员", position="member", electoral_unit=electoral_unit)


@pytest.fixture
def committee(city):
    from liaison.models import Committee

    return Committee.objects.create(congress=city, name="法制委员会", kind="special")


@pytest.fixture
def sc_meeting(city, staff):
    """An SC meeting in the ledger, in ten days' time."""
    import datetime

    from django.utils import timezone

    from .. import factories

    day = timezone.localdate() + datetime.timedelta(days=10)
    return factories.ActivityFactory(
        congress=city, kind="sc_meeting", title="市人大常委会第十次会议", start_date=day, recorder=staff
    )
