"""Query counts of the attendance sheet and the invite page: exact, and the same with 10 deputies as with 500.

Asserted exactly, so that any new per-row query shows up. Every request pays 3 for the staff
user (session, user, TOTP check); a rendered page pays 2 more for the layout (the user's role
groups for the navigation, the unread-messages count). The rest is counted in each test.
"""

import datetime
import sqlite3

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from activities.models import Participation
from deputies.models import Deputy, StatusChange
from notifications.models import Notification
from tests import factories
from tests.builders import today
from tests.factories import ActivityFactory

P = Participation.Status
SIZES = pytest.mark.parametrize("n", [10, 500], ids=["10-deputies", "500-deputies"])

ATTENDANCE_GET_QUERIES = 8
ATTENDANCE_POST_QUERIES = 16
INVITE_GET_QUERIES = 12
INVITE_POST_QUERIES = 10


@pytest.fixture
def sqlite_real_variable_limit(monkeypatch):
    """Django 5.2 assumes SQLite's old limit of 999 variables a statement and splits a bulk INSERT
    into batches of 999 // columns rows (90 participations). The SQLite in use allows far more and
    PostgreSQL has no such limit: with the real limit, inviting 500 deputies is one INSERT here
    as it is in production, and the count below holds on both databases."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


def bulk_deputies(n, *, city, term, accounts=False, first=0):
    """``n`` serving deputies of ``city`` (numbered from ``first``) spread over 5 electoral units of
    their own, written in bulk (this is setup). Every fifth has a status change on record, so that
    "serving on the day" has changes to replay. Returns (units, deputies)."""
    units = [factories.ElectoralUnitFactory(congress=city, name=f"第{first}-{u}选区", order=u) for u in range(5)]
    numbers = range(first, first + n)
    users = [None] * n
    if accounts:
        users = User.objects.bulk_create(
            User(full_name=f"代表{i:03d}", email=f"deputy{i}@example.org", password="!") for i in numbers
        )
    deputies = Deputy.objects.bulk_create(
        Deputy(
            congress=city,
            term=term,
            electoral_unit=units[k % 5],
            name=f"代表{i:03d}",
            gender="F",
            mobile=f"1391111{i:04d}",
            status=Deputy.Status.SERVING,
            user=users[k],
        )
        for k, i in enumerate(numbers)
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            deputy=d,
            kind=StatusChange.Kind.CONFIRM,
            from_status=Deputy.Status.PENDING,
            to_status=Deputy.Status.SERVING,
            effective_date=datetime.date(2022, 1, 10),
        )
        for d in deputies[::5]
    )
    return units, deputies


def bulk_invite(activity, deputies):
    """Invitations written in bulk: a quarter accepted, a quarter declined with a reason, the rest unanswered."""
    answers = [(P.ACCEPTED, ""), (P.DECLINED, "外地出差"), (P.INVITED, ""), (P.INVITED, "")]
    Participation.objects.bulk_create(
        Participation(
            activity=activity,
            deputy=d,
            status=answers[i % 4][0],
            reason=answers[i % 4][1],
            activity_date=activity.start_date,
            activity_kind=activity.kind,
        )
        for i, d in enumerate(deputies)
    )


def sheet_data(activity):
    """Every row of the sheet as the browser sends it: one in ten absent, one in ten excused, the rest attended."""
    data = {"action": "save", "walk_ins": ""}
    for i, pk in enumerate(sorted(activity.participations.values_list("pk", flat=True))):
        data[f"status-{pk}"] = [P.ABSENT, P.EXCUSED, *[P.ATTENDED] * 8][i % 10]
        data[f"reason-{pk}"] = "另有公务" if i % 10 == 1 else ""
    return data


@pytest.fixture
def held(staff, city):
    """An inspection held yesterday, recorded by ``staff``."""
    return ActivityFactory(congress=city, recorder=staff)


@pytest.fixture
def coming(staff, city):
    """An inspection in three days, to which ``staff`` invites."""
    return ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=3))


def invite_url(activity):
    return reverse("activities:activity_invite", args=[activity.pk])


def district_filter(units):
    """The filter of the invite page: three of the five electoral units."""
    return {"units": [u.pk for u in units[:3]]}


def not_invited_in_the_three_units(units, deputies, n):
    """What the invite page must show with ``district_filter``, when the first fifth are invited."""
    three = {u.pk for u in units[:3]}
    return {d.pk for d in deputies[n // 5 :] if d.electoral_unit_id in three}


# --- /activities/<pk>/attendance/ ------------------------------------------------------------------


@SIZES
@pytest.mark.django_db
def test_attendance_sheet_query_count(staff_client, held, city, term, n, django_assert_num_queries):
    """GIVEN an activity with ``n`` invited deputies (some answered, some with status changes on record)
    WHEN the organiser opens the attendance sheet
    THEN it costs 8 queries whatever ``n``: the request's 3, the activity, the invitations with their
    deputies and electoral units, the deputies' status changes, and the layout's 2."""
    _units, deputies = bulk_deputies(n, city=city, term=term)
    bulk_invite(held, deputies)
    url = reverse("activities:attendance", args=[held.pk])
    staff_client.get(url)
    with django_assert_num_queries(ATTENDANCE_GET_QUERIES):
        page = staff_client.get(url)
    assert page.status_code == 200
    assert len(page.context["sheet"]) == n and all(row["serving"] for row in page.context["sheet"])
    assert sum(row["status"] == P.ATTENDED for row in page.context["sheet"]) == len(deputies[::4])  # the accepted


@SIZES
@pytest.mark.django_db
def test_recording_the_whole_sheet_query_count(staff_client, staff, held, city, term, n, django_assert_num_queries):
    """GIVEN the organiser has the attendance sheet of ``n`` invited deputies open
    WHEN they submit every row at once
    THEN it costs 16 queries whatever ``n``: the request's 3, the activity, the invitations and status
    changes read by the view (2) and again under lock by the service (2), one UPDATE of every row,
    one of the activity, and 3 savepoints (6); every row is recorded and attendance is closed."""
    _units, deputies = bulk_deputies(n, city=city, term=term)
    bulk_invite(held, deputies)
    url = reverse("activities:attendance", args=[held.pk])
    staff_client.get(url)
    data = sheet_data(held)
    with django_assert_num_queries(ATTENDANCE_POST_QUERIES):
        response = staff_client.post(url, data)
    assert response.status_code == 302
    recorded = list(held.participations.values_list("status", "recorded_by"))
    assert [s for s, _by in recorded].count(P.ABSENT) == n // 10
    assert [s for s, _by in recorded].count(P.EXCUSED) == n // 10
    assert [s for s, _by in recorded].count(P.ATTENDED) == n - 2 * (n // 10)
    assert {by for _s, by in recorded} == {staff.pk}
    held.refresh_from_db()
    assert held.attendance_closed_at is not None


# --- /activities/<pk>/invite/ ----------------------------------------------------------------------


@SIZES
@pytest.mark.django_db
def test_invite_page_query_count(staff_client, coming, city, term, n, django_assert_num_queries):
    """GIVEN ``n`` serving deputies over 5 electoral units, a fifth of them already invited
    WHEN staff show the deputies of three units on the invite page
    THEN it costs 12 queries whatever ``n``: the request's 3, the activity, the chosen units (to
    validate the filter), the candidates with their units, the invited list and their status
    changes, the layout's 2, and the unit and group choices of the filter (2)."""
    units, deputies = bulk_deputies(n, city=city, term=term)
    bulk_invite(coming, deputies[: n // 5])
    staff_client.get(invite_url(coming), district_filter(units))
    with django_assert_num_queries(INVITE_GET_QUERIES):
        page = staff_client.get(invite_url(coming), district_filter(units))
    assert page.status_code == 200
    assert {d.pk for d in page.context["candidates"]} == not_invited_in_the_three_units(units, deputies, n)
    assert len(page.context["invited"]) == n // 5


@SIZES
@pytest.mark.django_db
def test_inviting_all_shown_query_count(
    staff_client, coming, city, term, n, sqlite_real_variable_limit, django_assert_num_queries
):
    """GIVEN the invite page shows the deputies (without portal accounts) of three units, out of ``n``
    WHEN staff invite all shown
    THEN it costs 10 queries whatever ``n``: the request's 3, the activity, the chosen units, the
    candidates, those already invited among them, one INSERT of every invitation, and a savepoint
    (2); everyone shown is invited as a participant, and nobody else."""
    units, deputies = bulk_deputies(n, city=city, term=term)
    bulk_invite(coming, deputies[: n // 5])
    staff_client.get(invite_url(coming), district_filter(units))
    shown = not_invited_in_the_three_units(units, deputies, n)
    with django_assert_num_queries(INVITE_POST_QUERIES):
        response = staff_client.post(
            invite_url(coming), {**district_filter(units), "action": "all", "role": Participation.Role.PARTICIPANT}
        )
    assert response.status_code == 302
    new = coming.participations.exclude(deputy__in=deputies[: n // 5])
    assert set(new.values_list("deputy_id", flat=True)) == shown
    assert set(new.values_list("status", "role")) == {(P.INVITED, Participation.Role.PARTICIPANT)}
    assert coming.participations.count() == n // 5 + len(shown)


@pytest.mark.django_db
def test_inviting_deputies_with_portal_accounts_costs_the_same_for_10_as_for_500(
    staff_client, staff, city, term, sqlite_real_variable_limit
):
    """GIVEN two activities: one where 10 deputies with portal accounts are shown, one where 500 are
    WHEN staff invite all shown to each
    THEN both cost the same number of queries: the accounts are read once and the notifications written
    in one statement, and every invitee has one notification."""
    counts = []
    for n, first in [(10, 0), (500, 10)]:
        activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=3))
        units, _deputies = bulk_deputies(n, city=city, term=term, accounts=True, first=first)
        data = {"units": [u.pk for u in units], "action": "all", "role": Participation.Role.PARTICIPANT}
        staff_client.get(invite_url(activity), {"units": data["units"]})
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.post(invite_url(activity), data).status_code == 302
        assert activity.participations.count() == n
        assert Notification.objects.filter(key=f"activity:{activity.pk}:invited").count() == n
        counts.append(len(queries))
    # The 10 queries of the invitation without accounts, plus the accounts, the notifications
    # already there, their insert and the read of the new ones.
    assert counts == [14, 14]
