"""The deputies' pages for suggestions and motions: every page's happy path."""

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import Attachment, CoSigner, Rating, Suggestion

from .. import factories
from ..builders import (
    PDF_BYTES,
    assigned,
    draft,
    english,
    field,
    make_deputy_user,
    published_guide,
    replied,
    submitted,
    upload,
)

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def url(name, *args):
    return reverse(f"proposals_portal:{name}", args=args)


def form_data(**overrides):
    data = {
        "kind": "suggestion",
        "title": "优化公交线网",
        "body": "现状。\n\n1. 加密班次\n2. 延长末班",
        "field": field().pk,
        "session": "",
        "submit-confirm": "1",  # the submit confirmation (ignored by "save")
    }
    data.update(overrides)
    return data


# --- List ----------------------------------------------------------------------------------


def test_list_shows_my_items_requests_and_cosigned(deputy_client, deputy, staff, unit_officer, city, term):
    """GIVEN an item I lead that a unit is handling, a co-signing request and an item I co-signed
    WHEN I open the list THEN each section shows them with status, number, units and days left."""
    mine = submitted(deputy, title="我领衔的建议")
    services.suggestion_accept(actor=staff, suggestion=mine)
    services.suggestion_assign(actor=staff, suggestion=mine, units_roles=[(unit_officer.unit, "lead")])
    mine.refresh_from_db()
    wang = make_deputy_user(city, term, "王代表")
    zhao = make_deputy_user(city, term, "赵代表")
    asking = draft(wang, title="请我附议的建议")
    services.cosigner_invite(actor=wang, suggestion=asking, deputies=[deputy.mandate])
    signed = draft(zhao, title="我已附议的建议")
    services.cosigner_invite(actor=zhao, suggestion=signed, deputies=[deputy.mandate])
    services.cosigner_respond(actor=deputy, cosigner=signed.cosigners.get(), confirm=True)

    response = deputy_client.get(url("list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "我领衔的建议" in html and mine.number_label in html
    assert "示例市交通运输局" in html
    deadline = mine.assignments.get().deadline
    assert deadline.strftime("%Y-%m-%d") in html
    assert str((deadline - timezone.localdate()).days) in html
    assert "请我附议的建议" in html and url("respond", asking.pk) in html
    assert "我已附议的建议" in html
    assert "css/proposals.css" in html


def test_list_flags_replies_waiting_for_a_rating(deputy_client, deputy, staff, unit_officer):
    replied(deputy, staff, unit_officer)
    response = english(deputy_client).get(url("list"))
    assert "waiting for your rating" in response.content.decode()


def test_list_is_paginated(deputy_client, deputy):
    for n in range(22):
        Suggestion.objects.create(
            congress=deputy.mandate.congress,
            lead_deputy=deputy.mandate,
            title=f"建议{n:02d}",
            body="x",
            created_by=deputy,
        )
    first = deputy_client.get(url("list")).content.decode()
    second = deputy_client.get(url("list") + "?page=2").content.decode()
    assert "建议21" in first and "建议00" not in first
    assert "建议00" in second and "?page=1" in second


# --- Drafting --------------------------------------------------------------------------------


def test_new_page_shows_form_sessions_guide_and_unit_contacts(deputy_client, deputy, city, term):
    session = factories.SessionFactory(term=term, name="市十七届人大三次会议")
    published_guide(city, title="今年选题指引")
    response = deputy_client.get(url("new"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "市十七届人大三次会议" in html and f'value="{session.pk}"' in html
    assert "今年选题指引" in html and "<li>养老服务</li>" in html
    assert url("units") in html
    assert 'name="action" value="save"' in html and 'name="action" value="submit"' in html


def test_save_draft_creates_it_and_goes_to_the_edit_page(deputy_client, deputy, term):
    session = factories.SessionFactory(term=term)
    response = deputy_client.post(url("new"), form_data(action="save", session=session.pk))
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == url("edit", suggestion.pk)
    assert suggestion.status == S.DRAFT and suggestion.lead_deputy == deputy.mandate
    assert suggestion.session == session and suggestion.field == field()


def test_submit_from_the_new_page_submits_a_suggestion(deputy_client, deputy):
    response = deputy_client.post(url("new"), form_data(action="submit"))
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == url("detail", suggestion.pk)
    assert suggestion.status == S.SUBMITTED


def test_edit_page_saves_changes(deputy_client, deputy):
    suggestion = draft(deputy)
    page = deputy_client.get(url("edit", suggestion.pk))
    assert page.status_code == 200 and suggestion.title in page.content.decode()
    response = deputy_client.post(url("edit", suggestion.pk), form_data(title="新标题", action="save"))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.title == "新标题" and suggestion.status == S.DRAFT


def test_edit_page_submits(deputy_client, deputy):
    suggestion = draft(deputy)
    response = deputy_client.post(url("edit", suggestion.pk), form_data(action="submit"))
    assert response.status_code == 302 and response.url == url("detail", suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.status == S.SUBMITTED


def test_returned_item_can_be_revised_and_resubmitted(deputy_client, deputy, staff):
    suggestion = submitted(deputy)
    services.suggestion_return(actor=staff, suggestion=suggestion, reason="请补充数据来源")
    page = deputy_client.get(url("edit", suggestion.pk)).content.decode()
    assert "请补充数据来源" in page
    deputy_client.post(url("edit", suggestion.pk), form_data(action="submit"))
    suggestion.refresh_from_db()
    assert suggestion.status == S.SUBMITTED


# --- Co-signers -------------------------------------------------------------------------------


def test_invite_cosigners_by_name(deputy_client, deputy, city, term):
    wang = make_deputy_user(city, term, "王代表")
    zhao = make_deputy_user(city, term, "赵代表")
    suggestion = draft(deputy)
    response = deputy_client.post(url("invite", suggestion.pk), {"names": "王代表，赵代表\n王代表"})
    assert response.status_code == 302 and response.url.endswith("#cosigners")
    assert set(CoSigner.objects.values_list("deputy_id", flat=True)) == {wang.mandate.pk, zhao.mandate.pk}
    page = deputy_client.get(url("edit", suggestion.pk)).content.decode()
    assert "王代表" in page and 'data-status="invited"' in page


def test_unknown_and_ambiguous_names_are_refused_with_a_clear_message(deputy_client, deputy, city, term):
    east = factories.ElectoralUnitFactory(congress=city, name="鼓楼区")
    west = factories.ElectoralUnitFactory(congress=city, name="秦淮区")
    make_deputy_user(city, term, "王芳", electoral_unit=east)
    make_deputy_user(city, term, "王芳", electoral_unit=west)
    suggestion = draft(deputy)
    response = english(deputy_client).post(url("invite", suggestion.pk), {"names": "王芳、无此人"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No serving deputy of this congress is called “无此人”" in html
    assert "Several deputies are called “王芳”" in html and "王芳（鼓楼区）" in html and "王芳（秦淮区）" in html
    assert "王芳、无此人" in html  # what was typed is kept
    assert not CoSigner.objects.exists()
    # The electoral unit in brackets tells namesakes apart.
    deputy_client.post(url("invite", suggestion.pk), {"names": "王芳（秦淮区）"})
    assert CoSigner.objects.get().deputy.electoral_unit == west


def test_deputies_of_another_congress_cannot_be_invited(deputy_client, deputy, district):
    other_term = factories.TermFactory(congress=district)
    make_deputy_user(district, other_term, "区代表")
    suggestion = draft(deputy)
    response = deputy_client.post(url("invite", suggestion.pk), {"names": "区代表"})
    assert response.status_code == 200 and not CoSigner.objects.exists()


def test_cosigner_confirms_from_the_list_and_declines_from_the_detail(client, deputy, city, term):
    wang = make_deputy_user(city, term, "王代表")
    first, second = draft(deputy, title="第一件"), draft(deputy, title="第二件")
    for item in (first, second):
        services.cosigner_invite(actor=deputy, suggestion=item, deputies=[wang.mandate])
    client.force_login(wang)
    response = client.post(url("respond", first.pk), {"answer": "confirm", "next": url("list")})
    assert response.status_code == 302 and response.url == url("list")
    detail = client.get(url("detail", second.pk)).content.decode()
    assert url("respond", second.pk) in detail and url("rate", second.pk, 1) not in detail
    response = client.post(url("respond", second.pk), {"answer": "decline"})
    assert response.url == url("list")
    states = dict(CoSigner.objects.values_list("suggestion_id", "status"))
    assert states == {first.pk: "confirmed", second.pk: "declined"}


def test_cosigner_sees_the_item_read_only(client, deputy, city, term):
    wang = make_deputy_user(city, term, "王代表")
    suggestion = draft(deputy)
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[wang.mandate])
    client.force_login(wang)
    detail = client.get(url("detail", suggestion.pk)).content.decode()
    assert suggestion.title in detail and url("edit", suggestion.pk) not in detail
    assert client.get(url("edit", suggestion.pk)).status_code == 403
    assert client.post(url("edit", suggestion.pk), form_data(title="改掉")).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.title != "改掉"


def test_a_motion_with_enough_cosigners_is_submitted(deputy_client, deputy, city, term):
    city.motion_min_cosigners = 2
    city.save(update_fields=["motion_min_cosigners"])
    wang = make_deputy_user(city, term, "王代表")
    suggestion = draft(deputy, kind="motion")
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[wang.mandate])
    services.cosigner_respond(actor=wang, cosigner=suggestion.cosigners.get(), confirm=True)
    deputy_client.post(url("edit", suggestion.pk), form_data(kind="motion", action="submit"))
    suggestion.refresh_from_db()
    assert suggestion.status == S.SUBMITTED


# --- Attachments ------------------------------------------------------------------------------


def test_upload_and_download_an_attachment(deputy_client, deputy):
    suggestion = draft(deputy)
    response = deputy_client.post(url("upload", suggestion.pk), {"file": upload("调研报告.pdf", PDF_BYTES)})
    assert response.status_code == 302 and response.url.endswith("#attachments")
    attachment = Attachment.objects.get()
    assert attachment.original_name == "调研报告.pdf" and attachment.content_type == "application/pdf"
    page = deputy_client.get(url("edit", suggestion.pk)).content.decode()
    download = url("attachment", suggestion.pk, attachment.pk)
    assert download in page and "调研报告.pdf" in page
    assert "/media/" not in page

    response = deputy_client.get(download)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


# --- Detail and rating -------------------------------------------------------------------------


def test_detail_shows_handling_replies_commitments_and_timeline(deputy_client, deputy, staff, unit_officer):
    suggestion, _assignment, reply = replied(deputy, staff, unit_officer, text="第一段答复。\n\n- 措施一")
    commitment = reply.commitments.get()
    services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="方案已完成初稿")
    response = english(deputy_client).get(url("detail", suggestion.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert suggestion.number_label in html and "Replied" in html
    assert "示例市交通运输局" in html and "Lead" in html
    assert "B 正在解决或列入计划解决" in html and "张局长" in html and "<li>措施一</li>" in html
    assert "年底前完成改造方案" in html and "方案已完成初稿" in html
    assert "Draft created" in html and "Unit replied" in html
    assert url("rate", suggestion.pk, reply.pk) in html


def test_detail_shows_days_left_while_a_unit_is_handling(deputy_client, deputy, staff, unit_officer):
    suggestion = assigned(deputy, staff, [unit_officer])
    deadline = suggestion.assignments.get().deadline
    html = english(deputy_client).get(url("detail", suggestion.pk)).content.decode()
    assert f"{(deadline - timezone.localdate()).days} days left" in html


def test_lead_deputy_rates_a_reply(deputy_client, deputy, staff, unit_officer):
    suggestion, _assignment, reply = replied(deputy, staff, unit_officer)
    prefix = f"r{reply.pk}"
    response = deputy_client.post(
        url("rate", suggestion.pk, reply.pk), {f"{prefix}-value": "satisfied", f"{prefix}-comment": "很好"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert rating.value == "satisfied" and rating.rated_by == deputy and rating.comment == "很好"
    suggestion.refresh_from_db()
    assert suggestion.status == S.RATED
    html = deputy_client.get(url("detail", suggestion.pk)).content.decode()
    assert url("rate", suggestion.pk, reply.pk) not in html and "很好" in html


def test_unsatisfied_needs_a_comment_and_keeps_what_was_chosen(deputy_client, deputy, staff, unit_officer):
    suggestion, _assignment, reply = replied(deputy, staff, unit_officer)
    prefix = f"r{reply.pk}"
    response = english(deputy_client).post(
        url("rate", suggestion.pk, reply.pk), {f"{prefix}-value": "unsatisfied", f"{prefix}-comment": " "}
    )
    assert response.status_code == 200
    assert "Say what is unsatisfactory" in response.content.decode()
    assert not Rating.objects.exists()
    response = deputy_client.post(
        url("rate", suggestion.pk, reply.pk), {f"{prefix}-value": "unsatisfied", f"{prefix}-comment": "未解决根本问题"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == S.REHANDLING


# --- Topic guide and unit contacts ------------------------------------------------------------


def test_guide_page_shows_published_guides_of_my_congress(deputy_client, city, district):
    published_guide(city, title="市选题指引")
    published_guide(city, title="未发布的指引", published=False)
    published_guide(district, title="区选题指引")
    html = deputy_client.get(url("guide")).content.decode()
    assert "市选题指引" in html and "<li>托育服务</li>" in html
    assert "未发布的指引" not in html and "区选题指引" not in html
    assert f'href="{reverse("training_portal:courses")}?kind=briefing"' in html  # the briefings before the session


def test_units_page_lists_and_searches_public_contacts(deputy_client, city, district):
    factories.UnitFactory(congress=city, name="示例市教育局", public_contact="刘老师", public_phone="025-12345678")
    factories.UnitFactory(congress=city, name="示例市卫生健康委员会", public_contact="陈主任")
    factories.UnitFactory(congress=district, name="区住建局")
    html = deputy_client.get(url("units")).content.decode()
    assert "示例市教育局" in html and "刘老师" in html and 'href="tel:025-12345678"' in html
    assert "示例市卫生健康委员会" in html and "区住建局" not in html
    found = deputy_client.get(url("units"), {"q": "陈主任"}).content.decode()
    assert "示例市卫生健康委员会" in found and "示例市教育局" not in found


def test_pages_have_no_inline_script_or_style(deputy_client, deputy, staff, unit_officer):
    suggestion, _assignment, _reply = replied(deputy, staff, unit_officer)
    draft_item = draft(deputy)
    for page in (
        url("list"),
        url("new"),
        url("edit", draft_item.pk),
        url("detail", suggestion.pk),
        url("guide"),
        url("units"),
    ):
        html = deputy_client.get(page).content.decode()
        assert "<script" not in html and "style=" not in html and "<style" not in html, page
        assert html.count("csrfmiddlewaretoken") >= html.count('method="post"'), page
