"""The Excel exports: handling ledger, per-unit statistics, commitment ledger.

Each opens with openpyxl, carries the Chinese headers, holds the filtered rows, and writes
formula-like text as literal text cells. The numbers are checked against a recount."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from proposals import exports, services, services_handling
from proposals.models import Assignment, Rating

from ..builders import FORMULA, XSS, assigned_to, bulk_items, replied, reply

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content))


def rows_of(book):
    sheet = book.worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_ledger_has_headers_one_row_per_assignment_and_the_reply_facts(
    staff_client, deputy, staff, unit_officer, other_unit, other_officer
):
    suggestion, (lead, joint) = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead"), (other_unit, "joint")], title="两个单位办理的建议"
    )
    first = reply(unit_officer, suggestion, code="A", text="已解决")
    book = workbook(staff_client.get(reverse("proposals_office:export_ledger")))
    rows = rows_of(book)
    assert rows[0] == exports.ledger_headers()
    data = {r[3]: r for r in rows[1:]}
    assert set(data) == {unit_officer.unit.name, other_unit.name}
    lead_row = data[unit_officer.unit.name]
    assert lead_row[0] == suggestion.number_label and lead_row[1] == "两个单位办理的建议" and lead_row[2] == "李代表"
    assert lead_row[9].date() == first.replied_on and lead_row[10].startswith("A ")
    assert data[other_unit.name][9] is None


def test_ledger_marks_overdue_and_feedback(staff_client, deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-03-02 10:00 +0800", tick=False)
    assigned_to(deputy, staff, [(unit_officer.unit, "lead")], title="逾期", assigned_on=datetime.date(2025, 10, 1))
    _s, _a, answered = replied(deputy, staff, unit_officer, code="A", title="已评价")
    services.reply_rate(actor=deputy, reply=answered, value=Rating.Value.BASICALLY)
    rows = {r[1]: r for r in rows_of(workbook(staff_client.get(reverse("proposals_office:export_ledger"))))[1:]}
    with translation.override("zh-hans"):
        yes, no = exports._yes_no(True), exports._yes_no(False)
        basically = str(Rating.Value.BASICALLY.label)
    assert rows["逾期"][12] == yes and rows["已评价"][12] == no
    assert rows["已评价"][11] == basically


def test_ledger_shows_a_granted_extension_with_the_deadline_before_it(
    staff_client, deputy, staff, unit_officer, other_unit, other_officer
):
    suggestion, (lead, joint) = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead"), (other_unit, "joint")], title="延期办理的建议"
    )
    old = lead.deadline
    extension = services_handling.extension_request(
        actor=unit_officer, assignment=lead, reason="需协调多个部门", until=old + datetime.timedelta(days=30)
    )
    services_handling.extension_decide(actor=staff, extension=extension, grant=True)
    refused = services_handling.extension_request(
        actor=other_officer, assignment=joint, reason="需要更多时间", until=joint.deadline + datetime.timedelta(days=9)
    )
    services_handling.extension_decide(actor=staff, extension=refused, grant=False, note="期限内可以完成")
    rows = rows_of(workbook(staff_client.get(reverse("proposals_office:export_ledger"))))
    data = {r[3]: r for r in rows[1:]}
    with translation.override("zh-hans"):
        yes, no = exports._yes_no(True), exports._yes_no(False)
    extended = data[unit_officer.unit.name]
    assert extended[6].date() == old + datetime.timedelta(days=30)
    assert extended[7] == yes and extended[8].date() == old
    assert data[other_unit.name][7] == no and data[other_unit.name][8] is None


def test_formula_and_markup_stay_literal_text(staff_client, deputy, staff, unit_officer):
    _s, assignment, new_reply = replied(deputy, staff, unit_officer, code="B", title=FORMULA)
    new_reply.commitments.update(content="+SUM(A1:A9)")
    services.commitment_progress_add(actor=unit_officer, commitment=new_reply.commitments.get(), note=f"@cmd {XSS}")
    book = workbook(staff_client.get(reverse("proposals_office:export_ledger")))
    cell = book.worksheets[0]["B2"]
    assert cell.value == FORMULA and cell.data_type == "s"
    commitments = workbook(staff_client.get(reverse("proposals_office:export_commitments"))).worksheets[0]
    assert commitments["D2"].value == "+SUM(A1:A9)" and commitments["D2"].data_type == "s"
    assert commitments["J2"].value.startswith("@cmd") and commitments["J2"].data_type == "s"
    assert commitments["B2"].value == FORMULA and commitments["B2"].data_type == "s"


def test_exports_follow_the_list_filters(staff_client, deputy, staff, unit_officer, other_unit, session):
    assigned_to(deputy, staff, [(unit_officer.unit, "lead")], title="本局")
    assigned_to(deputy, staff, [(other_unit, "lead")], title="他局", session=session)
    rows = rows_of(workbook(staff_client.get(reverse("proposals_office:export_ledger"), {"unit": other_unit.pk})))
    assert [r[1] for r in rows[1:]] == ["他局"]
    rows = rows_of(workbook(staff_client.get(reverse("proposals_office:export_ledger"), {"session": session.pk})))
    assert [r[1] for r in rows[1:]] == ["他局"]


def test_unit_statistics_match_a_recount(
    staff_client, deputy, staff, unit_officer, other_unit, other_officer, time_machine
):
    """GIVEN units with on-time, late, unanswered, A/B replies and ratings
    THEN each figure in the sheet equals a recount from the rows."""
    time_machine.move_to("2026-01-05 10:00 +0800", tick=False)
    _s1, (a1,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")], assigned_on=datetime.date(2025, 9, 1))
    _s2, (a2,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    _s3, (a3,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    _s4, (b1,) = assigned_to(deputy, staff, [(other_unit, "lead")], assigned_on=datetime.date(2025, 9, 1))
    late = reply(unit_officer, a1.suggestion, code="A", text="迟到的答复")  # due 2025-12-01: late
    on_time = reply(
        unit_officer, a2.suggestion, code="B", text="按期答复", commitments=[("承诺", datetime.date(2026, 6, 1))]
    )
    services.reply_rate(actor=deputy, reply=late, value=Rating.Value.SATISFIED)
    services.reply_rate(actor=deputy, reply=on_time, value=Rating.Value.UNSATISFIED, comment="不满意")
    book = workbook(staff_client.get(reverse("proposals_office:export_units")))
    rows = rows_of(book)
    from proposals.models import ReplyCategory

    categories = list(ReplyCategory.objects.order_by("order", "code"))
    assert rows[0] == exports.unit_statistics_headers(categories)
    by_unit = {r[0]: r for r in rows[1:]}
    mine = by_unit[unit_officer.unit.name]
    width = len(categories)
    # assigned, replied, on time, on-time rate, overdue (a1 late), shares A and B among latest replies
    assert mine[1:6] == [3, 2, 1, pytest.approx(1 / 3), 1]
    shares = dict(zip([c.code for c in categories], mine[6 : 6 + width], strict=True))
    assert shares["A"] == pytest.approx(0.5) and shares["B"] == pytest.approx(0.5)
    assert mine[6 + width :] == [2, 1, pytest.approx(0.5)]
    other = by_unit[other_unit.name]
    assert other[1:3] == [1, 0] and other[5] == 1  # unanswered past the deadline
    total = rows[-1]
    assert total[1] == Assignment.objects.exclude(status="withdrawn").count() == 4
    assert b1.pk and a3.pk


def test_commitment_ledger(staff_client, deputy, staff, unit_officer):
    _s, _a, new_reply = replied(deputy, staff, unit_officer, code="B")
    commitment = new_reply.commitments.get()
    services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="已完成立项")
    rows = rows_of(workbook(staff_client.get(reverse("proposals_office:export_commitments"))))
    assert rows[0] == exports.commitment_headers()
    assert rows[1][2] == unit_officer.unit.name and rows[1][3] == "年底前完成改造方案"
    assert rows[1][4].date() == commitment.due_date and rows[1][9] == "已完成立项"
    assert rows[1][8].date() == timezone.localdate()


def test_ledger_export_of_many_rows_uses_a_constant_number_of_queries(
    staff_client, deputy, staff, unit_officer, django_assert_max_num_queries
):
    bulk_items(n=10, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    with django_assert_max_num_queries(20) as small:
        staff_client.get(reverse("proposals_office:export_ledger"))
    bulk_items(n=1990, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=11)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = staff_client.get(reverse("proposals_office:export_ledger"))
        rows = rows_of(workbook(response))
    assert len(rows) == 2001


def test_markup_like_text_stays_literal_in_excel(staff_client, deputy, staff, unit_officer):
    literal = '-价格 < 成本 & "利润"'
    replied(deputy, staff, unit_officer, code="A", title=literal)
    cell = workbook(staff_client.get(reverse("proposals_office:export_ledger"))).worksheets[0]["B2"]
    assert cell.value == literal and cell.data_type == "s"
