"""Data requests as a case on the workflow engine: who may do each step, in which state, the
deadline in working days, and what the unit officer and the deputy each see."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import InvalidTransition, NotAllowed
from core.workdays import add_workdays
from notifications.models import Notification
from tests import factories
from tests.builders import exe, make_deputy_user, officer_of, pdf
from training import services_requests as svc
from training.models import DataRequest, RequestEvent
from training.selectors import portal as portal_selectors
from training.selectors import unit as unit_selectors

from .builders import data_request, routed

pytestmark = pytest.mark.django_db
S = DataRequest.Status


def test_the_whole_case(deputy, staff, unit_officer):
    r = data_request(deputy)
    assert r.status == S.SUBMITTED
    svc.request_route(actor=staff, request=r, unit=unit_officer.unit, workdays=5)
    r.refresh_from_db()
    assert r.status == S.ROUTED and r.due == add_workdays(datetime.date.today(), 5)
    assert Notification.objects.filter(user=unit_officer, key__startswith=f"training:request:{r.pk}:routed").exists()
    svc.request_answer(actor=unit_officer, request=r, answer="各区床位数见附件。", uploads=[pdf("床位统计.pdf")])
    r.refresh_from_db()
    assert r.status == S.ANSWERED and r.documents.count() == 1
    assert Notification.objects.filter(user=deputy, key=f"training:request:{r.pk}:answered").exists()
    svc.request_rate(actor=deputy, request=r, rating="met", note="很有帮助")
    r.refresh_from_db()
    assert r.status == S.RATED and r.rating == "met"
    assert list(RequestEvent.objects.filter(request=r).values_list("action", flat=True)) == [
        "submit",
        "route",
        "answer",
        "rate",
    ]


def test_a_deputy_asks_only_in_their_own_name(deputy, city, term, electoral_unit):
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    with pytest.raises(NotAllowed):
        svc.request_submit(actor=other, deputy=deputy.mandate, subject="x", wanted="y", reason="z")
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"wanted": "  "}, "wanted"),
        ({"reason": ""}, "reason"),
        ({"reason": "长" * 4001}, "reason"),
    ],
)
def test_bad_request_input_is_refused(deputy, kwargs, field):
    values = {"subject": "数据", "wanted": "数据", "reason": "理由", **kwargs}
    with pytest.raises(ValidationError) as exc:
        svc.request_submit(actor=deputy, deputy=deputy.mandate, **values)
    assert field in exc.value.message_dict
    assert not DataRequest.objects.exists()


def test_routing_needs_staff_of_the_congress_and_a_fitting_unit(deputy, staff, district_staff, unit_officer, district):
    r = data_request(deputy)
    for actor in (district_staff, deputy, unit_officer):
        with pytest.raises(NotAllowed):
            svc.request_route(actor=actor, request=r, unit=unit_officer.unit, workdays=5)
    elsewhere = factories.UnitFactory(congress=district, name="区教育局")
    with pytest.raises(ValidationError) as exc:
        svc.request_route(actor=staff, request=r, unit=elsewhere, workdays=5)
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        svc.request_route(actor=staff, request=r, unit=unit_officer.unit, workdays=0)
    assert "workdays" in exc.value.message_dict
    r.refresh_from_db()
    assert r.status == S.SUBMITTED and r.unit_id is None


def test_only_the_units_officer_answers_and_only_when_routed(deputy, staff, unit_officer, city):
    r = data_request(deputy)
    with pytest.raises(NotAllowed):
        svc.request_answer(actor=unit_officer, request=r, answer="答复")
    svc.request_route(actor=staff, request=r, unit=unit_officer.unit, workdays=5)
    other = officer_of(factories.UnitFactory(congress=city, name="市教育局"), "教育局联系人")
    for actor in (other, staff, deputy):
        with pytest.raises(NotAllowed):
            svc.request_answer(actor=actor, request=r, answer="答复")
    svc.request_answer(actor=unit_officer, request=r, answer="答复")
    with pytest.raises(InvalidTransition):
        svc.request_answer(actor=unit_officer, request=r, answer="再答复")
    with pytest.raises(InvalidTransition):
        svc.request_decline(actor=unit_officer, request=r, reason="不予提供")
    r.refresh_from_db()
    assert r.answer == "答复"


def test_the_unit_declines_with_a_reason(deputy, staff, unit_officer):
    r = routed(deputy, staff, unit_officer.unit)
    with pytest.raises(ValidationError) as exc:
        svc.request_decline(actor=unit_officer, request=r, reason=" ")
    assert "reason" in exc.value.message_dict
    svc.request_decline(actor=unit_officer, request=r, reason="涉及国家秘密，不予提供。")
    r.refresh_from_db()
    assert r.status == S.DECLINED and r.decline_reason.startswith("涉及")
    with pytest.raises(InvalidTransition):
        svc.request_rate(actor=deputy, request=r, rating="met")


def test_answer_files_are_checked_and_a_bad_one_saves_nothing(deputy, staff, unit_officer):
    r = routed(deputy, staff, unit_officer.unit)
    with pytest.raises(ValidationError):
        svc.request_answer(actor=unit_officer, request=r, answer="见附件", uploads=[pdf(), exe()])
    r.refresh_from_db()
    assert r.status == S.ROUTED and r.answer == "" and not r.documents.exists()


def test_only_the_deputy_rates_and_only_once(deputy, staff, unit_officer):
    r = routed(deputy, staff, unit_officer.unit)
    svc.request_answer(actor=unit_officer, request=r, answer="答复")
    for actor in (staff, unit_officer):
        with pytest.raises(NotAllowed):
            svc.request_rate(actor=actor, request=r, rating="met")
    with pytest.raises(ValidationError):
        svc.request_rate(actor=deputy, request=r, rating="excellent")
    svc.request_rate(actor=deputy, request=r, rating="partly")
    with pytest.raises(InvalidTransition):
        svc.request_rate(actor=deputy, request=r, rating="met")
    r.refresh_from_db()
    assert r.rating == "partly"


def test_staff_refuse_before_routing_only(deputy, staff, unit_officer):
    r = data_request(deputy)
    svc.request_refuse(actor=staff, request=r, reason="请向统计部门公开渠道查询。")
    r.refresh_from_db()
    assert r.status == S.DECLINED
    other = routed(deputy, staff, unit_officer.unit, subject="另一项")
    with pytest.raises(InvalidTransition):
        svc.request_refuse(actor=staff, request=other, reason="不")


def test_a_unit_officer_sees_only_requests_routed_to_their_unit(deputy, staff, unit_officer, city):
    mine = routed(deputy, staff, unit_officer.unit)
    other_unit = factories.UnitFactory(congress=city, name="市教育局")
    routed(deputy, staff, other_unit, subject="学校数据")
    data_request(deputy, subject="尚未交办")
    assert list(unit_selectors.requests_for_unit(user=unit_officer)) == [mine]


def test_a_deputy_sees_only_their_own_requests(deputy, city, term, electoral_unit):
    mine = data_request(deputy)
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    data_request(other, subject="别人的")
    assert list(portal_selectors.requests_for_deputy(user=deputy)) == [mine]
