"""Printable QR codes: SVG drawn on the server, encoding the opinion form's absolute address."""

import pytest
import segno
from django.urls import reverse

from liaison import qr

pytestmark = pytest.mark.django_db


def test_the_station_code_is_an_svg_of_its_form_address(client, staff, station, settings):
    settings.SITE_URL = "https://rddb.example.gov.cn"
    client.force_login(staff)
    response = client.get(reverse("liaison_office:qr_svg", args=[station.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml" and response["X-Content-Type-Options"] == "nosniff"
    url = f"https://rddb.example.gov.cn/stations/{station.pk}/"
    assert qr.opinion_form_url(station) == url
    assert response.content == qr.svg_bytes(url)
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    # The same matrix as segno draws for that address (and not for another).
    assert response.content == _svg(segno.make(url, error="m"))
    assert response.content != _svg(segno.make(url + "x", error="m"))


def _svg(code) -> bytes:
    import io

    out = io.BytesIO()
    code.save(out, kind="svg", scale=qr.SCALE, border=4, xmldecl=True)
    return out.getvalue()


def test_a_deputy_code_preselects_the_deputy(client, staff, station, deputy, settings):
    settings.SITE_URL = "https://rddb.example.gov.cn/"
    client.force_login(staff)
    mandate = deputy.mandate
    response = client.get(reverse("liaison_office:qr_svg", args=[station.pk]), {"deputy": mandate.pk, "download": 1})
    url = f"https://rddb.example.gov.cn/stations/{station.pk}/?deputy={mandate.pk}"
    assert response.content == qr.svg_bytes(url)
    assert response["Content-Disposition"].startswith("attachment;")
    # The address it encodes does preselect the deputy on the form.
    client.logout()
    html = client.get(f"/stations/{station.pk}/?deputy={mandate.pk}").content.decode()
    assert f'<option value="{mandate.pk}" selected>' in html


def test_a_deputy_not_of_the_station_has_no_code(client, staff, station, other_deputy):
    client.force_login(staff)
    response = client.get(reverse("liaison_office:qr_svg", args=[station.pk]), {"deputy": other_deputy.mandate.pk})
    assert response.status_code == 404


def test_the_print_page_shows_every_code_with_names(client, staff, station, deputy):
    client.force_login(staff)
    html = client.get(reverse("liaison_office:qr", args=[station.pk])).content.decode()
    assert station.name in html and f"{deputy.mandate.name}代表" in html
    assert html.count('<img src="/office/stations/') == 2
    assert "<script" not in html and "style=" not in html
