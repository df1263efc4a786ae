"""The public list's content drawn once per shape (core.fragments) for anonymous readers is the
content the template engine draws for a signed-in reader, whatever the query: searched or not,
several words, a refused value, an empty or a later page, both languages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from demo.management.commands.bench_proposals import build_dataset

from ..builders import english

LIST = reverse("proposals:list")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
CONTENT = re.compile(r'<div class="page-head">.*</section>', re.S)

QUERIES = [
    "",
    "?page=2",
    "?page=400",
    "?q=建议",
    "?q=建议&page=2",
    "?q=建议 停车",
    "?q=无此词语",
    "?q=无此词语&page=3",
    "?q=" + "长" * 120,
    "?q=<script>\"'%26",
    "?session=abc&unit=99999&year=1900",
    "?sort=relevance&q=建议",
    "?sort=relevance",
    "?q=%20",
]


def content(response) -> str:
    assert response.status_code == 200
    return CONTENT.search(TOKEN.sub("", response.content.decode())).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_anonymous_readers_get_the_content_the_engine_draws(deputy, language):
    build_dataset(count=45, published_share=0.9, seed=41)
    signed_in = Client()
    signed_in.force_login(deputy)
    anonymous = Client()
    if language == "en":
        english(signed_in), english(anonymous)
    for query in QUERIES:
        drawn = content(signed_in.get(LIST + query))
        framed = content(anonymous.get(LIST + query))
        assert framed == drawn, query
        assert content(anonymous.get(LIST + query)) == drawn, query
