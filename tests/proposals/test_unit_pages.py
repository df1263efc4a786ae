"""The handling-unit officer's pages: the unit's list, one assignment, re-assignment requests,
contacts with the deputy, replies (and re-handling), reply letters and commitment progress."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import (
    Assignment,
    Attachment,
    Commitment,
    CommitmentProgress,
    ContactLog,
    Rating,
    Reply,
    Suggestion,
    SuggestionEvent,
)

from ..builders import XSS, assigned_to, bulk_items, categories, exe, pdf, replied

pytestmark = pytest.mark.django_db
A = Assignment.Status


@pytest.fixture
def officer_client(client, unit_officer):
    client.force_login(unit_officer)
    return client


def contacted(officer, assignment):
    """The unit logs its contact with the deputy (a reply is refused before it)."""
    services.contact_log_add(
        actor=officer,
        assignment=assignment,
        stage="before",
        method="phone",
        contacted_on=timezone.localdate(),
        note="电话听取代表意见",
    )


@pytest.fixture
def assignment(deputy, staff, unit_officer):
    _suggestion, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    return assignment


@pytest.fixture
def ready(assignment, unit_officer):
    """An assignment whose unit has logged its contact with the deputy: ready for the reply."""
    contacted(unit_officer, assignment)
    return assignment


REPLY_TEXT = "经研究，已于本月完成改造，新增停车泊位二百个，并建立了长效管理机制，欢迎代表继续监督。"


def url(name, *args):
    return reverse(f"proposals_unit:{name}", args=args)


def reply_data(**overrides):
    data = {
        "category": str(categories()["A"].pk),
        "text": REPLY_TEXT,
        "signer": "张局长",
        "letter": pdf("答复函（盖章）.pdf"),
        "replied_on": timezone.localdate().isoformat(),
        "confirm": "1",
        "c-TOTAL_FORMS": "3",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "30",
    }
    for i in range(3):
        data[f"c-{i}-content"] = ""
        data[f"c-{i}-due_date"] = ""
    data.update(overrides)
    return data


# --- Who may see what ---------------------------------------------------------------------------


def test_home_lists_only_the_units_own_assignments(officer_client, deputy, staff, unit_officer, other_unit):
    assigned_to(deputy, staff, [(unit_officer.unit, "lead")], title="本局的建议")
    assigned_to(deputy, staff, [(other_unit, "lead")], title="他局的建议")
    response = officer_client.get(url("home"))
    assert response.status_code == 200
    assert "本局的建议" in response.content.decode()
    assert "他局的建议" not in response.content.decode()


def test_another_units_assignment_answers_404_everywhere(client, other_officer, assignment):
    """GIVEN an assignment of one unit WHEN an officer of another unit tries any page or action THEN 404."""
    client.force_login(other_officer)
    reply_obj = None
    for name, method in [
        ("assignment", "get"),
        ("reply", "get"),
        ("reply", "post"),
        ("reassign", "post"),
        ("contact_add", "post"),
    ]:
        response = getattr(client, method)(url(name, assignment.pk), {})
        assert response.status_code == 404, name
    assert reply_obj is None
    assert Assignment.objects.get(pk=assignment.pk).received_at is None


def test_another_units_commitment_reply_and_files_answer_404(client, deputy, staff, unit_officer, other_officer):
    suggestion, assignment, new_reply = replied(deputy, staff, unit_officer, code="B")
    attachment = services.attachment_add(actor=unit_officer, suggestion=suggestion, upload=pdf(), reply=new_reply)
    commitment = new_reply.commitments.get()
    client.force_login(other_officer)
    assert client.post(url("commitment_progress", commitment.pk), {}).status_code == 404
    assert client.post(url("reply_letter", new_reply.pk), {}).status_code == 404
    assert client.get(url("attachment", attachment.pk)).status_code == 404
    assert not CommitmentProgress.objects.exists()


@pytest.mark.parametrize("who", ["deputy", "staff", "outsider"])
def test_people_without_a_unit_get_403(client, request, who, assignment):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("home")).status_code == 403
    assert client.get(url("assignment", assignment.pk)).status_code == 403


def test_anonymous_is_sent_to_login(client, assignment):
    response = client.get(url("assignment", assignment.pk))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- The list ------------------------------------------------------------------------------------


def test_home_shows_deadline_days_left_and_highlights_overdue(
    officer_client, deputy, staff, unit_officer, time_machine
):
    time_machine.move_to("2026-03-02 10:00 +0800", tick=False)
    assigned_to(
        deputy, staff, [(unit_officer.unit, "lead")], title="逾期的建议", assigned_on=datetime.date(2025, 11, 1)
    )
    assigned_to(deputy, staff, [(unit_officer.unit, "lead")], title="未逾期的建议")
    page = officer_client.get(url("home")).content.decode()
    assert 'class="overdue"' in page
    assert "2026-02-01" in page  # 3 months after 2025-11-01
    assert "2026-06-02" in page
    response = officer_client.get(url("home"))
    assert response.context["counts"]["overdue"] == 1


def test_home_filters_by_tab_and_session(officer_client, deputy, staff, unit_officer, session):
    assigned_to(deputy, staff, [(unit_officer.unit, "lead")], title="会议期间的建议", session=session)
    _s, assignment, _r = replied(deputy, staff, unit_officer, code="A", title="已答复的建议")
    page = officer_client.get(url("home"), {"status": "replied"}).content.decode()
    assert "已答复的建议" in page and "会议期间的建议" not in page
    page = officer_client.get(url("home"), {"session": session.pk}).content.decode()
    assert "会议期间的建议" in page and "已答复的建议" not in page
    page = officer_client.get(url("home"), {"status": "receive"}).content.decode()
    assert "会议期间的建议" in page
    page = officer_client.get(url("home"), {"status": "nonsense", "session": "x"}).content.decode()
    assert "会议期间的建议" in page and "已答复的建议" in page


# --- One assignment ----------------------------------------------------------------------------


def test_first_visit_records_receipt_once(officer_client, assignment):
    officer_client.get(url("assignment", assignment.pk))
    first = Assignment.objects.get(pk=assignment.pk).received_at
    assert first is not None
    officer_client.get(url("assignment", assignment.pk))
    assert Assignment.objects.get(pk=assignment.pk).received_at == first


def test_assignment_page_shows_the_deputys_public_details_only(officer_client, deputy, staff, unit_officer, other_unit):
    mandate = deputy.mandate
    mandate.mobile, mandate.id_number, mandate.address = "13912345678", "11010519491231002X", "示例市玄武路1号"
    mandate.save()
    _s, (assignment, _other) = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead"), (other_unit, "joint")], body="第一段。\n\n- 要点一\n- 要点二"
    )
    page = officer_client.get(url("assignment", assignment.pk)).content.decode()
    assert "李代表" in page and "玄武区" in page
    assert "13912345678" not in page and "11010519491231002X" not in page and "玄武路1号" not in page
    assert other_unit.name in page  # the other units and their roles
    assert "<li>要点一</li>" in page  # the body rendered by render_body


def test_xss_in_title_body_reply_and_comment_is_escaped(officer_client, deputy, staff, unit_officer):
    suggestion, assignment, new_reply = replied(
        deputy, staff, unit_officer, code="A", title=f"标题{XSS}", body=f"正文{XSS}", text=f"答复{XSS}"
    )
    services.reply_rate(actor=deputy, reply=new_reply, value="unsatisfied", comment=f"评价{XSS}")
    for page in (
        officer_client.get(url("assignment", assignment.pk)).content.decode(),
        officer_client.get(url("home")).content.decode(),
        officer_client.get(url("reply", assignment.pk)).content.decode(),
    ):
        assert "<script>" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    # Stored as text by the service (tags stripped); whatever is left is escaped on output.
    assert "<img" not in officer_client.get(url("assignment", assignment.pk)).content.decode()


# --- Re-assignment window (working days) ---------------------------------------------------------


def test_window_counts_working_days_across_national_day(officer_client, deputy, staff, unit_officer, time_machine):
    """GIVEN an assignment on Tue 2026-09-29, with 7 working days to ask for re-assignment
    (chinese_calendar: 10-01…10-07 holidays, Sat 10-10 a make-up working day)
    THEN the window ends on Wed 2026-10-14, not 10-08 as plain weekdays would give;
    on Fri 10-09 four working days are left (10-10, 10-12, 10-13, 10-14)."""
    import chinese_calendar

    assert not chinese_calendar.is_workday(datetime.date(2026, 10, 5))
    assert chinese_calendar.is_workday(datetime.date(2026, 10, 10))  # Saturday, make-up day
    time_machine.move_to("2026-09-29 09:00 +0800", tick=False)
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    assert assignment.reassign_window_ends == datetime.date(2026, 10, 14)
    time_machine.move_to("2026-10-09 09:00 +0800", tick=False)
    response = officer_client.get(url("assignment", assignment.pk))
    assert response.context["window_workdays_left"] == 4
    assert "2026-10-14" in response.content.decode()


def test_reassign_request_within_the_window(officer_client, assignment, time_machine):
    response = officer_client.post(url("reassign", assignment.pk), {"reason": "属于住建局职责"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == A.REASSIGN_REQUESTED
    assert assignment.reassign_reason == "属于住建局职责"
    assert SuggestionEvent.objects.filter(action="reassign_requested").exists()


def test_reassign_request_refused_after_the_window(officer_client, deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-09-29 09:00 +0800", tick=False)
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    time_machine.move_to("2026-10-15 09:00 +0800", tick=False)
    response = officer_client.post(url("reassign", assignment.pk), {"reason": "属于住建局职责"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-10-14" in page  # the refusal names the day the window closed
    assert "属于住建局职责" in page  # what was typed is kept
    assert Assignment.objects.get(pk=assignment.pk).status == A.ASSIGNED


def test_reassign_request_still_open_on_the_last_working_day(officer_client, deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-09-29 09:00 +0800", tick=False)
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    time_machine.move_to("2026-10-14 17:00 +0800", tick=False)
    assert officer_client.post(url("reassign", assignment.pk), {"reason": "不属于本单位"}).status_code == 302


def test_reassign_request_needs_a_reason(officer_client, assignment):
    response = officer_client.post(url("reassign", assignment.pk), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["reassign_form"].errors["reason"]
    assert Assignment.objects.get(pk=assignment.pk).status == A.ASSIGNED


def test_reassign_request_refused_after_replying(officer_client, deputy, staff, unit_officer):
    _s, assignment, _r = replied(deputy, staff, unit_officer, code="A")
    response = officer_client.post(url("reassign", assignment.pk), {"reason": "不属于本单位"})
    assert response.status_code == 200
    assert response.context["reassign_form"].non_field_errors()
    assert Assignment.objects.get(pk=assignment.pk).status == A.REPLIED


# --- Contacts ------------------------------------------------------------------------------------


def test_contact_is_logged(officer_client, assignment, unit_officer):
    response = officer_client.post(
        url("contact_add", assignment.pk),
        {
            "stage": "before",
            "method": "visit",
            "contacted_on": timezone.localdate().isoformat(),
            "note": "当面听取代表意见",
        },
    )
    assert response.status_code == 302
    log = ContactLog.objects.get()
    assert (log.stage, log.method, log.note, log.recorded_by) == ("before", "visit", "当面听取代表意见", unit_officer)
    assert "当面听取代表意见" in officer_client.get(url("assignment", assignment.pk)).content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"note": ""}, "note"),
        ({"contacted_on": "2999-01-01"}, "contacted_on"),
        ({"stage": "sometime"}, "stage"),
    ],
)
def test_bad_contact_shows_the_error_and_writes_nothing(officer_client, assignment, data, field):
    payload = {
        "stage": "during",
        "method": "phone",
        "contacted_on": timezone.localdate().isoformat(),
        "note": "电话沟通",
    }
    payload.update(data)
    response = officer_client.post(url("contact_add", assignment.pk), payload)
    assert response.status_code == 200
    assert response.context["contact_form"].errors[field]
    assert not ContactLog.objects.exists()


# --- Replies -------------------------------------------------------------------------------------


def test_reply_with_letter_moves_the_item_to_replied(officer_client, ready, deputy):
    data = reply_data()
    data["letter"] = pdf("答复函（盖章）.pdf")
    response = officer_client.post(url("reply", ready.pk), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    new_reply = Reply.objects.get()
    assert (new_reply.round, new_reply.category.code, new_reply.signer, new_reply.on_time) == (1, "A", "张局长", True)
    assert Attachment.objects.get().reply == new_reply
    assert Assignment.objects.get(pk=ready.pk).status == A.REPLIED
    assert Suggestion.objects.get(pk=ready.suggestion_id).status == Suggestion.Status.REPLIED
    assert deputy.notifications.filter(key__contains=":replied:").exists()


def test_category_b_reply_with_commitments(officer_client, ready):
    due = timezone.localdate() + datetime.timedelta(days=120)
    data = reply_data(
        category=str(categories()["B"].pk), **{"c-0-content": "年内完成施工招标", "c-0-due_date": due.isoformat()}
    )
    assert officer_client.post(url("reply", ready.pk), data).status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.content, commitment.due_date, commitment.status) == ("年内完成施工招标", due, "open")


@pytest.mark.parametrize(
    "overrides, where",
    [
        ({"text": "  "}, "text"),
        ({"signer": ""}, "signer"),
        ({"replied_on": "2999-12-31"}, "replied_on"),
        ({"category": "B"}, "commitments"),
        ({"c-0-content": "只写了内容"}, "row"),
    ],
)
def test_bad_reply_shows_a_clear_error_keeps_the_text_and_writes_nothing(officer_client, ready, overrides, where):
    if overrides.get("category") == "B":
        overrides["category"] = str(categories()["B"].pk)
    data = reply_data(text="我们认真研究了代表的意见，" * 3, **{k: v for k, v in overrides.items() if k != "text"})
    if "text" in overrides:
        data["text"] = overrides["text"]
    response = officer_client.post(url("reply", ready.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="form-errors"' in page or "errorlist" in page
    if where in ("text", "signer", "replied_on"):
        assert response.context["form"].errors[where]
    elif where == "commitments":
        assert response.context["commitment_errors"]
        assert "我们认真研究了代表的意见，" in page  # what was typed is kept
    else:
        assert response.context["formset"].errors[0]
    assert not Reply.objects.exists()
    assert Assignment.objects.get(pk=ready.pk).status == A.ASSIGNED


def test_a_refused_letter_leaves_no_reply_behind(officer_client, ready):
    data = reply_data()
    data["letter"] = exe()
    response = officer_client.post(url("reply", ready.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["letter"]
    assert not Reply.objects.exists() and not Attachment.objects.exists()
    assert Suggestion.objects.get(pk=ready.suggestion_id).status == Suggestion.Status.ASSIGNED


def test_reply_refused_when_not_waiting_for_one(officer_client, deputy, staff, unit_officer):
    _s, assignment, _r = replied(deputy, staff, unit_officer, code="A")
    response = officer_client.post(url("reply", assignment.pk), reply_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Reply.objects.count() == 1


def test_reply_refused_while_a_reassignment_request_is_open(officer_client, assignment, unit_officer):
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="不属于本单位")
    response = officer_client.post(url("reply", assignment.pk), reply_data())
    assert response.status_code == 200
    assert not Reply.objects.exists()


def test_add_row_keeps_what_was_typed_and_saves_nothing(officer_client, ready):
    data = reply_data(text="草稿答复", **{"c-0-content": "承诺一"}, add_row="1")
    response = officer_client.post(url("reply", ready.pk), data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 4
    page = response.content.decode()
    assert "草稿答复" in page and "承诺一" in page
    assert not Reply.objects.exists()


def test_rehandling_after_an_unsatisfied_rating_is_round_two(officer_client, deputy, staff, unit_officer):
    suggestion, assignment, first = replied(deputy, staff, unit_officer, code="A")
    services.reply_rate(actor=deputy, reply=first, value=Rating.Value.UNSATISFIED, comment="没有实地调研")
    page = officer_client.get(url("assignment", assignment.pk)).content.decode()
    assert "没有实地调研" in page
    response = officer_client.get(url("reply", assignment.pk))
    assert response.context["round"] == 2 and response.context["unsatisfied"].comment == "没有实地调研"
    contacted(unit_officer, assignment)
    again = "实地调研后重新答复：已与代表现场察看，新增泊位三百个，并在周末开放机关停车场供居民使用。"
    assert officer_client.post(url("reply", assignment.pk), reply_data(text=again)).status_code == 302
    second = Reply.objects.get(round=2)
    assert second.text == again
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.REPLIED


def test_letter_uploaded_to_a_sent_reply(officer_client, deputy, staff, unit_officer):
    _s, assignment, new_reply = replied(deputy, staff, unit_officer, code="A")
    response = officer_client.post(url("reply_letter", new_reply.pk), {f"l{new_reply.pk}-file": pdf()})
    assert response.status_code == 302
    # The letter sent with the reply, then the one uploaded afterwards.
    attachment = Attachment.objects.filter(reply=new_reply).latest("pk")
    assert Attachment.objects.filter(reply=new_reply).count() == 2
    download = officer_client.get(url("attachment", attachment.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_bad_letter_file_is_refused(officer_client, deputy, staff, unit_officer):
    _s, assignment, new_reply = replied(deputy, staff, unit_officer, code="A")
    response = officer_client.post(url("reply_letter", new_reply.pk), {f"l{new_reply.pk}-file": exe()})
    assert response.status_code == 200
    assert Attachment.objects.filter(reply=new_reply).count() == 1  # only the letter sent with the reply


# --- Commitments ---------------------------------------------------------------------------------


def test_commitment_progress_then_fulfilled(officer_client, deputy, staff, unit_officer):
    _s, _a, new_reply = replied(deputy, staff, unit_officer, code="B")
    commitment = new_reply.commitments.get()
    prefix = f"p{commitment.pk}"
    today = timezone.localdate().isoformat()
    assert (
        officer_client.post(
            url("commitment_progress", commitment.pk), {f"{prefix}-note": "已完成设计", f"{prefix}-reported_on": today}
        ).status_code
        == 302
    )
    assert Commitment.objects.get(pk=commitment.pk).status == "open"
    response = officer_client.post(
        url("commitment_progress", commitment.pk),
        {f"{prefix}-note": "已竣工", f"{prefix}-reported_on": today, f"{prefix}-fulfilled": "on"},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "fulfilled" and commitment.fulfilled_on == timezone.localdate()
    # Wrong state: a fulfilled commitment takes no more progress.
    response = officer_client.post(
        url("commitment_progress", commitment.pk), {f"{prefix}-note": "补充", f"{prefix}-reported_on": today}
    )
    assert response.status_code == 200
    assert CommitmentProgress.objects.count() == 2


def test_commitment_progress_needs_a_note(officer_client, deputy, staff, unit_officer):
    _s, _a, new_reply = replied(deputy, staff, unit_officer, code="B")
    commitment = new_reply.commitments.get()
    prefix = f"p{commitment.pk}"
    response = officer_client.post(
        url("commitment_progress", commitment.pk),
        {f"{prefix}-note": "", f"{prefix}-reported_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert not CommitmentProgress.objects.exists()


# --- Withdrawn assignments ------------------------------------------------------------------------


def test_withdrawn_assignment_is_read_only(officer_client, assignment, unit_officer, staff):
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="不属于本单位")
    services.assignment_decide_reassign(actor=staff, assignment=Assignment.objects.get(pk=assignment.pk), grant=True)
    response = officer_client.get(url("assignment", assignment.pk))
    assert response.status_code == 200 and response.context["readonly"]
    assert not response.context["can_reply"]
    response = officer_client.post(
        url("contact_add", assignment.pk),
        {
            "stage": "before",
            "method": "visit",
            "contacted_on": timezone.localdate().isoformat(),
            "note": "沟通",
        },
    )
    assert response.status_code == 200 and not ContactLog.objects.exists()


# --- Query counts ------------------------------------------------------------------------------


def test_home_query_count_does_not_grow_with_assignments(
    officer_client, deputy, staff, unit_officer, django_assert_num_queries
):
    """GIVEN 10, then 1,000 assignments of the unit WHEN the home page is shown THEN the same number of queries."""
    bulk_items(n=10, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    officer_client.get(url("home"))  # warm the session and caches
    # One of them reads the holiday overrides for the yellow "due soon" mark.
    with django_assert_num_queries(10) as small:
        assert officer_client.get(url("home")).status_code == 200
    bulk_items(n=990, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=11)
    with django_assert_num_queries(len(small.captured_queries)):
        response = officer_client.get(url("home"), {"page": "3"})
    assert response.context["page"].paginator.count == 1000


def test_assignment_page_query_count_does_not_grow(
    officer_client, deputy, staff, unit_officer, django_assert_num_queries
):
    _s, assignment, _r = replied(deputy, staff, unit_officer, code="B")
    officer_client.get(url("assignment", assignment.pk))
    # Three of them: the assisting units' views, the extensions and the urging notices.
    with django_assert_num_queries(18) as small:
        officer_client.get(url("assignment", assignment.pk))
    bulk_items(n=1000, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=100)
    with django_assert_num_queries(len(small.captured_queries)):
        officer_client.get(url("assignment", assignment.pk))
