"""Bad input on the deputies' pages: a clear message, nothing written, nothing typed lost,
and text that looks like markup shown as text on every page."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import Attachment, CoSigner, Rating, ReplyCategory, Suggestion

from .. import factories
from ..builders import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    assigned,
    docx_bytes,
    draft,
    english,
    field,
    make_deputy_user,
    replied,
    upload,
)

pytestmark = pytest.mark.django_db
S = Suggestion.Status
# Typed as entities, the service turns it back into the characters "<script>…": the pages must escape it.
TYPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
STORED_SCRIPT = "<script>alert(1)</script>"
SHOWN_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG = '"><img src=x onerror=alert(2)>'


def url(name, *args):
    return reverse(f"proposals_portal:{name}", args=args)


def form_data(**overrides):
    data = {
        "kind": "suggestion",
        "title": "标题",
        "body": "正文",
        "field": field().pk,
        "session": "",
        "action": "save",
        "submit-confirm": "1",
    }
    data.update(overrides)
    return data


def media_files():
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- The draft form ------------------------------------------------------------------------


def test_an_empty_title_is_refused_and_the_text_is_kept(deputy_client):
    response = english(deputy_client).post(url("new"), form_data(title="", body="我写了很久的正文\n\n- 第一条"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a title." in html and "Nothing was saved" in html
    assert "我写了很久的正文" in html and "- 第一条" in html
    assert not Suggestion.objects.exists()


def test_a_title_of_markup_only_is_empty_after_cleaning(deputy_client):
    """GIVEN a title that is only a script WHEN the draft is saved THEN the service strips it,
    finds the title empty and refuses; the form comes back with the body."""
    response = english(deputy_client).post(url("new"), form_data(title="<script>alert(1)</script>", body="保留的正文"))
    html = response.content.decode()
    assert response.status_code == 200 and "Enter a title." in html and "保留的正文" in html
    assert STORED_SCRIPT not in html
    assert not Suggestion.objects.exists()


def test_an_invalid_edit_changes_nothing_and_keeps_the_input(deputy_client, deputy):
    suggestion = draft(deputy, title="原标题")
    response = english(deputy_client).post(url("edit", suggestion.pk), form_data(title=" ", body="新的正文"))
    assert response.status_code == 200 and "新的正文" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.title == "原标题"


def test_a_session_of_another_term_is_refused(deputy_client, city):
    old_term = factories.TermFactory(congress=city, number=16, name="第十六届", is_current=False)
    session = factories.SessionFactory(term=old_term)
    response = deputy_client.post(url("new"), form_data(session=session.pk))
    assert response.status_code == 200 and not Suggestion.objects.exists()


def test_markup_is_shown_as_text_on_every_page(client, deputy, staff, unit_officer, city, term):
    """GIVEN a title, text, reply and rating comment containing markup WHEN the lead deputy and a
    co-signer open every page THEN the markup appears escaped, never as a tag."""
    wang = make_deputy_user(city, term, "王代表")
    client.force_login(deputy)
    client.post(
        url("new"),
        form_data(title=f"公交{TYPED_SCRIPT}{IMG}", body=f"第一段<script>alert(3)</script>\n\n- {TYPED_SCRIPT}"),
    )
    suggestion = Suggestion.objects.get()
    assert STORED_SCRIPT in suggestion.title and "alert(3)" not in suggestion.body
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[wang.mandate])
    attachment = services.attachment_add(actor=deputy, suggestion=suggestion, upload=upload("<b>x</b>.pdf", PDF_BYTES))
    for page in (url("list"), url("edit", suggestion.pk), url("detail", suggestion.pk)):
        html = client.get(page).content.decode()
        assert STORED_SCRIPT not in html and "<img src=x" not in html, page
        assert SHOWN_SCRIPT in html, page
    assert "<b>x</b>" not in client.get(url("edit", suggestion.pk)).content.decode()
    assert "<" not in attachment.original_name

    client.force_login(wang)
    for page in (url("list"), url("detail", suggestion.pk)):
        html = client.get(page).content.decode()
        assert STORED_SCRIPT not in html and SHOWN_SCRIPT in html, page

    # A reply and a rating comment with markup.
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
        text=f"答复{TYPED_SCRIPT}，已按代表意见完成整改。",
        signer=f"局长{TYPED_SCRIPT}",
        replied_on=timezone.localdate(),
        letter=upload("答复函.pdf", PDF_BYTES),
        confirmed=True,
    )
    client.force_login(deputy)
    client.post(
        url("rate", suggestion.pk, reply.pk),
        {f"r{reply.pk}-value": "unsatisfied", f"r{reply.pk}-comment": f"不满意{TYPED_SCRIPT}"},
    )
    assert Rating.objects.get().comment == f"不满意{STORED_SCRIPT}"
    for user in (deputy, wang):
        client.force_login(user)
        for page in (url("list"), url("detail", suggestion.pk)):
            html = client.get(page).content.decode()
            assert STORED_SCRIPT not in html and "<img src=x" not in html, page
        assert f"不满意{SHOWN_SCRIPT}" in client.get(url("detail", suggestion.pk)).content.decode()


# --- Submission -------------------------------------------------------------------------------


def test_a_motion_without_enough_cosigners_cannot_be_submitted(deputy_client, deputy, city, term):
    """GIVEN a motion draft with one confirmed co-signer (a motion needs 10 deputies)
    WHEN the deputy presses submit THEN the page says why, the edits are saved, the status stays draft."""
    wang = make_deputy_user(city, term, "王代表")
    suggestion = draft(deputy, kind="motion")
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[wang.mandate])
    services.cosigner_respond(actor=wang, cosigner=suggestion.cosigners.get(), confirm=True)
    edit_page = english(deputy_client).get(url("edit", suggestion.pk)).content.decode()
    assert "A motion needs 10 deputies jointly, you included. 2 have confirmed so far" in edit_page
    assert "8 more must confirm" in edit_page

    response = deputy_client.post(
        url("edit", suggestion.pk), form_data(kind="motion", title="修改后的议案", action="submit")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A motion needs at least 10 deputies (the lead deputy included); 2 have confirmed." in html
    suggestion.refresh_from_db()
    assert suggestion.status == S.DRAFT and suggestion.title == "修改后的议案"


def test_a_motion_submitted_from_the_new_page_is_kept_as_a_draft(deputy_client):
    response = english(deputy_client).post(url("new"), form_data(kind="motion", action="submit"), follow=True)
    suggestion = Suggestion.objects.get()
    assert suggestion.status == S.DRAFT
    assert response.redirect_chain[-1][0].startswith(url("edit", suggestion.pk))
    assert "Your draft was saved but not submitted" in response.content.decode()


# --- Co-signer names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ("", "Enter at least one name."),
        (" ，、\n ", "Enter at least one name."),
        ("李代表", "you need not invite yourself"),
    ],
)
def test_bad_cosigner_names_are_refused(deputy_client, deputy, names, message):
    suggestion = draft(deputy)
    response = english(deputy_client).post(url("invite", suggestion.pk), {"names": names})
    assert response.status_code == 200 and message in response.content.decode()
    assert not CoSigner.objects.exists()


def test_a_name_with_markup_is_shown_as_text(deputy_client, deputy):
    suggestion = draft(deputy)
    response = deputy_client.post(url("invite", suggestion.pk), {"names": STORED_SCRIPT})
    html = response.content.decode()
    assert STORED_SCRIPT not in html and SHOWN_SCRIPT in html


# --- Uploads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("setup.exe", EXE_BYTES), ("setup.pdf", EXE_BYTES), ("notes.pdf", b"just some text, not a PDF\n" * 10)],
)
def test_a_file_of_the_wrong_type_is_refused(deputy_client, deputy, name, content):
    suggestion = draft(deputy)
    response = english(deputy_client).post(url("upload", suggestion.pk), {"file": upload(name, content)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only PDF, Word (.doc, .docx), JPEG and PNG files are accepted" in html
    assert not Attachment.objects.exists() and media_files() == []


def test_a_file_too_big_is_refused(deputy_client, deputy, settings):
    settings.PROPOSALS_ATTACHMENT_MAX_BYTES = 1024
    suggestion = draft(deputy)
    response = english(deputy_client).post(
        url("upload", suggestion.pk), {"file": upload("big.pdf", PDF_BYTES + b"0" * 2048)}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "at most 1.0\xa0KB is accepted" in html
    assert not Attachment.objects.exists() and media_files() == []


def test_an_empty_file_is_refused(deputy_client, deputy):
    suggestion = draft(deputy)
    response = english(deputy_client).post(url("upload", suggestion.pk), {"file": upload("empty.pdf", b"")})
    assert response.status_code == 200 and "The file is empty." in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_missing_file_is_refused(deputy_client, deputy):
    suggestion = draft(deputy)
    response = english(deputy_client).post(url("upload", suggestion.pk), {})
    assert response.status_code == 200 and "Choose a file to upload." in response.content.decode()


def test_a_path_in_the_file_name_is_removed(deputy_client, deputy):
    """GIVEN a multipart body whose file name climbs out of the folder WHEN it is uploaded
    THEN the stored name is generated and the shown name has no path."""
    suggestion = draft(deputy)
    boundary = "BoUnDaRy"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/报告.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = deputy_client.generic(
        "POST", url("upload", suggestion.pk), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "报告.pdf"
    assert ".." not in attachment.file.name and attachment.file.name.startswith("proposals/")
    assert attachment.file.name.endswith(".pdf") and "报告" not in attachment.file.name
    stored = media_files()
    assert len(stored) == 1 and settings.MEDIA_ROOT in stored[0].parents


def test_content_that_does_not_match_its_name_is_refused(deputy_client, deputy):
    suggestion = draft(deputy)
    response = english(deputy_client).post(url("upload", suggestion.pk), {"file": upload("photo.pdf", PNG_BYTES)})
    assert response.status_code == 200 and "does not match its extension .pdf" in response.content.decode()
    assert not Attachment.objects.exists() and media_files() == []
    deputy_client.post(url("upload", suggestion.pk), {"file": upload("意见.docx", docx_bytes())})
    assert dict(Attachment.objects.values_list("original_name", "content_type")) == {
        "意见.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    }


def test_files_cannot_be_added_once_a_unit_handles_the_item(deputy_client, deputy, staff, unit_officer):
    suggestion = assigned(deputy, staff, [unit_officer])
    response = deputy_client.post(url("upload", suggestion.pk), {"file": upload("late.pdf", PDF_BYTES)})
    assert response.status_code == 302 and response.url == url("detail", suggestion.pk)
    assert not Attachment.objects.exists()


# --- Ratings ----------------------------------------------------------------------------------


def test_a_rating_without_a_value_is_refused(deputy_client, deputy, staff, unit_officer):
    suggestion, _assignment, reply = replied(deputy, staff, unit_officer)
    response = english(deputy_client).post(url("rate", suggestion.pk, reply.pk), {f"r{reply.pk}-comment": "还行"})
    html = response.content.decode()
    assert response.status_code == 200 and "Choose satisfied, basically satisfied or unsatisfied." in html
    assert "还行" in html and not Rating.objects.exists()


def test_a_deputy_with_two_mandates_chooses_one_and_its_sessions(client, city, term, district):
    """GIVEN a user who is a deputy of the city and of a district WHEN drafting THEN the page asks
    for which mandate, and a session of the other congress is refused."""
    user = make_deputy_user(city, term, "双重代表")
    district_term = factories.TermFactory(congress=district)
    district_mandate = factories.DeputyFactory(
        congress=district,
        term=district_term,
        electoral_unit=factories.ElectoralUnitFactory(congress=district),
        name="双重代表",
        user=user,
    )
    city_session = factories.SessionFactory(term=term, name="市十七届人大三次会议")
    client.force_login(user)
    html = client.get(url("new")).content.decode()
    assert 'name="mandate"' in html and "市十七届人大三次会议" in html
    response = client.post(url("new"), form_data(mandate=district_mandate.pk, session=city_session.pk))
    assert response.status_code == 200 and not Suggestion.objects.exists()
    client.post(url("new"), form_data(mandate=district_mandate.pk))
    assert Suggestion.objects.get().lead_deputy == district_mandate
