"""What a new user tripped over, in accounts and core: the wrong-password message names the mobile
number as well as e-mail; handling units sort in pinyin order; Django's length errors read plainly
in Chinese (our catalogue overrides Django's "确保该变量包含不超过 200 字符")."""

import pytest
from django import forms
from django.utils import translation

from accounts.models import Unit
from core.text import pinyin_sort_key
from tests import factories

LOGIN = "/accounts/login/"
ZH = "手机号码（或电子邮箱）或密码不正确。"
EN = "The mobile number or e-mail address, or the password, is not correct."


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["email", "mobile"])
def test_the_wrong_password_message_names_mobile_and_email(client, deputy, by):
    response = client.post(LOGIN, {"login": getattr(deputy, by), "password": "not-the-password"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [ZH]
    assert response.wsgi_request.user.is_anonymous


@pytest.mark.django_db
def test_the_wrong_password_message_in_english(client, deputy, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(LOGIN, {"login": deputy.mobile, "password": "not-the-password"})
    assert response.context["form"].non_field_errors() == [EN]


def test_pinyin_key_orders_chinese_names_by_pinyin():
    names = ["市卫生健康委员会", "市公安局", "市交通运输局", "市安全生产监督管理局", "市教育局"]
    assert sorted(names, key=pinyin_sort_key) == [
        "市安全生产监督管理局",
        "市公安局",
        "市交通运输局",
        "市教育局",
        "市卫生健康委员会",
    ]


@pytest.mark.django_db
def test_units_store_their_key_and_list_in_pinyin_order(city):
    for name in ["卫生健康委员会", "公安局", "交通运输局", "安全监管局"]:
        factories.UnitFactory(congress=city, name=name)
    assert list(Unit.objects.filter(congress=city).values_list("name", flat=True)) == [
        "安全监管局",
        "公安局",
        "交通运输局",
        "卫生健康委员会",
    ]
    unit = Unit.objects.get(congress=city, name="公安局")
    assert unit.sort_key.startswith("gong an ju|")
    unit.name = "住房保障局"
    unit.save(update_fields=["name"])
    unit.refresh_from_db()
    assert unit.sort_key.startswith("zhu fang bao zhang ju|")


@pytest.mark.django_db
def test_a_unit_choice_field_lists_units_in_pinyin_order(city):
    for name in ["卫生健康委员会", "公安局", "安全监管局"]:
        factories.UnitFactory(congress=city, name=name)
    field = forms.ModelChoiceField(queryset=Unit.objects.filter(congress=city))
    assert [label for _pk, label in field.choices][1:] == ["安全监管局", "公安局", "卫生健康委员会"]


class _Short(forms.Form):
    title = forms.CharField(max_length=200)
    code = forms.CharField(min_length=4)


def test_length_errors_are_plain_chinese():
    with translation.override("zh-hans"):
        form = _Short({"title": "字" * 230, "code": "ab"})
        assert not form.is_valid()
        assert form.errors["title"] == ["最多 200 个字（现有 230 个）。"]
        assert form.errors["code"] == ["至少 4 个字（现有 2 个）。"]
        assert "变量" not in str(form.errors)
