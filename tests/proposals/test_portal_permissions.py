"""Who may see and do what on the deputies' pages: drafts are private, ratings are the
lead deputy's own act, submitted items are frozen, every form carries a CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import Attachment, CoSigner, Rating, ReplyCategory, Suggestion

from ..builders import (
    PDF_BYTES,
    draft,
    english,
    field,
    make_deputy_user,
    replied,
    submitted,
    upload,
)

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def url(name, *args):
    return reverse(f"proposals_portal:{name}", args=args)


@pytest.fixture
def other_deputy(city, term):
    return make_deputy_user(city, term, "王代表")


def rate_data(reply, value="satisfied", comment="代为评价"):
    return {f"r{reply.pk}-value": value, f"r{reply.pk}-comment": comment}


def test_another_deputys_draft_answers_404_everywhere(client, deputy, other_deputy):
    """GIVEN 李代表's draft with a file WHEN 王代表 guesses its ids THEN every page says 404 and nothing changes."""
    suggestion = draft(deputy)
    attachment = services.attachment_add(actor=deputy, suggestion=suggestion, upload=upload("a.pdf", PDF_BYTES))
    client.force_login(other_deputy)
    assert client.get(url("detail", suggestion.pk)).status_code == 404
    assert client.get(url("edit", suggestion.pk)).status_code == 404
    assert (
        client.post(
            url("edit", suggestion.pk), {"title": "x", "body": "y", "kind": "suggestion", "field": field().pk}
        ).status_code
        == 404
    )
    assert client.get(url("attachment", suggestion.pk, attachment.pk)).status_code == 404
    assert client.post(url("invite", suggestion.pk), {"names": "王代表"}).status_code == 404
    assert client.post(url("upload", suggestion.pk), {"file": upload("b.pdf", PDF_BYTES)}).status_code == 404
    assert client.post(url("respond", suggestion.pk), {"answer": "confirm"}).status_code == 404
    assert Attachment.objects.count() == 1 and not CoSigner.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.title != "x"
    assert suggestion.title not in client.get(url("list")).content.decode()


def test_an_attachment_id_from_another_item_is_not_served(deputy_client, deputy, other_deputy):
    theirs = draft(other_deputy)
    attachment = services.attachment_add(actor=other_deputy, suggestion=theirs, upload=upload("a.pdf", PDF_BYTES))
    mine = draft(deputy)
    assert deputy_client.get(url("attachment", mine.pk, attachment.pk)).status_code == 404


def test_a_published_item_serves_only_files_cleared_for_publication(client, deputy, other_deputy, staff, unit_officer):
    suggestion, _assignment, _reply = replied(deputy, staff, unit_officer)
    private = services.attachment_add(actor=staff, suggestion=suggestion, upload=upload("内部.pdf", PDF_BYTES))
    public = services.attachment_add(actor=staff, suggestion=suggestion, upload=upload("公开.pdf", PDF_BYTES))
    Attachment.objects.filter(pk=public.pk).update(public=True)
    services.suggestion_set_published(actor=staff, suggestion=suggestion, published=True)
    client.force_login(other_deputy)
    assert client.get(url("detail", suggestion.pk)).status_code == 200
    assert client.get(url("attachment", suggestion.pk, private.pk)).status_code == 404
    assert client.get(url("attachment", suggestion.pk, public.pk)).status_code == 200
    client.force_login(deputy)
    assert client.get(url("attachment", suggestion.pk, private.pk)).status_code == 200


@pytest.mark.parametrize("who", ["staff", "unit_officer"])
def test_staff_and_unit_officers_cannot_rate(client, deputy, staff, unit_officer, who):
    """GIVEN a reply waiting for the deputy's rating WHEN staff or the unit's officer POSTs a
    rating THEN it is refused with the service's message and no rating is written."""
    suggestion, _assignment, reply = replied(deputy, staff, unit_officer)
    actor = {"staff": staff, "unit_officer": unit_officer}[who]
    client.force_login(actor)
    english(client)
    response = client.post(url("rate", suggestion.pk, reply.pk), rate_data(reply))
    assert response.status_code == 403
    assert "Only the lead deputy may rate a reply, in person." in response.content.decode()
    assert not Rating.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.status == S.REPLIED


def test_a_cosigner_cannot_rate_for_the_lead_deputy(client, deputy, staff, unit_officer, city, term):
    wang = make_deputy_user(city, term, "王代表")
    suggestion = draft(deputy)
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[wang.mandate])
    services.cosigner_respond(actor=wang, cosigner=suggestion.cosigners.get(), confirm=True)
    services.suggestion_submit(actor=deputy, suggestion=suggestion)
    services.suggestion_accept(actor=staff, suggestion=suggestion)
    services.suggestion_assign(actor=staff, suggestion=suggestion, units_roles=[(unit_officer.unit, "lead")])
    assignment = suggestion.assignments.get()
    services.contact_log_add(
        actor=unit_officer,
        assignment=assignment,
        stage="before",
        method="phone",
        contacted_on=timezone.localdate(),
        note="电话沟通",
    )
    reply = services.reply_submit(
        actor=unit_officer,
        assignment=assignment,
        category=ReplyCategory.objects.get(code="A"),
        text="经研究，已完成改造并新增停车泊位二百个，建立长效管理机制，欢迎代表继续监督。",
        signer="局长",
        replied_on=timezone.localdate(),
        letter=upload("答复函.pdf", PDF_BYTES),
        confirmed=True,
    )
    client.force_login(wang)
    detail = client.get(url("detail", suggestion.pk)).content.decode()
    assert url("rate", suggestion.pk, reply.pk) not in detail
    english(client)
    response = client.post(url("rate", suggestion.pk, reply.pk), rate_data(reply))
    assert response.status_code == 403 and "Only the lead deputy may rate" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_reply_cannot_be_rated_twice(deputy_client, deputy, staff, unit_officer):
    suggestion, _assignment, reply = replied(deputy, staff, unit_officer)
    deputy_client.post(url("rate", suggestion.pk, reply.pk), rate_data(reply))
    response = english(deputy_client).post(
        url("rate", suggestion.pk, reply.pk), rate_data(reply, "unsatisfied", "改评")
    )
    assert response.status_code == 200  # refused, shown on the page: one rule (core.views.refusal_status)
    assert "not waiting for a rating" in response.content.decode()
    assert Rating.objects.get().value == "satisfied"


def test_a_submitted_item_cannot_be_edited(deputy_client, deputy):
    suggestion = submitted(deputy, title="原标题")
    response = deputy_client.get(url("edit", suggestion.pk))
    assert response.status_code == 302 and response.url == url("detail", suggestion.pk)
    response = deputy_client.post(
        url("edit", suggestion.pk),
        {"title": "改后标题", "body": "改", "kind": "suggestion", "field": field().pk, "action": "save"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("detail", suggestion.pk)
    assert deputy_client.post(url("upload", suggestion.pk), {"file": upload("a.pdf", PDF_BYTES)}).status_code == 302
    assert deputy_client.post(url("invite", suggestion.pk), {"names": "王代表"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.title == "原标题" and not Attachment.objects.exists()
    assert url("edit", suggestion.pk) not in deputy_client.get(url("detail", suggestion.pk)).content.decode()


def test_pages_need_a_login(client, deputy):
    suggestion = draft(deputy)
    for page in (
        url("list"),
        url("new"),
        url("detail", suggestion.pk),
        url("edit", suggestion.pk),
        url("guide"),
        url("units"),
    ):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response.url, page


def test_a_user_without_a_mandate_cannot_draft(client, outsider):
    client.force_login(outsider)
    assert client.get(url("list")).status_code == 200
    response = client.post(url("new"), {"title": "x", "body": "y", "kind": "suggestion", "field": field().pk})
    assert response.status_code == 403 and not Suggestion.objects.exists()


def test_posts_without_a_csrf_token_are_refused(deputy):
    suggestion = draft(deputy)
    client = Client(enforce_csrf_checks=True)
    client.force_login(deputy)
    response = client.post(
        url("edit", suggestion.pk), {"title": "x", "body": "y", "kind": "suggestion", "field": field().pk}
    )
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.title != "x"


def test_the_co_signer_answer_redirect_stays_on_the_site(client, deputy, other_deputy):
    suggestion = draft(deputy)
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[other_deputy.mandate])
    client.force_login(other_deputy)
    response = client.post(url("respond", suggestion.pk), {"answer": "confirm", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == url("detail", suggestion.pk)
