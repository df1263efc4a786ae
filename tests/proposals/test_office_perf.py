"""The office's dashboard panel and list at any size: the same, exact number of queries with a
handful of items as with thousands, each figure a recount of the rows, each page the rows of
the list's order with what they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import figures as figures_cache
from proposals import services
from proposals.dashboard import effective_scope, suggestions_panel
from proposals.models import Assignment, Suggestion
from proposals.selectors.office import AWAITING, suggestion_list_for_office
from tests import factories

from ..builders import bulk_items, submitted
from .test_office_queries import LIST_FIRST_QUERIES, LIST_QUERIES

pytestmark = pytest.mark.django_db

A = Assignment.Status
# The panel: whether the scope is every congress (1), then one COUNT per figure (3).
PANEL_QUERIES = 4
# A superuser has no scope to check.
PANEL_QUERIES_SUPERUSER = 3
# As tests/proposals/test_office_queries.py: 6 for the request, 1 for the unread badge, and
# the COUNT, the page and its units (one prefetch), the holiday overrides of the coming
# working days (the yellow "due soon" mark); the filter form's 3 choice lists on the first
# view after a change only.


def recount(scope_ids, today):
    in_scope = Suggestion.objects.all() if scope_ids is None else Suggestion.objects.filter(congress_id__in=scope_ids)
    assignments = Assignment.objects.filter(suggestion__in=in_scope)
    return {
        "to_review": sum(1 for s in in_scope if s.status == Suggestion.Status.SUBMITTED),
        "overdue": sum(1 for a in assignments if a.status in (A.ASSIGNED, A.REHANDLING) and a.deadline < today),
        "reassign_requests": sum(1 for a in assignments if a.status == A.REASSIGN_REQUESTED),
    }


def panel_counts(actor):
    return suggestions_panel(actor, timezone.localdate()).counts()


def test_the_panels_query_count_is_the_same_for_3_and_3000_items(
    staff, deputy, unit_officer, django_assert_num_queries
):
    bulk_items(n=3, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    submitted(deputy, title="待审一")
    panel_counts(staff)  # the staff member's congresses, cached on the user as on a request
    with django_assert_num_queries(PANEL_QUERIES):
        small = panel_counts(staff)
    assert small == recount([staff.congress_id], timezone.localdate())
    bulk_items(n=3000, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=10)
    with django_assert_num_queries(PANEL_QUERIES):
        large = panel_counts(staff)
    assert large == recount([staff.congress_id], timezone.localdate())
    assert large["overdue"] > small["overdue"] >= 0 and large["to_review"] == small["to_review"] == 1


def test_a_superusers_panel_checks_no_scope(deputy, staff, unit_officer, django_assert_num_queries):
    admin = factories.UserFactory(full_name="超级管理员", is_staff=True, is_superuser=True)
    bulk_items(n=200, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    with django_assert_num_queries(PANEL_QUERIES_SUPERUSER):
        counts = panel_counts(admin)
    assert counts == recount(None, timezone.localdate())


def test_the_panel_counts_only_the_district_for_its_staff_and_everything_for_the_city(
    staff, district_staff, district, deputy, unit_officer
):
    """GIVEN overdue and re-assignment requests in the city and in a district below it
    WHEN each office's panel is counted THEN the district's staff see only the district's, the
    city's staff (whose scope is every congress: no filter) see both, each equal to a recount."""
    today = timezone.localdate()
    bulk_items(n=40, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    term = factories.TermFactory(congress=district)
    lead = factories.DeputyFactory(congress=district, term=term)
    local_unit = factories.UnitFactory(congress=district, name="玄武区住建局")
    items = Suggestion.objects.bulk_create(
        [
            Suggestion(
                congress=district,
                title=f"区建议{i}",
                body="正文",
                lead_deputy=lead,
                status=Suggestion.Status.SUBMITTED if i < 2 else Suggestion.Status.ASSIGNED,
                created_by=district_staff,
                submitted_at=timezone.now(),
            )
            for i in range(7)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                suggestion=s,
                unit=local_unit,
                status=A.REASSIGN_REQUESTED if i == 2 else A.ASSIGNED,
                assigned_on=today - datetime.timedelta(days=100),
                reassign_window_ends=today - datetime.timedelta(days=91),
                deadline=today - datetime.timedelta(days=i),
                assigned_by=district_staff,
            )
            for i, s in enumerate(items[2:])
        ]
    )
    assert effective_scope(staff) is None
    assert effective_scope(district_staff) == [district.pk]
    assert panel_counts(district_staff) == recount([district.pk], today)
    assert panel_counts(district_staff) == {"to_review": 2, "overdue": 3, "reassign_requests": 1}
    assert panel_counts(staff) == recount([staff.congress_id, district.pk], today)
    assert panel_counts(staff)["to_review"] == 2


def test_the_admin_index_query_count_does_not_grow_with_the_suggestions(staff_client, staff, deputy, unit_officer):
    bulk_items(n=3, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    staff_client.get("/admin/")
    figures_cache.figures_changed()  # as a write does: every panel counted on the next request
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get("/admin/").status_code == 200
    with CaptureQueriesContext(connection) as small_cached:  # nothing changed: from the cache
        assert staff_client.get("/admin/").status_code == 200
    bulk_items(n=2000, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=10)
    with CaptureQueriesContext(connection) as large:
        page = staff_client.get("/admin/")
    with CaptureQueriesContext(connection) as large_cached:
        assert staff_client.get("/admin/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large_cached.captured_queries) == len(small_cached.captured_queries) < len(small.captured_queries)
    figures = page.context["dashboard"]
    assert figures["overdue"] == recount(None, timezone.localdate())["overdue"]


@pytest.mark.parametrize("page_number", [1, 50])
def test_the_list_query_count_is_the_same_on_page_1_and_50_for_60_and_2600_items(
    staff_client, staff, deputy, unit_officer, page_number, django_assert_num_queries
):
    bulk_items(n=60, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    url = reverse("proposals_office:list")
    staff_client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        staff_client.get(url, {"page": "2"})
    bulk_items(n=2540, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=100)
    with django_assert_num_queries(LIST_FIRST_QUERIES):
        staff_client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        response = staff_client.get(url, {"page": str(page_number)})
    page = response.context["page"]
    assert page.number == page_number and page.paginator.count == 2600
    assert len(page.object_list) == 50


def test_a_page_holds_the_rows_of_the_lists_order_with_what_they_show(staff, deputy, unit_officer, other_unit):
    """GIVEN items submitted at different times, some overdue, one with two current units and a
    withdrawn one WHEN a page is taken THEN its rows are those of the newest-first order, each
    with its overdue flag and current units, and no text body is loaded."""
    items = bulk_items(n=130, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    now = timezone.now()
    for i, item in enumerate(items):
        Suggestion.objects.filter(pk=item.pk).update(submitted_at=now - datetime.timedelta(minutes=(i * 37) % 101))
    two_units = items[5]
    Assignment.objects.create(
        suggestion=two_units,
        unit=other_unit,
        role=Assignment.Role.JOINT,
        assigned_on=timezone.localdate(),
        reassign_window_ends=timezone.localdate(),
        deadline=timezone.localdate(),
        assigned_by=staff,
        status=A.WITHDRAWN,
    )
    third_unit = factories.UnitFactory(congress=unit_officer.unit.congress, name="示例市民政局")
    Assignment.objects.create(
        suggestion=two_units,
        unit=third_unit,
        role=Assignment.Role.JOINT,
        assigned_on=timezone.localdate(),
        reassign_window_ends=timezone.localdate(),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        assigned_by=staff,
    )
    rows = suggestion_list_for_office(actor=staff)
    assert rows.count() == 130
    expected = list(Suggestion.objects.order_by("-submitted_at", "-pk").values_list("pk", flat=True))
    today = timezone.localdate()
    seen = []
    for start in range(0, 130, 50):
        page = rows[start : start + 50]
        seen += [s.pk for s in page]
        for s in page:
            awaiting = [a for a in s.assignments.all() if a.status in AWAITING and a.deadline < today]
            assert s.is_overdue == bool(awaiting)
            current = sorted(a.unit.name for a in Assignment.objects.filter(suggestion=s).exclude(status=A.WITHDRAWN))
            assert sorted(a.unit.name for a in s.current_assignments) == current
            assert {"body", "search_text", "return_reason"} <= s.get_deferred_fields()
    assert seen == expected
    assert len(next(s for s in rows[0:130] if s.pk == two_units.pk).current_assignments) == 2


def test_the_list_keeps_its_filters(staff, deputy, unit_officer, other_unit):
    bulk_items(n=30, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    item = submitted(deputy, title="关于停车难的建议")
    services.suggestion_accept(actor=staff, suggestion=item)
    rows = suggestion_list_for_office(actor=staff, q="停车")
    assert [s.pk for s in rows[0:50]] == [item.pk]
    assert suggestion_list_for_office(actor=staff, unit=other_unit).count() == 0
    overdue = suggestion_list_for_office(actor=staff, overdue=True)
    assert (
        overdue.count()
        == Suggestion.objects.filter(
            assignments__status__in=AWAITING, assignments__deadline__lt=timezone.localdate()
        ).count()
    )
    assert all(s.is_overdue for s in overdue[0:50])
