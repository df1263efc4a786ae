"""Mobile and ID numbers and addresses are encrypted at rest and found through keyed hashes."""

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from core import crypto
from deputies.models import Deputy
from tests import factories

MOBILE = "13912345678"
ID_NUMBER = "99000019800101003X"
ADDRESS = "示例市玄武区某某路1号（地址略）"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def deputy(term, electoral_unit):
    return factories.DeputyFactory(
        term=term, electoral_unit=electoral_unit, mobile=MOBILE, id_number=ID_NUMBER, address=ADDRESS
    )


@pytest.mark.django_db
def test_the_database_holds_no_plain_value(deputy):
    user = factories.UserFactory(mobile=MOBILE)
    stored = {
        "user.mobile": raw("accounts_user", "mobile", user.pk),
        "deputy.mobile": raw("deputies_deputy", "mobile", deputy.pk),
        "deputy.id_number": raw("deputies_deputy", "id_number", deputy.pk),
        "deputy.address": raw("deputies_deputy", "address", deputy.pk),
    }
    for name, value in stored.items():
        assert value.startswith(crypto.PREFIX), name
        assert MOBILE not in value and ID_NUMBER not in value and "玄武" not in value, name
    # Two encryptions of one number differ (no pattern to compare), the hashes are equal.
    assert stored["user.mobile"] != stored["deputy.mobile"]
    assert raw("accounts_user", "mobile_hash", user.pk) == raw("deputies_deputy", "mobile_hash", deputy.pk)
    assert MOBILE not in raw("accounts_user", "mobile_hash", user.pk)
    fresh = Deputy.objects.get(pk=deputy.pk)
    assert (fresh.mobile, fresh.id_number, fresh.address) == (MOBILE, ID_NUMBER, ADDRESS)


@pytest.mark.django_db
def test_lookups_by_value_go_through_the_hash(deputy):
    user = factories.UserFactory(mobile=MOBILE)
    assert User.objects.get(mobile=MOBILE) == user
    assert User.objects.get(mobile__iexact=MOBILE) == user
    assert list(User.objects.filter(mobile__in=[MOBILE, "13900000000", ""])) == [user]
    assert not User.objects.filter(mobile="13900000000").exists()
    # The check letter of an ID number is found in either case.
    assert Deputy.objects.get(id_number=ID_NUMBER.lower()) == deputy
    assert Deputy.objects.filter(mobile="").count() == 0
    assert list(Deputy.objects.filter(pk=deputy.pk).values_list("mobile", flat=True)) == [MOBILE]


@pytest.mark.django_db
def test_partial_lookups_are_refused_not_silently_empty(deputy):
    with pytest.raises(FieldError):
        list(Deputy.objects.filter(mobile__contains="1391"))
    with pytest.raises(FieldError):
        list(Deputy.objects.filter(address__endswith="（地址略）"))
    with pytest.raises(FieldError):
        list(Deputy.objects.filter(address="某地"))


@pytest.mark.django_db
def test_saving_some_fields_keeps_the_hash_in_step(deputy):
    deputy.mobile = "13700001111"
    deputy.save(update_fields=["mobile"])
    assert Deputy.objects.get(mobile="13700001111") == deputy
    assert not Deputy.objects.filter(mobile=MOBILE).exists()
    deputy.mobile = ""
    deputy.save(update_fields=["mobile"])
    assert raw("deputies_deputy", "mobile_hash", deputy.pk) == ""


@pytest.mark.django_db
def test_duplicates_are_refused_by_the_form_check_and_by_the_database(deputy, term, electoral_unit):
    factories.UserFactory(mobile=MOBILE)
    other = User(full_name="另一人", mobile=MOBILE, email="other@example.org")
    with pytest.raises(ValidationError) as caught:
        other.full_clean()
    assert "mobile" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(mobile=MOBILE)

    twin = Deputy(
        congress=deputy.congress,
        term=term,
        electoral_unit=electoral_unit,
        name="重复者",
        gender="M",
        mobile=MOBILE,
        id_number=ID_NUMBER.lower(),
    )
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert set(caught.value.message_dict) >= {"mobile", "id_number"}
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db
def test_login_by_mobile_still_works(client):
    user = factories.UserFactory(mobile=MOBILE, email=None)
    user.set_password("a-long-test-password")
    user.save()
    response = client.post("/accounts/login/", {"login": MOBILE, "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_key_rotation_keeps_every_value_readable_and_findable(settings, deputy):
    user = factories.UserFactory(mobile=MOBILE)
    old_cipher = raw("deputies_deputy", "id_number", deputy.pk)
    settings.PERSONAL_DATA_OLD_KEYS = [settings.PERSONAL_DATA_KEY]
    settings.PERSONAL_DATA_KEY = "a-new-personal-data-key-for-the-rotation-test"
    # Before the rewrite: old ciphertext still opens, old hashes still match.
    assert Deputy.objects.get(id_number=ID_NUMBER).address == ADDRESS
    assert User.objects.get(mobile=MOBILE) == user

    call_command("rotate_personal_data_key", stdout=open("/dev/null", "w"))
    settings.PERSONAL_DATA_OLD_KEYS = []
    assert raw("deputies_deputy", "id_number", deputy.pk) != old_cipher
    fresh = Deputy.objects.get(id_number=ID_NUMBER)
    assert (fresh.mobile, fresh.address) == (MOBILE, ADDRESS)
    assert User.objects.get(mobile=MOBILE) == user


@pytest.mark.django_db
def test_a_wrong_key_fails_loudly(settings, deputy):
    settings.PERSONAL_DATA_KEY = "not-the-key-the-data-was-written-with"
    with pytest.raises(ValueError):
        Deputy.objects.get(pk=deputy.pk)


def test_plain_values_written_before_encryption_are_read_as_they_are():
    assert crypto.decrypt("13912345678") == "13912345678"
    assert crypto.keyed_hash("") == "" and crypto.keyed_hashes("") == []
