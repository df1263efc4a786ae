"""Every workflow service: the allowed move, the wrong state and the wrong actor.

A refusal raises NotAllowed (wrong actor), InvalidTransition (wrong state) or a plain
ValidationError (bad input) and changes nothing: status, number, events, assignments,
replies, ratings and co-signers are compared before and after.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from core.exceptions import InvalidTransition, NotAllowed
from core.workdays import add_workdays
from deputies.models import Congress, Deputy, StandingCommitteeMember
from notifications.models import Notification
from proposals import services, workflow
from proposals.models import (
    Assignment,
    Commitment,
    CoSigner,
    KeySupervision,
    Rating,
    Reply,
    Suggestion,
    SuggestionEvent,
)
from proposals.selectors import suggestion_get_for_actor

from .. import factories
from ..builders import (
    assigned,
    categories,
    draft,
    make_deputy_user,
    make_officer,
    pdf,
    rate,
    reply,
    submitted,
)

S = Suggestion.Status
A = Assignment.Status


def snapshot(suggestion) -> tuple:
    s = Suggestion.objects.get(pk=suggestion.pk)
    return (
        s.status,
        s.number,
        s.number_series,
        s.kind,
        s.merged_into_id,
        s.published,
        s.title,
        s.body,
        list(SuggestionEvent.objects.filter(suggestion=s).values_list("action", flat=True)),
        sorted(Assignment.objects.filter(suggestion=s).values_list("unit_id", "status", "deadline")),
        Reply.objects.filter(assignment__suggestion=s).count(),
        Rating.objects.filter(reply__assignment__suggestion=s).count(),
        sorted(CoSigner.objects.filter(suggestion=s).values_list("deputy_id", "status")),
        Commitment.objects.filter(reply__assignment__suggestion=s).count(),
    )


def refused(kind, call, *suggestions):
    """``call()`` raises ``kind`` and every suggestion is exactly as before."""
    before = [snapshot(s) for s in suggestions]
    with pytest.raises(kind) as info:
        call()
    if kind is ValidationError:
        assert not isinstance(info.value, InvalidTransition), "expected an input error, not a state refusal"
    assert [snapshot(s) for s in suggestions] == before
    return info.value


def events(suggestion) -> list[str]:
    return list(SuggestionEvent.objects.filter(suggestion=suggestion).values_list("action", flat=True))


@pytest.fixture
def other_deputy(city, term):
    return make_deputy_user(city, term, "王代表")


@pytest.fixture
def police(city):
    return make_officer(city, "示例市公安局")


@pytest.fixture
def session(term):
    return factories.SessionFactory(term=term, number=2, name="市十七届人大二次会议")


@pytest.fixture
def accepted(deputy, staff):
    item = submitted(deputy)
    services.suggestion_accept(actor=staff, suggestion=item)
    return Suggestion.objects.get(pk=item.pk)


# --- Drafting ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deputy_drafts_for_themselves(deputy):
    item = draft(deputy)

    assert item.status == S.DRAFT and not item.entered_by_staff and item.created_by == deputy
    assert events(item) == ["create"]


@pytest.mark.django_db
def test_a_deputy_cannot_draft_for_another_deputy(deputy, other_deputy):
    with pytest.raises(NotAllowed):
        services.suggestion_create(actor=deputy, lead_deputy=other_deputy.mandate, title="标题", body="正文")
    assert not Suggestion.objects.exists()


@pytest.mark.django_db
def test_staff_enter_a_paper_suggestion_marked_and_audited(staff, deputy):
    item = services.suggestion_create(
        actor=staff, lead_deputy=deputy.mandate, title="纸质建议", body="正文", on_behalf=True
    )

    assert item.entered_by_staff and item.created_by == staff
    event = SuggestionEvent.objects.get(suggestion=item)
    assert event.actor == staff and event.note


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["unit_officer", "outsider", "district_staff"])
def test_only_office_staff_of_the_congress_enter_for_a_deputy(request, deputy, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.suggestion_create(actor=actor, lead_deputy=deputy.mandate, title="代录", body="正文", on_behalf=True)
    assert not Suggestion.objects.exists()


@pytest.mark.django_db
def test_a_suspended_deputy_cannot_draft(deputy):
    Deputy.objects.filter(pk=deputy.mandate.pk).update(status=Deputy.Status.SUSPENDED)
    deputy.mandate.refresh_from_db()
    with pytest.raises(NotAllowed):
        draft(deputy)


@pytest.mark.django_db
def test_an_empty_title_or_body_is_refused(deputy):
    with pytest.raises(ValidationError) as info:
        services.suggestion_create(actor=deputy, lead_deputy=deputy.mandate, title="<b></b>  ", body="")
    assert set(info.value.message_dict) == {"title", "body"}


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("<script>alert(1)</script>停车", "停车"),
        ("<b onclick=x>加粗</b>与<i>斜体</i>", "加粗与斜体"),
        ('<img src=x onerror="alert(1)">图片', "图片"),
        ("<a href='javascript:alert(1)'>链接</a>", "链接"),
        ("&lt;script&gt;仍是文字", "<script>仍是文字"),  # kept as text; escaped where shown
        ("  第一段\n\n- 要点  ", "第一段\n\n- 要点"),
    ],
)
def test_clean_text_strips_markup_and_keeps_the_text(raw, stored):
    assert services.clean_text(raw) == stored


@pytest.mark.django_db
def test_markup_never_reaches_the_database(deputy, staff, unit_officer):
    item = draft(deputy, title="<script>alert(1)</script>标题", body="<iframe src=//x></iframe>正文<b>加粗</b>")
    services.suggestion_submit(actor=deputy, suggestion=item)
    services.suggestion_accept(actor=staff, suggestion=item)
    services.suggestion_assign(actor=staff, suggestion=item, units_roles=[(unit_officer.unit, "lead")])
    the_reply = reply(unit_officer, item, text="<svg onload=alert(1)>答复</svg>")
    rating = rate(deputy, the_reply, Rating.Value.UNSATISFIED, "<script>x</script>不满意")

    item.refresh_from_db()
    assert (item.title, item.body) == ("标题", "正文加粗")
    assert the_reply.text == "答复" and rating.comment == "不满意"


@pytest.mark.django_db
def test_the_lead_deputy_edits_a_draft(deputy):
    item = draft(deputy)
    services.suggestion_update(actor=deputy, suggestion=item, title="新标题")
    assert Suggestion.objects.get(pk=item.pk).title == "新标题"


@pytest.mark.django_db
def test_a_submitted_item_cannot_be_edited(deputy):
    item = submitted(deputy)
    refused(InvalidTransition, lambda: services.suggestion_update(actor=deputy, suggestion=item, title="改"), item)


@pytest.mark.django_db
def test_another_deputy_cannot_edit_a_draft(deputy, other_deputy):
    item = draft(deputy)
    refused(NotAllowed, lambda: services.suggestion_update(actor=other_deputy, suggestion=item, title="改"), item)


# --- Co-signing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_co_signers_are_invited_and_confirm(deputy, other_deputy):
    item = draft(deputy)
    assert services.cosigner_invite(actor=deputy, suggestion=item, deputies=[other_deputy.mandate]) == 1
    assert Notification.objects.filter(
        user=other_deputy, key=f"suggestion:{item.pk}:cosign:{other_deputy.mandate.pk}"
    ).exists()

    cosigner = CoSigner.objects.select_related("deputy", "suggestion").get(suggestion=item)
    services.cosigner_respond(actor=other_deputy, cosigner=cosigner, confirm=True)

    assert CoSigner.objects.get(pk=cosigner.pk).status == CoSigner.Status.CONFIRMED
    assert events(item) == ["create", "cosigners_invited", "cosigner_confirmed"]


@pytest.mark.django_db
def test_only_the_lead_invites_and_only_while_drafting(deputy, other_deputy, outsider):
    item = draft(deputy)
    refused(
        NotAllowed,
        lambda: services.cosigner_invite(actor=outsider, suggestion=item, deputies=[other_deputy.mandate]),
        item,
    )
    services.suggestion_submit(actor=deputy, suggestion=item)
    refused(
        InvalidTransition,
        lambda: services.cosigner_invite(actor=deputy, suggestion=item, deputies=[other_deputy.mandate]),
        item,
    )


@pytest.mark.django_db
def test_only_the_invited_deputy_answers(deputy, other_deputy, outsider):
    item = draft(deputy)
    services.cosigner_invite(actor=deputy, suggestion=item, deputies=[other_deputy.mandate])
    cosigner = CoSigner.objects.select_related("deputy", "suggestion").get(suggestion=item)
    for actor in (deputy, outsider):
        refused(
            NotAllowed,
            lambda actor=actor: services.cosigner_respond(actor=actor, cosigner=cosigner, confirm=True),
            item,
        )


# --- Submission ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_is_submitted(deputy):
    item = draft(deputy)
    services.suggestion_submit(actor=deputy, suggestion=item)

    item.refresh_from_db()
    assert item.status == S.SUBMITTED and item.submitted_at is not None
    event = SuggestionEvent.objects.get(suggestion=item, action="submit")
    assert (event.from_status, event.to_status, event.actor) == (S.DRAFT, S.SUBMITTED, deputy)


@pytest.mark.django_db
def test_submitting_twice_is_refused(deputy):
    item = submitted(deputy)
    refused(InvalidTransition, lambda: services.suggestion_submit(actor=deputy, suggestion=item), item)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_deputy", "staff", "unit_officer"])
def test_only_the_lead_deputy_submits_their_draft(request, deputy, who):
    item = draft(deputy)
    actor = request.getfixturevalue(who)
    refused(NotAllowed, lambda: services.suggestion_submit(actor=actor, suggestion=item), item)


@pytest.mark.django_db
def test_staff_submit_what_they_entered(staff, deputy):
    item = services.suggestion_create(
        actor=staff, lead_deputy=deputy.mandate, title="纸质", body="正文", on_behalf=True
    )
    services.suggestion_submit(actor=staff, suggestion=item)
    assert Suggestion.objects.get(pk=item.pk).status == S.SUBMITTED


@pytest.mark.django_db
def test_a_motion_needs_the_minimum_of_co_signers(deputy, city, term):
    """GIVEN a motion (10 deputies needed, the lead included) with 8 confirmed, 1 invited and
    1 declined co-signer THEN submission is refused; once the 9th confirms, it goes through."""
    assert city.motion_min_cosigners == 10
    item = draft(deputy, kind=Suggestion.Kind.MOTION)
    others = [make_deputy_user(city, term, f"联名代表{n}") for n in range(10)]
    services.cosigner_invite(actor=deputy, suggestion=item, deputies=[u.mandate for u in others])
    for n, user in enumerate(others):
        if n < 8 or n == 9:
            c = CoSigner.objects.select_related("deputy", "suggestion").get(suggestion=item, deputy=user.mandate)
            services.cosigner_respond(actor=user, cosigner=c, confirm=n < 8)

    error = refused(ValidationError, lambda: services.suggestion_submit(actor=deputy, suggestion=item), item)
    assert "10" in " ".join(error.messages) and "9" in " ".join(error.messages)

    c = CoSigner.objects.select_related("deputy", "suggestion").get(suggestion=item, deputy=others[8].mandate)
    services.cosigner_respond(actor=others[8], cosigner=c, confirm=True)
    services.suggestion_submit(actor=deputy, suggestion=item)
    assert Suggestion.objects.get(pk=item.pk).status == S.SUBMITTED


@pytest.mark.django_db
def test_the_configured_minimum_applies(deputy, city):
    Congress.objects.filter(pk=city.pk).update(motion_min_cosigners=1)
    item = draft(deputy, kind=Suggestion.Kind.MOTION)
    services.suggestion_submit(actor=deputy, suggestion=item)  # the configured minimum applies
    assert Suggestion.objects.get(pk=item.pk).status == S.SUBMITTED


# --- Review: accept, return, convert, merge ------------------------------------------------------


@pytest.mark.django_db
def test_accepting_numbers_per_series(deputy, staff, session, time_machine):
    time_machine.move_to("2026-02-01 10:00 +0800", tick=False)
    first, second = submitted(deputy, session=session), submitted(deputy, session=session)
    between = submitted(deputy)

    for item in (first, second, between):
        services.suggestion_accept(actor=staff, suggestion=item)

    numbers = [(s.number_series, s.number) for s in Suggestion.objects.order_by("pk")]
    assert numbers == [(session.name, 1), (session.name, 2), (numbers[2][0], 1)]
    assert "2026" in numbers[2][0]
    assert Suggestion.objects.get(pk=first.pk).status == S.ACCEPTED
    assert Notification.objects.filter(user=deputy, key=f"suggestion:{first.pk}:accepted").exists()


@pytest.mark.django_db
def test_accept_refuses_a_draft_and_an_accepted_item(deputy, staff, accepted):
    a_draft = draft(deputy)
    refused(InvalidTransition, lambda: services.suggestion_accept(actor=staff, suggestion=a_draft), a_draft)
    refused(InvalidTransition, lambda: services.suggestion_accept(actor=staff, suggestion=accepted), accepted)
    assert accepted.number == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["unit_officer", "deputy", "outsider", "district_staff"])
def test_only_office_staff_of_the_congress_accept(request, deputy, who):
    """A unit officer cannot accept (nor the deputy, nor staff of another congress)."""
    item = submitted(deputy)
    actor = request.getfixturevalue(who)
    refused(NotAllowed, lambda: services.suggestion_accept(actor=actor, suggestion=item), item)


@pytest.mark.django_db
def test_return_with_a_reason_then_resubmit(deputy, staff):
    item = submitted(deputy)
    services.suggestion_return(actor=staff, suggestion=item, reason="内容过于笼统")

    item.refresh_from_db()
    assert item.status == S.RETURNED and item.return_reason == "内容过于笼统"
    assert Notification.objects.filter(user=deputy, key__startswith=f"suggestion:{item.pk}:returned").exists()
    services.suggestion_update(actor=deputy, suggestion=item, body="补充了调研情况。")
    services.suggestion_submit(actor=deputy, suggestion=item)
    assert Suggestion.objects.get(pk=item.pk).status == S.SUBMITTED


@pytest.mark.django_db
def test_return_refuses_without_a_reason_or_after_acceptance(deputy, staff, unit_officer, accepted):
    item = submitted(deputy)
    refused(ValidationError, lambda: services.suggestion_return(actor=staff, suggestion=item, reason=" <b></b> "), item)
    refused(
        InvalidTransition, lambda: services.suggestion_return(actor=staff, suggestion=accepted, reason="理由"), accepted
    )
    refused(NotAllowed, lambda: services.suggestion_return(actor=unit_officer, suggestion=item, reason="理由"), item)


@pytest.mark.django_db
def test_a_motion_is_converted_into_a_suggestion(deputy, staff, city):
    Congress.objects.filter(pk=city.pk).update(motion_min_cosigners=1)
    motion = submitted(deputy, kind=Suggestion.Kind.MOTION)

    services.suggestion_convert_to_suggestion(actor=staff, suggestion=motion, note="不列入议程")

    motion.refresh_from_db()
    assert (motion.kind, motion.converted_from_motion, motion.status) == (Suggestion.Kind.SUGGESTION, True, S.SUBMITTED)
    assert events(motion)[-1] == "convert"
    services.suggestion_accept(actor=staff, suggestion=motion)  # then handled as a suggestion


@pytest.mark.django_db
def test_conversion_refuses_a_suggestion_an_accepted_motion_and_a_deputy(deputy, staff, city):
    Congress.objects.filter(pk=city.pk).update(motion_min_cosigners=1)
    suggestion = submitted(deputy)
    refused(
        InvalidTransition,
        lambda: services.suggestion_convert_to_suggestion(actor=staff, suggestion=suggestion),
        suggestion,
    )
    motion = submitted(deputy, kind=Suggestion.Kind.MOTION)
    refused(NotAllowed, lambda: services.suggestion_convert_to_suggestion(actor=deputy, suggestion=motion), motion)
    services.suggestion_accept(actor=staff, suggestion=motion)
    refused(
        InvalidTransition, lambda: services.suggestion_convert_to_suggestion(actor=staff, suggestion=motion), motion
    )


@pytest.mark.django_db
def test_a_duplicate_is_merged(deputy, other_deputy, staff, accepted):
    duplicate = submitted(other_deputy, title="关于停车难的建议（重复）")

    services.suggestion_merge(actor=staff, suggestion=duplicate, into=accepted)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (S.MERGED, accepted.pk)
    assert events(duplicate)[-1] == "merge" and events(accepted)[-1] == "merged_in"


@pytest.mark.django_db
def test_merge_refusals(deputy, staff, unit_officer, accepted):
    duplicate = submitted(deputy, title="重复")
    a_draft = draft(deputy, title="草稿")
    refused(
        InvalidTransition,
        lambda: services.suggestion_merge(actor=staff, suggestion=duplicate, into=a_draft),
        duplicate,
        a_draft,
    )
    refused(
        ValidationError, lambda: services.suggestion_merge(actor=staff, suggestion=duplicate, into=duplicate), duplicate
    )
    refused(
        NotAllowed,
        lambda: services.suggestion_merge(actor=deputy, suggestion=duplicate, into=accepted),
        duplicate,
        accepted,
    )
    in_handling = assigned(deputy, staff, [unit_officer], title="办理中")
    refused(
        InvalidTransition,
        lambda: services.suggestion_merge(actor=staff, suggestion=in_handling, into=accepted),
        in_handling,
        accepted,
    )


# --- Assignment and re-assignment ----------------------------------------------------------------


@pytest.mark.django_db
def test_assignment_sets_deadlines_and_tells_the_units(staff, unit_officer, police, accepted):
    today = datetime.date(2026, 3, 2)
    services.suggestion_assign(
        actor=staff,
        suggestion=accepted,
        units_roles=[(unit_officer.unit, "lead"), (police.unit, "joint")],
        assigned_on=today,
    )

    assert Suggestion.objects.get(pk=accepted.pk).status == S.ASSIGNED
    for a in Assignment.objects.filter(suggestion=accepted):
        assert a.deadline == today + relativedelta(months=3)
        assert a.reassign_window_ends == add_workdays(today, 7)
    assert Notification.objects.filter(user=unit_officer, key__endswith=":received").count() == 1
    assert Notification.objects.filter(user=police, key__endswith=":received").count() == 1


@pytest.mark.django_db
def test_a_broad_case_has_six_months(deputy, staff, unit_officer):
    item = submitted(deputy)
    services.suggestion_accept(actor=staff, suggestion=item, broad=True)
    services.suggestion_assign(
        actor=staff, suggestion=item, units_roles=[(unit_officer.unit, "lead")], assigned_on=datetime.date(2026, 3, 2)
    )
    assert Assignment.objects.get(suggestion=item).deadline == datetime.date(2026, 9, 2)


@pytest.mark.django_db
def test_assignment_refusals_change_nothing(deputy, staff, unit_officer, police, accepted, district):
    a_submitted = submitted(deputy, title="未受理")
    refused(
        InvalidTransition,
        lambda: services.suggestion_assign(
            actor=staff, suggestion=a_submitted, units_roles=[(unit_officer.unit, "lead")]
        ),
        a_submitted,
    )
    refused(
        ValidationError,
        lambda: services.suggestion_assign(
            actor=staff, suggestion=accepted, units_roles=[(unit_officer.unit, "lead"), (police.unit, "lead")]
        ),
        accepted,
    )
    refused(
        ValidationError, lambda: services.suggestion_assign(actor=staff, suggestion=accepted, units_roles=[]), accepted
    )
    # A unit of another congress: the transition already ran, and is rolled back with the error.
    foreign = factories.UnitFactory(congress=district, name="区住建局")
    refused(
        ValidationError,
        lambda: services.suggestion_assign(actor=staff, suggestion=accepted, units_roles=[(foreign, "lead")]),
        accepted,
    )
    refused(
        NotAllowed,
        lambda: services.suggestion_assign(
            actor=unit_officer, suggestion=accepted, units_roles=[(unit_officer.unit, "lead")]
        ),
        accepted,
    )
    services.suggestion_assign(actor=staff, suggestion=accepted, units_roles=[(unit_officer.unit, "lead")])
    refused(
        ValidationError,
        lambda: services.suggestion_assign(
            actor=staff, suggestion=accepted, units_roles=[(unit_officer.unit, "joint")]
        ),
        accepted,
    )


@pytest.mark.django_db
def test_re_assignment_requested_in_the_window_and_granted(deputy, staff, unit_officer, police, time_machine):
    time_machine.move_to("2026-03-02 10:00 +0800", tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=datetime.date(2026, 3, 2))
    assignment = item.assignments.get()
    time_machine.move_to("2026-03-05 10:00 +0800", tick=False)
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="不属于本单位职责")
    assert Assignment.objects.get(pk=assignment.pk).status == A.REASSIGN_REQUESTED

    new = services.assignment_decide_reassign(
        actor=staff, assignment=Assignment.objects.get(pk=assignment.pk), grant=True, new_unit=police.unit
    )

    assert Assignment.objects.get(pk=assignment.pk).status == A.WITHDRAWN
    assert (new.unit, new.assigned_on, new.deadline) == (
        police.unit,
        datetime.date(2026, 3, 5),
        datetime.date(2026, 6, 5),
    )
    assert "reassign" in events(item) and Suggestion.objects.get(pk=item.pk).status == S.ASSIGNED


@pytest.mark.django_db
def test_a_refused_request_puts_the_assignment_back(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    assignment = item.assignments.get()
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="理由")
    services.assignment_decide_reassign(actor=staff, assignment=assignment, grant=False, note="职责明确")
    assert Assignment.objects.get(pk=assignment.pk).status == A.ASSIGNED


@pytest.mark.django_db
def test_re_assignment_refusals(deputy, staff, unit_officer, police, time_machine):
    time_machine.move_to("2026-03-02 10:00 +0800", tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=datetime.date(2026, 3, 2))
    assignment = item.assignments.get()
    refused(
        NotAllowed,
        lambda: services.assignment_request_reassign(actor=police, assignment=assignment, reason="理由"),
        item,
    )
    refused(
        ValidationError,
        lambda: services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason=""),
        item,
    )
    refused(
        InvalidTransition,
        lambda: services.assignment_decide_reassign(actor=staff, assignment=assignment, grant=True),
        item,
    )
    late = assignment.reassign_window_ends + datetime.timedelta(days=1)
    refused(
        InvalidTransition,
        lambda: services.assignment_request_reassign(
            actor=unit_officer, assignment=assignment, reason="理由", today=late
        ),
        item,
    )
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="理由")
    refused(
        NotAllowed,
        lambda: services.assignment_decide_reassign(actor=unit_officer, assignment=assignment, grant=True),
        item,
    )


@pytest.mark.django_db
def test_contact_with_the_deputy_is_logged(deputy, staff, unit_officer, police):
    item = assigned(deputy, staff, [unit_officer])
    assignment = item.assignments.get()
    services.contact_log_add(
        actor=unit_officer,
        assignment=assignment,
        stage="before",
        method="phone",
        contacted_on=timezone.localdate(),
        note="电话沟通办理思路",
    )
    assert assignment.contacts.count() == 1 and events(item)[-1] == "contact"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused(
        ValidationError,
        lambda: services.contact_log_add(
            actor=unit_officer, assignment=assignment, stage="before", method="phone", contacted_on=tomorrow, note="x"
        ),
        item,
    )
    refused(
        NotAllowed,
        lambda: services.contact_log_add(
            actor=police,
            assignment=assignment,
            stage="before",
            method="phone",
            contacted_on=timezone.localdate(),
            note="x",
        ),
        item,
    )


# --- Replies ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_unit_replies_and_the_deputy_is_asked_to_rate(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    the_reply = reply(unit_officer, item, code="A")

    assert the_reply.round == 1 and the_reply.on_time
    assert Suggestion.objects.get(pk=item.pk).status == S.REPLIED
    assert Assignment.objects.get(suggestion=item).status == A.REPLIED
    assert Notification.objects.filter(user=deputy, key=f"suggestion:{item.pk}:replied:1").exists()


@pytest.mark.django_db
def test_a_reply_after_the_deadline_is_marked_late(deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-03-02 10:00 +0800", tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=datetime.date(2026, 3, 2))
    time_machine.move_to("2026-06-03 10:00 +0800", tick=False)
    assert not reply(unit_officer, item).on_time


@pytest.mark.django_db
def test_the_lead_units_reply_counts_once_its_joint_unit_co_signed_and_not_an_assisting_unit(
    deputy, staff, unit_officer, police, city
):
    from proposals.models import ReplyCoSignature

    helper = make_officer(city, "示例市财政局")
    item = assigned(deputy, staff, [unit_officer, police, helper], roles=["lead", "joint", "assisting"])
    lead_reply = reply(unit_officer, item, cosign=False)
    assert Suggestion.objects.get(pk=item.pk).status == S.ASSIGNED
    # The joint unit does not reply; it co-signs the lead unit's reply.
    assert reply(police, item) is None
    services.reply_cosign(actor=police, cosignature=ReplyCoSignature.objects.get(reply=lead_reply))
    assert Suggestion.objects.get(pk=item.pk).status == S.REPLIED


@pytest.mark.django_db
def test_a_b_reply_needs_its_commitments(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    assignment = Assignment.objects.select_related("suggestion", "unit").get(suggestion=item)
    cats = categories()
    error = refused(
        ValidationError,
        lambda: services.reply_submit(
            actor=unit_officer,
            assignment=assignment,
            category=cats["B"],
            text="列入计划",
            signer="张局长",
            replied_on=timezone.localdate(),
            commitments=[],
            confirmed=True,
        ),
        item,
    )
    assert "commitments" in error.message_dict

    the_reply = reply(unit_officer, item, code="B")
    assert the_reply.commitments.count() == 1


@pytest.mark.django_db
def test_reply_refusals(deputy, staff, unit_officer, police):
    item = assigned(deputy, staff, [unit_officer])
    assignment = Assignment.objects.select_related("suggestion", "unit").get(suggestion=item)
    cats = categories()

    def submit(actor, **kw):
        args = {
            "category": cats["A"],
            "text": "经研究，已完成改造并新增停车泊位二百个，建立长效管理机制，欢迎代表继续监督。",
            "signer": "张局长",
            "replied_on": timezone.localdate(),
            **kw,
        }
        return lambda: services.reply_submit(actor=actor, assignment=assignment, letter=pdf(), confirmed=True, **args)

    for actor in (staff, police, deputy):
        refused(NotAllowed, submit(actor), item)
    refused(ValidationError, submit(unit_officer, replied_on=timezone.localdate() + datetime.timedelta(days=1)), item)
    refused(ValidationError, submit(unit_officer, text="<p></p>"), item)
    refused(ValidationError, submit(unit_officer), item)  # no contact with the deputy logged yet
    services.contact_log_add(
        actor=unit_officer,
        assignment=assignment,
        stage="before",
        method="phone",
        contacted_on=timezone.localdate(),
        note="电话沟通",
    )
    submit(unit_officer)()
    refused(InvalidTransition, submit(unit_officer), item)


# --- Ratings and re-handling --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lead_deputy_rates_and_the_item_is_rated(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    rating = rate(deputy, reply(unit_officer, item), Rating.Value.BASICALLY, "基本解决")

    assert rating.rated_by == deputy and rating.deputy == deputy.mandate
    assert Suggestion.objects.get(pk=item.pk).status == S.RATED
    assert Assignment.objects.get(suggestion=item).status == A.DONE


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "unit_officer", "cosigner", "outsider"])
def test_nobody_rates_for_the_deputy(request, deputy, staff, unit_officer, city, term, who):
    """Staff cannot rate, nor the unit, nor a co-signer: the rating is the lead deputy's own act."""
    cosigner = make_deputy_user(city, term, "附议代表")
    item = assigned(deputy, staff, [unit_officer], cosigners=[cosigner])
    the_reply = reply(unit_officer, item)
    actor = cosigner if who == "cosigner" else request.getfixturevalue(who)

    refused(NotAllowed, lambda: services.reply_rate(actor=actor, reply=the_reply, value=Rating.Value.SATISFIED), item)


@pytest.mark.django_db
def test_a_reply_is_rated_once_only(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    the_reply = reply(unit_officer, item)
    rate(deputy, the_reply)
    refused(
        InvalidTransition,
        lambda: services.reply_rate(actor=deputy, reply=the_reply, value=Rating.Value.UNSATISFIED, comment="再评"),
        item,
    )
    assert Rating.objects.filter(reply=the_reply).count() == 1


@pytest.mark.django_db
def test_rating_input_errors(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    the_reply = reply(unit_officer, item)
    refused(ValidationError, lambda: services.reply_rate(actor=deputy, reply=the_reply, value="excellent"), item)
    refused(
        ValidationError,
        lambda: services.reply_rate(actor=deputy, reply=the_reply, value=Rating.Value.UNSATISFIED, comment=""),
        item,
    )


@pytest.mark.django_db
def test_unsatisfied_means_re_handling_within_a_month_and_a_second_reply(deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-03-02 10:00 +0800", tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=datetime.date(2026, 3, 2))
    time_machine.move_to("2026-04-01 10:00 +0800", tick=False)
    first = reply(unit_officer, item, code="C")
    time_machine.move_to("2026-04-05 10:00 +0800", tick=False)
    rate(deputy, first, Rating.Value.UNSATISFIED, "问题没有解决")

    assignment = Assignment.objects.get(suggestion=item)
    assert (assignment.status, assignment.deadline) == (A.REHANDLING, datetime.date(2026, 5, 5))
    assert Suggestion.objects.get(pk=item.pk).status == S.REHANDLING
    assert Notification.objects.filter(user=unit_officer, key=f"assignment:{assignment.pk}:rehandle:1").exists()

    time_machine.move_to("2026-04-25 10:00 +0800", tick=False)
    second = reply(unit_officer, item, code="A", text="再次办理，已解决。")
    assert second.round == 2 and Suggestion.objects.get(pk=item.pk).status == S.REPLIED
    # The first reply is no longer the one to rate.
    refused(
        InvalidTransition, lambda: services.reply_rate(actor=deputy, reply=first, value=Rating.Value.SATISFIED), item
    )
    rate(deputy, second, Rating.Value.SATISFIED)
    assert Suggestion.objects.get(pk=item.pk).status == S.RATED
    assert events(item).count("rehandle") == 1 and events(item).count("reply") == 2


# --- Closing and publishing -------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_close_and_publish(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    rate(deputy, reply(unit_officer, item))
    services.suggestion_close(actor=staff, suggestion=item, publish=True)

    item.refresh_from_db()
    assert item.status == S.CLOSED and item.published and item.published_at
    services.suggestion_set_published(actor=staff, suggestion=item, published=False)
    assert not Suggestion.objects.get(pk=item.pk).published


@pytest.mark.django_db
def test_close_and_publish_refusals(deputy, staff, unit_officer):
    item = assigned(deputy, staff, [unit_officer])
    refused(InvalidTransition, lambda: services.suggestion_close(actor=staff, suggestion=item), item)
    refused(
        InvalidTransition, lambda: services.suggestion_set_published(actor=staff, suggestion=item, published=True), item
    )
    reply(unit_officer, item)
    for actor in (deputy, unit_officer):
        refused(NotAllowed, lambda actor=actor: services.suggestion_close(actor=actor, suggestion=item), item)
        refused(
            NotAllowed,
            lambda actor=actor: services.suggestion_set_published(actor=actor, suggestion=item, published=True),
            item,
        )


# --- Commitments and key supervision ----------------------------------------------------------------


@pytest.mark.django_db
def test_commitment_progress_until_fulfilled(deputy, staff, unit_officer, police):
    item = assigned(deputy, staff, [unit_officer])
    commitment = (
        reply(unit_officer, item, code="B")
        .commitments.select_related("reply__assignment__suggestion__lead_deputy")
        .get()
    )

    services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="方案已批复")
    services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="已完成", fulfilled=True)

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.FULFILLED and commitment.progress.count() == 2
    assert (
        Notification.objects.filter(user=deputy, key__startswith=f"commitment:{commitment.pk}:progress:").count() == 2
    )
    refused(
        InvalidTransition,
        lambda: services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="再报"),
        item,
    )
    refused(NotAllowed, lambda: services.commitment_progress_add(actor=police, commitment=commitment, note="x"), item)


@pytest.mark.django_db
def test_key_supervision_is_led_by_a_director_or_deputy_director(deputy, staff, unit_officer, city, term, other_deputy):
    leader = StandingCommitteeMember.objects.create(
        term=term, deputy=other_deputy.mandate, position="deputy_director", start_date=datetime.date(2022, 1, 6)
    )
    member = StandingCommitteeMember.objects.create(
        term=term,
        deputy=make_deputy_user(city, term, "委员").mandate,
        position="member",
        start_date=datetime.date(2022, 1, 6),
    )
    item = assigned(deputy, staff, [unit_officer])
    args = {"government_leader": "副市长", "committee": "城建环保委"}

    refused(
        ValidationError,
        lambda: services.key_supervision_select(actor=staff, suggestion=item, sc_leader=member, **args),
        item,
    )
    refused(
        NotAllowed,
        lambda: services.key_supervision_select(actor=deputy, suggestion=item, sc_leader=leader, **args),
        item,
    )
    a_draft = draft(deputy, title="草稿")
    refused(
        InvalidTransition,
        lambda: services.key_supervision_select(actor=staff, suggestion=a_draft, sc_leader=leader, **args),
        a_draft,
    )

    supervision = services.key_supervision_select(actor=staff, suggestion=item, sc_leader=leader, **args)
    services.key_supervision_progress_add(actor=staff, supervision=supervision, note="现场督办")
    assert KeySupervision.objects.get(suggestion=item).progress.count() == 1
    assert events(item)[-2:] == ["key_supervision", "key_supervision_progress"]


# --- Who may see what ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_deputy_cannot_see_another_deputys_draft(deputy, other_deputy):
    mine = draft(deputy)
    assert suggestion_get_for_actor(actor=deputy, pk=mine.pk) == mine
    with pytest.raises(Http404):
        suggestion_get_for_actor(actor=other_deputy, pk=mine.pk)


@pytest.mark.django_db
def test_visibility_by_role(deputy, other_deputy, staff, unit_officer, police, outsider):
    from django.contrib.auth.models import AnonymousUser

    a_draft = draft(deputy, title="草稿")
    item = assigned(deputy, staff, [unit_officer], title="交办")
    public = assigned(deputy, staff, [unit_officer], title="公开")
    rate(deputy, reply(unit_officer, public))
    services.suggestion_close(actor=staff, suggestion=public, publish=True)

    def sees(actor, suggestion) -> bool:
        try:
            suggestion_get_for_actor(actor=actor, pk=suggestion.pk)
            return True
        except Http404:
            return False

    assert [sees(staff, x) for x in (a_draft, item, public)] == [False, True, True]
    assert [sees(unit_officer, x) for x in (a_draft, item, public)] == [False, True, True]
    assert [sees(police, x) for x in (a_draft, item, public)] == [False, False, True]
    assert [sees(other_deputy, x) for x in (a_draft, item, public)] == [False, False, True]
    assert [sees(AnonymousUser(), x) for x in (a_draft, item, public)] == [False, False, True]
    assert [sees(outsider, x) for x in (a_draft, item, public)] == [False, False, True]


# --- The transition table itself ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(workflow.TRANSITIONS))
def test_each_transition_leaves_only_from_its_source_states(deputy, staff, action):
    """For every action and every state: from a source state it moves (and writes an event);
    from any other state it raises InvalidTransition and changes nothing."""
    rule = workflow.TRANSITIONS[action]
    role = sorted(rule.actors)[0]
    item = draft(deputy)
    for state in S.values:
        Suggestion.objects.filter(pk=item.pk).update(status=state)
        item.status = state
        if state in rule.sources:
            event = services._transition(item, action, actor=staff, role=role)
            assert (event.from_status, event.to_status) == (state, rule.target or state)
            assert Suggestion.objects.get(pk=item.pk).status == (rule.target or state)
        else:
            refused(InvalidTransition, lambda: services._transition(item, action, actor=staff, role=role), item)


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(workflow.TRANSITIONS))
def test_each_transition_refuses_a_role_the_table_does_not_name(deputy, staff, action):
    """The table's actors column is enforced: a role it does not name is refused and nothing moves."""
    rule = workflow.TRANSITIONS[action]
    wrong = next(r for r in ("deputy", "staff", "unit", "system") if r not in rule.actors)
    item = draft(deputy)
    state = sorted(rule.sources)[0]
    Suggestion.objects.filter(pk=item.pk).update(status=state)
    events = item.events.count()
    with pytest.raises(NotAllowed):
        services._transition(item, action, actor=staff, role=wrong)
    assert Suggestion.objects.get(pk=item.pk).status == state
    assert item.events.count() == events


@pytest.mark.django_db
def test_every_transition_of_the_table_happens_in_real_journeys(
    deputy, other_deputy, staff, unit_officer, police, city
):
    Congress.objects.filter(pk=city.pk).update(motion_min_cosigners=1)
    motion = submitted(deputy, kind=Suggestion.Kind.MOTION, title="议案")
    services.suggestion_convert_to_suggestion(actor=staff, suggestion=motion)
    returned = submitted(deputy, title="退回")
    services.suggestion_return(actor=staff, suggestion=returned, reason="理由")
    duplicate = submitted(other_deputy, title="重复")
    item = assigned(deputy, staff, [unit_officer], title="主线")
    services.suggestion_merge(actor=staff, suggestion=duplicate, into=item)
    assignment = item.assignments.get()
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="理由")
    new = services.assignment_decide_reassign(
        actor=staff, assignment=Assignment.objects.get(pk=assignment.pk), grant=True, new_unit=police.unit
    )
    first = reply(police, item, code="C")
    rate(deputy, first, Rating.Value.UNSATISFIED, "未解决")
    rate(deputy, reply(police, item, code="A"))
    services.suggestion_close(actor=staff, suggestion=item)
    services.suggestion_set_published(actor=staff, suggestion=item, published=True)
    services.suggestion_set_published(actor=staff, suggestion=item, published=False)
    leader = StandingCommitteeMember.objects.create(
        term=other_deputy.mandate.term,
        deputy=other_deputy.mandate,
        position="deputy_director",
        start_date=datetime.date(2022, 1, 6),
    )
    services.key_supervision_select(
        actor=staff, suggestion=item, sc_leader=leader, government_leader="副市长", committee="城建环保委"
    )
    assert new.unit == police.unit

    happened = set(SuggestionEvent.objects.values_list("action", flat=True))
    assert set(workflow.TRANSITIONS) <= happened, set(workflow.TRANSITIONS) - happened
