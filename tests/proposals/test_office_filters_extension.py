"""The office list's filters on requests for more time and urging notices (issue 15): each
selects the items whose current units asked for more time (in a given state) or were urged,
withdrawn assignments left out; an unknown state is refused with a message, never a 500; the
two filters cost no query of their own, with 10 items as with 300."""

import datetime

import pytest
from django.urls import reverse

from proposals.models import Assignment, Extension, UrgingNotice
from proposals.selectors import office

from ..builders import assigned, bulk_items, english, make_officer, today
from .test_office_queries import LIST_FIRST_QUERIES, LIST_QUERIES

pytestmark = pytest.mark.django_db

E = Extension.Status
LIST = reverse("proposals_office:list")


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
def world(city, staff, deputy):
    """GIVEN six assigned items: one whose unit was given more time (and later refused once
    more), one waiting for a decision, one refused and urged twice, one urged only, one
    untouched, and one whose only request and notice went to a unit since withdrawn."""
    transport = make_officer(city, "示例市交通运输局")
    housing = make_officer(city, "示例市住房保障局")
    items = {
        name: assigned(deputy, staff, [transport], title=f"关于{name}的建议")
        for name in ("granted", "waiting", "refused", "urged", "plain")
    }
    first = {name: Assignment.objects.get(suggestion=s) for name, s in items.items()}
    _extension(first["granted"], E.GRANTED, transport)
    _extension(first["granted"], E.REFUSED, transport)
    _extension(first["waiting"], E.REQUESTED, transport)
    _extension(first["refused"], E.REFUSED, transport)
    _urge(first["refused"], staff, 1)
    _urge(first["refused"], staff, 2)
    _urge(first["urged"], staff)
    gone = assigned(deputy, staff, [transport, housing], title="关于撤回单位的建议")
    withdrawn = Assignment.objects.get(suggestion=gone, unit=housing.unit)
    _extension(withdrawn, E.GRANTED, housing)
    _urge(withdrawn, staff)
    Assignment.objects.filter(pk=withdrawn.pk).update(status=Assignment.Status.WITHDRAWN)
    items["gone"] = gone
    return {"items": items, "transport": transport}


def _pks(world, *names):
    return {world["items"][n].pk for n in names}


@pytest.mark.parametrize(
    ("extension", "urged", "expected"),
    [
        ("asked", False, ("granted", "waiting", "refused")),
        (E.GRANTED, False, ("granted",)),
        (E.REFUSED, False, ("granted", "refused")),
        (E.REQUESTED, False, ("waiting",)),
        ("", True, ("refused", "urged")),
        (E.REFUSED, True, ("refused",)),
        ("", False, ("granted", "waiting", "refused", "urged", "plain", "gone")),
    ],
)
def test_apply_filters_selects_the_items_asked_or_urged(world, staff, extension, urged, expected):
    qs = office.apply_filters(office.suggestions_for_office(actor=staff), extension=extension, urged=urged)
    assert set(qs.values_list("pk", flat=True)) == _pks(world, *expected)
    assert qs.count() == len(expected)  # EXISTS: no duplicates for two requests or two notices


def test_the_list_page_offers_and_applies_both_filters(world, staff_client):
    response = english(staff_client).get(LIST)
    html = response.content.decode()
    assert 'name="extension"' in html and 'name="urged"' in html
    assert "Requests for more time" in html and "Urged only" in html
    for value in ("asked", E.GRANTED, E.REFUSED, E.REQUESTED):
        assert f'<option value="{value}"' in html

    response = staff_client.get(LIST, {"extension": "asked", "urged": "on"})
    assert response.status_code == 200
    assert {s.pk for s in response.context["page"].object_list} == _pks(world, "refused")
    assert response.context["page"].paginator.count == 1
    assert response.context["filtered"]
    assert response.context["form"]["extension"].value() == "asked"


def test_the_exports_take_the_same_filters(world, staff_client):
    response = staff_client.get(reverse("proposals_office:export_ledger"), {"extension": E.REQUESTED})
    assert response.status_code == 200


@pytest.mark.parametrize("bad", ["bogus", "asked'; --", "GRANTED", "x" * 300])
def test_an_unknown_state_is_refused_with_a_message_not_a_500(world, staff_client, bad):
    response = staff_client.get(LIST, {"extension": bad, "urged": "on"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "extension" in form.errors
    html = response.content.decode()
    assert 'class="errorlist" id="id_extension_error"' in html
    assert "选择一个有效的选项" in html  # Django's own message, in Chinese
    # The bad filter is dropped, the good one kept.
    assert {s.pk for s in response.context["page"].object_list} == _pks(world, "refused", "urged")


@pytest.mark.parametrize("extra", [0, 300])
def test_the_filters_add_no_query(world, staff, deputy, staff_client, extra, django_assert_num_queries):
    if extra:
        transport = world["transport"]
        bulk_items(n=extra, deputy_user=deputy, staff=staff, unit=transport.unit, start=1000)
        for assignment in Assignment.objects.filter(suggestion__title__startswith="批量建议")[: extra // 3]:
            _extension(assignment, E.REFUSED, transport)
            _urge(assignment, staff)
    params = {"extension": E.REFUSED, "urged": "on"}
    staff_client.get(LIST, params)
    with django_assert_num_queries(LIST_QUERIES):
        response = staff_client.get(LIST, params)
    assert response.context["page"].paginator.count == 1 + extra // 3
    # Other filters: the form is rendered for them (its choice lists), still no query per filter.
    with django_assert_num_queries(LIST_FIRST_QUERIES):
        response = staff_client.get(LIST, {"extension": "asked"})
    assert response.context["page"].paginator.count == 3 + extra // 3
