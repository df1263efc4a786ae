"""The office's back-office pages: review, paper entry, the list, the item page and every
action on it (assignment, re-assignment decisions, key supervision, evaluation, closing,
publishing). Each action: the happy path, a wrong state, and bad input that writes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.models import StandingCommitteeMember
from proposals import services
from proposals.models import (
    Assignment,
    KeySupervision,
    KeySupervisionProgress,
    Rating,
    Suggestion,
    SuggestionEvent,
    ThirdPartyEvaluation,
)

from .. import factories
from ..builders import XSS, accepted, assigned_to, replied, submitted

pytestmark = pytest.mark.django_db
S = Suggestion.Status
A = Assignment.Status


def url(name, *args):
    return reverse(f"proposals_office:{name}", args=args)


@pytest.fixture
def leader(city, term):
    sc_deputy = factories.DeputyFactory(congress=city, term=term, name="王主任")
    return StandingCommitteeMember.objects.create(
        term=term,
        deputy=sc_deputy,
        position=StandingCommitteeMember.Position.DEPUTY_DIRECTOR,
        start_date=datetime.date(2022, 1, 1),
    )


@pytest.fixture
def sc_member(city, term):
    sc_deputy = factories.DeputyFactory(congress=city, term=term, name="赵委员")
    return StandingCommitteeMember.objects.create(
        term=term,
        deputy=sc_deputy,
        position=StandingCommitteeMember.Position.MEMBER,
        start_date=datetime.date(2022, 1, 1),
    )


# --- Review ---------------------------------------------------------------------------------


def test_review_queue_lists_submitted_items_in_order(staff_client, deputy, staff):
    first = submitted(deputy, title="先提交的建议")
    submitted(deputy, title="后提交的建议")
    accepted(deputy, staff, title="已立案的建议")
    response = staff_client.get(url("review"))
    page = response.content.decode()
    assert "先提交的建议" in page and "后提交的建议" in page and "已立案的建议" not in page
    assert page.index("先提交的建议") < page.index("后提交的建议")
    assert response.context["page"].object_list[0] == first


def test_accept_from_the_queue_numbers_the_item(staff_client, deputy):
    suggestion = submitted(deputy)
    response = staff_client.post(url("accept", suggestion.pk), {"next": url("review"), "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == url("review")
    suggestion.refresh_from_db()
    assert suggestion.status == S.ACCEPTED and suggestion.number == 1 and not suggestion.is_broad


def test_accept_without_the_tick_numbers_nothing_and_keeps_what_was_typed(staff_client, deputy):
    suggestion = submitted(deputy)
    response = staff_client.post(url("accept", suggestion.pk), {"broad": "on", "note": "跨部门事项"})
    assert response.status_code == 200
    form = response.context["accept_form"]
    assert form.errors["confirm"] and form["note"].value() == "跨部门事项"
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.SUBMITTED
    assert Suggestion.objects.get(pk=suggestion.pk).number is None
    queue = staff_client.get(url("review")).content.decode()
    assert queue.count('name="confirm"') == 1


def test_accept_as_broad_case_gives_six_months_on_assignment(staff_client, deputy, unit_officer):
    suggestion = submitted(deputy)
    staff_client.post(url("accept", suggestion.pk), {"broad": "on", "confirm": "1"})
    assert Suggestion.objects.get(pk=suggestion.pk).is_broad
    page = staff_client.get(url("detail", suggestion.pk))
    assert page.context["reply_months"] == 6
    today = timezone.localdate()
    response = staff_client.post(
        url("assign", suggestion.pk),
        {
            "u-TOTAL_FORMS": "1",
            "u-INITIAL_FORMS": "0",
            "u-0-unit": unit_officer.unit.pk,
            "u-0-role": "lead",
            "assigned_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    from dateutil.relativedelta import relativedelta

    assert Assignment.objects.get().deadline == today + relativedelta(months=6)


def test_accept_refused_when_already_accepted(staff_client, deputy, staff):
    suggestion = accepted(deputy, staff)
    response = staff_client.post(url("accept", suggestion.pk), {"confirm": "1"})
    assert response.status_code == 200
    assert response.context["accept_form"].non_field_errors()
    assert Suggestion.objects.get(pk=suggestion.pk).number == 1


def test_staff_without_the_permission_are_refused_by_the_service(client, deputy, city):
    """A staff member whose group lacks proposals.change_suggestion sees the service's refusal (403), nothing changes."""
    from ..conftest import with_totp

    user = with_totp(factories.StaffFactory(congress=city))
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="代表工作机构工作人员")
    group.permissions.remove(*group.permissions.filter(codename="change_suggestion"))
    suggestion = submitted(deputy)
    client.force_login(user)
    response = client.post(url("accept", suggestion.pk), {"confirm": "1"})
    assert response.status_code == 403
    assert (
        "Only deputy-work office staff" in response.content.decode()
        or "代表工作机构工作人员" in response.content.decode()
    )
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.SUBMITTED


def test_return_with_a_reason(staff_client, deputy):
    suggestion = submitted(deputy)
    assert staff_client.post(url("return", suggestion.pk), {"reason": "内容不属于本级职权"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == S.RETURNED and suggestion.return_reason == "内容不属于本级职权"


def test_return_without_a_reason_writes_nothing(staff_client, deputy):
    suggestion = submitted(deputy)
    response = staff_client.post(url("return", suggestion.pk), {"reason": " "})
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"]
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.SUBMITTED
    assert not SuggestionEvent.objects.filter(action="return").exists()


def test_merge_by_number(staff_client, deputy, staff):
    target = accepted(deputy, staff, title="原建议")
    duplicate = submitted(deputy, title="重复的建议")
    response = staff_client.post(url("merge", duplicate.pk), {"number": target.number})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == S.MERGED and duplicate.merged_into == target
    assert SuggestionEvent.objects.filter(suggestion=target, action="merged_in").exists()
    assert "重复的建议" in staff_client.get(url("detail", target.pk)).content.decode()


def test_merge_by_search_and_choice(staff_client, deputy, staff):
    target = accepted(deputy, staff, title="关于公交线网优化的建议")
    duplicate = submitted(deputy, title="公交线路调整")
    response = staff_client.get(url("detail", duplicate.pk), {"merge_q": "线网"})
    assert list(response.context["merge_candidates"]) == [target]
    assert staff_client.post(url("merge", duplicate.pk), {"into": target.pk}).status_code == 302
    assert Suggestion.objects.get(pk=duplicate.pk).merged_into == target


@pytest.mark.parametrize("data", [{}, {"number": "999"}])
def test_merge_without_a_valid_target_writes_nothing(staff_client, deputy, data):
    duplicate = submitted(deputy)
    response = staff_client.post(url("merge", duplicate.pk), data)
    assert response.status_code == 200
    assert response.context["merge_form"].errors
    assert Suggestion.objects.get(pk=duplicate.pk).status == S.SUBMITTED


def test_merge_into_a_draft_is_refused(staff_client, deputy, staff):
    duplicate = submitted(deputy)
    draft = services.suggestion_create(actor=deputy, lead_deputy=deputy.mandate, title="草稿", body="正文")
    response = staff_client.post(url("merge", duplicate.pk), {"into": draft.pk})
    assert response.status_code == 200
    assert Suggestion.objects.get(pk=duplicate.pk).status == S.SUBMITTED


def test_motion_turned_into_a_suggestion(staff_client, deputy, city):
    city.motion_min_cosigners = 1
    city.save()
    motion = submitted(deputy, kind=Suggestion.Kind.MOTION, title="关于制定条例的议案")
    assert staff_client.get(url("detail", motion.pk)).context["can"]["convert"]
    assert staff_client.post(url("convert", motion.pk), {"note": "主席团决定不列入议程"}).status_code == 302
    motion.refresh_from_db()
    assert motion.kind == Suggestion.Kind.SUGGESTION and motion.converted_from_motion and motion.status == S.SUBMITTED


def test_converting_a_suggestion_is_refused(staff_client, deputy):
    suggestion = submitted(deputy)
    response = staff_client.post(url("convert", suggestion.pk), {})
    assert response.status_code == 200
    assert response.context["convert_form"].non_field_errors()
    assert not Suggestion.objects.get(pk=suggestion.pk).converted_from_motion


# --- Paper entry ------------------------------------------------------------------------------


def paper(deputy, **overrides):
    data = {
        "lead_deputy": deputy.mandate.pk,
        "kind": "suggestion",
        "title": "纸质提交的建议",
        "body": "第一段\n\n第二段",
        "submit_now": "on",
    }
    data.update(overrides)
    return data


def test_paper_suggestion_is_entered_submitted_and_marked(staff_client, deputy, staff):
    response = staff_client.post(url("new"), paper(deputy))
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", suggestion.pk)
    assert suggestion.entered_by_staff and suggestion.status == S.SUBMITTED and suggestion.created_by == staff
    create = SuggestionEvent.objects.get(suggestion=suggestion, action="create")
    assert create.actor == staff and create.note
    for page in (url("list"), url("review"), url("detail", suggestion.pk)):
        assert 'pill-info">' in staff_client.get(page).content.decode(), page


def test_paper_motion_without_cosigners_stays_a_draft(staff_client, deputy):
    response = staff_client.post(url("new"), paper(deputy, kind="motion"), follow=True)
    suggestion = Suggestion.objects.get()
    assert suggestion.status == S.DRAFT and suggestion.entered_by_staff
    assert response.context["can"]["submit"]
    assert any(m.level_tag == "warning" for m in response.context["messages"])


@pytest.mark.parametrize("overrides", [{"title": ""}, {"body": "  "}, {"lead_deputy": "999999"}])
def test_bad_paper_entry_writes_nothing(staff_client, deputy, overrides):
    response = staff_client.post(url("new"), paper(deputy, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Suggestion.objects.exists()
    assert "纸质提交的建议" in response.content.decode() or overrides.get("title") == ""


def test_paper_entry_for_another_congress_deputy_is_not_offered(client, district_staff, deputy):
    client.force_login(district_staff)
    response = client.post(url("new"), paper(deputy))
    assert response.status_code == 200 and "lead_deputy" in response.context["form"].errors
    assert not Suggestion.objects.exists()


# --- The list -------------------------------------------------------------------------------


def test_list_filters_and_search(staff_client, deputy, staff, unit_officer, other_unit, session, time_machine, leader):
    time_machine.move_to("2026-03-02 10:00 +0800", tick=False)
    late, _a = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead")], title="逾期未答复的建议", assigned_on=datetime.date(2025, 10, 1)
    )
    other, _b = assigned_to(deputy, staff, [(other_unit, "lead")], title="住建局的建议", session=session)
    submitted(deputy, title="待审核的建议")
    services.key_supervision_select(
        actor=staff, suggestion=other, sc_leader=leader, government_leader="副市长", committee="城建环保委"
    )

    def titles(**params):
        response = staff_client.get(url("list"), params)
        return {s.title for s in response.context["page"].object_list}

    assert titles() == {"逾期未答复的建议", "住建局的建议", "待审核的建议"}
    assert titles(overdue="on") == {"逾期未答复的建议"}
    assert titles(unit=other_unit.pk) == {"住建局的建议"}
    assert titles(session=session.pk) == {"住建局的建议"}
    assert titles(status="submitted") == {"待审核的建议"}
    assert titles(key="on") == {"住建局的建议"}
    assert titles(q="住建局") == {"住建局的建议"}
    assert titles(q=f"第{late.number}号") == {"逾期未答复的建议", "住建局的建议"}  # number 1 of two series
    assert titles(q=late.number_label) == {"逾期未答复的建议"}
    assert titles(q="李代表") == {"逾期未答复的建议", "住建局的建议", "待审核的建议"}
    assert titles(field=late.field_id, unit="bogus") == {"逾期未答复的建议", "住建局的建议", "待审核的建议"}


def test_list_escapes_titles(staff_client, deputy):
    submitted(deputy, title=f"标题{XSS}")
    page = staff_client.get(url("list")).content.decode()
    assert "<script>" not in page and "<img" not in page


# --- Assignment -------------------------------------------------------------------------------


def assign_data(rows, **extra):
    data = {
        "u-TOTAL_FORMS": str(max(len(rows), 1)),
        "u-INITIAL_FORMS": "0",
        "assigned_on": timezone.localdate().isoformat(),
    }
    for i, (unit_pk, role) in enumerate(rows):
        data[f"u-{i}-unit"] = unit_pk
        data[f"u-{i}-role"] = role
    data.update(extra)
    return data


def test_assign_to_two_units_with_roles_and_preassignment(staff_client, deputy, staff, unit_officer, other_unit):
    suggestion = accepted(deputy, staff)
    page = staff_client.get(url("detail", suggestion.pk))
    from dateutil.relativedelta import relativedelta

    assert page.context["preview_deadline"] == timezone.localdate() + relativedelta(months=3)
    response = staff_client.post(
        url("assign", suggestion.pk),
        assign_data(
            [(unit_officer.unit.pk, "lead"), (other_unit.pk, "joint")],
            pre_assignment="on",
        ),
    )
    assert response.status_code == 302
    rows = {a.unit_id: a for a in Assignment.objects.all()}
    assert rows[unit_officer.unit.pk].role == "lead" and rows[other_unit.pk].role == "joint"
    assert all(a.pre_assignment for a in rows.values())
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.ASSIGNED
    assert unit_officer.notifications.filter(key__endswith=":received").exists()


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("U1", "lead"), ("U2", "lead")],
        [("U1", "lead"), ("U1", "joint")],
    ],
)
def test_bad_assignment_writes_nothing(staff_client, deputy, staff, unit_officer, other_unit, rows):
    suggestion = accepted(deputy, staff)
    ids = {"U1": unit_officer.unit.pk, "U2": other_unit.pk}
    response = staff_client.post(url("assign", suggestion.pk), assign_data([(ids[u], r) for u, r in rows]))
    assert response.status_code == 200
    assert not Assignment.objects.exists()
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.ACCEPTED


def test_assigning_a_submitted_item_is_refused(staff_client, deputy, unit_officer):
    suggestion = submitted(deputy)
    response = staff_client.post(url("assign", suggestion.pk), assign_data([(unit_officer.unit.pk, "lead")]))
    assert response.status_code == 200
    assert response.context["assign_options"].non_field_errors()
    assert not Assignment.objects.exists()


def test_assigning_a_unit_of_another_congress_is_not_offered(staff_client, deputy, staff, district):
    suggestion = accepted(deputy, staff)
    foreign = factories.UnitFactory(congress=district, name="区交通局")
    response = staff_client.post(url("assign", suggestion.pk), assign_data([(foreign.pk, "lead")]))
    assert response.status_code == 200
    assert not Assignment.objects.exists()


# --- Re-assignment decisions -------------------------------------------------------------------


@pytest.fixture
def requested(deputy, staff, unit_officer):
    suggestion, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="应由住建局办理")
    return suggestion, Assignment.objects.get(pk=assignment.pk)


def test_grant_reassignment_to_a_new_unit(staff_client, requested, other_unit, other_officer):
    suggestion, assignment = requested
    page = staff_client.get(url("detail", suggestion.pk)).content.decode()
    assert "应由住建局办理" in page
    prefix = f"d{assignment.pk}"
    response = staff_client.post(
        url("decide_reassign", assignment.pk), {f"{prefix}-decision": "grant", f"{prefix}-new_unit": other_unit.pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).status == A.WITHDRAWN
    new = Assignment.objects.get(unit=other_unit)
    assert new.role == "lead" and new.status == A.ASSIGNED
    assert other_officer.notifications.filter(key=f"assignment:{new.pk}:received").exists()


def test_refuse_reassignment(staff_client, requested):
    _s, assignment = requested
    prefix = f"d{assignment.pk}"
    assert (
        staff_client.post(
            url("decide_reassign", assignment.pk), {f"{prefix}-decision": "refuse", f"{prefix}-note": "职责明确"}
        ).status_code
        == 302
    )
    assert Assignment.objects.get(pk=assignment.pk).status == A.ASSIGNED


def test_deciding_without_an_open_request_is_refused(staff_client, deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    prefix = f"d{assignment.pk}"
    response = staff_client.post(url("decide_reassign", assignment.pk), {f"{prefix}-decision": "refuse"})
    assert response.status_code == 200
    assert Assignment.objects.get(pk=assignment.pk).status == A.ASSIGNED


def test_refusing_with_a_new_unit_is_a_form_error(staff_client, requested, other_unit):
    _s, assignment = requested
    prefix = f"d{assignment.pk}"
    response = staff_client.post(
        url("decide_reassign", assignment.pk), {f"{prefix}-decision": "refuse", f"{prefix}-new_unit": other_unit.pk}
    )
    assert response.status_code == 200
    assert Assignment.objects.get(pk=assignment.pk).status == A.REASSIGN_REQUESTED


# --- Key supervision --------------------------------------------------------------------------


def test_key_supervision_offers_leaders_only_then_logs_progress(
    staff_client, deputy, staff, unit_officer, leader, sc_member
):
    suggestion, _a = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    form = staff_client.get(url("detail", suggestion.pk)).context["ks_form"]
    assert list(form.fields["sc_leader"].queryset) == [leader]
    refused = staff_client.post(
        url("key_supervision", suggestion.pk),
        {
            "sc_leader": sc_member.pk,
            "government_leader": "副市长",
            "committee": "城建环保委",
            "selected_on": timezone.localdate().isoformat(),
        },
    )
    assert refused.status_code == 200 and not KeySupervision.objects.exists()
    response = staff_client.post(
        url("key_supervision", suggestion.pk),
        {
            "sc_leader": leader.pk,
            "government_leader": "张副市长",
            "committee": "城建环保委",
            "selected_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    supervision = KeySupervision.objects.get()
    assert (supervision.sc_leader, supervision.government_leader) == (leader, "张副市长")
    assert (
        staff_client.post(
            url("key_supervision_progress", suggestion.pk),
            {"note": "", "reported_on": timezone.localdate().isoformat()},
        ).status_code
        == 200
    )
    assert not KeySupervisionProgress.objects.exists()
    assert (
        staff_client.post(
            url("key_supervision_progress", suggestion.pk),
            {"note": "主任带队实地督办", "reported_on": timezone.localdate().isoformat()},
        ).status_code
        == 302
    )
    assert "主任带队实地督办" in staff_client.get(url("detail", suggestion.pk)).content.decode()


def test_key_supervision_of_a_submitted_item_is_refused(staff_client, deputy, leader):
    suggestion = submitted(deputy)
    response = staff_client.post(
        url("key_supervision", suggestion.pk),
        {
            "sc_leader": leader.pk,
            "government_leader": "副市长",
            "committee": "委员会",
            "selected_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not KeySupervision.objects.exists()


def test_key_supervision_is_chosen_once(staff_client, deputy, staff, unit_officer, leader):
    suggestion, _a = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    data = {
        "sc_leader": leader.pk,
        "government_leader": "副市长",
        "committee": "委员会",
        "selected_on": timezone.localdate().isoformat(),
    }
    assert staff_client.post(url("key_supervision", suggestion.pk), data).status_code == 302
    assert staff_client.post(url("key_supervision", suggestion.pk), data).status_code == 200
    assert KeySupervision.objects.count() == 1


# --- Third-party evaluation, closing, publishing ------------------------------------------------


def test_third_party_evaluation_of_an_unsatisfied_reply(staff_client, deputy, staff, unit_officer):
    suggestion, _a, reply = replied(deputy, staff, unit_officer, code="A")
    prefix = f"e{reply.pk}"
    data = {
        f"{prefix}-evaluator": "某大学公共管理学院",
        f"{prefix}-evaluated_on": timezone.localdate().isoformat(),
        f"{prefix}-conclusion": "答复基本合理",
        f"{prefix}-score": "78",
    }
    # Not (yet) rated unsatisfied: refused.
    response = staff_client.post(url("evaluation", reply.pk), data)
    assert response.status_code == 200 and not ThirdPartyEvaluation.objects.exists()
    services.reply_rate(actor=deputy, reply=reply, value=Rating.Value.UNSATISFIED, comment="未解决")
    assert staff_client.post(url("evaluation", reply.pk), data).status_code == 302
    evaluation = ThirdPartyEvaluation.objects.get()
    assert (evaluation.evaluator, evaluation.score) == ("某大学公共管理学院", 78)
    assert SuggestionEvent.objects.filter(suggestion=suggestion, action="third_party_evaluation", actor=staff).exists()


@pytest.mark.parametrize("field, value", [("conclusion", ""), ("evaluated_on", "2999-01-01"), ("score", "101")])
def test_bad_evaluation_writes_nothing(staff_client, deputy, staff, unit_officer, field, value):
    _s, _a, reply = replied(deputy, staff, unit_officer, code="A")
    services.reply_rate(actor=deputy, reply=reply, value=Rating.Value.UNSATISFIED, comment="未解决")
    prefix = f"e{reply.pk}"
    data = {
        f"{prefix}-evaluator": "评估机构",
        f"{prefix}-evaluated_on": timezone.localdate().isoformat(),
        f"{prefix}-conclusion": "结论",
    }
    data[f"{prefix}-{field}"] = value
    response = staff_client.post(url("evaluation", reply.pk), data)
    assert response.status_code == 200
    assert not ThirdPartyEvaluation.objects.exists()


def test_close_and_publish(staff_client, deputy, staff, unit_officer):
    suggestion, _a, reply = replied(deputy, staff, unit_officer, code="A")
    services.reply_rate(actor=deputy, reply=reply, value=Rating.Value.SATISFIED)
    assert staff_client.post(url("close", suggestion.pk), {"publish": "on", "note": "办结"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == S.CLOSED and suggestion.published
    assert staff_client.post(url("publish", suggestion.pk), {"published": "0"}).status_code == 302
    assert not Suggestion.objects.get(pk=suggestion.pk).published
    assert staff_client.post(url("publish", suggestion.pk), {"published": "1", "confirm": "1"}).status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).published


def test_publishing_asks_for_the_tick_and_withdrawing_does_not(staff_client, deputy, staff, unit_officer):
    suggestion, _a, _reply = replied(deputy, staff, unit_officer, code="A")
    page = staff_client.get(url("detail", suggestion.pk)).content.decode()
    assert 'name="confirm"' in page
    response = staff_client.post(url("publish", suggestion.pk), {"published": "1"})
    assert response.status_code == 200
    assert response.context["publish_form"].errors["confirm"]
    assert "aria-invalid" in response.content.decode()
    assert not Suggestion.objects.get(pk=suggestion.pk).published
    assert staff_client.post(url("publish", suggestion.pk), {"published": "1", "confirm": "1"}).status_code == 302
    assert staff_client.post(url("publish", suggestion.pk), {"published": "0"}).status_code == 302
    assert not Suggestion.objects.get(pk=suggestion.pk).published


def test_closing_an_assigned_item_is_refused(staff_client, deputy, staff, unit_officer):
    suggestion, _a = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    response = staff_client.post(url("close", suggestion.pk), {})
    assert response.status_code == 200
    assert response.context["close_form"].non_field_errors()
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.ASSIGNED


def test_publishing_an_unanswered_item_is_refused(staff_client, deputy, staff, unit_officer):
    suggestion, _a = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    response = staff_client.post(url("publish", suggestion.pk), {"published": "1", "confirm": "1"})
    assert response.status_code == 200 and response.context["publish_errors"]
    assert not Suggestion.objects.get(pk=suggestion.pk).published


# --- The item page ---------------------------------------------------------------------------


def test_item_page_shows_everything_and_escapes_it(staff_client, deputy, staff, unit_officer):
    suggestion, assignment, reply = replied(
        deputy, staff, unit_officer, code="B", title=f"标题{XSS}", body=f"正文{XSS}", text=f"答复{XSS}"
    )
    services.contact_log_add(
        actor=unit_officer,
        assignment=assignment,
        stage="before",
        method="phone",
        contacted_on=timezone.localdate(),
        note=f"沟通{XSS}",
    )
    services.reply_rate(actor=deputy, reply=reply, value=Rating.Value.UNSATISFIED, comment=f"评价{XSS}")
    response = staff_client.get(url("detail", suggestion.pk))
    page = response.content.decode()
    assert "<script>" not in page and "<img" not in page
    actions = [e.action for e in response.context["events"]]
    assert actions[:4] == ["create", "submit", "accept", "assign"] and "rated" in actions
    assert "年底前完成改造方案" in page  # the commitment
    assert "张局长" in page
    assert url("assignment_letter", assignment.pk) in page
    assert url("reply_summary", suggestion.pk) in page


def test_staff_entered_draft_is_submitted_from_the_item_page(staff_client, deputy, city):
    staff_client.post(url("new"), paper(deputy, kind="motion"))
    motion = Suggestion.objects.get()
    # Wrong state for the rule: a motion without its co-signers stays a draft, with the reason shown.
    response = staff_client.post(url("submit", motion.pk), {})
    assert response.status_code == 200 and response.context["submit_form"].non_field_errors()
    assert Suggestion.objects.get(pk=motion.pk).status == S.DRAFT
    city.motion_min_cosigners = 1
    city.save()
    assert staff_client.post(url("submit", motion.pk), {}).status_code == 302
    assert Suggestion.objects.get(pk=motion.pk).status == S.SUBMITTED


def test_submit_is_refused_for_a_deputys_own_returned_item(staff_client, deputy, staff):
    """Wrong actor: only the lead deputy resubmits their own returned item; staff get the service's 403."""
    suggestion = submitted(deputy)
    services.suggestion_return(actor=staff, suggestion=suggestion, reason="请补充材料")
    response = staff_client.post(url("submit", suggestion.pk), {})
    assert response.status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.RETURNED
