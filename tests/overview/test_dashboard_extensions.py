"""The dashboard's requests for more time and urging notices (issue 15): besides the requests
and notices, each figure counts the items they concern, equals a recount from the raw records,
and links to the office list filtered on it (``extension=…``, ``urged=on``), whose count is the
figure; withdrawn units and other sessions' items are left out; an SC leader reads the same
figures without the links."""

import datetime

import pytest

from overview import selectors
from proposals.models import Assignment, Extension, UrgingNotice
from tests import factories
from tests.builders import assigned, make_officer, today

from .linked import figures, linked_count, plain_figures

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"
A = Assignment.Status
E = Extension.Status
KEYS = {
    "extension-asked": "asked_items",
    "extension-granted": "granted_items",
    "extension-refused": "refused_items",
    "extension-requested": "waiting_items",
}


def _extension(assignment, status, officer):
    return Extension.objects.create(
        assignment=assignment,
        reason="需协调资金",
        requested_until=today() + datetime.timedelta(days=30),
        old_deadline=assignment.deadline or today(),
        granted_until=today() + datetime.timedelta(days=30) if status == E.GRANTED else None,
        status=status,
        requested_by=officer,
    )


def _urge(assignment, staff, number=1):
    return UrgingNotice.objects.create(
        assignment=assignment, number=number, text="请抓紧办理。", sent_by=staff, deadline_then=today()
    )


@pytest.fixture
def world(city, term, staff, deputy):
    """GIVEN in the newer session: an item whose two units each asked for more time (granted for
    one, refused then waiting for the other) and which was urged twice; an item refused once and
    urged once; an item whose only request and notice went to a unit since withdrawn; an
    untouched item. In the older session: an item with a granted request and a notice."""
    session = factories.SessionFactory(
        term=term, number=2, start_date=datetime.date(2025, 1, 10), end_date=datetime.date(2025, 1, 14)
    )
    earlier = factories.SessionFactory(
        term=term, number=1, start_date=datetime.date(2024, 1, 10), end_date=datetime.date(2024, 1, 14)
    )
    transport = make_officer(city, "示例市交通运输局")
    housing = make_officer(city, "示例市住房保障局")

    both = assigned(deputy, staff, [transport, housing], session=session)
    lead = Assignment.objects.get(suggestion=both, unit=transport.unit)
    joint = Assignment.objects.get(suggestion=both, unit=housing.unit)
    _extension(lead, E.GRANTED, transport)
    _extension(joint, E.REFUSED, housing)
    _extension(joint, E.REQUESTED, housing)
    _urge(lead, staff, 1)
    _urge(joint, staff, 1)

    refused = assigned(deputy, staff, [housing], session=session)
    refused_a = Assignment.objects.get(suggestion=refused)
    _extension(refused_a, E.REFUSED, housing)
    _urge(refused_a, staff)

    gone = assigned(deputy, staff, [transport, housing], session=session)
    withdrawn = Assignment.objects.get(suggestion=gone, unit=housing.unit)
    _extension(withdrawn, E.GRANTED, housing)
    _urge(withdrawn, staff)
    Assignment.objects.filter(pk=withdrawn.pk).update(status=A.WITHDRAWN)

    assigned(deputy, staff, [transport], session=session)

    old = assigned(deputy, staff, [transport], session=earlier)
    old_a = Assignment.objects.get(suggestion=old)
    _extension(old_a, E.GRANTED, transport)
    _urge(old_a, staff)
    return {"session": session, "earlier": earlier}


def _current(session):
    return [a for a in Assignment.objects.all() if a.suggestion.session_id == session.pk and a.status != A.WITHDRAWN]


def recount(session):
    """From the raw records: requests and notices of the session's current units, and the items."""
    current = {a.pk: a.suggestion_id for a in _current(session)}
    requests = [e for e in Extension.objects.all() if e.assignment_id in current]
    notices = [n for n in UrgingNotice.objects.all() if n.assignment_id in current]

    def items(rows):
        return len({current[r.assignment_id] for r in rows})

    return {
        "asked": len(requests),
        "asked_items": items(requests),
        "granted_items": items([e for e in requests if e.status == E.GRANTED]),
        "refused_items": items([e for e in requests if e.status == E.REFUSED]),
        "waiting_items": items([e for e in requests if e.status == E.REQUESTED]),
        "notices": len(notices),
        "urged_items": items(notices),
    }


def test_the_item_figures_equal_a_recount(world, staff):
    for session in (world["session"], world["earlier"]):
        expected = recount(session)
        ext = selectors.extensions(actor=staff, session=session)
        urging = selectors.urging_notices(actor=staff, session=session)
        assert ext.asked == expected["asked"]
        for name in KEYS.values():
            assert getattr(ext, name).value == expected[name], (session, name)
        assert urging == expected["notices"]
        assert urging.items.value == expected["urged_items"]
    ext = selectors.extensions(actor=staff, session=world["session"])
    assert (ext.asked, ext.granted, ext.refused, ext.waiting) == (4, 1, 2, 1)
    assert [getattr(ext, n).value for n in KEYS.values()] == [2, 1, 2, 1]
    urging = selectors.urging_notices(actor=staff, session=world["session"])
    assert (int(urging), urging.items.value) == (3, 2)


def test_each_item_figure_links_to_a_list_of_the_same_count(world, staff_client, staff):
    response = staff_client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["session"] == world["session"]
    found = figures(response.content.decode())
    expected = recount(world["session"])
    session = world["session"].pk
    for key, name in {**KEYS, "urged": "urged_items"}.items():
        value, link = found[key]
        assert value == expected[name], key
        assert linked_count(staff_client, key, link) == value, (key, link)
        assert link.startswith(f"/office/suggestions/?session={session}&")
    assert found["extension-granted"][1].endswith("extension=granted")
    assert found["urged"][1].endswith("urged=on")


def test_the_export_keeps_the_requests_and_notices(world, staff_client):
    response = staff_client.get("/dashboard/export.xlsx")
    assert response.status_code == 200


@pytest.fixture
def sc_leader(city, term):
    from tests.liaison.factories import sc_member

    return sc_member(city, term, "赵主任", position="deputy_director")


def test_an_sc_leader_reads_the_same_item_figures_without_links(world, staff_client, sc_leader, client):
    staff_found = figures(staff_client.get(DASHBOARD).content.decode())
    client.force_login(sc_leader)
    html = client.get(DASHBOARD).content.decode()
    plain = plain_figures(html)
    for key in (*KEYS, "urged"):
        assert plain[key] == staff_found[key][0], key
    assert "/office/suggestions/" not in html.split("<main", 1)[1]
