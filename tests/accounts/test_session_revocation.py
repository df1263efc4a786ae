"""Sessions end with the account's state changes; private pages are never cached; a NUL
character is refused before any view reads it."""

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from accounts.services import user_set_active
from proposals.models import Suggestion

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_reactivating_an_account_does_not_bring_its_old_session_back(client, deputy, staff):
    client.force_login(deputy)
    assert client.get("/portal/").status_code == 200
    user_set_active(actor=staff, user=deputy, active=False)
    user_set_active(actor=staff, user=deputy, active=True)
    response = client.get("/portal/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind="session_expired", target_user=deputy, detail__reason="revoked").exists()
    # A new login after the reactivation works.
    assert client.post(LOGIN, {"login": deputy.email, "password": "correct-horse-42"}).status_code == 302
    assert client.get("/portal/").status_code == 200


@pytest.mark.django_db
def test_private_pages_are_not_stored_and_public_ones_may_be(client, deputy):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(deputy)
    for url in ("/portal/", reverse("proposals_portal:list"), reverse("archive:my_archive"), "/inbox/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


@pytest.mark.django_db
def test_a_nul_character_is_refused_with_a_message_and_nothing_is_saved(deputy_client):
    assert deputy_client.get(reverse("proposals:list"), {"q": "停车\x00"}).status_code == 400
    response = deputy_client.post(
        reverse("proposals_portal:new"), {"kind": "suggestion", "title": "标题\x00", "body": "正文", "action": "save"}
    )
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert not Suggestion.objects.exists()
