"""core.public_forms: the honeypot, the signed minimum fill time, text cleaning, the per-address
rate limit (its own counter per scope) and the sensitive-word list."""

import time

import pytest
from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core import public_forms as pf


class IdeaForm(pf.PublicFormMixin, forms.Form):
    started_salt = "tests.idea.started"
    text = forms.CharField()


def _data(seconds_ago=5.0, salt="tests.idea.started", **overrides):
    data = {"text": "多建几个口袋公园", "website": "", "started": signing.dumps(time.time() - seconds_ago, salt=salt)}
    data.update(overrides)
    return data


def _errors(form) -> list[str]:
    assert not form.is_valid()
    return form.non_field_errors()


# --- The mixin --------------------------------------------------------------------------------


def test_a_form_filled_at_human_speed_passes():
    form = IdeaForm(_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "多建几个口袋公园"


def test_a_filled_honeypot_is_refused():
    assert _errors(IdeaForm(_data(website="http://spam.example"))) == ["您的意见未能提交，请重试。"]


def test_a_form_sent_too_quickly_is_refused():
    assert _errors(IdeaForm(_data(seconds_ago=0.5))) == ["提交得太快了，请核对您的意见后再次提交。"]


def test_the_minimum_comes_from_the_setting(settings):
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    assert IdeaForm(_data(seconds_ago=0)).is_valid()
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 10
    assert not IdeaForm(_data(seconds_ago=5)).is_valid()


def test_a_class_may_set_its_own_minimum(settings):
    class Slow(IdeaForm):
        min_seconds = 30

    assert not Slow(_data(seconds_ago=10)).is_valid()
    assert Slow(_data(seconds_ago=40)).is_valid()


@pytest.mark.parametrize("started", ["", "1700000000", "garbage:abc"])
def test_a_missing_or_forged_token_is_refused(started):
    assert _errors(IdeaForm(_data(started=started))) == ["表单已过期，请核对您的意见后重新提交。"]


def test_a_token_of_another_form_is_refused():
    # Each form signs with its own salt: a token drawn for one is no good for another.
    assert not IdeaForm(_data(salt=pf.DEFAULT_STARTED_SALT)).is_valid()


def test_a_token_older_than_a_day_is_refused(time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    data = _data()
    time_machine.move_to("2026-03-03 09:01 +08:00", tick=False)
    assert _errors(IdeaForm(data)) == ["表单已过期，请核对您的意见后重新提交。"]


def test_guard_context_gives_a_fresh_token_and_the_names():
    context = IdeaForm.guard_context()
    assert context["honeypot"] == "website" and context["started_name"] == "started"
    assert IdeaForm(_data(started=context["started"], seconds_ago=0)).is_valid() is False  # drawn just now
    pf.check_started(context["started"], salt="tests.idea.started", min_seconds=0)


def test_the_plain_base_class_works_on_its_own():
    class Plain(pf.PublicForm):
        text = forms.CharField()

    assert Plain(_data(salt=pf.DEFAULT_STARTED_SALT)).is_valid()
    assert not Plain(_data(salt=pf.DEFAULT_STARTED_SALT, website="x")).is_valid()


# --- Texts ------------------------------------------------------------------------------------


def test_clean_fields_strips_markup_and_keeps_the_text():
    cleaned, errors = pf.clean_fields(
        {"text": '路灯坏了<script>alert("x")</script><b>请修</b>', "phone": " 13900001234 "},
        limits={"text": 100},
        plain=["phone"],
    )
    assert errors == {} and cleaned == {"text": "路灯坏了请修", "phone": "13900001234"}


def test_clean_fields_refuses_nul_oversize_and_empty_with_their_messages():
    cleaned, errors = pf.clean_fields(
        {"text": "长" * 11, "name": "a\x00b", "title": "  ", "other": ""},
        limits={"text": 10, "name": 10},
        required={"title": "Please give a title."},
        too_long={"text": "Keep it to %(max)d (it has %(n)d)."},
    )
    assert errors == {
        "text": "Keep it to 10 (it has 11).",
        "name": "内容含有无法保存的字符（NUL）。",
        "title": "Please give a title.",
    }
    assert "name" not in cleaned and cleaned["other"] == ""


def test_clean_fields_default_messages():
    _, errors = pf.clean_fields({"a": "", "b": "xyz"}, limits={"b": 2}, required=["a"])
    assert errors == {"a": "这个字段是必填项。", "b": "最多 2 个字（现有 3 个）。"}


def test_markup_that_is_only_tags_counts_as_empty():
    _, errors = pf.clean_fields({"text": "<b></b><script>x</script>"}, limits={}, required=["text"])
    assert errors == {"text": "这个字段是必填项。"}


# --- Rate limit -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_address_is_hashed_per_scope_never_kept():
    a, b = pf.client_hash("203.0.113.7", "idea"), pf.client_hash("203.0.113.7", "opinion")
    assert len(a) == 64 and a != b and "203.0.113.7" not in a
    assert pf.client_hash(None, "idea") == pf.client_hash("", "idea")


def test_the_cache_counter_stops_a_burst_and_each_scope_counts_alone(settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {"idea": (3, 3600)}
    for _ in range(3):
        pf.rate_limit_check("idea", "198.51.100.1")
    with pytest.raises(ValidationError) as exc:
        pf.rate_limit_check("idea", "198.51.100.1")
    assert exc.value.code == "rate_limited" and "多次提交" in exc.value.messages[0]
    # Another address, and the same address on another form, are not affected.
    pf.rate_limit_check("idea", "198.51.100.2")
    pf.rate_limit_check("other-form", "198.51.100.1")


def test_the_limit_settings_and_their_order(settings):
    settings.PUBLIC_FORM_RATE_COUNT, settings.PUBLIC_FORM_RATE_SECONDS = 7, 60
    settings.PUBLIC_FORM_RATE_LIMITS = {"idea": (2, 120)}
    assert pf.rate_limit("idea") == (2, 120)
    assert pf.rate_limit("other", default=(4, 30)) == (4, 30)
    assert pf.rate_limit("other") == (7, 60)
    assert pf.rate_limit("idea", default=(4, 30)) == (2, 120)  # the per-scope setting wins


def test_a_window_passes_and_the_counter_starts_again(settings, time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    settings.PUBLIC_FORM_RATE_LIMITS = {"idea": (1, 600)}
    pf.rate_limit_check("idea", "198.51.100.3")
    with pytest.raises(ValidationError):
        pf.rate_limit_check("idea", "198.51.100.3")
    time_machine.move_to("2026-03-02 09:11 +08:00", tick=False)
    pf.rate_limit_check("idea", "198.51.100.3")


def test_the_caller_may_give_its_own_message(settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {"idea": (0, 60)}
    with pytest.raises(ValidationError) as exc:
        pf.rate_limit_check("idea", "198.51.100.4", message="Come back tomorrow.")
    assert exc.value.messages == ["Come back tomorrow."]


@pytest.mark.django_db
def test_the_queryset_counter_counts_stored_recent_rows(time_machine):
    """With a queryset the stored rows are counted (here admin log entries, whose
    ``object_repr`` stands in for the stored hash and ``action_time`` for its time)."""
    from django.contrib.admin.models import ADDITION, LogEntry

    from tests.factories import UserFactory

    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    user = UserFactory()
    address_hash = pf.client_hash("198.51.100.5", "idea")

    def stored():
        LogEntry.objects.create(user=user, object_repr=address_hash, action_flag=ADDITION)

    kwargs = {"queryset": LogEntry.objects.all(), "hash_field": "object_repr", "time_field": "action_time"}
    stored()
    stored()
    assert pf.rate_limit_check("idea", "198.51.100.5", limit=(3, 3600), **kwargs) == address_hash
    # Only stored rows count, not the calls: asking again gives the same answer.
    assert pf.rate_limit_check("idea", "198.51.100.5", limit=(3, 3600), **kwargs) == address_hash
    stored()
    with pytest.raises(ValidationError):
        pf.rate_limit_check("idea", "198.51.100.5", limit=(3, 3600), **kwargs)
    pf.rate_limit_check("idea", "198.51.100.6", limit=(3, 3600), **kwargs)
    time_machine.move_to("2026-03-02 10:01 +08:00", tick=False)
    assert pf.rate_limit_check("idea", "198.51.100.5", limit=(3, 3600), **kwargs) == address_hash


# --- Sensitive words --------------------------------------------------------------------------


def test_the_built_in_list_applies_when_nothing_is_set(settings):
    for name in ("PUBLIC_FORM_SENSITIVE_WORDS", "LIAISON_SENSITIVE_WORDS"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert "赌博" in pf.sensitive_words() and "赌博" in pf.sensitive_words("LIAISON_SENSITIVE_WORDS")


def test_the_generic_setting_and_a_forms_own_setting(settings):
    settings.PUBLIC_FORM_SENSITIVE_WORDS = "词甲, 词乙,"
    settings.OWN_WORDS = ["词丙"]
    assert pf.sensitive_words() == ["词甲", "词乙"]
    assert pf.sensitive_words("OWN_WORDS") == ["词丙"]
    assert pf.sensitive_words("UNSET_WORDS") == ["词甲", "词乙"]


def test_find_sensitive_looks_in_every_text(settings):
    settings.PUBLIC_FORM_SENSITIVE_WORDS = ["词甲", "词乙", "词丙"]
    assert pf.find_sensitive("有词乙", "署名词甲", "") == ["词甲", "词乙"]
    assert pf.find_sensitive("干净的文字") == []
