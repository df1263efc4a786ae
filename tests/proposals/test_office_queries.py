"""Query counts of the office pages: the same with 10 items as with 1,000 (exact numbers)."""

import pytest
from django.urls import reverse

from proposals import services
from proposals.models import Rating

from ..builders import assigned_to, bulk_items, replied, submitted

pytestmark = pytest.mark.django_db

# Asserted exactly, so that any new per-row query shows up. Of these, 6 are the request's
# own (session, user, the staff TOTP check, role groups, the congress scope: 2) and 1 the
# unread-messages badge. List: + COUNT, 3 filter choice lists, the page, the prefetched units.
# + the holiday overrides of the coming working days (the yellow "due soon" mark).
# The filter form's HTML is kept (core.figures) until a record changes: a repeat view skips
# its 3 choice lists; the first view after a change renders them.
LIST_QUERIES = 11
LIST_FIRST_QUERIES = 14
REVIEW_QUERIES = 9
# The item page also loads the units' extensions and urging notices, and the holiday overrides.
DETAIL_QUERIES = 26
DETAIL_ASSIGNABLE_QUERIES = 26
# A chosen unit in the filter is looked up once to validate it.
LIST_FILTERED_QUERIES = 15


def test_list_query_count_is_the_same_for_10_and_1000_items(
    staff_client, deputy, staff, unit_officer, django_assert_num_queries
):
    bulk_items(n=10, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    staff_client.get(reverse("proposals_office:list"))
    with django_assert_num_queries(LIST_QUERIES):
        response = staff_client.get(reverse("proposals_office:list"))
    assert len(response.context["page"].object_list) == 10
    bulk_items(n=990, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=11)
    with django_assert_num_queries(LIST_FIRST_QUERIES):
        response = staff_client.get(reverse("proposals_office:list"), {"page": "2"})
    assert response.context["page"].paginator.count == 1000
    with django_assert_num_queries(LIST_QUERIES):
        response = staff_client.get(reverse("proposals_office:list"), {"page": "3"})
    assert response.context["page"].number == 3
    with django_assert_num_queries(LIST_FILTERED_QUERIES):
        response = staff_client.get(
            reverse("proposals_office:list"), {"overdue": "on", "unit": unit_officer.unit.pk, "q": "批量"}
        )
    assert response.context["page"].paginator.count > 0


def test_review_queue_query_count(staff_client, deputy, staff, unit_officer, django_assert_num_queries):
    for i in range(3):
        submitted(deputy, title=f"待审{i}")
    staff_client.get(reverse("proposals_office:review"))
    with django_assert_num_queries(REVIEW_QUERIES):
        staff_client.get(reverse("proposals_office:review"))
    for i in range(30):
        submitted(deputy, title=f"更多待审{i}")
    with django_assert_num_queries(REVIEW_QUERIES):
        staff_client.get(reverse("proposals_office:review"))


def test_detail_query_count_is_the_same_for_10_and_1000_items(
    staff_client, deputy, staff, unit_officer, django_assert_num_queries
):
    """GIVEN a replied, rated item with a commitment among 10, then 1,000 items WHEN its page is shown
    THEN the same number of queries."""
    suggestion, assignment, reply = replied(deputy, staff, unit_officer, code="B")
    services.reply_rate(actor=deputy, reply=reply, value=Rating.Value.UNSATISFIED, comment="不满意")
    bulk_items(n=10, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=100)
    url = reverse("proposals_office:detail", args=[suggestion.pk])
    staff_client.get(url)
    with django_assert_num_queries(DETAIL_QUERIES):
        staff_client.get(url)
    bulk_items(n=990, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=200)
    with django_assert_num_queries(DETAIL_QUERIES):
        staff_client.get(url)


def test_detail_of_an_assignable_item_query_count(staff_client, deputy, staff, unit_officer, django_assert_num_queries):
    """The assignment form (4 unit rows) and the working-day preview cost a fixed number of queries."""
    suggestion, _a = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    url = reverse("proposals_office:detail", args=[suggestion.pk])
    staff_client.get(url)
    with django_assert_num_queries(DETAIL_ASSIGNABLE_QUERIES):
        staff_client.get(url)
    bulk_items(n=1000, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=200)
    with django_assert_num_queries(DETAIL_ASSIGNABLE_QUERIES):
        staff_client.get(url)
