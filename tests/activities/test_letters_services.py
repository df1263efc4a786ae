"""Deputies' letters (代表信访): every step with the right actor, the wrong actor and the wrong
state; bad input refused with its Chinese message and nothing written; reminders once per reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import DeputyLetter, LetterAttachment, LetterEvent
from core.exceptions import InvalidTransition, NotAllowed
from core.workdays import add_workdays
from notifications.models import Notification
from notifications.registry import run_all_scans
from tests import factories
from tests.builders import PDF_BYTES, exe, make_deputy_user, officer_of, pdf, today, upload

L = DeputyLetter.Status
pytestmark = pytest.mark.django_db


# --- Builders (also used by test_letters_pages): letters moved along by the real services ------


def lodged(
    deputy_user, *, subject="小区加装电梯审批慢", content="居民反映加装电梯审批周期长，希望简化流程。", uploads=()
):
    return services.letter_lodge(
        actor=deputy_user, deputy=deputy_user.mandate, subject=subject, content=content, uploads=uploads
    )


def forwarded(deputy_user, staff, unit, *, workdays=10, **kwargs) -> DeputyLetter:
    letter = lodged(deputy_user, **kwargs)
    return services.letter_forward(actor=staff, letter=letter, body=unit, forwarded_on=today(), workdays=workdays)


def replied(deputy_user, staff, officer, *, reply="已会同街道现场协调，审批时限压缩至15个工作日。", **kwargs):
    letter = forwarded(deputy_user, staff, officer.unit, **kwargs)
    return services.letter_reply(actor=officer, letter=letter, reply=reply, replied_on=today())


def bulk_letters(n, *, deputy, unit, start=0):
    """``n`` forwarded letters written directly: only for the query-count tests."""
    day = today()
    return DeputyLetter.objects.bulk_create(
        DeputyLetter(
            deputy=deputy,
            subject=f"事项{start + i}",
            content="内容",
            received_on=day,
            body=unit,
            forwarded_on=day,
            reply_due=day + datetime.timedelta(days=i % 20),
            status=DeputyLetter.Status.FORWARDED,
        )
        for i in range(n)
    )


def state(letter):
    """What a refused step must leave as it was."""
    row = DeputyLetter.objects.get(pk=letter.pk)
    return (
        row.status,
        row.body_id,
        row.reply_due,
        row.reply,
        row.feedback,
        row.close_note,
        LetterEvent.objects.filter(letter=letter).count(),
        LetterAttachment.objects.filter(letter=letter).count(),
    )


# --- Lodging ---------------------------------------------------------------------------------


def test_a_deputy_lodges_a_letter_with_files_and_the_office_is_told(deputy, staff):
    letter = lodged(deputy, uploads=[pdf("现场照片说明.pdf")])
    assert letter.status == L.RECEIVED and letter.lodged_by == deputy and letter.received_on == today()
    assert [e.action for e in letter.events.all()] == ["lodge", "attach"]
    (attachment,) = letter.attachments.all()
    assert (attachment.part, attachment.original_name, attachment.content_type) == (
        "letter",
        "现场照片说明.pdf",
        "application/pdf",
    )
    assert attachment.file.read() == PDF_BYTES
    assert Notification.objects.filter(user=staff, key=f"letter:{letter.pk}:lodged").count() == 1


def test_nobody_lodges_a_letter_in_a_deputys_name(deputy, staff, unit_officer, outsider):
    for someone in (staff, unit_officer, outsider):
        with pytest.raises(NotAllowed):
            services.letter_lodge(actor=someone, deputy=deputy.mandate, subject="题目", content="内容")
    assert not DeputyLetter.objects.exists()


def test_a_deputy_no_longer_serving_cannot_lodge(city, term):
    user = make_deputy_user(city, term, "离任代表", status="terminated")
    with pytest.raises(NotAllowed):
        lodged(user)
    assert not DeputyLetter.objects.exists()


@pytest.mark.parametrize(
    ("subject", "content", "field", "message"),
    [
        ("", "内容", "subject", "请填写信访事项的标题。"),
        ("题目", "   ", "content", "请写明信访事项的内容。"),
        ("<b></b>", "内容", "subject", "请填写信访事项的标题。"),
        ("长" * 201, "内容", "subject", "最多 200 个字"),
        ("题目", "长" * 5001, "content", "最多 5000 个字"),
    ],
)
def test_bad_text_is_refused_with_its_message_and_nothing_is_written(deputy, subject, content, field, message):
    with pytest.raises(ValidationError) as caught:
        lodged(deputy, subject=subject, content=content)
    assert message in " ".join(caught.value.message_dict[field])
    assert not DeputyLetter.objects.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: exe("说明.pdf"), "只接受"),
        (lambda: upload("照片.png", PDF_BYTES, "image/png"), "不符"),
        (lambda: upload("空.pdf", b"", "application/pdf"), "文件是空的"),
    ],
    ids=["exe-named-pdf", "pdf-named-png", "empty"],
)
def test_a_file_that_is_not_what_its_name_says_refuses_the_whole_letter(deputy, settings, make, message):
    with pytest.raises(ValidationError) as caught:
        lodged(deputy, uploads=[pdf(), make()])
    assert message in " ".join(caught.value.message_dict["files"])
    assert not DeputyLetter.objects.exists() and not LetterAttachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_an_oversized_file_is_refused(deputy, settings):
    settings.LETTERS_ATTACHMENT_MAX_BYTES = 20
    with pytest.raises(ValidationError) as caught:
        lodged(deputy, uploads=[pdf()])
    assert "文件超过" in " ".join(caught.value.message_dict["files"])
    assert not DeputyLetter.objects.exists()


def test_more_than_five_files_are_refused(deputy):
    with pytest.raises(ValidationError) as caught:
        lodged(deputy, uploads=[pdf(f"{i}.pdf") for i in range(6)])
    assert "最多 5 个文件" in " ".join(caught.value.message_dict["files"])
    assert not DeputyLetter.objects.exists()


# --- Forwarding ------------------------------------------------------------------------------


def test_staff_forward_with_a_deadline_in_working_days_and_the_unit_is_told(deputy, staff, unit_officer):
    letter = lodged(deputy)
    services.letter_forward(actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=today(), workdays=10)
    letter.refresh_from_db()
    assert letter.status == L.FORWARDED and letter.body == unit_officer.unit
    assert letter.reply_due == add_workdays(today(), 10)
    assert letter.events.last().action == "forward"
    note = Notification.objects.get(user=unit_officer, key=f"letter:{letter.pk}:forwarded")
    assert note.url == f"/unit/letters/{letter.pk}/"


def test_the_working_days_count_holidays(deputy, staff, unit_officer):
    letter = lodged(deputy)
    # 2026-09-30 + 3 working days: the National Day week (1-7 October) does not count.
    services.letter_forward(
        actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=datetime.date(2026, 9, 30), workdays=3
    )
    letter.refresh_from_db()
    assert letter.reply_due == add_workdays(datetime.date(2026, 9, 30), 3)
    assert letter.reply_due > datetime.date(2026, 10, 7)


def test_forwarding_is_refused_to_the_wrong_actor(deputy, staff, unit_officer, district_staff):
    letter = lodged(deputy)
    before = state(letter)
    for someone in (deputy, unit_officer, district_staff):
        with pytest.raises(NotAllowed):
            services.letter_forward(
                actor=someone, letter=letter, body=unit_officer.unit, forwarded_on=today(), workdays=10
            )
    assert state(letter) == before


def test_forwarding_is_refused_in_the_wrong_state(deputy, staff, unit_officer):
    letter = forwarded(deputy, staff, unit_officer.unit)
    before = state(letter)
    with pytest.raises(InvalidTransition):
        services.letter_forward(actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=today(), workdays=5)
    assert state(letter) == before


def test_forwarding_to_another_congress_unit_or_a_silly_deadline_is_refused(deputy, staff, unit_officer):
    letter = lodged(deputy)
    before = state(letter)
    elsewhere = factories.UnitFactory(congress=factories.CongressFactory(name="另一市人民代表大会"))
    with pytest.raises(ValidationError) as caught:
        services.letter_forward(actor=staff, letter=letter, body=elsewhere, forwarded_on=today(), workdays=5)
    assert "请选择本级人大的在用单位" in " ".join(caught.value.message_dict["body"])
    for days in (0, 121):
        with pytest.raises(ValidationError) as caught:
            services.letter_forward(
                actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=today(), workdays=days
            )
        assert "1至120个工作日" in " ".join(caught.value.message_dict["workdays"])
    assert state(letter) == before


# --- The unit's answer -----------------------------------------------------------------------


def test_the_units_officer_answers_with_a_file_and_the_deputy_is_told(deputy, staff, unit_officer):
    letter = forwarded(deputy, staff, unit_officer.unit)
    services.letter_reply(
        actor=unit_officer, letter=letter, reply="已现场核实并整改。", replied_on=today(), upload=pdf("答复函.pdf")
    )
    letter.refresh_from_db()
    assert (letter.status, letter.reply, letter.replied_on) == (L.REPLIED, "已现场核实并整改。", today())
    assert [a.part for a in letter.attachments.all()] == ["reply"]
    assert Notification.objects.get(user=deputy, key=f"letter:{letter.pk}:replied").url == (
        f"/portal/letters/{letter.pk}/"
    )


def test_answering_is_refused_to_the_wrong_actor(deputy, staff, unit_officer, city, outsider):
    letter = forwarded(deputy, staff, unit_officer.unit)
    before = state(letter)
    other_officer = officer_of(factories.UnitFactory(congress=city), "别的单位联系人")
    for someone in (deputy, other_officer, outsider):
        with pytest.raises(NotAllowed):
            services.letter_reply(actor=someone, letter=letter, reply="答复", replied_on=today())
    assert state(letter) == before


def test_answering_is_refused_in_the_wrong_state(deputy, staff, unit_officer):
    received = lodged(deputy)
    before = state(received)
    with pytest.raises(InvalidTransition):
        services.letter_reply(actor=staff, letter=received, reply="答复", replied_on=today())
    assert state(received) == before
    answered = replied(deputy, staff, unit_officer)
    before = state(answered)
    with pytest.raises(InvalidTransition):
        services.letter_reply(actor=unit_officer, letter=answered, reply="再答复", replied_on=today())
    assert state(answered) == before


def test_an_empty_answer_or_a_bad_file_is_refused_and_nothing_changes(deputy, staff, unit_officer):
    letter = forwarded(deputy, staff, unit_officer.unit)
    before = state(letter)
    with pytest.raises(ValidationError) as caught:
        services.letter_reply(actor=unit_officer, letter=letter, reply="  ", replied_on=today())
    assert "答复内容不能为空" in " ".join(caught.value.message_dict["reply"])
    with pytest.raises(ValidationError) as caught:
        services.letter_reply(actor=unit_officer, letter=letter, reply="答复", replied_on=today(), upload=exe())
    assert "只接受" in " ".join(caught.value.message_dict["file"])
    assert state(letter) == before


# --- The office closes -----------------------------------------------------------------------


def test_the_office_closes_a_letter_with_its_reason_and_the_deputy_is_told(deputy, staff, unit_officer):
    letter = forwarded(deputy, staff, unit_officer.unit)
    services.letter_close(actor=staff, letter=letter, note="已通过代表座谈会当面答复。")
    letter.refresh_from_db()
    assert (letter.status, letter.close_note) == (L.CLOSED, "已通过代表座谈会当面答复。")
    assert Notification.objects.filter(user=deputy, key=f"letter:{letter.pk}:closed").count() == 1


def test_closing_is_refused_to_the_wrong_actor_the_wrong_state_and_without_a_reason(deputy, staff, unit_officer):
    letter = lodged(deputy)
    before = state(letter)
    for someone in (deputy, unit_officer):
        with pytest.raises(NotAllowed):
            services.letter_close(actor=someone, letter=letter, note="理由")
    with pytest.raises(ValidationError) as caught:
        services.letter_close(actor=staff, letter=letter, note="")
    assert "请说明办结的理由" in " ".join(caught.value.message_dict["note"])
    assert state(letter) == before
    answered = replied(deputy, staff, unit_officer, subject="另一件")
    before = state(answered)
    with pytest.raises(InvalidTransition):
        services.letter_close(actor=staff, letter=answered, note="理由")
    assert state(answered) == before


# --- The deputy's feedback -------------------------------------------------------------------


def test_the_deputy_gives_feedback_with_a_comment_and_the_unit_is_told(deputy, staff, unit_officer):
    letter = replied(deputy, staff, unit_officer)
    services.letter_feedback(actor=deputy, letter=letter, feedback="unsatisfied", note="问题仍未解决")
    letter.refresh_from_db()
    assert (letter.status, letter.feedback, letter.feedback_note) == (L.CLOSED, "unsatisfied", "问题仍未解决")
    assert Notification.objects.filter(user=unit_officer, key=f"letter:{letter.pk}:feedback").count() == 1
    assert [e.action for e in letter.events.all()] == ["lodge", "forward", "reply", "feedback"]


def test_feedback_is_refused_to_others_and_before_the_answer(deputy, staff, unit_officer, city, term):
    letter = forwarded(deputy, staff, unit_officer.unit)
    before = state(letter)
    with pytest.raises(InvalidTransition):
        services.letter_feedback(actor=deputy, letter=letter, feedback="satisfied")
    assert state(letter) == before
    services.letter_reply(actor=unit_officer, letter=letter, reply="答复", replied_on=today())
    before = state(letter)
    other_deputy = make_deputy_user(city, term, "另一位代表")
    for someone in (staff, unit_officer, other_deputy):
        with pytest.raises(NotAllowed):
            services.letter_feedback(actor=someone, letter=letter, feedback="satisfied")
    with pytest.raises(ValidationError):
        services.letter_feedback(actor=deputy, letter=letter, feedback="great")
    assert state(letter) == before


# --- Reminders -------------------------------------------------------------------------------


def test_the_unit_is_reminded_before_and_after_the_deadline_once_each(deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-06-01 09:00 +0800", tick=False)
    letter = lodged(deputy)
    services.letter_forward(
        actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=datetime.date(2026, 6, 1), workdays=15
    )
    letter.refresh_from_db()

    def keys():
        return sorted(Notification.objects.filter(user=unit_officer).values_list("key", flat=True))

    time_machine.move_to(datetime.datetime.combine(letter.reply_due - datetime.timedelta(days=10), datetime.time(9)))
    run_all_scans()
    assert keys() == [f"letter:{letter.pk}:forwarded"]
    time_machine.move_to(datetime.datetime.combine(letter.reply_due - datetime.timedelta(days=3), datetime.time(9)))
    run_all_scans()
    run_all_scans()
    assert keys() == sorted([f"letter:{letter.pk}:forwarded", f"letter:{letter.pk}:due-soon"])
    time_machine.move_to(datetime.datetime.combine(letter.reply_due + datetime.timedelta(days=1), datetime.time(9)))
    run_all_scans()
    run_all_scans()
    assert keys() == sorted(
        [f"letter:{letter.pk}:forwarded", f"letter:{letter.pk}:due-soon", f"letter:{letter.pk}:overdue"]
    )
    overdue = Notification.objects.get(user=unit_officer, key=f"letter:{letter.pk}:overdue")
    assert overdue.url == f"/unit/letters/{letter.pk}/"


def test_an_answered_or_closed_letter_reminds_nobody(deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-06-01 09:00 +0800", tick=False)
    answered = replied(deputy, staff, unit_officer)
    closed = forwarded(deputy, staff, unit_officer.unit, subject="另一件")
    services.letter_close(actor=staff, letter=closed, note="已办结")
    time_machine.move_to("2026-09-01 09:00 +0800", tick=False)
    run_all_scans()
    keys = set(Notification.objects.filter(user=unit_officer).values_list("key", flat=True))
    assert not {k for k in keys if k.endswith(("due-soon", "overdue"))}
    assert answered.status == L.REPLIED
