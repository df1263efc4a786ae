"""A refused request's log line never carries the token of an invitation link."""

import logging

import pytest
from django.test import Client

from accounts.services import invitation_link
from core.logging import redact
from tests import factories


def test_tokens_are_cut_from_paths():
    assert redact("Forbidden (CSRF cookie not set.): /accounts/invitation/MzE/abc12-0123456789abcdef/") == (
        "Forbidden (CSRF cookie not set.): /accounts/invitation/…/"
    )
    assert redact("Not Found: /accounts/password/reset/key/3-abc-123/") == "Not Found: /accounts/password/reset/key/…/"
    assert redact("Not Found: /proposals/12/") == "Not Found: /proposals/12/"


@pytest.mark.django_db
def test_a_post_without_csrf_to_an_invitation_logs_no_token(caplog, city):
    user = factories.UserFactory(email="invited@example.org")
    link = invitation_link(user)
    path = link.split("://", 1)[1].split("/", 1)[1]
    token = path.rstrip("/").rsplit("/", 1)[1]
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = Client(enforce_csrf_checks=True).post("/" + path, {"new_password1": "x", "new_password2": "x"})
    assert response.status_code == 403
    lines = [record.getMessage() for record in caplog.records]
    assert any("/accounts/invitation/…/" in line for line in lines), lines
    assert not any(token in line for line in lines)
