"""Login by e-mail or mobile, same answer for wrong password and unknown account, rate limit,
staff MFA requirement, idle and absolute session expiry, deactivation."""

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from accounts.services import user_set_active
from tests import factories

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-42"


@pytest.mark.django_db
def test_login_by_email(client, deputy):
    response = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 200
    assert SecurityEvent.objects.filter(kind="login", target_user=deputy).count() == 1


@pytest.mark.django_db
def test_login_by_mobile_with_spaces(client, deputy):
    typed = f"{deputy.mobile[:3]} {deputy.mobile[3:7]} {deputy.mobile[7:]}"
    response = client.post(LOGIN, {"login": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user == deputy


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_get_the_same_answer(client, deputy):
    wrong = client.post(LOGIN, {"login": deputy.email, "password": "not-the-password"})
    unknown = client.post(LOGIN, {"login": "nobody@example.org", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert SecurityEvent.objects.filter(kind="login_failed").count() == 2


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client, deputy, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,3/5m/key"}
    from django.core.cache import cache

    cache.clear()
    for _ in range(3):
        client.post(LOGIN, {"login": deputy.email, "password": "wrong-password-1"})
    blocked = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    # Even the right password is refused while the limit holds.
    assert blocked.status_code in (200, 429)
    assert not blocked.wsgi_request.user.is_authenticated
    cache.clear()


@pytest.mark.django_db
def test_staff_without_totp_is_sent_to_set_it_up(client, city, settings):
    settings.REQUIRE_STAFF_MFA = True
    staff = factories.StaffFactory(congress=city)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_with_totp_reaches_the_admin(staff_client, settings):
    settings.REQUIRE_STAFF_MFA = True
    assert staff_client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_staff_without_totp_allowed_when_requirement_off(client, city, settings):
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(factories.StaffFactory(congress=city))
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_idle_session_expires(client, deputy, settings, time_machine):
    settings.SESSION_IDLE_TIMEOUT = 600
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    assert client.get("/portal/").status_code == 200
    time_machine.move_to("2026-03-02 09:09 +0800", tick=False)
    assert client.get("/portal/").status_code == 200
    time_machine.move_to("2026-03-02 09:30 +0800", tick=False)
    response = client.get("/portal/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind="session_expired", target_user=deputy).exists()


@pytest.mark.django_db
def test_staff_idle_limit_is_shorter(client, staff, settings, time_machine):
    settings.SESSION_IDLE_TIMEOUT = 7200
    settings.STAFF_SESSION_IDLE_TIMEOUT = 900
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    time_machine.move_to("2026-03-02 09:20 +0800", tick=False)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_absolute_lifetime_ends_an_active_session(client, deputy, settings, time_machine):
    settings.SESSION_IDLE_TIMEOUT = 3600
    settings.SESSION_ABSOLUTE_LIFETIME = 4 * 3600
    time_machine.move_to("2026-03-02 08:00 +0800", tick=False)
    client.post(LOGIN, {"login": deputy.email, "password": PASSWORD})
    for hour in range(8, 12):
        for minute in (0, 30):
            time_machine.move_to(f"2026-03-02 {hour:02d}:{minute:02d} +0800", tick=False)
            assert client.get("/portal/").status_code == 200
    time_machine.move_to("2026-03-02 12:05 +0800", tick=False)
    assert client.get("/portal/").status_code == 302


@pytest.mark.django_db
def test_deactivated_account_session_ends_at_once(client, deputy, staff):
    client.force_login(deputy)
    assert client.get("/portal/").status_code == 200
    user_set_active(actor=staff, user=deputy, active=False)
    response = client.get("/portal/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind="account_deactivated", target_user=deputy, actor=staff).exists()


@pytest.mark.django_db
def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    response = client.post("/accounts/signup/", {"email": "new@example.org", "password1": "Aa1-long-password"})
    from accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.django_db
def test_behind_a_proxy_the_client_address_is_logged_and_limited_per_client(client, deputy, settings):
    """GIVEN one trusted reverse proxy (every request arrives from 127.0.0.1)
    WHEN one client fails to log in until it is limited
    THEN the log records that client's address, and another client can still log in."""
    from django.core.cache import cache

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,100/5m/key"}
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.5"}
    for i in range(10):
        client.post(LOGIN, {"login": f"nobody{i}@example.org", "password": "x"}, **attacker)
    failed = SecurityEvent.objects.filter(kind="login_failed")
    # The first entry was written by the client itself: not believed.
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    # That client is limited now, even with the right password …
    limited = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}, **attacker)
    assert not limited.wsgi_request.user.is_authenticated
    # … but another client behind the same proxy is not.
    other = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.44"}
    response = client.post(LOGIN, {"login": deputy.email, "password": PASSWORD}, **other)
    assert response.status_code == 302 and response.wsgi_request.user == deputy
    cache.clear()
