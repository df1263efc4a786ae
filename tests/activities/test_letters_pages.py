"""The letter pages of the three audiences: who reaches which page, bad input shown in Chinese
with what was typed kept, and exact query counts of the lists with few and many letters."""

import pytest
from django.urls import reverse

from activities.models import DeputyLetter, LetterAttachment
from tests import factories
from tests.builders import PDF_BYTES, exe, make_deputy_user, officer_of, pdf

from .test_letters_services import bulk_letters, forwarded, lodged, replied

L = DeputyLetter.Status
pytestmark = pytest.mark.django_db
SIZES = pytest.mark.parametrize("n", [2, 40], ids=["2-letters", "40-letters"])

# Every request pays for the session and the user (staff: the TOTP check and their congresses);
# the header for the role groups. The page itself: a count and one joined read of the letters,
# whatever their number. Other apps' header links (and their badges) are left out: they are
# theirs to count (``own_navigation``).
PORTAL_LIST_QUERIES = 5
UNIT_LIST_QUERIES = 6
OFFICE_LIST_QUERIES = 8


@pytest.fixture
def own_navigation(monkeypatch):
    """Only the ledger's own header links, so the counts are this app's pages'; and an empty
    cache (the unread count is cached per user id, and ids repeat from test to test)."""
    from django.core.cache import cache

    from core.registry import navigation

    cache.clear()

    monkeypatch.setattr(navigation, "_entries", {k: v for k, v in navigation._entries.items() if k == "activities"})


def login(client, user):
    client.force_login(user)
    return client


# --- The deputy ----------------------------------------------------------------------------


def test_the_deputy_lodges_a_letter_in_the_portal(client, deputy, staff):
    login(client, deputy)
    assert client.get(reverse("activities:letter_new")).status_code == 200
    response = client.post(
        reverse("activities:letter_new"),
        {
            "mandate": deputy.mandate.pk,
            "subject": "学校周边交通拥堵",
            "content": "建议增设临时停车位并错峰放学。",
            "files": [pdf("照片说明.pdf")],
            "confirm": "on",
        },
    )
    letter = DeputyLetter.objects.get()
    assert response.status_code == 302 and response.url == reverse("activities:letter_portal", args=[letter.pk])
    page = client.get(response.url).content.decode()
    assert "学校周边交通拥堵" in page and "照片说明.pdf" in page and "已提交" in page
    assert letter.attachments.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "content": "内容写了"}, "请填写信访事项的标题。"),
        ({"subject": "题目写了", "content": ""}, "请写明信访事项的内容。"),
        ({"subject": "长" * 201, "content": "内容写了"}, "最多 200 个字"),
        ({"subject": "题目写了", "content": "内容写了", "confirm": ""}, "请勾选确认"),
    ],
)
def test_bad_input_on_the_letter_form_is_refused_in_chinese_and_the_text_kept(client, deputy, data, message):
    login(client, deputy)
    post = {"mandate": deputy.mandate.pk, "confirm": "on", **data}
    response = client.post(reverse("activities:letter_new"), post)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    for typed in (data["subject"], data["content"]):
        if typed:
            assert typed in page
    assert not DeputyLetter.objects.exists()


def test_a_file_that_is_not_what_it_says_is_refused_on_the_form(client, deputy):
    login(client, deputy)
    response = client.post(
        reverse("activities:letter_new"),
        {"mandate": deputy.mandate.pk, "subject": "题目写了", "content": "内容写了", "files": [exe()], "confirm": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "只接受" in page and "题目写了" in page
    assert not DeputyLetter.objects.exists() and not LetterAttachment.objects.exists()


def test_the_deputy_reads_the_answer_and_gives_feedback(client, deputy, staff, unit_officer):
    letter = replied(deputy, staff, unit_officer, reply="已协调公交公司恢复原站点。")
    login(client, deputy)
    page = client.get(reverse("activities:letter_portal", args=[letter.pk])).content.decode()
    assert "已协调公交公司恢复原站点。" in page and "您对答复是否满意？" in page
    refused = client.post(reverse("activities:letter_feedback", args=[letter.pk]), {"note": "还要跟进"})
    assert (
        refused.status_code == 200 and "请选择" in refused.content.decode() and "还要跟进" in refused.content.decode()
    )
    response = client.post(
        reverse("activities:letter_feedback", args=[letter.pk]), {"feedback": "satisfied", "note": "很及时"}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.feedback, letter.feedback_note) == (L.CLOSED, "satisfied", "很及时")


def test_a_deputy_never_sees_another_deputys_letter(client, deputy, city, term):
    other = make_deputy_user(city, term, "别的代表")
    letter = lodged(other)
    login(client, deputy)
    assert client.get(reverse("activities:letter_portal", args=[letter.pk])).status_code == 404
    response = client.post(reverse("activities:letter_feedback", args=[letter.pk]), {"feedback": "satisfied"})
    assert response.status_code == 404
    assert client.get(reverse("activities:letters_office")).status_code == 403


# --- The unit ------------------------------------------------------------------------------


def test_the_unit_answers_on_its_own_page_with_a_file(client, deputy, staff, unit_officer):
    letter = forwarded(deputy, staff, unit_officer.unit)
    login(client, unit_officer)
    listing = client.get(reverse("activities:letters_unit")).content.decode()
    assert letter.subject in listing
    page = client.get(reverse("activities:letter_unit", args=[letter.pk])).content.decode()
    assert "答复代表" in page
    response = client.post(
        reverse("activities:letter_reply", args=[letter.pk]),
        {"reply": "已现场核实并整改。", "file": pdf("答复函.pdf"), "confirm": "on"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == L.REPLIED and letter.attachments.get().part == "reply"
    login(client, deputy)
    download = client.get(reverse("activities:letter_file", args=[letter.pk, letter.attachments.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment")


def test_an_empty_answer_is_refused_on_the_unit_page_and_the_text_kept(client, deputy, staff, unit_officer):
    letter = forwarded(deputy, staff, unit_officer.unit)
    login(client, unit_officer)
    response = client.post(reverse("activities:letter_reply", args=[letter.pk]), {"reply": "", "confirm": "on"})
    assert response.status_code == 200 and "答复内容不能为空" in response.content.decode()
    response = client.post(reverse("activities:letter_reply", args=[letter.pk]), {"reply": "写好的答复"})
    page = response.content.decode()
    assert response.status_code == 200 and "请勾选确认" in page and "写好的答复" in page
    letter.refresh_from_db()
    assert letter.status == L.FORWARDED and letter.reply == ""


def test_another_units_officer_reaches_neither_the_letter_nor_its_files(client, deputy, staff, unit_officer, city):
    letter = forwarded(deputy, staff, unit_officer.unit, uploads=[pdf()])
    stranger = officer_of(factories.UnitFactory(congress=city), "别的单位联系人")
    login(client, stranger)
    assert letter.subject not in client.get(reverse("activities:letters_unit")).content.decode()
    assert client.get(reverse("activities:letter_unit", args=[letter.pk])).status_code == 404
    response = client.post(reverse("activities:letter_reply", args=[letter.pk]), {"reply": "x", "confirm": "on"})
    assert response.status_code == 404
    file_pk = letter.attachments.get().pk
    assert client.get(reverse("activities:letter_file", args=[letter.pk, file_pk])).status_code == 404
    letter.refresh_from_db()
    assert letter.status == L.FORWARDED


# --- The office ----------------------------------------------------------------------------


def test_staff_forward_a_letter_on_the_office_page(client, deputy, staff, unit_officer):
    letter = lodged(deputy)
    login(client, staff)
    page = client.get(reverse("activities:letter_office", args=[letter.pk])).content.decode()
    assert "转交单位办理" in page and unit_officer.unit.name in page
    refused = client.post(reverse("activities:letter_forward", args=[letter.pk]), {"body": "", "workdays": "0"})
    text = refused.content.decode()
    assert refused.status_code == 200 and "请选择负责答复的单位。" in text and "请填写1至120个工作日。" in text
    response = client.post(
        reverse("activities:letter_forward", args=[letter.pk]), {"body": unit_officer.unit.pk, "workdays": "10"}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == L.FORWARDED and letter.body == unit_officer.unit


def test_staff_close_a_letter_only_with_a_reason_and_a_confirmation(client, deputy, staff):
    letter = lodged(deputy)
    login(client, staff)
    refused = client.post(reverse("activities:letter_close", args=[letter.pk]), {"note": "重复反映", "confirm": ""})
    assert (
        refused.status_code == 200
        and "请勾选确认" in refused.content.decode()
        and "重复反映" in refused.content.decode()
    )
    refused = client.post(reverse("activities:letter_close", args=[letter.pk]), {"note": "", "confirm": "on"})
    assert "请说明办结的理由。" in refused.content.decode()
    letter.refresh_from_db()
    assert letter.status == L.RECEIVED
    response = client.post(reverse("activities:letter_close", args=[letter.pk]), {"note": "重复反映", "confirm": "on"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.close_note) == (L.CLOSED, "重复反映")


def test_district_staff_and_unit_officers_do_not_reach_the_citys_letters(client, deputy, district_staff, unit_officer):
    letter = lodged(deputy)
    login(client, district_staff)
    assert letter.subject not in client.get(reverse("activities:letters_office")).content.decode()
    assert client.get(reverse("activities:letter_office", args=[letter.pk])).status_code == 404
    response = client.post(
        reverse("activities:letter_forward", args=[letter.pk]), {"body": unit_officer.unit.pk, "workdays": "10"}
    )
    assert response.status_code == 404
    login(client, unit_officer)
    assert client.get(reverse("activities:letters_office")).status_code == 403
    letter.refresh_from_db()
    assert letter.status == L.RECEIVED


# --- Query counts --------------------------------------------------------------------------


@SIZES
def test_the_deputys_list_costs_the_same_with_few_and_many_letters(
    own_navigation, client, deputy, unit_officer, n, django_assert_num_queries
):
    bulk_letters(n, deputy=deputy.mandate, unit=unit_officer.unit)
    login(client, deputy)
    with django_assert_num_queries(PORTAL_LIST_QUERIES):
        response = client.get(reverse("activities:letters_portal"))
    assert response.status_code == 200 and response.content.decode().count("data-status=") == min(n, 30)


@SIZES
def test_the_units_list_costs_the_same_with_few_and_many_letters(
    own_navigation, client, deputy, unit_officer, n, django_assert_num_queries
):
    bulk_letters(n, deputy=deputy.mandate, unit=unit_officer.unit)
    login(client, unit_officer)
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        response = client.get(reverse("activities:letters_unit"))
    assert response.status_code == 200 and response.content.decode().count("data-status=") == min(n, 30)


@SIZES
def test_the_offices_list_costs_the_same_with_few_and_many_letters(
    own_navigation, client, deputy, staff, unit_officer, n, django_assert_num_queries
):
    bulk_letters(n, deputy=deputy.mandate, unit=unit_officer.unit)
    login(client, staff)
    with django_assert_num_queries(OFFICE_LIST_QUERIES):
        response = client.get(reverse("activities:letters_office"))
    assert response.status_code == 200 and response.content.decode().count("data-status=") == min(n, 30)
    filtered = client.get(reverse("activities:letters_office") + "?status=closed")
    assert filtered.content.decode().count("data-status=") == 0
