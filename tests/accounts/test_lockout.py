"""Login lockout per account and per address, counted in the security log (accounts.lockout)."""

import pytest
from django.core.cache import cache

from accounts import lockout
from accounts.models import SecurityEvent
from core.crypto import keyed_hash
from tests import factories

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-42"
WRONG = "not-the-password-1"


@pytest.fixture(autouse=True)
def _lockout_settings(settings):
    settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES = 5
    settings.LOGIN_LOCKOUT_IP_FAILURES = 20
    settings.LOGIN_LOCKOUT_WINDOW = 15 * 60
    # allauth's own cache-based limits (here in local memory) must not answer first.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None}
    cache.clear()
    yield
    cache.clear()


def _fail(client, login, times, **extra):
    for _ in range(times):
        response = client.post(LOGIN, {"login": login, "password": WRONG}, **extra)
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, deputy):
    _fail(client, deputy.email, 5)
    response = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    # The site's layout, and how long to wait, in Chinese.
    assert "site-header" in page
    assert "请 15 分钟后再试" in page
    locked = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_LOCKED)
    assert locked.detail["reason"] == "account"
    assert locked.detail["login"] == lockout.mask_login(deputy.email)
    assert locked.login_key == keyed_hash(deputy.email.lower(), "login")
    # No password was checked while locked: no new failure, no login.
    assert SecurityEvent.objects.filter(kind="login_failed").count() == 5
    assert not SecurityEvent.objects.filter(kind="login").exists()


@pytest.mark.django_db
def test_failures_by_e_mail_and_by_mobile_count_for_the_same_account(client, deputy):
    _fail(client, deputy.email, 3)
    _fail(client, deputy.mobile, 2)
    assert client.post(LOGIN, {"login": deputy.mobile, "password": PASSWORD}).status_code == 429
    assert client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_a_locked_account_does_not_affect_another_account_from_another_address(client, deputy, outsider):
    _fail(client, deputy.email, 5, REMOTE_ADDR="10.0.0.1")
    other = client.post(LOGIN, {"login": outsider.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302
    assert other.wsgi_request.user == outsider


@pytest.mark.django_db
def test_after_the_cool_off_the_right_password_works(client, deputy, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    _fail(client, deputy.email, 5)
    time_machine.move_to("2026-03-02 09:10 +0800", tick=False)
    blocked = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "请 5 分钟后再试" in blocked.content.decode()
    time_machine.move_to("2026-03-02 09:15:01 +0800", tick=False)
    response = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user == deputy


@pytest.mark.django_db
def test_unknown_accounts_lock_too(client, deputy):
    # Locking only known accounts would tell which ones exist.
    _fail(client, "nobody@example.org", 5)
    assert client.post(LOGIN, {"login": "nobody@example.org", "password": WRONG}).status_code == 429
    assert client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_only_its_own_account(client, deputy, outsider):
    _fail(client, deputy.email, 4)
    _fail(client, outsider.email, 4)
    assert client.post(LOGIN, {"login": outsider.email, "password": PASSWORD}).status_code == 302
    client.logout()
    # The other account's count stands: one more failure locks it.
    _fail(client, deputy.email, 1)
    assert client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}).status_code == 429
    # The account that logged in starts afresh.
    _fail(client, outsider.email, 4)
    assert client.post(LOGIN, {"login": outsider.email, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_address_lockout_behind_a_proxy_tells_clients_apart(client, settings, deputy):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_LOCKOUT_IP_FAILURES = 6
    attacker = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    honest = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    # Different accounts each time: only the address count can lock.
    for n in range(6):
        _fail(client, f"guess{n}@example.org", 1, **attacker)
    blocked = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}, **attacker)
    assert blocked.status_code == 429
    locked = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_LOCKED)
    assert locked.detail["reason"] == "address"
    assert locked.ip_address == "203.0.113.7"
    # A forged first entry does not move the attacker to another address...
    forged = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "198.51.100.4, 203.0.113.7"}
    assert client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}, **forged).status_code == 429
    # ...and another client behind the same proxy logs in.
    response = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}, **honest)
    assert response.status_code == 302
    assert response.wsgi_request.user == deputy


@pytest.mark.django_db
def test_failed_logins_store_the_login_masked_with_its_key(client, deputy):
    typed = f"{deputy.mobile[:3]} {deputy.mobile[3:7]} {deputy.mobile[7:]}"
    _fail(client, typed, 1)
    _fail(client, deputy.email.upper(), 1)
    by_mobile, by_email = SecurityEvent.objects.filter(kind="login_failed").order_by("id")
    assert by_mobile.login_key == keyed_hash(deputy.mobile, "login")
    assert by_mobile.detail == {"login": f"{deputy.mobile[:3]}****{deputy.mobile[-4:]}"}
    assert by_email.login_key == keyed_hash(deputy.email, "login")
    name, domain = deputy.email.split("@")
    assert by_email.detail == {"login": f"{name[0]}***@{domain}"}
    for event in (by_mobile, by_email):
        text = str(event.detail)
        assert deputy.mobile not in text and deputy.email not in text.lower()
        assert WRONG not in text


@pytest.mark.django_db
def test_is_locked_on_its_own(rf, deputy, settings):
    settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES = 2
    request = rf.post(LOGIN, REMOTE_ADDR="10.1.1.1")
    assert lockout.is_locked(request, deputy.email) is None
    lockout.record_failure(request, deputy.mobile)
    assert lockout.is_locked(request, deputy.email) is None
    lockout.record_failure(request, deputy.email)
    state = lockout.is_locked(request, deputy.email)
    assert state is not None and state.reason == "account" and state.minutes == 15
    # By the account as well as by what was typed.
    assert lockout.is_locked(request, user=deputy).reason == "account"
    assert lockout.is_locked(rf.post(LOGIN, REMOTE_ADDR="10.1.1.2"), factories.UserFactory().email) is None


def test_masking():
    assert lockout.mask_login("Wang.Xin@Example.com") == "w***@example.com"
    assert lockout.mask_login("+86 139-1234-5678") == "139****5678"
    assert lockout.mask_login("") == ""
    # A password typed into the login box is not kept, even in part.
    assert lockout.mask_login("Secret-pass-2026") == "***"


@pytest.mark.django_db
def test_allauths_own_rate_limit_answers_with_the_same_page(client, settings, deputy):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": "1/m/ip"}
    client.post(LOGIN, {"login": deputy.email, "password": WRONG})
    response = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "site-header" in page and "请稍等几分钟后再试" in page
