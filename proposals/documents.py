"""Word documents in the office's usual layout: the assignment letter and the reply summary.

They are printed, stamped and sent, so they follow the layout of Party and government
documents (GB/T 9704): A4, margins 37/35/28/26 mm, the title in bold Song type (二号,
22 pt), the body in FangSong (三号, 16 pt) at a fixed 28 pt line, the first line of each
paragraph indented by two characters, the sender and date at the bottom right with room
above them for the stamp. Chinese text needs the East Asian font set on every run (the
``w:eastAsia`` attribute): the Latin font name alone leaves Word to choose one.

The text is Chinese whatever language the page was in (translation.override). Values
typed by deputies and units go in as literal text (python-docx escapes XML); characters
XML cannot hold are dropped, and nothing is ever interpreted as a field or markup.
"""

import datetime
import io
import re

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .models import Assignment, CoSigner, Suggestion

DOCUMENT_LANGUAGE = "zh-hans"
TITLE_FONT = "宋体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
LINE = Pt(28)
LABEL_WIDTH, VALUE_WIDTH = Cm(3.6), Cm(12.0)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def _text(value) -> str:
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def cn_date(value: datetime.date | None) -> str:
    if not value:
        return ""
    return _("%(month)d/%(day)d/%(year)d") % {"year": value.year, "month": value.month, "day": value.day}


def office_name(suggestion: Suggestion) -> str:
    """The sender: a configured name, else the congress's standing committee's deputy-work office."""
    configured = getattr(settings, "PROPOSALS_OFFICE_NAME", "")
    if configured:
        return str(configured)
    congress = suggestion.congress
    return _("Deputy-work office of the standing committee of %(congress)s") % {"congress": congress.name}


def congress_short(suggestion: Suggestion) -> str:
    congress = suggestion.congress
    return congress.short_name or congress.name


# --- Layout helpers -----------------------------------------------------------------------------


def _set_fonts(run_or_style_element, east_asia: str, latin: str = LATIN_FONT) -> None:
    rpr = run_or_style_element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_fonts(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    _page_number_footer(section)
    return doc


def _page_number_footer(section) -> None:
    """ "— 1 —" centred at the foot of each page, as printed documents carry."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", size=Pt(14), font=BODY_FONT)
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("end", None)):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    run.font.size = Pt(14)
    _run(paragraph, " —", size=Pt(14), font=BODY_FONT)


def _run(paragraph, text: str, *, bold: bool = False, size=None, font: str = BODY_FONT):
    run = paragraph.add_run(_text(text))
    run.bold = bold
    if size is not None:
        run.font.size = size
    _set_fonts(run._r, font)
    return run


def _para(doc_or_cell, text: str = "", *, bold=False, size=None, font=BODY_FONT, align=None, indent=True, keep=False):
    paragraph = doc_or_cell.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 16 pt
    if keep:
        paragraph.paragraph_format.keep_with_next = True
    if text:
        _run(paragraph, text, bold=bold, size=size, font=font)
    return paragraph


def _title(doc, text: str) -> None:
    paragraph = _para(
        doc, text, bold=True, size=TITLE_SIZE, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    paragraph.paragraph_format.line_spacing = Pt(36)
    paragraph.paragraph_format.space_after = Pt(16)


def _heading(doc, text: str) -> None:
    _para(doc, text, font=HEADING_FONT, keep=True)


def _body(doc, text: str) -> None:
    """Typed text as paragraphs: a blank line separates them, single line breaks are kept."""
    blocks = [b for b in _PARAGRAPHS.split(_text(text).replace("\r\n", "\n").strip()) if b.strip()]
    for block in blocks or [""]:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        paragraph = _para(doc)
        for index, line in enumerate(lines):
            run = _run(paragraph, line)
            if index < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)


def _table(doc, rows: list[tuple[str, str]], widths=(LABEL_WIDTH, VALUE_WIDTH)):
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        for cell, text, width, bold in ((cells[0], label, widths[0], True), (cells[1], value, widths[1], False)):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing = Pt(20)
            _run(paragraph, text, bold=bold, size=TABLE_SIZE)
    doc.add_paragraph()
    return table


def _signature(doc, sender: str, day: datetime.date) -> None:
    """Room for the stamp, then the sender and the date at the right."""
    for _i in range(3):
        _para(doc, indent=False)
    for text in (sender, cn_date(day)):
        paragraph = _para(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Pt(64)  # four characters from the right edge


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _number(suggestion: Suggestion) -> str:
    return suggestion.number_label or _("(not yet numbered)")


# --- The assignment letter (交办函) -------------------------------------------------------------


def assignment_letter(*, assignment: Assignment) -> bytes:
    """One letter to one unit: the item, the unit's role, the deadline, what the unit must do."""
    suggestion = assignment.suggestion
    cosigners = list(
        CoSigner.objects.filter(suggestion=suggestion, status=CoSigner.Status.CONFIRMED)
        .select_related("deputy")
        .order_by("pk")
        .values_list("deputy__name", flat=True)
    )
    lead_unit = (
        Assignment.objects.filter(suggestion=suggestion, role=Assignment.Role.LEAD)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .exclude(pk=assignment.pk)
        .select_related("unit")
        .first()
    )
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _title(
            doc,
            _("Letter assigning suggestions of %(congress)s people's congress deputies")
            % {"congress": congress_short(suggestion)},
        )
        _para(doc, _("%(unit)s:") % {"unit": assignment.unit.name}, indent=False)
        values = {
            "deputy": suggestion.lead_deputy.name,
            "title": suggestion.title,
            "number": _number(suggestion),
            "role": assignment.get_role_display(),
        }
        if suggestion.session_id:
            opening = _(
                "The suggestion “%(title)s” (%(number)s) put forward by deputy %(deputy)s during %(session)s has been "
                "reviewed and registered, and is now assigned to your unit (%(role)s)."
            ) % {**values, "session": suggestion.session.name}
        else:
            opening = (
                _(
                    "The suggestion “%(title)s” (%(number)s) put forward by deputy %(deputy)s between sessions has been "
                    "reviewed and registered, and is now assigned to your unit (%(role)s)."
                )
                % values
            )
        if cosigners:
            opening += _("Co-signed by deputies %(names)s.") % {"names": "、".join(cosigners)}
        _para(doc, opening)
        deadline = cn_date(assignment.deadline)
        if assignment.role == Assignment.Role.ASSISTING:
            handling = _(
                "Please study and handle it carefully in accordance with the Deputies Law and the relevant provisions. "
                "While handling it, keep in contact with the lead deputy and listen to the deputy's views. Send your "
                "unit's opinion to the lead unit %(lead)s in good time, so that the deputy is answered in writing by %(deadline)s."
            ) % {"lead": lead_unit.unit.name if lead_unit else "", "deadline": deadline}
        else:
            handling = _(
                "Please study and handle it carefully in accordance with the Deputies Law and the relevant provisions. "
                "While handling it, contact the lead deputy in person or by telephone and listen fully to the deputy's "
                "views; reply to the deputy in writing by %(deadline)s, and send a copy of the reply to our office."
            ) % {"deadline": deadline}
        _para(doc, handling)
        if suggestion.is_broad:
            _para(
                doc,
                _("As a broad or difficult case, it is to be answered within %(months)d months.")
                % {"months": settings.PROPOSALS_BROAD_REPLY_MONTHS},
            )
        if assignment.pre_assignment:
            _para(
                doc,
                _(
                    "This is a pre-assignment during the session: please start preparing now; the deadline runs from the date of this letter."
                ),
            )
        _para(
            doc,
            _(
                "If your unit considers that the suggestion is not within its remit, state the reasons to our office by "
                "%(date)s (within %(days)d working days of assignment); after that date the assignment will not be changed."
            )
            % {"date": cn_date(assignment.reassign_window_ends), "days": settings.PROPOSALS_REASSIGN_WORKDAYS},
        )
        _para(doc, _("Attachment: the text of the suggestion"), indent=True)
        _signature(doc, office_name(suggestion), assignment.assigned_on)

        # The attachment: the suggestion as the deputy wrote it, on a new page.
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _para(doc, _("Attachment"), font=HEADING_FONT, indent=False)
        _title(doc, suggestion.title)
        _table(
            doc,
            [
                (_("Item number"), _number(suggestion)),
                (_("Lead deputy"), f"{suggestion.lead_deputy.name}（{suggestion.lead_deputy.electoral_unit.name}）"),
                (_("Co-signers"), "、".join(cosigners) or "—"),
                (_("Handling unit"), f"{assignment.unit.name}（{assignment.get_role_display()}）"),
                (_("Reply due"), deadline),
            ],
        )
        _body(doc, suggestion.body)
        return _save(doc)


# --- The reply summary ------------------------------------------------------------------------


def reply_summary(*, suggestion: Suggestion, assignments: list[Assignment], cosigners: list[CoSigner]) -> bytes:
    """Every unit's replies (round by round) with category, signer, date, text, ratings, commitments."""
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _title(doc, _("Summary of the replies to a deputy's suggestion"))
        confirmed = [c.deputy.name for c in cosigners if c.status == CoSigner.Status.CONFIRMED]
        _table(
            doc,
            [
                (_("Item number"), _number(suggestion)),
                (_("Title"), suggestion.title),
                (_("Lead deputy"), suggestion.lead_deputy.name),
                (_("Co-signers"), "、".join(confirmed) or "—"),
                (_("Session"), suggestion.session.name if suggestion.session_id else _("Between sessions")),
                (_("Status"), suggestion.get_status_display()),
            ]
            + (
                [(_("Entered by staff"), _("Handed in on paper and entered by staff for the deputy"))]
                if suggestion.entered_by_staff
                else []
            ),
        )
        shown = [a for a in assignments if a.status != Assignment.Status.WITHDRAWN or a.replies.all()]
        if not shown:
            _para(doc, _("Not yet assigned."))
        for index, assignment in enumerate(shown, start=1):
            _heading(
                doc,
                _("%(n)d. %(unit)s (%(role)s)")
                % {"n": index, "unit": assignment.unit.name, "role": assignment.get_role_display()},
            )
            replies = list(assignment.replies.all())
            if not replies:
                _para(doc, _("No reply yet; due by %(date)s.") % {"date": cn_date(assignment.deadline)})
                continue
            for reply in replies:
                _para(doc, _("Reply, round %(round)d") % {"round": reply.round}, bold=True, keep=True)
                rows = [
                    (_("Reply category"), f"{reply.category.code} {reply.category.name}"),
                    (_("Signed by"), reply.signer),
                    (_("Reply date"), cn_date(reply.replied_on)),
                    (_("On time"), _("Yes") if reply.on_time else _("No (late)")),
                ]
                ratings = list(reply.ratings.all())
                for rating in ratings:
                    text = f"{rating.get_value_display()}（{cn_date(timezone.localtime(rating.rated_at).date())}）"
                    if rating.comment:
                        text += f"：{rating.comment}"
                    rows.append((_("Deputy's rating"), text))
                if not ratings:
                    rows.append((_("Deputy's rating"), _("Not yet rated")))
                for commitment in reply.commitments.all():
                    progress = list(commitment.progress.all())
                    text = _("%(content)s; due %(due)s; %(status)s") % {
                        "content": commitment.content,
                        "due": cn_date(commitment.due_date),
                        "status": commitment.get_status_display(),
                    }
                    if progress:
                        text += _("; latest progress (%(date)s): %(note)s") % {
                            "date": cn_date(progress[-1].reported_on),
                            "note": progress[-1].note,
                        }
                    rows.append((_("Commitment"), text))
                for evaluation in reply.evaluations.all():
                    text = f"{evaluation.evaluator}（{cn_date(evaluation.evaluated_on)}）：{evaluation.conclusion}"
                    if evaluation.score is not None:
                        text += _(" (score %(score)d)") % {"score": evaluation.score}
                    rows.append((_("Third-party evaluation"), text))
                _table(doc, rows)
                _para(doc, _("Reply text:"), keep=True, indent=False)
                _body(doc, reply.text)
        _signature(doc, office_name(suggestion), timezone.localdate())
        return _save(doc)


# --- The urging notice (催办通知) ---------------------------------------------------------------


def urging_notice_letter(*, notice) -> bytes:
    """A formal urging notice to a unit late with its reply, numbered, ready to print and stamp."""
    assignment = notice.assignment
    suggestion = assignment.suggestion
    with translation.override(DOCUMENT_LANGUAGE):
        doc = _new_document()
        _title(doc, _("Urging notice on the handling of a deputy's suggestion (no. %(n)d)") % {"n": notice.number})
        _para(doc, _("%(unit)s:") % {"unit": assignment.unit.name}, indent=False)
        _para(
            doc,
            _(
                "The suggestion “%(title)s” (%(number)s) of deputy %(deputy)s was assigned to your unit (%(role)s) "
                "on %(assigned)s, with the reply due on %(deadline)s."
            )
            % {
                "title": suggestion.title,
                "number": _number(suggestion),
                "deputy": suggestion.lead_deputy.name,
                "role": assignment.get_role_display(),
                "assigned": cn_date(assignment.assigned_on),
                "deadline": cn_date(notice.deadline_then),
            },
        )
        _body(doc, notice.text)
        _table(
            doc,
            [
                (_("Item number"), _number(suggestion)),
                (_("Handling unit"), f"{assignment.unit.name}（{assignment.get_role_display()}）"),
                (_("Reply due"), cn_date(notice.deadline_then)),
                (_("Notice number"), str(notice.number)),
            ],
        )
        _signature(doc, office_name(suggestion), timezone.localtime(notice.sent_at).date())
        return _save(doc)
