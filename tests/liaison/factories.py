"""Factories and helpers of the liaison tests. Invented data only."""

import itertools
import time

import factory
from django.core import signing

from liaison import services
from liaison.forms import STARTED_SALT
from liaison.models import Station

from .. import factories

_ips = itertools.count(1)


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    congress = factory.SubFactory(factories.CongressFactory)
    kind = Station.Kind.STATION
    district = "玄武区"
    street = factory.Sequence(lambda n: f"示例{n}街道")
    name = factory.Sequence(lambda n: f"示例{n}街道代表联络站")
    address = factory.Sequence(lambda n: f"示例市玄武区示例路{n}号")
    opening_hours = "周一至周五 9:00–17:00"
    contact_name = "站点联系人"
    contact_phone = "025-0000-0001"


def next_ip() -> str:
    n = next(_ips)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def opinion(station, *, text="小区门口路灯坏了，晚上很不安全。", ip=None, **kwargs):
    """An opinion left through the service (each from its own address unless told); returns (opinion, token)."""
    return services.opinion_submit(station=station, text=text, ip=ip or next_ip(), **kwargs)


def started(seconds_ago: float = 5) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def form_data(**overrides) -> dict:
    """What the public form posts: a valid opinion drawn ``seconds_ago`` seconds before."""
    data = {
        "category": "traffic",
        "text": "公交站台没有遮雨棚，希望增设。",
        "author_name": "",
        "contact": "",
        "deputy": "",
        "website": "",
        "started": started(overrides.pop("seconds_ago", 5)),
    }
    data.update(overrides)
    return data


# --- The two connections ----------------------------------------------------------------------


def sc_member(city, term, name: str, *, position: str = "member", electoral_unit=None):
    """A user holding a current SC seat of ``term`` (``user.seat``, ``user.mandate``)."""
    from accounts.services import user_sync_roles
    from deputies.models import StandingCommitteeMember

    from ..builders import make_deputy_user

    user = make_deputy_user(city, term, name, electoral_unit)
    user.seat = StandingCommitteeMember.objects.create(
        term=term, deputy=user.mandate, position=position, start_date=term.start_date
    )
    user_sync_roles(user=user)
    return user


def grassroots(city, term, n: int, *, electoral_unit=None, prefix: str = "基层代表"):
    """``n`` serving grassroots deputies of ``term`` without accounts, written in one statement."""
    from deputies.models import Deputy

    unit = electoral_unit or factories.ElectoralUnitFactory(congress=city)
    rows = [
        Deputy(
            congress=city,
            term=term,
            electoral_unit=unit,
            name=f"{prefix}{i:04d}",
            gender="F",
            is_grassroots=True,
            status="serving",
        )
        for i in range(n)
    ]
    return Deputy.objects.bulk_create(rows)
