"""Unknown accounts, wrong passwords and inactive accounts: the same answer, the same work."""

import re
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache

from tests import factories

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-42"
WRONG = "not-the-password-1"


class CountingHasher(MD5PasswordHasher):
    """MD5 (as the test users' passwords are) that counts how often it hashes."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _no_cache_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def counting(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]

    def count(client, login, password):
        CountingHasher.calls = 0
        response = client.post(LOGIN, {"login": login, "password": password})
        return CountingHasher.calls, response

    return count


def _page(response, typed):
    """The page without what differs by construction: the CSRF token and the login typed."""
    text = response.content.decode().replace(typed, "LOGIN")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.mark.django_db
def test_unknown_and_known_e_mail_hash_the_same_and_answer_the_same(client, counting, deputy):
    known_calls, known = counting(client, deputy.email, WRONG)
    unknown_calls, unknown = counting(client, "nobody@example.org", WRONG)
    assert known_calls == unknown_calls == 1
    assert known.status_code == unknown.status_code == 200
    assert _page(known, deputy.email) == _page(unknown, "nobody@example.org")


@pytest.mark.django_db
def test_unknown_and_known_mobile_hash_the_same_and_answer_the_same(client, counting, deputy):
    known_calls, known = counting(client, deputy.mobile, WRONG)
    unknown_calls, unknown = counting(client, "13900000000", WRONG)
    assert known_calls == unknown_calls == 1
    assert known.status_code == unknown.status_code == 200
    assert _page(known, deputy.mobile) == _page(unknown, "13900000000")


@pytest.mark.django_db
def test_an_inactive_account_answers_like_a_wrong_password(client, counting, deputy, outsider):
    outsider.is_active = False
    outsider.save(update_fields=["is_active"])
    inactive_calls, inactive = counting(client, outsider.email, PASSWORD)
    wrong_calls, wrong = counting(client, deputy.email, WRONG)
    assert inactive_calls == wrong_calls == 1
    assert inactive.status_code == wrong.status_code == 200
    assert not inactive.wsgi_request.user.is_authenticated
    assert _page(inactive, outsider.email) == _page(wrong, deputy.email)


@pytest.mark.django_db
def test_an_invited_account_without_a_password_hashes_like_the_others(client, counting):
    invited = factories.UserFactory(full_name="受邀人")
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    invited_calls, invited_page = counting(client, invited.email, WRONG)
    unknown_calls, unknown = counting(client, "nobody@example.org", WRONG)
    assert invited_calls == unknown_calls == 1
    assert _page(invited_page, invited.email) == _page(unknown, "nobody@example.org")


@pytest.mark.django_db
def test_unknown_account_takes_as_long_as_a_wrong_password(client, settings, deputy):
    # The real hasher, so that hashing is what the time is spent on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    deputy.set_password(PASSWORD)
    deputy.save(update_fields=["password"])

    def fastest(login):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            client.post(LOGIN, {"login": login, "password": WRONG}, REMOTE_ADDR=f"10.2.0.{len(times)}")
            times.append(time.perf_counter() - start)
        return min(times)

    known, unknown = fastest(deputy.email), fastest("nobody@example.org")
    # Skipping the hash would make the unknown account many times faster.
    assert 0.5 < unknown / known < 2, (known, unknown)
