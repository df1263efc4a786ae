"""Similar suggestions on the deputy's draft page (and the selector the office's review page uses):
items of the same congress, of the same session or the last two years, that share enough of the
draft's distinctive words, so the deputy can co-sign instead of duplicating."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import Suggestion
from proposals.selectors.similar import distinctive_words, similar_for_suggestion, similar_suggestions

from .. import factories
from ..builders import accepted, draft, handled, make_deputy_user, submitted


def edit_url(pk):
    return reverse("proposals_portal:edit", args=[pk])


@pytest.fixture
def other(city, term):
    return make_deputy_user(city, term, "王代表")


def test_distinctive_words_leave_out_what_every_title_says():
    words = distinctive_words("关于加快老旧小区加装电梯的建议", "加装电梯资金不足，加装电梯审批慢。")
    assert "关于" not in words and "建议" not in words and "加快" not in words
    assert {"老旧", "小区", "加装", "电梯"} <= set(words)


@pytest.mark.django_db
def test_an_accepted_item_with_similar_words_is_listed_on_the_draft_page(deputy_client, deputy, other, staff):
    """GIVEN another deputy's accepted item on lift installation WHEN the deputy drafts one on the
    same subject THEN the draft page lists it with its lead deputy, and not an unrelated item."""
    theirs = accepted(other, staff, title="关于老旧小区加装电梯的建议", body="多层住宅加装电梯推进缓慢。")
    accepted(other, staff, title="关于整治河道水环境的建议", body="沿岸污水直排。")
    mine = draft(deputy, title="关于支持老旧小区加装电梯的建议", body="老人上下楼难。")

    response = deputy_client.get(edit_url(mine.pk))
    assert response.status_code == 200
    assert [s.pk for s in response.context["similar"]] == [theirs.pk]
    html = response.content.decode()
    assert 'id="similar"' in html and "关于老旧小区加装电梯的建议" in html and "王代表" in html
    assert "关于整治河道水环境的建议" not in html


@pytest.mark.django_db
def test_a_submitted_item_not_yet_indexed_matches_on_its_title(deputy, other):
    theirs = submitted(other, title="关于老旧小区加装电梯的建议", body="推进缓慢。")
    assert Suggestion.objects.get(pk=theirs.pk).search_text == ""
    mine = draft(deputy, title="关于老旧小区电梯加装补贴的建议", body="补贴标准低。")
    assert [s.pk for s in similar_for_suggestion(suggestion=mine)] == [theirs.pk]


@pytest.mark.django_db
def test_a_match_in_the_body_through_the_index_counts(deputy, other, staff, unit_officer):
    """The index holds the body's words and pairs: a title unlike the draft's is found by its text."""
    theirs = handled(
        other, staff, [unit_officer], title="关于改善社区养老服务的建议", body="多层住宅老人上下楼困难，希望加装电梯。"
    )
    mine = draft(deputy, title="关于加装电梯的建议", body="多层住宅没有电梯，老人出行困难。")
    assert theirs.pk in [s.pk for s in similar_for_suggestion(suggestion=mine)]


@pytest.mark.django_db
def test_drafts_and_other_congresses_are_never_listed(deputy, other, district, district_staff):
    draft(other, title="关于老旧小区加装电梯的建议")  # someone's private draft
    elsewhere = make_deputy_user(district, factories.TermFactory(congress=district), "区代表")
    accepted(elsewhere, district_staff, title="关于老旧小区加装电梯的建议")
    mine = draft(deputy, title="关于老旧小区加装电梯的建议")
    assert similar_for_suggestion(suggestion=mine) == []
    assert mine.pk not in [s.pk for s in similar_for_suggestion(suggestion=mine)]


@pytest.mark.django_db
def test_older_than_two_years_is_listed_only_in_the_same_session(deputy, other, staff, session, time_machine):
    """GIVEN an item submitted three years ago WHEN a draft of another session is checked THEN it is
    not listed; the same session's items are, however old."""
    time_machine.move_to(timezone.now() - datetime.timedelta(days=3 * 365), tick=False)
    old_same_session = accepted(other, staff, title="关于老旧小区加装电梯的建议", session=session)
    old_between = accepted(other, staff, title="关于老旧小区加装电梯补贴的建议")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=3 * 365), tick=False)
    found = similar_suggestions(
        congress_id=deputy.mandate.congress_id, session_id=session.pk, title="关于老旧小区加装电梯的建议"
    )
    assert [s.pk for s in found] == [old_same_session.pk]
    found = similar_suggestions(
        congress_id=deputy.mandate.congress_id, session_id=None, title="关于老旧小区加装电梯的建议"
    )
    assert old_between.pk not in [s.pk for s in found] and found == []


@pytest.mark.django_db
def test_most_shared_words_first_and_a_public_item_is_linked(deputy_client, deputy, other, staff, unit_officer):
    one_word = accepted(other, staff, title="关于老旧小区停车的建议", body="停车难。")
    public = handled(other, staff, [unit_officer], title="关于老旧小区加装电梯的建议", body="推进缓慢。")
    mine = draft(deputy, title="关于老旧小区加装电梯的建议", body="请研究。")
    similar = similar_for_suggestion(suggestion=mine)
    assert [s.pk for s in similar] == [public.pk, one_word.pk]
    html = deputy_client.get(edit_url(mine.pk)).content.decode()
    assert reverse("proposals:detail", args=[public.pk]) in html
    assert reverse("proposals:detail", args=[one_word.pk]) not in html  # not published


@pytest.mark.django_db
def test_the_selector_costs_one_query_whatever_the_data(deputy, other, staff, django_assert_num_queries):
    mine = draft(deputy, title="关于老旧小区加装电梯的建议")
    for i in range(3):
        accepted(other, staff, title=f"关于老旧小区加装电梯的建议（{i}）")
    with django_assert_num_queries(1):
        found = similar_for_suggestion(suggestion=mine)
        assert [s.lead_deputy.name for s in found] == ["王代表"] * 3


@pytest.mark.django_db
def test_the_include_for_staff_links_to_the_office_pages(deputy, other, staff, rf):
    """The office's review page includes the same template with ``for_staff``: the hint speaks of
    merging and each item links to its office page."""
    from django.template.loader import render_to_string
    from django.utils import translation

    theirs = accepted(other, staff, title="关于老旧小区加装电梯的建议")
    mine = submitted(deputy, title="关于老旧小区加装电梯补贴的建议")
    with translation.override("zh-hans"):
        html = render_to_string(
            "proposals/includes/similar.html", {"similar": similar_for_suggestion(suggestion=mine), "for_staff": True}
        )
    assert reverse("proposals_office:detail", args=[theirs.pk]) in html
    assert "可考虑合并办理" in html


@pytest.mark.django_db
def test_the_office_review_page_lists_similar_items_for_merging(deputy, other, staff, client):
    theirs = accepted(other, staff, title="关于老旧小区加装电梯的建议")
    mine = submitted(deputy, title="关于老旧小区加装电梯补贴的建议")
    client.force_login(staff)
    page = client.get(reverse("proposals_office:detail", args=[mine.pk])).content.decode()
    assert 'id="similar"' in page and reverse("proposals_office:detail", args=[theirs.pk]) in page


@pytest.mark.django_db
def test_the_new_item_page_lists_similar_items_before_anything_is_saved(deputy_client, deputy, other, staff):
    """GIVEN another deputy's accepted item on lift installation WHEN the deputy types a title on the
    same subject into the new-item form and presses "look for similar suggestions" THEN the page
    lists it, keeps what was typed and saves nothing."""
    theirs = accepted(other, staff, title="关于老旧小区加装电梯的建议", body="多层住宅加装电梯推进缓慢。")
    before = Suggestion.objects.count()
    typed = {
        "action": "similar",
        "kind": "suggestion",
        "title": "关于支持老旧小区加装电梯的建议",
        "body": "老人上下楼难。",
    }
    response = deputy_client.post(reverse("proposals_portal:new"), typed)
    assert response.status_code == 200
    assert [s.pk for s in response.context["similar"]] == [theirs.pk]
    html = response.content.decode()
    assert 'id="similar"' in html and "王代表" in html
    assert 'value="关于支持老旧小区加装电梯的建议"' in html and "老人上下楼难。" in html
    assert "errorlist" not in html
    assert Suggestion.objects.count() == before
    # A typed id too large for the column is ignored, not an error.
    huge = deputy_client.post(reverse("proposals_portal:new"), {**typed, "session": "9" * 30, "mandate": "-1"})
    assert huge.status_code == 200 and [s.pk for s in huge.context["similar"]] == [theirs.pk]
    # A plain new form lists nothing until there is a title to compare.
    assert deputy_client.get(reverse("proposals_portal:new")).context["similar"] is None
    # Text brought from a station's opinion (?title=…) is compared at once.
    brought = deputy_client.get(reverse("proposals_portal:new"), {"title": "老旧小区加装电梯"})
    assert [s.pk for s in brought.context["similar"]] == [theirs.pk]
