"""Printable QR codes for a station's opinion form, drawn on the server (segno, SVG).

A code encodes the absolute address (``settings.SITE_URL``) of the station's public page,
where the opinion form is; a deputy's code adds ``?deputy=<id>``, which preselects them.
"""

import io

import segno
from django.conf import settings
from django.urls import reverse

SCALE = 6


def opinion_form_url(station, deputy=None) -> str:
    url = settings.SITE_URL.rstrip("/") + reverse("liaison:station", args=[station.pk])
    return f"{url}?deputy={deputy.pk}" if deputy is not None else url


def svg_bytes(url: str) -> bytes:
    """The code for ``url`` as a standalone SVG document."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=SCALE, border=4, xmldecl=True)
    return out.getvalue()
