"""A new password ends the account's other sessions, whichever way it was set, and is logged."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import SecurityEvent
from tests import factories
from tests.conftest import with_totp

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-42"
NEW = "Another-2026-pass"


@pytest.fixture(autouse=True)
def _no_cache_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None, "change_password": None}
    cache.clear()
    yield
    cache.clear()


def _logged_in(user) -> Client:
    browser = Client()
    response = browser.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/portal/").status_code == 200
    return browser


def _is_logged_out(browser) -> bool:
    response = browser.get("/portal/")
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_changing_the_password_ends_the_other_sessions(deputy):
    here, elsewhere = _logged_in(deputy), _logged_in(deputy)
    response = here.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW}
    )
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.check_password(NEW)
    # The browser that changed it stays logged in, the other one is logged out.
    assert here.get("/portal/").status_code == 200
    assert _is_logged_out(elsewhere)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_CHANGED)
    assert (event.actor, event.target_user, event.detail["via"]) == (deputy, deputy, "password_change")
    assert NEW not in str(event.detail)


@pytest.mark.django_db
def test_a_wrong_old_password_changes_nothing(deputy):
    here, elsewhere = _logged_in(deputy), _logged_in(deputy)
    response = here.post(
        reverse("account_change_password"), {"oldpassword": "wrong-old-pass", "password1": NEW, "password2": NEW}
    )
    assert response.status_code == 200
    assert elsewhere.get("/portal/").status_code == 200
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


@pytest.mark.django_db
def test_a_password_set_in_the_admin_ends_the_accounts_sessions(city, deputy):
    elsewhere = _logged_in(deputy)
    boss = with_totp(factories.StaffFactory(congress=city, is_superuser=True, full_name="超级管理员"))
    admin = Client()
    admin.force_login(boss)
    response = admin.post(
        f"/admin/accounts/user/{deputy.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _is_logged_out(elsewhere)
    # The superuser's own session is untouched.
    assert admin.get("/admin/").status_code == 200
    # Logged once, as the admin's "password set", not twice.
    events = SecurityEvent.objects.filter(
        kind__in=[SecurityEvent.Kind.PASSWORD_SET, SecurityEvent.Kind.PASSWORD_CHANGED], target_user=deputy
    )
    assert [(e.kind, e.detail["via"], e.actor) for e in events] == [("password_set", "admin", boss)]
    # The new password logs in.
    assert Client().post(LOGIN, {"login": deputy.email, "password": NEW}).status_code == 302


@pytest.mark.django_db
def test_a_password_set_from_an_invitation_ends_the_other_sessions(deputy):
    elsewhere = _logged_in(deputy)
    deputy.refresh_from_db()  # the token covers the last login
    url = reverse(
        "accounts:invitation",
        args=[urlsafe_base64_encode(force_bytes(deputy.pk)), default_token_generator.make_token(deputy)],
    )
    invited = Client()
    response = invited.post(url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert invited.get("/portal/").wsgi_request.user == deputy
    assert _is_logged_out(elsewhere)
    events = SecurityEvent.objects.filter(
        kind__in=[SecurityEvent.Kind.PASSWORD_SET, SecurityEvent.Kind.PASSWORD_CHANGED], target_user=deputy
    )
    assert [(e.kind, e.detail["via"]) for e in events] == [("password_set", "invitation")]
    # The link works once.
    assert (
        Client().post(url, {"new_password1": "Third-2026-pass", "new_password2": "Third-2026-pass"}).status_code == 400
    )
