"""The view kit (core.views): service errors onto forms, the refusal rule, safe next URLs,
downloads and pagination. No database: plain forms, a request factory and lists."""

import datetime
import io

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import translation

from core.exceptions import InvalidTransition, NotAllowed
from core.views import (
    FORBIDDEN,
    REFUSED,
    add_service_errors,
    deadline_info,
    download_response,
    paginate,
    refusal_messages,
    refusal_status,
    run_action,
    safe_filename,
    safe_next_url,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


class NoteForm(forms.Form):
    title = forms.CharField()
    note = forms.CharField(required=False)


def bound(**data):
    form = NoteForm({"title": "标题", **data})
    assert form.is_valid()
    return form


# --- add_service_errors --------------------------------------------------------------------------


def test_add_service_errors_puts_each_error_on_its_field_and_returns_the_leftovers():
    form = bound()
    leftover = add_service_errors(
        form,
        ValidationError({"title": "Enter a title.", "commitments": "A due date is needed.", "__all__": "Too late."}),
    )
    assert form.errors["title"] == ["Enter a title."]
    assert form.non_field_errors() == ["Too late."]
    assert leftover == ["A due date is needed."]
    assert "commitments" not in form.errors


def test_add_service_errors_renames_fields_with_the_map_and_can_keep_leftovers_on_the_form():
    form = bound()
    leftover = add_service_errors(
        form,
        ValidationError({"reason": "Say why.", "other": "Elsewhere."}),
        field_map={"reason": "note"},
        leftovers_on_form=True,
    )
    assert leftover == []
    assert form.errors["note"] == ["Say why."]
    assert form.non_field_errors() == ["Elsewhere."]


def test_add_service_errors_puts_a_refusal_without_fields_at_the_top():
    form = bound()
    assert add_service_errors(form, NotAllowed("Only staff may do this.")) == []
    assert form.non_field_errors() == ["Only staff may do this."]
    other = bound()
    add_service_errors(other, InvalidTransition("Already rated."))
    assert other.non_field_errors() == ["Already rated."]


# --- The refusal rule ----------------------------------------------------------------------------


def test_refusal_status_forbids_what_the_user_may_not_do_and_reshows_any_other_refusal():
    assert refusal_status(NotAllowed("no")) == FORBIDDEN == 403
    assert refusal_status(PermissionDenied()) == 403
    assert refusal_status(InvalidTransition("not now")) == REFUSED == 200
    assert refusal_status(ValidationError({"title": "Enter a title."})) == 200


def test_refusal_messages_gives_the_words_and_a_default():
    assert refusal_messages(ValidationError(["one", "two"])) == ["one", "two"]
    assert refusal_messages(NotAllowed("Only the lead deputy.")) == ["Only the lead deputy."]
    with translation.override("en"):
        assert refusal_messages(NotAllowed()) == ["You may not do this."]


def test_run_action_returns_the_value_or_the_refusal_with_its_status():
    calls = []
    ok = run_action(bound(), lambda data: calls.append(data["title"]) or "saved")
    assert (ok.ok, ok.value, ok.status, calls) == (True, "saved", 200, ["标题"])

    def refuse(_data):
        raise NotAllowed("Only staff.")

    form = bound()
    refused = run_action(form, refuse)
    assert (refused.ok, refused.status) == (False, 403)
    assert form.non_field_errors() == ["Only staff."]

    invalid = NoteForm({})
    result = run_action(invalid, lambda data: pytest.fail("the service must not run on bad input"))
    assert (result.ok, result.status) == (False, 200) and "title" in invalid.errors


# --- safe_next_url --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "//evil.example/portal/"])
def test_safe_next_url_refuses_other_sites(target):
    request = RequestFactory().post("/", HTTP_HOST="testserver")
    assert safe_next_url(request, target, "/fallback/") == "/fallback/"


def test_safe_next_url_accepts_a_path_of_this_site_and_falls_back_without_one():
    request = RequestFactory().post("/", HTTP_HOST="testserver")
    assert safe_next_url(request, "/portal/", "/fallback/") == "/portal/"
    assert safe_next_url(request, "", "/fallback/") == "/fallback/"
    assert safe_next_url(request, None, "/fallback/") == "/fallback/"


# --- download_response ----------------------------------------------------------------------------


def test_download_response_is_an_attachment_never_sniffed_nor_stored():
    response = download_response(b"%PDF-1.4 ...", filename="调研报告.pdf", content_type="application/pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.4 ..."


def test_download_response_judges_the_type_from_the_bytes_not_the_name():
    response = download_response(PNG, filename="photo.pdf")
    assert response["Content-Type"] == "image/png"
    streamed = download_response(io.BytesIO(PNG), filename="photo.txt")
    assert streamed["Content-Type"] == "image/png"
    assert b"".join(streamed.streaming_content) == PNG  # the sniffing read nothing away
    assert download_response(b"just text", filename="a.png")["Content-Type"] == "application/octet-stream"


def test_download_response_for_the_public_may_be_cached_but_is_revalidated():
    response = download_response(io.BytesIO(PNG), filename="a.png", content_type="image/png", private=False)
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Disposition"].startswith("attachment;")


def test_safe_filename_drops_characters_and_keeps_the_extension_when_shortening():
    assert safe_filename('a/b\\c:d*e?"f<g>h|i\r\n.pdf') == "abcdefghi.pdf"
    long = safe_filename("长" * 100 + ".docx")
    assert len(long) == 80 and long.endswith(".docx")
    assert safe_filename("///") == "file"


# --- paginate and deadline_info ---------------------------------------------------------------------


def test_paginate_links_keep_the_other_query_parameters():
    request = RequestFactory().get("/list/", {"q": "停车", "status": "open", "page": "2"})
    page = paginate(request, list(range(45)), size=20)
    assert page.number == 2 and page.object_list == list(range(20, 40))
    assert page.next_url.startswith("?") and "q=%E5%81%9C%E8%BD%A6" in page.next_url
    assert "status=open" in page.next_url and "page=3" in page.next_url
    assert "page=1" in page.prev_url and "status=open" in page.prev_url


def test_paginate_with_its_own_parameter_leaves_the_other_lists_page_alone():
    request = RequestFactory().get("/list/", {"page": "2", "rpage": "1"})
    page = paginate(request, list(range(30)), param="rpage", size=10)
    assert "page=2" in page.next_url and "rpage=2" in page.next_url
    assert page.prev_url == ""


def test_deadline_info_counts_calendar_days_left_and_overdue():
    today = datetime.date(2026, 3, 2)
    assert deadline_info(None, today) is None
    soon = deadline_info(datetime.date(2026, 3, 12), today)
    assert (soon["left"], soon["overdue_by"], soon["soon"], soon["awaiting"]) == (10, 0, True, True)
    late = deadline_info(datetime.date(2026, 2, 27), today, awaiting=False)
    assert (late["left"], late["overdue_by"], late["soon"], late["awaiting"]) == (-3, 3, False, False)
    far = deadline_info(datetime.date(2026, 6, 2), today)
    assert far["soon"] is False and far["date"] == datetime.date(2026, 6, 2)
