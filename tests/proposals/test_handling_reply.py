"""The official reply: the signed letter (a PDF or a scan, checked by content) and a reply
text of a real length are both required, after the unit logged its contact with the deputy;
an assisting unit never replies; the empty form shows every error at once; the co-signers
are told and read the reply, while the lead deputy's rating drives the workflow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import Assignment, Attachment, Reply, Suggestion

from ..builders import assigned, assigned_to, categories, english, exe, make_deputy_user, make_officer, pdf
from ..builders import upload as make_upload
from .handling_builders import LONG_TEXT, contact, in_english, official_reply, snapshot

pytestmark = pytest.mark.django_db
A = Assignment.Status


@pytest.fixture
def lead(deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    return assignment


def refused_with(kind, call, item, field: str, words: str):
    before = snapshot(item)
    with in_english(), pytest.raises(kind) as info:
        call()
    assert snapshot(item) == before
    messages = info.value.message_dict.get(field, []) if hasattr(info.value, "error_dict") else info.value.messages
    assert any(words in m for m in messages), messages
    return info.value


def test_a_four_character_reply_without_a_letter_is_refused(lead, unit_officer):
    contact(unit_officer, lead)
    item = lead.suggestion
    error = refused_with(
        ValidationError,
        lambda: official_reply(unit_officer, lead, text="已解决。", letter=None),
        item,
        "text",
        "too short (4 characters)",
    )
    assert "signed and stamped reply letter" in " ".join(error.message_dict["letter"])
    assert Suggestion.objects.get(pk=item.pk).status == Suggestion.Status.ASSIGNED


@pytest.mark.parametrize(
    "letter, words",
    [
        (lambda: exe(), "does not match"),
        (lambda: make_upload("答复函.docx", b"PK\x03\x04" + b"\x00" * 40), ""),
        (lambda: make_upload("答复函.pdf", b"just text, not a PDF\n" * 5), ""),
    ],
)
def test_a_letter_that_is_not_a_pdf_or_scan_is_refused(lead, unit_officer, letter, words):
    contact(unit_officer, lead)
    with in_english(), pytest.raises(ValidationError) as info:
        official_reply(unit_officer, lead, letter=letter())
    assert info.value.message_dict["letter"]
    assert not Reply.objects.exists() and not Attachment.objects.exists()


def test_a_scanned_png_letter_is_accepted(lead, unit_officer, deputy):
    import io

    from PIL import Image

    contact(unit_officer, lead)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, format="PNG")
    the_reply = official_reply(unit_officer, lead, letter=make_upload("扫描件.png", buffer.getvalue()))
    assert the_reply.attachments.get().content_type == "image/png"


def test_no_reply_before_the_contact_with_the_deputy(lead, unit_officer, settings):
    item = lead.suggestion
    refused_with(
        ValidationError,
        lambda: official_reply(unit_officer, lead),
        item,
        "__all__",
        "Record your contact with the deputy",
    )
    settings.PROPOSALS_REPLY_NEEDS_CONTACT = False  # the setting turns the rule off
    assert official_reply(unit_officer, lead).round == 1


def test_the_reply_with_letter_and_contact_is_accepted_and_the_deputy_sees_the_letter(
    client, lead, unit_officer, deputy
):
    contact(unit_officer, lead)
    the_reply = official_reply(unit_officer, lead)
    letter = the_reply.attachments.get()
    assert Assignment.objects.get(pk=lead.pk).status == A.REPLIED
    client.force_login(deputy)
    page = client.get(reverse("proposals_portal:detail", args=[lead.suggestion_id])).content.decode()
    link = reverse("proposals_portal:attachment", args=[lead.suggestion_id, letter.pk])
    assert link in page
    assert client.get(link).status_code == 200


def test_wrong_actor_is_refused(lead, unit_officer, staff, deputy, city):
    contact(unit_officer, lead)
    other = make_officer(city, "示例市水务局")
    for actor in (staff, deputy, other):
        before = snapshot(lead.suggestion)
        with pytest.raises(PermissionDenied):
            official_reply(actor, lead)
        assert snapshot(lead.suggestion) == before


def test_wrong_state_is_refused(lead, unit_officer):
    contact(unit_officer, lead)
    official_reply(unit_officer, lead)
    item = lead.suggestion
    before = snapshot(item)
    with pytest.raises(ValidationError):
        official_reply(unit_officer, Assignment.objects.select_related("suggestion", "unit").get(pk=lead.pk))
    assert snapshot(item) == before


def test_an_assisting_unit_never_replies(deputy, staff, unit_officer, city, client):
    helper = make_officer(city, "示例市财政局")
    item = assigned(deputy, staff, [unit_officer, helper], roles=["lead", "assisting"])
    assisting = Assignment.objects.select_related("suggestion", "unit").get(suggestion=item, unit=helper.unit)
    contact(helper, assisting)
    refused_with(
        ValidationError,
        lambda: official_reply(helper, assisting),
        item,
        "__all__",
        "assisting unit sends its written view",
    )
    client.force_login(helper)
    page = client.get(reverse("proposals_unit:assignment", args=[assisting.pk]))
    assert not page.context["can_reply"] and page.context["can_send_view"]
    assert reverse("proposals_unit:reply", args=[assisting.pk]) not in page.content.decode()
    response = client.get(reverse("proposals_unit:reply", args=[assisting.pk]))
    assert not response.context["can_reply"]


def _empty_form():
    data = {"c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "30"}
    for i in range(3):
        data[f"c-{i}-content"] = ""
        data[f"c-{i}-due_date"] = ""
    return data


def test_the_empty_reply_form_shows_every_error_at_once(client, lead, unit_officer):
    client.force_login(unit_officer)
    response = english(client).post(reverse("proposals_unit:reply", args=[lead.pk]), _empty_form())
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"category", "text", "signer", "replied_on", "letter", "confirm", "__all__"}
    page = response.content.decode()
    assert "Choose the reply category." in page and "Attach the signed and stamped reply letter" in page
    assert "Record your contact with the deputy" in page
    assert not Reply.objects.exists()


def test_a_bad_date_still_shows_the_other_errors_and_keeps_the_text(client, lead, unit_officer):
    contact(unit_officer, lead)
    client.force_login(unit_officer)
    data = {**_empty_form(), "text": "已解决。", "replied_on": "not-a-date", "signer": "张局长"}
    response = english(client).post(reverse("proposals_unit:reply", args=[lead.pk]), data)
    errors = response.context["form"].errors
    assert {"replied_on", "text", "letter", "category"} <= set(errors)
    assert "too short" in " ".join(errors["text"])
    assert "已解决。" in response.content.decode()
    assert not Reply.objects.exists()


def test_a_reply_without_a_letter_keeps_what_was_typed(client, lead, unit_officer):
    contact(unit_officer, lead)
    client.force_login(unit_officer)
    data = {
        **_empty_form(),
        "category": str(categories()["A"].pk),
        "text": LONG_TEXT,
        "signer": "张局长",
        "replied_on": timezone.localdate().isoformat(),
    }
    response = english(client).post(reverse("proposals_unit:reply", args=[lead.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["letter"]
    assert LONG_TEXT in response.content.decode()
    assert not Reply.objects.exists()
    data["letter"] = pdf()
    data["confirm"] = "1"
    assert client.post(reverse("proposals_unit:reply", args=[lead.pk]), data).status_code == 302


def test_a_reply_without_the_confirmation_tick_is_refused_with_everything_kept(client, lead, unit_officer):
    """The official reply cannot be withdrawn: the officer ticks that the reply and the letter are
    checked. Without the tick nothing is written, the message says why, and what was typed stays."""
    contact(unit_officer, lead)
    client.force_login(unit_officer)
    data = {
        **_empty_form(),
        "category": str(categories()["A"].pk),
        "text": LONG_TEXT,
        "signer": "张局长",
        "replied_on": timezone.localdate().isoformat(),
        "letter": pdf(),
    }
    response = english(client).post(reverse("proposals_unit:reply", args=[lead.pk]), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"confirm"}
    page = response.content.decode()
    assert "Tick the box to confirm that the reply and the letter are checked" in page
    assert LONG_TEXT in page and 'value="张局长"' in page
    assert not Reply.objects.exists()
    lead.refresh_from_db()
    assert lead.status == Assignment.Status.ASSIGNED


def test_the_service_itself_refuses_a_reply_not_confirmed(lead, unit_officer):
    contact(unit_officer, lead)
    with pytest.raises(ValidationError) as info:
        services.reply_submit(
            actor=unit_officer,
            assignment=lead,
            category=categories()["A"],
            text=LONG_TEXT,
            signer="张局长",
            replied_on=timezone.localdate(),
            letter=pdf(),
        )
    assert set(info.value.message_dict) == {"confirm"}
    assert not Reply.objects.exists()


def test_cosigners_are_told_and_read_the_reply_but_only_the_lead_deputy_rates(
    client, deputy, staff, unit_officer, city, term
):
    cosigner = make_deputy_user(city, term, "附议代表")
    item = assigned(deputy, staff, [unit_officer], cosigners=[cosigner])
    assignment = Assignment.objects.select_related("suggestion", "unit").get(suggestion=item)
    contact(unit_officer, assignment)
    the_reply = official_reply(unit_officer, assignment)
    note = cosigner.notifications.get(key=f"reply:{the_reply.pk}:cosigner:{cosigner.mandate.pk}")
    assert note.url == f"/portal/suggestions/{item.pk}/"
    client.force_login(cosigner)
    page = client.get(reverse("proposals_portal:detail", args=[item.pk])).content.decode()
    assert LONG_TEXT in page
    assert reverse("proposals_portal:rate", args=[item.pk, the_reply.pk]) not in page
    with pytest.raises(PermissionDenied):
        services.reply_rate(actor=cosigner, reply=the_reply, value="satisfied")
    services.reply_rate(actor=deputy, reply=the_reply, value="satisfied")
    assert Suggestion.objects.get(pk=item.pk).status == Suggestion.Status.RATED
