"""Submitting a draft cannot be undone, so it asks for confirmation: a required checkbox on the
form (no script pop-up); without it the draft is saved, not submitted, and the page says why."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.forms import ConfirmForm
from proposals.models import Suggestion

from ..builders import draft, english, field

S = Suggestion.Status


def url(name, *args):
    return reverse(f"proposals_portal:{name}", args=args)


def form_data(**overrides):
    data = {"kind": "suggestion", "title": "优化公交线网", "body": "加密班次。", "field": field().pk, "session": ""}
    data.update(overrides)
    return data


def test_the_confirm_form_refuses_until_ticked():
    with translation.override("en"):
        assert ConfirmForm({}).refusal == "Tick the box to confirm: this step cannot be undone."
    assert ConfirmForm({}).refusal == "请勾选确认：此操作无法撤回。"
    assert ConfirmForm({"confirm": "1"}).refusal == ""
    assert ConfirmForm({"x-confirm": "on"}, prefix="x").refusal == ""


@pytest.mark.django_db
def test_the_draft_page_shows_the_checkbox_without_script(deputy_client, deputy):
    item = draft(deputy)
    html = deputy_client.get(url("edit", item.pk)).content.decode()
    assert 'type="checkbox" name="submit-confirm"' in html
    assert "我已通读全文" in html
    assert "confirm(" not in html and "onclick" not in html


@pytest.mark.django_db
def test_submit_without_confirmation_saves_but_does_not_submit(client, deputy):
    """GIVEN a draft WHEN submitted with the box not ticked THEN the edits are kept, the status
    is still draft and the page shows the refusal with what was typed."""
    item = draft(deputy)
    client.force_login(deputy)
    response = english(client).post(url("edit", item.pk), form_data(title="改过的标题", action="submit"))
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == S.DRAFT and item.title == "改过的标题"
    html = response.content.decode()
    assert "Tick the box to confirm: this step cannot be undone." in html
    assert 'value="改过的标题"' in html


@pytest.mark.django_db
def test_submit_with_confirmation_submits(deputy_client, deputy):
    item = draft(deputy)
    response = deputy_client.post(url("edit", item.pk), form_data(action="submit", **{"submit-confirm": "1"}))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


@pytest.mark.django_db
def test_new_item_submitted_unconfirmed_is_kept_as_a_draft(deputy_client, deputy):
    response = deputy_client.post(url("new"), form_data(action="submit"), follow=True)
    item = Suggestion.objects.get(lead_deputy=deputy.mandate)
    assert item.status == S.DRAFT
    assert response.redirect_chain[-1][0] == url("edit", item.pk) + "#submit"
    assert "请勾选确认：此操作无法撤回。" in response.content.decode()


@pytest.mark.django_db
def test_saving_a_draft_needs_no_confirmation(deputy_client, deputy):
    item = draft(deputy)
    response = deputy_client.post(url("edit", item.pk), form_data(title="只保存", action="save"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.DRAFT and item.title == "只保存"


@pytest.mark.django_db
def test_the_wrong_actor_cannot_submit_even_when_confirming(client, deputy, outsider):
    item = draft(deputy)
    client.force_login(outsider)
    response = client.post(url("edit", item.pk), form_data(action="submit", **{"submit-confirm": "1"}))
    assert response.status_code in (403, 404)
    item.refresh_from_db()
    assert item.status == S.DRAFT
