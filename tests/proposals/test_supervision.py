"""Key supervision (重点督办): the SC leader's instructions and the handling units' progress reports."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import InvalidTransition, NotAllowed
from deputies.models import StandingCommitteeMember
from notifications.models import Notification
from proposals import services, services_supervision
from proposals.models import KeySupervisionInstruction, KeySupervisionProgress, SuggestionEvent

from ..builders import assigned, make_deputy_user, officer_of
from .handling_builders import in_english


@pytest.fixture
def leader_user(city, term):
    return make_deputy_user(city, term, "李主任")


@pytest.fixture
def supervision(deputy, staff, unit_officer, other_officer, leader_user, term):
    seat = StandingCommitteeMember.objects.create(
        term=term, deputy=leader_user.mandate, position="deputy_director", start_date=datetime.date(2022, 1, 6)
    )
    item = assigned(deputy, staff, [unit_officer, other_officer], roles=["lead", "assisting"])
    return services.key_supervision_select(
        actor=staff,
        suggestion=item,
        sc_leader=seat,
        government_leader="王副市长",
        committee="城建环资委",
        selected_on=timezone.localdate() - datetime.timedelta(days=10),
    )


def state(supervision):
    return (
        KeySupervisionInstruction.objects.filter(supervision=supervision).count(),
        KeySupervisionProgress.objects.filter(supervision=supervision).count(),
        SuggestionEvent.objects.filter(suggestion=supervision.suggestion).count(),
        Notification.objects.count(),
    )


def refused(kind, call, supervision):
    before = state(supervision)
    with in_english(), pytest.raises(kind) as info:
        call()
    if kind is ValidationError:
        assert not isinstance(info.value, InvalidTransition)
    assert state(supervision) == before
    return info.value


@pytest.mark.django_db
def test_the_sc_leader_in_charge_gives_an_instruction(supervision, leader_user, unit_officer, staff, other_officer):
    instruction = services_supervision.instruction_add(actor=leader_user, supervision=supervision, text=" 请加快进度 ")
    assert instruction.text == "请加快进度"
    assert instruction.given_by == leader_user
    told = set(Notification.objects.filter(key__startswith="ks-instruction:").values_list("user_id", flat=True))
    assert unit_officer.pk in told and staff.pk in told
    assert other_officer.pk not in told  # an assisting unit is not told
    last = SuggestionEvent.objects.filter(suggestion=supervision.suggestion).last()
    assert (last.action, last.actor) == ("key_supervision_instruction", leader_user)


@pytest.mark.django_db
def test_only_the_leader_in_charge_may_instruct(supervision, deputy, staff, unit_officer, city, term):
    other_leader = make_deputy_user(city, term, "另一主任")
    for actor in (deputy, staff, unit_officer, other_leader):
        refused(
            NotAllowed,
            lambda actor=actor: services_supervision.instruction_add(actor=actor, supervision=supervision, text="x"),
            supervision,
        )


@pytest.mark.django_db
def test_instruction_bad_input_and_closed_item(supervision, leader_user):
    error = refused(
        ValidationError,
        lambda: services_supervision.instruction_add(actor=leader_user, supervision=supervision, text="  "),
        supervision,
    )
    assert error.message_dict == {"text": ["Write the instruction."]}
    error = refused(
        ValidationError,
        lambda: services_supervision.instruction_add(actor=leader_user, supervision=supervision, text="长" * 2001),
        supervision,
    )
    assert "2000" in error.message_dict["text"][0]
    supervision.suggestion.status = "closed"
    supervision.suggestion.save(update_fields=["status"])
    refused(
        InvalidTransition,
        lambda: services_supervision.instruction_add(actor=leader_user, supervision=supervision, text="继续"),
        supervision,
    )


@pytest.mark.django_db
def test_a_handling_unit_files_its_report(supervision, unit_officer):
    report = services_supervision.unit_report_add(actor=unit_officer, supervision=supervision, note="已完成方案")
    assert (report.unit, report.reported_by, report.reported_on) == (
        unit_officer.unit,
        unit_officer,
        timezone.localdate(),
    )
    last = SuggestionEvent.objects.filter(suggestion=supervision.suggestion).last()
    assert last.action == "key_supervision_progress"


@pytest.mark.django_db
def test_only_a_live_reporting_unit_may_report(supervision, unit_officer, other_officer, city, staff, leader_user):
    stranger = officer_of(unit_officer.unit.__class__.objects.create(congress=city, name="无关局"), "无关联系人")
    # An assisting unit, an unrelated unit, the office and the SC leader may not file unit reports.
    for actor in (other_officer, stranger, staff, leader_user):
        refused(
            NotAllowed,
            lambda actor=actor: services_supervision.unit_report_add(actor=actor, supervision=supervision, note="进展"),
            supervision,
        )
    supervision.suggestion.assignments.filter(unit=unit_officer.unit).update(status="withdrawn")
    refused(
        NotAllowed,
        lambda: services_supervision.unit_report_add(actor=unit_officer, supervision=supervision, note="进展"),
        supervision,
    )


@pytest.mark.django_db
def test_unit_report_bad_input(supervision, unit_officer):
    today = timezone.localdate()
    cases = [
        ({"note": " "}, "note", "Describe the progress."),
        ({"note": "长" * 2001}, "note", None),
        ({"note": "进展", "reported_on": today + datetime.timedelta(days=1)}, "reported_on", None),
        ({"note": "进展", "reported_on": today - datetime.timedelta(days=30)}, "reported_on", None),
    ]
    for kwargs, field, message in cases:
        error = refused(
            ValidationError,
            lambda kwargs=kwargs: services_supervision.unit_report_add(
                actor=unit_officer, supervision=supervision, **kwargs
            ),
            supervision,
        )
        assert list(error.message_dict) == [field]
        if message:
            assert error.message_dict[field] == [message]


# --- Reminders ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_reminder_once_per_period(supervision, unit_officer, other_officer, time_machine):
    from proposals.scans_supervision import supervision_reports

    selected = supervision.selected_on  # ten days ago; reports every 30 days

    def run(day):
        time_machine.move_to(timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))), tick=False)
        return supervision_reports(timezone.now())

    def keys(user):
        return list(Notification.objects.filter(user=user, key__startswith="ks-report:").values_list("key", flat=True))

    assert run(selected + datetime.timedelta(days=29)) == 0
    assert run(selected + datetime.timedelta(days=30)) == 1
    assert run(selected + datetime.timedelta(days=31)) == 0  # not again in the same period
    assert keys(other_officer) == []  # the assisting unit files no reports
    assert run(selected + datetime.timedelta(days=60)) == 1  # the next period
    assert len(keys(unit_officer)) == 2
    # A report restarts the clock from its date.
    day = selected + datetime.timedelta(days=61)
    time_machine.move_to(timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))), tick=False)
    services_supervision.unit_report_add(actor=unit_officer, supervision=supervision, note="进展")
    assert run(day + datetime.timedelta(days=29)) == 0
    assert run(day + datetime.timedelta(days=30)) == 1


@pytest.mark.django_db
def test_no_reminder_for_a_closed_item(supervision, unit_officer, time_machine):
    from proposals.scans_supervision import supervision_reports

    supervision.suggestion.status = "closed"
    supervision.suggestion.save(update_fields=["status"])
    day = supervision.selected_on + datetime.timedelta(days=45)
    time_machine.move_to(timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))), tick=False)
    assert supervision_reports(timezone.now()) == 0


# --- The office's selection form ------------------------------------------------------------------


@pytest.mark.django_db
def test_office_sets_the_report_schedule(client, deputy, staff, unit_officer, leader_user, term):
    from django.urls import reverse

    from proposals.models import KeySupervision

    seat = StandingCommitteeMember.objects.create(
        term=term, deputy=leader_user.mandate, position="director", start_date=datetime.date(2022, 1, 6)
    )
    item = assigned(deputy, staff, [unit_officer])
    client.force_login(staff)
    url = reverse("proposals_office:key_supervision", args=[item.pk])
    data = {
        "sc_leader": seat.pk,
        "government_leader": "王副市长",
        "committee": "城建环资委",
        "selected_on": timezone.localdate().isoformat(),
    }
    for bad in ("6", "91", "abc"):
        response = client.post(url, {**data, "report_every_days": bad})
        assert response.status_code == 200
        assert "7" in response.context["ks_form"].errors["report_every_days"][0]
        assert response.context["ks_form"]["report_every_days"].value() == bad
        assert not KeySupervision.objects.exists()
    assert client.post(url, {**data, "report_every_days": "14"}).status_code == 302
    assert KeySupervision.objects.get().report_every_days == 14


@pytest.mark.django_db
def test_schedule_service_refuses_others_and_bad_range(supervision, unit_officer, staff):
    refused(
        NotAllowed,
        lambda: services_supervision.report_schedule_set(actor=unit_officer, supervision=supervision, days=14),
        supervision,
    )
    for days in (6, 91):
        error = refused(
            ValidationError,
            lambda days=days: services_supervision.report_schedule_set(actor=staff, supervision=supervision, days=days),
            supervision,
        )
        assert error.message_dict == {"report_every_days": ["Choose between 7 and 90 days."]}
    supervision.refresh_from_db()
    assert supervision.report_every_days == 30


# --- The SC leader's portal page ----------------------------------------------------------------------


def leader_url(**params):
    from django.urls import reverse

    url = reverse("proposals_portal:supervision")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.django_db
def test_the_leader_sees_the_items_and_gives_an_instruction(client, supervision, leader_user, unit_officer):
    services_supervision.unit_report_add(actor=unit_officer, supervision=supervision, note="方案已批复")
    client.force_login(leader_user)
    page = client.get(leader_url(year=supervision.year))
    assert page.status_code == 200
    body = page.content.decode()
    assert supervision.suggestion.title in body and "方案已批复" in body and unit_officer.unit.name in body
    response = client.post(leader_url(), {"supervision": supervision.pk, "text": "请按期完成"})
    assert response.status_code == 302
    assert supervision.instructions.get().text == "请按期完成"
    assert "请按期完成" in client.get(leader_url(year=supervision.year)).content.decode()


@pytest.mark.django_db
def test_a_refused_instruction_keeps_the_page_and_what_was_typed(client, supervision, leader_user):
    client.force_login(leader_user)
    response = client.post(leader_url(), {"supervision": supervision.pk, "text": " "})
    assert response.status_code == 200
    assert not KeySupervisionInstruction.objects.exists()
    response = client.post(leader_url(), {"supervision": supervision.pk, "text": "长" * 2001})
    assert response.status_code == 200 and ("长" * 2001) in response.content.decode()
    assert not KeySupervisionInstruction.objects.exists()
    assert client.post(leader_url(), {"supervision": "x", "text": "a"}).status_code == 404


@pytest.mark.django_db
def test_page_refused_to_others(client, supervision, deputy, unit_officer, staff, city, term):
    for user in (deputy, unit_officer, staff):
        client.force_login(user)
        response = client.get(leader_url())
        assert response.status_code == 403
    # Another SC leader sees none of these items and may not instruct on them.
    other = make_deputy_user(city, term, "另一主任")
    StandingCommitteeMember.objects.create(
        term=term, deputy=other.mandate, position="director", start_date=datetime.date(2022, 1, 6)
    )
    client.force_login(other)
    assert supervision.suggestion.title not in client.get(leader_url(year=supervision.year)).content.decode()
    response = client.post(leader_url(), {"supervision": supervision.pk, "text": "越权批示"})
    assert response.status_code == 403
    assert not KeySupervisionInstruction.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_leader_page_queries(
    client, supervision, leader_user, unit_officer, staff, deputy, count, django_assert_num_queries
):
    for n in range(count - 1):
        item = assigned(deputy, staff, [unit_officer], title=f"督办事项{n}")
        services.key_supervision_select(
            actor=staff, suggestion=item, sc_leader=supervision.sc_leader, government_leader="副市长", committee="委"
        )
    for ks in supervision.sc_leader.key_supervisions.all():
        services_supervision.unit_report_add(actor=unit_officer, supervision=ks, note="进展")
        services_supervision.instruction_add(actor=leader_user, supervision=ks, text="批示")
    client.force_login(leader_user)
    client.get(leader_url())  # warm the session and caches
    with django_assert_num_queries(QUERIES):
        response = client.get(leader_url(year=supervision.year))
    assert response.content.decode().count('class="card" id="ks-') == count


QUERIES = 11  # session, user, seat check, years, items + 3 prefetches, messages and layout


# --- The unit's page ----------------------------------------------------------------------------------


def unit_url():
    from django.urls import reverse

    return reverse("proposals_unit:supervision")


@pytest.mark.django_db
def test_the_unit_files_a_report_on_its_page(client, supervision, unit_officer):
    client.force_login(unit_officer)
    page = client.get(unit_url())
    assert page.status_code == 200 and supervision.suggestion.title in page.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(unit_url(), {"supervision": supervision.pk, "note": "已完工", "reported_on": today})
    assert response.status_code == 302
    assert KeySupervisionProgress.objects.get().unit == unit_officer.unit
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(unit_url(), {"supervision": supervision.pk, "note": "再报", "reported_on": future})
    assert response.status_code == 200 and "再报" in response.content.decode()
    assert KeySupervisionProgress.objects.count() == 1


@pytest.mark.django_db
def test_unit_page_for_other_units_and_non_officers(client, supervision, other_officer, deputy, staff):
    client.force_login(other_officer)  # the assisting unit: nothing to report
    assert supervision.suggestion.title not in client.get(unit_url()).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(unit_url(), {"supervision": supervision.pk, "note": "越权", "reported_on": today})
    assert response.status_code == 403
    for user in (deputy, staff):
        client.force_login(user)
        assert client.get(unit_url()).status_code == 403
    assert not KeySupervisionProgress.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_unit_page_queries(client, supervision, unit_officer, staff, deputy, count, django_assert_num_queries):
    for n in range(count - 1):
        item = assigned(deputy, staff, [unit_officer], title=f"督办事项{n}")
        ks = services.key_supervision_select(
            actor=staff, suggestion=item, sc_leader=supervision.sc_leader, government_leader="副市长", committee="委"
        )
        services_supervision.unit_report_add(actor=unit_officer, supervision=ks, note="进展")
    client.force_login(unit_officer)
    client.get(unit_url())
    with django_assert_num_queries(UNIT_QUERIES):
        response = client.get(unit_url())
    assert response.content.decode().count('class="card" id="ks-') == count


UNIT_QUERIES = 7  # session, user, items + 2 prefetches, messages and layout


# --- The office's report ------------------------------------------------------------------------------


def report_url(**params):
    from django.urls import reverse

    url = reverse("proposals_office:supervision_report")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.django_db
def test_report_page_and_excel(client, supervision, staff, unit_officer, leader_user, time_machine):
    import io

    import openpyxl

    services_supervision.instruction_add(actor=leader_user, supervision=supervision, text="抓紧办理")
    services_supervision.unit_report_add(
        actor=unit_officer, supervision=supervision, note="进展", reported_on=supervision.selected_on
    )
    client.force_login(staff)
    page = client.get(report_url(year=supervision.year))
    assert page.status_code == 200 and supervision.suggestion.title in page.content.decode()
    response = client.get(report_url(year=supervision.year, format="xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == supervision.suggestion.title and row[5] == unit_officer.unit.name
    assert (row[6], row[7], row[8]) == (1, 0, 1)


@pytest.mark.django_db
def test_report_late_count(client, supervision, staff, unit_officer):
    from proposals.selectors import supervision as selectors

    supervision.selected_on -= datetime.timedelta(days=40)
    supervision.save(update_fields=["selected_on"])
    late_day = supervision.selected_on + datetime.timedelta(days=31)
    services_supervision.unit_report_add(actor=unit_officer, supervision=supervision, note="迟报", reported_on=late_day)
    (item,) = selectors.report_rows(actor=staff, year=supervision.year)
    assert (item.reports_n, item.late_n) == (1, 1)


@pytest.mark.django_db
def test_report_is_for_office_staff_only(client, supervision, deputy, unit_officer, leader_user):
    for user in (deputy, unit_officer, leader_user):
        client.force_login(user)
        assert client.get(report_url()).status_code == 403
        assert client.get(report_url(format="xlsx")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_report_queries(client, supervision, unit_officer, staff, deputy, count, django_assert_num_queries):
    for n in range(count - 1):
        item = assigned(deputy, staff, [unit_officer], title=f"督办事项{n}")
        services.key_supervision_select(
            actor=staff, suggestion=item, sc_leader=supervision.sc_leader, government_leader="副市长", committee="委"
        )
    client.force_login(staff)
    client.get(report_url(year=supervision.year))
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(report_url(year=supervision.year))
    assert response.content.decode().count("督办事项") == count - 1


REPORT_QUERIES = 12  # session, user, groups and permissions, items + 2 prefetches, messages and layout
