"""The citizen's private link: unguessable, stored only as a hash, and 404 for any other value."""

import pytest
from django.urls import reverse

from liaison import services
from liaison.models import Opinion

from .factories import opinion

pytestmark = pytest.mark.django_db


def test_the_token_has_at_least_128_bits_and_only_its_hash_is_stored(station):
    tokens = {opinion(station)[1] for _ in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        # token_urlsafe(24): 24 random bytes, 32 characters of base64.
        assert len(token) >= 32 and services.TOKEN_BYTES * 8 >= 128
    stored = set(Opinion.objects.values_list("token_hash", flat=True))
    assert not tokens & stored
    assert stored == {services.token_hash(t) for t in tokens}


def test_the_right_token_opens_the_opinion(client, station, staff, deputy):
    o, token = opinion(station, text="请增设路灯。")
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy)
    services.opinion_answer(actor=deputy, opinion=o, answer="已安排本月增设。")
    html = client.get(reverse("liaison:opinion", args=[token])).content.decode()
    assert "请增设路灯。" in html and "已安排本月增设。" in html and "已答复" in html


@pytest.mark.parametrize("change", ["drop_last", "flip_first", "append", "empty_like", "long"])
def test_a_wrong_or_altered_token_is_404(client, station, change):
    _o, token = opinion(station)
    altered = {
        "drop_last": token[:-1],
        "flip_first": ("A" if token[0] != "A" else "B") + token[1:],
        "append": token + "x",
        "empty_like": "-",
        "long": token * 10,
    }[change]
    assert client.get(reverse("liaison:opinion", args=[altered])).status_code == 404


def test_another_citizens_token_opens_only_their_opinion(client, station):
    _a, token_a = opinion(station, text="甲的意见")
    _b, token_b = opinion(station, text="乙的意见")
    html = client.get(reverse("liaison:opinion", args=[token_a])).content.decode()
    assert "甲的意见" in html and "乙的意见" not in html


def test_opinions_are_never_on_a_public_page(client, station):
    opinion(station, text="这是一条不公开的意见")
    for url in (reverse("liaison:stations"), reverse("liaison:station", args=[station.pk])):
        assert "这是一条不公开的意见" not in client.get(url).content.decode()
