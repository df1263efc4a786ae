"""GIVEN a station with a deputy WHEN each page is opened THEN it answers."""

from django.urls import reverse

from .factories import opinion


def test_pages_answer(client, station, staff, deputy):
    o, token = opinion(station)
    assert client.get(reverse("liaison:stations")).status_code == 200
    assert client.get(reverse("liaison:station", args=[station.pk])).status_code == 200
    assert client.get(reverse("liaison:opinion", args=[token])).status_code == 200
    client.force_login(staff)
    for name, args in [
        ("liaison_office:opinions", []),
        ("liaison_office:opinion", [o.pk]),
        ("liaison_office:stations", []),
        ("liaison_office:station", [station.pk]),
        ("liaison_office:qr", [station.pk]),
        ("liaison_office:qr_svg", [station.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    client.force_login(deputy)
    assert client.get(reverse("liaison_portal:duties")).status_code == 200
