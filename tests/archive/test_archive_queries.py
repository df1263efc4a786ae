"""The staff archive list (``/office/archive/``) sorted, filtered and paged in SQL, and the
activity ledger's and the SC-meeting coverage's dashboard panels: the same order as a recount of the ledger, and the same
number of queries for 5 deputies as for 500."""

import datetime
import random

import pytest
from django.urls import reverse

from activities.dashboard import activities_panel
from activities.models import Activity, Participation
from archive import selectors
from deputies.models import Deputy
from liaison.dashboard import coverage_panel
from tests import factories
from tests.builders import serving_deputies, today
from tests.factories import ActivityFactory, ParticipationFactory

P = Participation.Status
YEAR = today().year
ORDERS = [
    "name",
    "-name",
    "electoral_unit",
    "-attended_year",
    "attended_year",
    "-attended_term",
    "attended_term",
    "-absent_year",
    "absent_year",
]


def expected_order(deputies, *, year, order, grassroots=None, no_activity=False):
    """The list's order as the archive always had it, recounted from the raw participations:
    a count column sorts by the count, then name, then id; the name sorts by name and id."""
    rows = []
    for d in deputies:
        if d.status == Deputy.Status.TERMINATED or (grassroots is not None and d.is_grassroots != grassroots):
            continue
        ps = list(Participation.objects.filter(deputy=d))
        counts = {
            "attended_year": sum(p.status == P.ATTENDED and p.activity_date.year == year for p in ps),
            "attended_term": sum(p.status == P.ATTENDED for p in ps),
            "absent_year": sum(p.status == P.ABSENT and p.activity_date.year == year for p in ps),
        }
        if no_activity and counts["attended_year"]:
            continue
        rows.append((d, counts))
    field = order.lstrip("-")
    if field in ("attended_year", "attended_term", "absent_year"):
        sign = -1 if order.startswith("-") else 1
        rows.sort(key=lambda r: (sign * r[1][field], r[0].name, r[0].pk))
    elif order == "electoral_unit":
        rows.sort(key=lambda r: (r[0].electoral_unit.order, r[0].electoral_unit.name, r[0].name, r[0].pk))
    else:
        rows.sort(key=lambda r: (r[0].name, r[0].pk), reverse=order == "-name")
    return [(d.pk, c["attended_year"], c["attended_term"], c["absent_year"]) for d, c in rows]


@pytest.fixture
def crowd(staff, city, term):
    """GIVEN 24 deputies in 3 electoral units (some sharing a name, some grassroots, one whose
    mandate ended) with 150 participations of random kinds, states and years (this and last)."""
    rng = random.Random(11)
    units = [factories.ElectoralUnitFactory(congress=city, name=f"第{i}选区", order=3 - i) for i in range(3)]
    deputies = []
    for i in range(24):
        deputies.append(
            factories.DeputyFactory(
                congress=city,
                term=term,
                electoral_unit=units[i % 3],
                name=f"代表{i % 9:02d}",  # shared names: the id breaks the tie
                is_grassroots=i % 2 == 0,
                status=Deputy.Status.TERMINATED if i == 5 else Deputy.Status.SERVING,
            )
        )
    activities = []
    for _ in range(40):
        day = min(datetime.date(rng.choice([YEAR - 1, YEAR]), rng.randint(1, 12), rng.randint(1, 28)), today())
        activities.append(
            ActivityFactory(congress=city, recorder=staff, start_date=day, kind=rng.choice(Activity.Kind.values))
        )
    pairs = set()
    while len(pairs) < 150:
        pairs.add((rng.randrange(40), rng.randrange(20)))  # the last 4 deputies have nothing at all
    for a, d in sorted(pairs):
        ParticipationFactory(activity=activities[a], deputy=deputies[d], status=rng.choice(P.values))
    return deputies


def listed(rows):
    return [(d.pk, d.attended_year, d.attended_term, d.absent_year) for d in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize(
    "filters",
    [{}, {"grassroots": True}, {"no_activity": True}, {"grassroots": False, "no_activity": True}],
    ids=["all", "grassroots", "no_activity", "not_grassroots_no_activity"],
)
def test_the_staff_list_order_matches_a_recount(staff, crowd, order, filters):
    for year in (YEAR, YEAR - 1):
        rows = selectors.archive_list_for_staff(actor=staff, year=year, order=order, **filters)
        expected = expected_order(crowd, year=year, order=order, **filters)
        assert listed(rows) == expected
        assert rows.count() == len(expected)
        # A page in the middle is the same slice of the same order.
        assert listed(rows[3:8]) == expected[3:8]


@pytest.mark.django_db
def test_page_two_of_the_page_is_the_next_slice(staff_client, staff, city, term, crowd):
    serving_deputies(60, city=city, term=term)
    everyone = Deputy.objects.filter(congress=city)
    expected = expected_order(everyone, year=YEAR, order="-attended_term")
    page = staff_client.get(reverse("archive:archive_list"), {"order": "-attended_term", "page": 2})
    assert page.status_code == 200
    assert listed(page.context["page"].object_list) == expected[50:100]
    assert page.context["page"].paginator.count == len(expected)


@pytest.mark.django_db
def test_one_row_of_the_list_and_the_export_carry_the_counts(staff, staff_client, crowd):
    expected = {row[0]: row for row in expected_order(crowd, year=YEAR, order="name")}
    rows = selectors.archive_list_for_staff(actor=staff, year=YEAR)
    busy = next(pk for pk, attended, *_ in expected.values() if attended)
    assert listed([rows.get(pk=busy)]) == [expected[busy]]
    assert listed(rows.iterator(chunk_size=7)) == expected_order(crowd, year=YEAR, order="name")
    response = staff_client.get(reverse("archive:archive_list_export"))
    assert response.status_code == 200


# --- query counts: the same for 5 deputies as for 500 --------------------------------------------------

# session, user, TOTP, role groups, congress scope (2), congresses of the filter, count, page,
# electoral units of the filter, unread count.
STAFF_LIST_QUERIES = 11


def many(n, *, staff, city, term):
    """n deputies, half of them grassroots, each in 3 of 6 activities (this year and last)."""
    deputies = serving_deputies(n // 2, city=city, term=term, is_grassroots=True) + serving_deputies(
        n - n // 2, city=city, term=term
    )
    activities = [
        ActivityFactory(
            congress=city,
            recorder=staff,
            start_date=datetime.date(YEAR - i % 2, 1, 5),
            kind=Activity.Kind.SC_MEETING if i < 2 else Activity.Kind.INSPECTION,
        )
        for i in range(6)
    ]
    Participation.objects.bulk_create(
        [
            Participation(
                activity=a,
                deputy=d,
                status=[P.ATTENDED, P.ABSENT, P.INVITED][(i + j) % 3],
                activity_date=a.start_date,
                activity_kind=a.kind,
            )
            for i, d in enumerate(deputies)
            for j, a in enumerate(activities)
            if (i + j) % 2 == 0
        ],
        batch_size=500,
    )
    return deputies


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 500])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"order": "-attended_year"},
        {"order": "attended_term", "page": "2"},
        {"order": "-absent_year", "grassroots": "yes"},
        {"grassroots": "yes", "no_activity": "on"},
        {"order": "electoral_unit", "no_activity": "on"},
    ],
)
def test_the_staff_list_query_count_is_the_same_for_5_and_500_deputies(
    staff_client, staff, city, term, n, params, django_assert_num_queries
):
    many(n, staff=staff, city=city, term=term)
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        page = staff_client.get(reverse("archive:archive_list"), params)
    assert page.status_code == 200


# the staff member's congress scope (read once, then kept on the user), attendance behind
# time, letters overdue.
PANEL_QUERIES = 3
# The liaison coverage panel: both shares of the staff member's congress and term, one EXISTS
# per deputy each, in one query.
COVERAGE_PANEL_QUERIES = 1


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 500])
def test_the_dashboard_panel_query_count_is_the_same_for_5_and_500_deputies(
    staff, city, term, n, django_assert_num_queries
):
    many(n, staff=staff, city=city, term=term)
    with django_assert_num_queries(PANEL_QUERIES):
        panel = activities_panel(staff, today())
    assert "attendance_open" in panel.counts()
    # The SC-meeting coverage is counted once on the dashboard, by the liaison panel.
    assert not any(key.startswith("sc_coverage") for key in panel.counts())


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 500])
def test_the_sc_meeting_coverage_is_a_recount_in_one_query_for_5_and_500_deputies(
    staff, city, term, n, django_assert_num_queries
):
    """Work plan item 2: each grassroots deputy of the staff member's congress attends at
    least one SC meeting in the current term (meetings before the term began do not count)."""
    deputies = many(n, staff=staff, city=city, term=term)
    with django_assert_num_queries(COVERAGE_PANEL_QUERIES):
        panel = coverage_panel(staff, today())
    grassroots = [d for d in deputies if d.is_grassroots]
    covered = {
        d.pk
        for d in grassroots
        if Participation.objects.filter(
            deputy=d, activity_kind="sc_meeting", status=P.ATTENDED, activity_date__gte=term.start_date
        ).exists()
    }
    assert panel.values["coverage_grassroots_total"] == len(grassroots)
    assert panel.values["coverage_sc_meetings"] == len(covered) > 0
