"""The public list's "筛选" toggle: a visible open/closed marker (the summary is display:flex, which
drops the browser's own triangle) and a control bound to the filters it opens."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LIST = reverse("proposals:list")


@pytest.mark.django_db
def test_the_toggle_names_what_it_opens_and_is_open_when_filters_are_used(client, city):
    closed = client.get(LIST).content.decode()
    assert '<details class="pp-filters">' in closed
    assert 'aria-controls="pp-filter-grid"' in closed and 'id="pp-filter-grid"' in closed
    opened = client.get(LIST, {"sort": "relevance", "q": "停车"}).content.decode()
    assert "pp-filters-toggle" in opened


def test_the_stylesheet_draws_an_open_and_a_closed_marker():
    css = (Path(settings.BASE_DIR) / "static/css/public.css").read_text(encoding="utf-8")
    assert '.pp-filters summary::before { content: "▸"' in css
    assert '.pp-filters[open] summary::before { content: "▾"; }' in css
