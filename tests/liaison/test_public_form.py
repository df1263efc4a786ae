"""The public's opinion form under abuse: each refusal is polite, in Chinese, keeps what was
typed, and stores nothing; a sensitive word keeps the opinion, held for review."""

import pytest
from django.urls import reverse

from liaison import services
from liaison.models import Opinion

from .factories import form_data

S = Opinion.Status
pytestmark = pytest.mark.django_db


def _post(client, station, ip="203.0.113.7", **data):
    return client.post(reverse("liaison:station", args=[station.pk]), form_data(**data), REMOTE_ADDR=ip)


def test_a_good_opinion_is_stored_and_leads_to_its_private_page(client, station, deputy):
    response = _post(client, station, deputy=str(deputy.mandate.pk), contact="13900001234", author_name="刘女士")
    assert response.status_code == 302 and response["Location"].startswith("/opinions/")
    opinion = Opinion.objects.get()
    assert opinion.status == S.RECEIVED and opinion.deputy == deputy.mandate
    assert opinion.contact == "13900001234"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "谢谢您！您的意见已收到。" in html and "请保存此链接" in html
    assert "13900001234" not in html  # never on the citizen's page either
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "no-referrer"


def test_the_address_and_the_phone_are_never_stored_in_clear(client, station):
    from django.db import connection

    _post(client, station, ip="203.0.113.99", contact="13900005678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact, client_hash, token_hash FROM liaison_opinion")
        contact, client_hash, token_hash = cursor.fetchone()
    assert "13900005678" not in contact and contact.startswith("enc1:")
    assert "203.0.113.99" not in client_hash and len(client_hash) == 64
    assert client_hash == services.client_hash("203.0.113.99")


def _refused(response, message, typed=None):
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[:3000]
    if typed is not None:
        assert typed in html
    assert Opinion.objects.count() == 0


def test_oversized_text_is_refused(client, station):
    text = "长" * 2001
    _refused(_post(client, station, text=text), "意见请控制在 2000 字以内（现有 2001 字）", typed=text)


def test_empty_text_is_refused(client, station):
    _refused(_post(client, station, text="   "), "请填写您的意见。")


def test_markup_is_stored_as_text_and_rendered_escaped(client, station):
    response = _post(client, station, text='路灯坏了<script>alert("x")</script><b>请修</b>')
    opinion = Opinion.objects.get()
    assert opinion.text == "路灯坏了请修"
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "<b>请修" not in page and "路灯坏了请修" in page


def test_markup_that_survives_as_text_is_escaped(client, station):
    response = _post(client, station, text="a < b && c > d 怎么办")
    page = client.get(response["Location"]).content.decode()
    assert "a &lt; b &amp;&amp; c &gt; d 怎么办" in page


def test_nul_bytes_are_refused(client, station):
    response = _post(client, station, text="路灯\x00坏了")
    assert response.status_code == 400
    assert "NUL" in response.content.decode() and "未保存" in response.content.decode()
    assert Opinion.objects.count() == 0


def test_nul_bytes_are_refused_by_the_service_too(station):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.opinion_submit(station=station, text="路灯\x00坏了", ip="203.0.113.1")
    assert "NUL" in str(exc.value) and "无法保存" in str(exc.value)
    assert Opinion.objects.count() == 0


def test_a_bad_phone_is_refused(client, station):
    _refused(_post(client, station, contact="call me maybe"), "请填写电话号码", typed="call me maybe")


def test_a_deputy_not_of_this_station_is_refused(client, station, other_deputy):
    response = _post(client, station, deputy=str(other_deputy.mandate.pk))
    assert response.status_code == 200 and Opinion.objects.count() == 0


def test_a_filled_honeypot_is_refused(client, station):
    _refused(_post(client, station, website="http://spam.example"), "您的意见未能提交，请重试。", typed="公交站台")


def test_a_form_sent_in_under_two_seconds_is_refused(client, station):
    _refused(_post(client, station, seconds_ago=0.5), "提交得太快了", typed="公交站台没有遮雨棚")


def test_a_forged_or_missing_timestamp_is_refused(client, station):
    _refused(_post(client, station, started="1700000000"), "表单已过期")
    _refused(_post(client, station, started=""), "表单已过期")


def test_a_burst_from_one_address_is_cut_off_after_the_limit(client, station, settings):
    settings.LIAISON_OPINION_RATE_COUNT = 5
    answers = [_post(client, station, ip="198.51.100.23", text=f"第{i}条意见") for i in range(50)]
    assert [r.status_code for r in answers[:5]] == [302] * 5
    assert Opinion.objects.count() == 5
    for response in answers[5:]:
        assert response.status_code == 200
        assert "我们已收到来自您所在网络的多条意见" in response.content.decode()
    # What was typed stays in the refused form.
    assert "第49条意见" in answers[49].content.decode()
    # Another address is not affected.
    assert _post(client, station, ip="198.51.100.24").status_code == 302
    assert Opinion.objects.count() == 6


def test_the_limit_counts_only_recent_opinions(client, station, settings, time_machine):
    settings.LIAISON_OPINION_RATE_COUNT = 2
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=True)
    for _ in range(2):
        assert _post(client, station, ip="198.51.100.30").status_code == 302
    assert _post(client, station, ip="198.51.100.30").status_code == 200
    time_machine.move_to("2026-03-02 10:01 +08:00", tick=True)
    assert _post(client, station, ip="198.51.100.30").status_code == 302


def test_a_sensitive_word_holds_the_opinion_for_review(client, station, settings):
    settings.LIAISON_SENSITIVE_WORDS = "违禁词甲, 违禁词乙"
    response = _post(client, station, text="这里有违禁词乙的内容")
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.status == S.HELD and opinion.held_reason == "违禁词乙"
    # The citizen is not told it is held: it reads as received.
    assert "已收到" in client.get(response["Location"]).content.decode()


def test_an_inactive_station_takes_no_opinion(client, station):
    station.is_active = False
    station.save()
    assert _post(client, station).status_code == 404
    assert Opinion.objects.count() == 0


def test_the_honeypot_is_hidden_by_a_class_not_inline_style(client, station):
    html = client.get(reverse("liaison:station", args=[station.pk])).content.decode()
    assert 'class="ls-hp"' in html and "style=" not in html and "<script" not in html


def test_deputy_in_the_query_string_preselects_them(client, station, deputy):
    url = reverse("liaison:station", args=[station.pk]) + f"?deputy={deputy.mandate.pk}"
    html = client.get(url).content.decode()
    assert f'<option value="{deputy.mandate.pk}" selected>' in html
