"""The opinion case's workflow: who may take each step, from which state, and what it leaves."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.exceptions import InvalidTransition, NotAllowed
from liaison import services
from liaison.models import Opinion, OpinionEvent

from .factories import opinion

S = Opinion.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_a_plain_opinion_is_received_with_its_event(station):
    o, _token = opinion(station)
    assert o.status == S.RECEIVED
    assert list(o.events.values_list("action", "to_status")) == [("submit", S.RECEIVED)]


def test_staff_release_a_held_opinion(station, staff):
    o, _ = opinion(station, text="这里有人赌博，请管一管。")
    assert o.status == S.HELD and "赌博" in o.held_reason
    services.opinion_release(actor=staff, opinion=o, note="内容正常")
    o.refresh_from_db()
    assert o.status == S.RECEIVED and o.held_reason == ""
    assert o.events.last().actor == staff and o.events.last().note == "内容正常"


def test_staff_reject_a_held_opinion_with_a_reason(station, staff):
    o, _ = opinion(station, text="代开发票，联系我。")
    with pytest.raises(ValidationError) as exc:
        services.opinion_reject(actor=staff, opinion=o, reason="  ")
    assert "这个字段是必填项" in str(exc.value) or "必填" in str(exc.value)
    services.opinion_reject(actor=staff, opinion=o, reason="广告")
    o.refresh_from_db()
    assert o.status == S.REJECTED and o.close_reason == "广告"


def test_release_refuses_an_opinion_that_was_not_held(station, staff):
    o, _ = opinion(station)
    with pytest.raises(InvalidTransition) as exc:
        services.opinion_release(actor=staff, opinion=o)
    assert "已收到" in str(exc.value)
    assert OpinionEvent.objects.filter(opinion=o).count() == 1


def test_assign_answer_close(station, staff, deputy):
    o, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy, note="请答复")
    o.refresh_from_db()
    assert o.status == S.ASSIGNED and o.assignee == deputy and o.assigned_at
    assert deputy.notifications.filter(key__startswith=f"liaison:opinion:{o.pk}:assigned").count() == 1
    services.opinion_answer(actor=deputy, opinion=o, answer="已联系相关部门。")
    o.refresh_from_db()
    assert o.status == S.ANSWERED and o.answer == "已联系相关部门。"
    services.opinion_close(actor=staff, opinion=o)
    o.refresh_from_db()
    assert o.status == S.CLOSED and o.closed_at
    assert list(o.events.values_list("action", flat=True)) == ["submit", "assign", "answer", "close"]


def test_a_staff_member_may_be_the_assignee(station, staff):
    o, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=o, assignee=staff)
    services.opinion_answer(actor=staff, opinion=o, answer="已办理。")
    assert Opinion.objects.get(pk=o.pk).status == S.ANSWERED


def test_only_the_assignee_answers(station, staff, staff2, deputy, other_deputy):
    o, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy)
    for someone in (other_deputy, staff, staff2):
        with pytest.raises(NotAllowed) as exc:
            services.opinion_answer(actor=someone, opinion=o, answer="越权答复")
        assert "只有" in str(exc.value)
    o.refresh_from_db()
    assert o.status == S.ASSIGNED and o.answer == ""


def test_assigning_again_moves_the_case_and_the_old_assignee_can_no_longer_answer(station, staff, deputy, staff2):
    o, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy)
    stale = Opinion.objects.get(pk=o.pk)
    services.opinion_assign(actor=staff, opinion=o, assignee=staff2)
    with pytest.raises((NotAllowed, InvalidTransition)):
        services.opinion_answer(actor=deputy, opinion=stale, answer="旧的")
    assert Opinion.objects.get(pk=o.pk).answer == ""


def test_assign_refuses_someone_who_is_neither_station_deputy_nor_staff(station, staff, other_deputy, outsider):
    o, _ = opinion(station)
    for person in (other_deputy, outsider):
        with pytest.raises(ValidationError) as exc:
            services.opinion_assign(actor=staff, opinion=o, assignee=person)
        assert "本站代表" in str(exc.value)
    assert Opinion.objects.get(pk=o.pk).status == S.RECEIVED


def test_deputies_and_other_congresses_may_not_handle(station, deputy, district_staff, staff):
    o, _ = opinion(station)
    for actor in (deputy, district_staff):
        with pytest.raises(NotAllowed):
            services.opinion_assign(actor=actor, opinion=o, assignee=staff)
        with pytest.raises(NotAllowed):
            services.opinion_close_unanswered(actor=actor, opinion=o, reason="无")
    assert Opinion.objects.get(pk=o.pk).status == S.RECEIVED


def test_close_without_answer_needs_a_reason(station, staff):
    o, _ = opinion(station)
    with pytest.raises(ValidationError):
        services.opinion_close_unanswered(actor=staff, opinion=o, reason="")
    services.opinion_close_unanswered(actor=staff, opinion=o, reason="重复意见")
    o.refresh_from_db()
    assert o.status == S.CLOSED and o.close_reason == "重复意见"


def test_close_refuses_an_unanswered_assigned_case(station, staff, deputy):
    o, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy)
    with pytest.raises(InvalidTransition):
        services.opinion_close(actor=staff, opinion=o)


def test_notes_by_staff_and_assignee_only_while_open(station, staff, deputy, other_deputy):
    o, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy)
    services.opinion_add_note(actor=deputy, opinion=o, note="已电话联系")
    services.opinion_add_note(actor=staff, opinion=o, note="跟进中")
    with pytest.raises(NotAllowed):
        services.opinion_add_note(actor=other_deputy, opinion=o, note="我也说两句")
    services.opinion_close_unanswered(actor=staff, opinion=o, reason="群众撤回")
    with pytest.raises(InvalidTransition):
        services.opinion_add_note(actor=staff, opinion=o, note="晚了")
    assert list(o.events.filter(action="note").values_list("note", flat=True)) == ["已电话联系", "跟进中"]
