"""The Word documents: the assignment letter (交办函) and the reply summary."""

import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx.oxml.ns import qn
from docx.shared import Cm

from proposals import documents, services
from proposals.models import CoSigner, Rating

from ..builders import XSS, assigned_to, docx_text, make_deputy_user, replied, reply

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def test_assignment_letter_opens_and_names_the_item_and_the_unit(
    staff_client, deputy, staff, unit_officer, other_unit, city, term
):
    cosigner = make_deputy_user(city, term, "附议代表甲")
    suggestion = services.suggestion_create(
        actor=deputy, lead_deputy=deputy.mandate, title="关于优化公交线网的建议", body="正文第一段"
    )
    services.cosigner_invite(actor=deputy, suggestion=suggestion, deputies=[cosigner.mandate])
    services.cosigner_respond(actor=cosigner, cosigner=CoSigner.objects.get(), confirm=True)
    services.suggestion_submit(actor=deputy, suggestion=suggestion)
    services.suggestion_accept(actor=staff, suggestion=suggestion)
    lead, joint = services.suggestion_assign(
        actor=staff, suggestion=suggestion, units_roles=[(unit_officer.unit, "lead"), (other_unit, "joint")]
    )
    suggestion.refresh_from_db()

    response = staff_client.get(reverse("proposals_office:assignment_letter", args=[joint.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    heading = zh("Letter assigning suggestions of %(congress)s people's congress deputies") % {"congress": "市"}
    assert heading in text
    assert suggestion.number_label in text
    assert other_unit.name in text and "关于优化公交线网的建议" in text and "李代表" in text and "附议代表甲" in text
    assert joint.get_role_display() in text or "Joint" in text
    assert f"{joint.deadline.year}" in text and f"{joint.deadline.month}" in text
    assert documents.cn_date(joint.assigned_on) in text  # the letter is dated on the assignment day
    with translation.override("zh-hans"):
        assert documents.office_name(suggestion) in text
    assert "正文第一段" in text  # the suggestion attached


def test_letter_layout_is_a4_with_chinese_fonts(staff_client, deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    content = staff_client.get(reverse("proposals_office:assignment_letter", args=[assignment.pk])).content
    document = docx.Document(io.BytesIO(content))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert abs(section.top_margin - Cm(3.7)) < Cm(0.05) and abs(section.left_margin - Cm(2.8)) < Cm(0.05)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == documents.BODY_FONT
    title_run = next(p for p in document.paragraphs if p.text.strip()).runs[0]
    assert title_run._r.rPr.rFonts.get(qn("w:eastAsia")) == documents.TITLE_FONT and title_run.bold


def test_xss_and_formula_text_stay_literal_in_word(staff_client, deputy, staff, unit_officer):
    suggestion, assignment, reply = replied(
        deputy, staff, unit_officer, code="A", title=f"标题{XSS}", body=f"=1+1 正文{XSS}", text=f"答复{XSS}\x07"
    )
    services.reply_rate(actor=deputy, reply=reply, value=Rating.Value.UNSATISFIED, comment=f"评价{XSS}")
    letter = docx_text(staff_client.get(reverse("proposals_office:assignment_letter", args=[assignment.pk])).content)
    summary = docx_text(staff_client.get(reverse("proposals_office:reply_summary", args=[suggestion.pk])).content)
    suggestion.refresh_from_db()
    # The stored (tag-free) title appears as literal text; no markup, no field.
    assert suggestion.title in letter and "=1+1" in letter
    assert "<script>" not in letter and "<script>" not in summary
    assert "答复" in summary and "评价" in summary


def test_reply_summary_lists_every_reply_with_ratings(staff_client, deputy, staff, unit_officer):
    suggestion, assignment, first = replied(deputy, staff, unit_officer, code="B", text="第一次答复正文")
    services.reply_rate(actor=deputy, reply=first, value=Rating.Value.UNSATISFIED, comment="未见实效")
    second = reply(unit_officer, suggestion, code="A", text="第二次答复正文")
    services.reply_rate(actor=deputy, reply=second, value=Rating.Value.SATISFIED)
    response = staff_client.get(reverse("proposals_office:reply_summary", args=[suggestion.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = docx_text(response.content)
    for expected in (
        "第一次答复正文",
        "第二次答复正文",
        "未见实效",
        "张局长",
        suggestion.number_label,
        unit_officer.unit.name,
        "年底前完成改造方案",
    ):
        assert expected in text, expected
    with translation.override("zh-hans"):
        assert str(Rating.Value.SATISFIED.label) in text and str(Rating.Value.UNSATISFIED.label) in text
    assert documents.cn_date(timezone.localdate()) in text


def test_letter_of_an_unknown_assignment_is_404(staff_client):
    assert staff_client.get(reverse("proposals_office:assignment_letter", args=[999999])).status_code == 404
    assert staff_client.get(reverse("proposals_office:reply_summary", args=[999999])).status_code == 404


def test_markup_like_text_is_written_literally(staff_client, deputy, staff, unit_officer):
    """Characters XML and Word treat specially stay the text the deputy typed."""
    literal = '价格 < 成本 & "利润" > 0 {PAGE} </w:t>'
    suggestion, assignment, _reply = replied(deputy, staff, unit_officer, code="A", body=literal, text=literal)
    letter = docx_text(staff_client.get(reverse("proposals_office:assignment_letter", args=[assignment.pk])).content)
    summary = docx_text(staff_client.get(reverse("proposals_office:reply_summary", args=[suggestion.pk])).content)
    assert '价格 < 成本 & "利润" > 0 {PAGE}' in letter
    assert '价格 < 成本 & "利润" > 0 {PAGE}' in summary
