"""The handling report (the proposals handling report's per-unit table, with the trend over
the years) and the per-unit quality table: recounts, Excel, sorting, query counts."""

import pytest
from django.urls import reverse

from proposals.models import Assignment, Commitment, Extension, Rating, Reply
from proposals.selectors import office
from reports import selectors

from .. import builders
from .helpers import table

pytestmark = pytest.mark.django_db


def _year_items(staff, city, year):
    return selectors.year_suggestions(actor=staff, congress=city, year=year)


def test_per_unit_table_is_the_handling_reports(world, staff, city):
    report = selectors.handling_report(actor=staff, congress=city, year=world.year)
    expected = office.unit_statistics(suggestions=_year_items(staff, city, world.year).values("pk"))
    assert report["stats"]["rows"] == expected["rows"]
    assert report["totals"]["assigned"] == Assignment.objects.filter(suggestion__session=world.session).count() == 4


def test_trend_counts_each_year_on_its_own(world, staff, city):
    trend = selectors.handling_report(actor=staff, congress=city, year=world.year)["trend"]
    assert [row["year"] for row in trend] == list(range(world.year - 4, world.year + 1))
    by_year = {row["year"]: row for row in trend}
    assert by_year[world.year]["assigned"] == 4
    assert by_year[world.year - 1]["assigned"] == 1
    assert by_year[world.year - 1]["satisfaction_rate"] == 100.0
    assert by_year[world.year - 2]["assigned"] == 0 and by_year[world.year - 2]["on_time_rate"] is None


def test_handling_excel_holds_the_page_numbers(world, staff_client, staff, city):
    url = reverse("reports:handling") + f"?year={world.year}"
    page = staff_client.get(url)
    assert page.status_code == 200
    _headers, rows = table(staff_client.get(url + "&format=xlsx"), 0)
    page_table = page.context["tables"][0]
    assert rows == page_table.rows + [page_table.footer]
    names = [r[0] for r in rows[:-1]]
    assert names == sorted(u.name for u in world.units)
    _headers, trend = table(staff_client.get(url + "&format=xlsx"), 1)
    assert [r[0] for r in trend] == list(range(world.year - 4, world.year + 1))
    assert trend[-1][1] == 4


def test_handling_query_count_does_not_grow(world, staff_client, staff, django_assert_num_queries):
    url = reverse("reports:handling") + f"?year={world.year}"
    with django_assert_num_queries(45):
        staff_client.get(url)
    builders.bulk_items(
        n=60, deputy_user=world.author, staff=staff, unit=world.units[1], session=world.session, start=900
    )
    with django_assert_num_queries(45):
        response = staff_client.get(url)
    assert response.context["tables"][0].footer[1] == 64


# --- The quality table ---------------------------------------------------------------------------


def _recount_unit(unit, session):
    assignments = [
        a for a in Assignment.objects.filter(unit=unit, suggestion__session=session) if a.status != "withdrawn"
    ]
    replies = [r for r in Reply.objects.filter(assignment__in=assignments)]
    firsts = [r for r in replies if r.round == 1]
    rated = {}
    for r in replies:
        if r.ratings.exists() and (r.assignment_id not in rated or rated[r.assignment_id].round < r.round):
            rated[r.assignment_id] = r
    ratings = [r.ratings.get() for r in rated.values()]
    again = {a.pk for a in assignments if a.status == "rehandling"} | {r.assignment_id for r in replies if r.round > 1}
    commitments = list(Commitment.objects.filter(reply__in=replies))
    extended = {e.assignment_id for e in Extension.objects.filter(assignment__in=assignments, status="granted")}
    return {
        "assigned": len(assignments),
        "replied": len(firsts),
        "on_time": sum(1 for r in firsts if r.on_time),
        "rated": len(ratings),
        "satisfied": sum(1 for g in ratings if g.value in (Rating.Value.SATISFIED, Rating.Value.BASICALLY)),
        "rehandled": len(again),
        "commitments": len(commitments),
        "fulfilled": sum(1 for c in commitments if c.status == "fulfilled"),
        "extended": len(extended),
    }


def test_quality_figures_equal_a_recount(world, staff, city):
    rows = {r["unit_id"]: r for r in selectors.unit_quality(actor=staff, congress=city, year=world.year)}
    for unit in world.units:
        for key, value in _recount_unit(unit, world.session).items():
            assert rows[unit.pk][key] == value, (unit.name, key)
    traffic, health = (rows[u.pk] for u in world.units)
    assert traffic["satisfaction_rate"] == 100.0 and health["satisfaction_rate"] == 0.0
    assert health["rehandled"] == 1 and health["rehandled_rate"] == 50.0
    assert health["commitments"] == 1 and health["fulfilment_rate"] == 0.0
    assert traffic["commitments"] == 0 and traffic["fulfilment_rate"] is None


@pytest.mark.parametrize(
    ("order", "first"),
    [("-satisfaction", 0), ("satisfaction", 1), ("rehandled", 0), ("-rehandled", 1), ("name", 0), ("-name", 1)],
)
def test_quality_sorts_by_a_column(world, staff_client, order, first):
    response = staff_client.get(reverse("reports:quality") + f"?year={world.year}&order={order}")
    assert response.status_code == 200
    assert response.context["rows"][0]["unit_id"] == world.units[first].pk
    assert response.context["order"] == order


def test_quality_unknown_order_falls_back_and_none_sorts_last(world, staff, city, staff_client):
    response = staff_client.get(reverse("reports:quality") + f"?year={world.year}&order=;drop")
    assert response.status_code == 200
    assert response.context["order"] == selectors.QUALITY_DEFAULT
    rows = selectors.unit_quality(actor=staff, congress=city, year=world.year, order="-fulfilment")
    assert rows[-1]["fulfilment_rate"] is None
    rows = selectors.unit_quality(actor=staff, congress=city, year=world.year, order="fulfilment")
    assert rows[-1]["fulfilment_rate"] is None


def test_quality_page_links_its_sorts_and_the_awards(world, staff_client):
    html = staff_client.get(reverse("reports:quality") + f"?year={world.year}").content.decode()
    assert "order=-on_time" in html and 'aria-sort="descending"' in html
    assert reverse("proposals_office:awards") + f"?year={world.year}" in html
    index = staff_client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:quality") in index


def test_quality_excel_has_the_same_numbers(world, staff_client, staff, city):
    url = reverse("reports:quality") + f"?year={world.year}&order=name"
    _headers, rows = table(staff_client.get(url + "&format=xlsx"))
    expected = selectors.unit_quality(actor=staff, congress=city, year=world.year, order="name")
    assert [r[0] for r in rows] == [e["name"] for e in expected]
    assert [(r[1], r[4], r[7], r[9], r[13], r[14]) for r in rows] == [
        (
            e["assigned"],
            e["on_time_rate"],
            e["satisfaction_rate"],
            e["rehandled_rate"],
            e["fulfilment_rate"],
            e["extended"],
        )
        for e in expected
    ]


def test_quality_query_count_does_not_grow(world, staff_client, staff, django_assert_num_queries):
    url = reverse("reports:quality") + f"?year={world.year}"
    with django_assert_num_queries(17):
        staff_client.get(url)
    other = builders.make_officer(staff.congress, "示例市水务局")
    builders.bulk_items(n=30, deputy_user=world.author, staff=staff, unit=other.unit, session=world.session, start=700)
    with django_assert_num_queries(17):
        response = staff_client.get(url)
    assert len(response.context["rows"]) == 3
