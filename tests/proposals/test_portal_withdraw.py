"""The lead deputy can take back a co-signing invitation and remove a file while drafting; nobody else can."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from proposals import services
from proposals.models import Attachment, CoSigner, SuggestionEvent

from ..builders import draft, make_deputy_user, upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"proposals_portal:{name}", args=args)


@pytest.mark.django_db
def test_withdraw_a_cosigner_and_remove_a_file(deputy_client, deputy, city, term, django_capture_on_commit_callbacks):
    other = make_deputy_user(city, term, "赵代表")
    suggestion = draft(deputy)
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[other.mandate])
    cosigner = CoSigner.objects.get()
    deputy_client.post(url("upload", suggestion.pk), {"file": upload("说明.pdf", PDF)})
    attachment = Attachment.objects.get()
    stored = attachment.file.name

    assert deputy_client.post(url("cosigner_withdraw", suggestion.pk, cosigner.pk)).status_code == 302
    assert not CoSigner.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert deputy_client.post(url("attachment_remove", suggestion.pk, attachment.pk)).status_code == 302
    assert not Attachment.objects.exists()
    assert not default_storage.exists(stored)
    actions = set(SuggestionEvent.objects.filter(suggestion=suggestion).values_list("action", flat=True))
    assert {"cosigner_withdrawn", "attachment_removed"} <= actions


@pytest.mark.django_db
def test_nothing_is_removed_after_submission_or_by_someone_else(deputy_client, deputy, city, term):
    from django.test import Client

    other = make_deputy_user(city, term, "钱代表")
    suggestion = draft(deputy)
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[other.mandate])
    cosigner = CoSigner.objects.get()
    client = Client()
    client.force_login(other)
    assert client.post(url("cosigner_withdraw", suggestion.pk, cosigner.pk)).status_code in (403, 404)
    assert CoSigner.objects.exists()
    services.suggestion_submit(actor=deputy, suggestion=suggestion)
    response = deputy_client.post(url("cosigner_withdraw", suggestion.pk, cosigner.pk))
    assert response.status_code == 302
    assert CoSigner.objects.exists()
