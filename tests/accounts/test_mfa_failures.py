"""Wrong second-factor codes are logged and count toward the account's lockout."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.core.cache import cache

from accounts.models import SecurityEvent
from tests import factories
from tests.conftest import with_totp

LOGIN = "/accounts/login/"
MFA = "/accounts/2fa/authenticate/"
PASSWORD = "correct-horse-42"


@pytest.fixture(autouse=True)
def _lockout_settings(settings, time_machine):
    settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES = 5
    settings.LOGIN_LOCKOUT_WINDOW = 15 * 60
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None}
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def totp_user(city):
    return with_totp(factories.StaffFactory(congress=city, full_name="工作人员乙"))


def _codes(user):
    """(a valid code now, a wrong one)."""
    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    valid = {format_hotp_value(hotp_value(secret, counter)) for counter in yield_hotp_counters_from_time()}
    wrong = next(code for code in (f"{n:06d}" for n in range(1000)) if code not in valid)
    return sorted(valid)[0], wrong


def _start(client, user):
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MFA
    return response


@pytest.mark.django_db
def test_a_wrong_code_is_logged_without_the_code(client, totp_user):
    valid, wrong = _codes(totp_user)
    _start(client, totp_user)
    response = client.post(MFA, {"code": wrong})
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.MFA_FAILED)
    assert event.target_user == totp_user
    assert event.login_key
    assert wrong not in str(event.detail)
    assert totp_user.email not in str(event.detail)
    # The pending login goes on: the right code still logs in.
    response = client.post(MFA, {"code": valid})
    assert response.status_code == 302
    assert client.get("/portal/").wsgi_request.user == totp_user


@pytest.mark.django_db
def test_five_wrong_codes_drop_the_pending_login_and_lock_the_account(client, totp_user):
    valid, wrong = _codes(totp_user)
    _start(client, totp_user)
    for _ in range(4):
        assert client.post(MFA, {"code": wrong}).status_code == 200
    locked = client.post(MFA, {"code": wrong})
    assert locked.status_code == 429
    assert "分钟后再试" in locked.content.decode()
    assert SecurityEvent.objects.filter(kind="mfa_failed", target_user=totp_user).count() == 5
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_LOCKED)
    assert event.target_user == totp_user and event.detail["reason"] == "account"
    # The pending login is gone: the second step sends back to the login page, and even the
    # right code does not finish it.
    page = client.get(MFA)
    assert page.status_code == 302 and page["Location"].startswith(LOGIN)
    response = client.post(MFA, {"code": valid})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not client.get("/portal/").wsgi_request.user.is_authenticated
    # And the password does not start a new one while the lock holds.
    again = client.post(LOGIN, {"login": totp_user.mobile, "password": PASSWORD})
    assert again.status_code == 429
    assert not again.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_wrong_passwords_and_wrong_codes_add_up(client, totp_user):
    valid, wrong = _codes(totp_user)
    for _ in range(3):
        client.post(LOGIN, {"login": totp_user.email, "password": "not-the-password"})
    _start(client, totp_user)
    assert client.post(MFA, {"code": wrong}).status_code == 200
    assert client.post(MFA, {"code": wrong}).status_code == 429
    assert not client.get("/portal/").wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_after_the_cool_off_the_account_logs_in_with_password_and_code(client, totp_user, time_machine):
    _, wrong = _codes(totp_user)
    _start(client, totp_user)
    for _ in range(5):
        client.post(MFA, {"code": wrong})
    time_machine.move_to("2026-03-02 09:16 +0800", tick=False)
    valid, _ = _codes(totp_user)
    _start(client, totp_user)
    assert client.post(MFA, {"code": valid}).status_code == 302
    assert client.get("/portal/").wsgi_request.user == totp_user


@pytest.mark.django_db
def test_opening_the_email_page_does_not_stop_a_second_factor_being_added(deputy):
    """The e-mail page records the address (unverified: verification is off); the authenticator
    page must still open afterwards, not send the person back with "verify your e-mail first"."""
    from allauth.account.models import EmailAddress

    from tests.builders import logged_in

    client = logged_in(deputy)  # by password a moment ago: no reauthentication asked
    assert client.get("/accounts/email/").status_code == 200
    assert EmailAddress.objects.filter(user=deputy, verified=False).exists()
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200, response.get("Location")
