"""Word documents in the office's usual layout: the assignment letter (交办函), the reply
summary and the urging notice (催办通知).

Each is a docxtpl template filled in with a plain dict of text: the congress's active
``DocumentTemplate`` (uploaded by staff in the admin) if there is one, else the shipped
default in ``proposals/docx_templates/<kind>.docx``. ``scripts/build_docx_templates.py``
writes the defaults with the layout helpers below, which follow Party and government
documents (GB/T 9704): A4, margins 37/35/28/26 mm, the title in bold Song type (二号, 22 pt),
the body in FangSong (三号, 16 pt) at a fixed 28 pt line, the first line of each paragraph
indented by two characters, the sender and date at the bottom right with room above them for
the stamp. Chinese text needs the East Asian font set on every run (the ``w:eastAsia``
attribute): the Latin font name alone leaves Word to choose one.

The fields each document offers are in ``FIELDS`` (shown to staff when they upload a
template). Values are display-ready Chinese text whatever language the page was in
(translation.override); typed text goes in as literal text (autoescaped, never rendered as a
template), characters XML cannot hold are dropped. In a long text a new paragraph is ``\\a``
and a line break ``\\n``, which docxtpl turns into paragraphs and breaks of the field's style.

Templates run in Jinja's sandbox with strict undefined values: an upload is checked (its
syntax, the names it uses, a trial fill with sample data) before it is saved, and a template
that still fails when a letter is made is set aside for the shipped default, with a message.
"""

import datetime
import io
import logging
import re
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from core.exceptions import NotAllowed
from core.uploads import DOCX, check_upload

from .models import Assignment, CoSigner, DocumentTemplate, Suggestion

logger = logging.getLogger(__name__)
Kind = DocumentTemplate.Kind
DEFAULTS_DIR = Path(__file__).resolve().parent / "docx_templates"

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


def _signature(doc, sender: str, date: str) -> None:
    """Room for the stamp, then the sender and the date at the right."""
    for _i in range(3):
        _para(doc, indent=False)
    for text in (sender, date):
        paragraph = _para(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Pt(64)  # four characters from the right edge


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _number(suggestion: Suggestion) -> str:
    return suggestion.number_label or _("(not yet numbered)")


def _paragraphs(text) -> str:
    """Typed text for a field: a blank line separates paragraphs (``\\a``), single line breaks
    are kept (``\\n``); docxtpl makes them paragraphs and breaks in the field's own style."""
    blocks = [b for b in _PARAGRAPHS.split(_text(text).replace("\r\n", "\n").strip()) if b.strip()]
    return "\a".join("\n".join(line.strip() for line in block.split("\n") if line.strip()) for block in blocks)


# --- The fields of each document -------------------------------------------------------------------

# Shown to staff beside the upload (name, what it holds). A template may use these and nothing else.
FIELDS: dict[str, list[tuple[str, str]]] = {
    Kind.ASSIGNMENT_LETTER: [
        ("congress", gettext_lazy("the congress's short name (市)")),
        ("unit", gettext_lazy("the unit the letter goes to")),
        ("title", gettext_lazy("the suggestion's title")),
        ("number", gettext_lazy("the item number")),
        ("deputy", gettext_lazy("the lead deputy")),
        ("deputy_unit", gettext_lazy("the lead deputy's electoral unit")),
        ("cosigners", gettext_lazy("the confirmed co-signers, joined by 、 (empty if none)")),
        ("session", gettext_lazy("the session it was put forward at (empty between sessions)")),
        ("role", gettext_lazy("the unit's role (lead, joint, assisting)")),
        ("is_assisting", gettext_lazy("true for an assisting unit")),
        ("lead_unit", gettext_lazy("the lead unit (for an assisting unit)")),
        ("deadline", gettext_lazy("the reply due date")),
        ("is_broad", gettext_lazy("true for a broad or difficult case")),
        ("broad_months", gettext_lazy("the months a broad case has for its reply")),
        ("pre_assignment", gettext_lazy("true for a pre-assignment during the session")),
        ("reassign_by", gettext_lazy("the last day to ask for a change of unit")),
        ("reassign_days", gettext_lazy("the working days allowed for that")),
        ("body", gettext_lazy("the text of the suggestion (paragraphs)")),
        ("office", gettext_lazy("the sender (the deputy-work office)")),
        ("date", gettext_lazy("the letter's date (the assignment day)")),
    ],
    Kind.REPLY_SUMMARY: [
        ("number", gettext_lazy("the item number")),
        ("title", gettext_lazy("the suggestion's title")),
        ("deputy", gettext_lazy("the lead deputy")),
        ("cosigners", gettext_lazy("the confirmed co-signers, joined by 、 (empty if none)")),
        ("session", gettext_lazy("the session it was put forward at (empty between sessions)")),
        ("status", gettext_lazy("the item's status")),
        ("entered_by_staff", gettext_lazy("true if handed in on paper and entered by staff")),
        (
            "units",
            gettext_lazy(
                "the handling units, each with n, name, role, deadline and replies; each reply with round, "
                "category, signer, date, on_time, rows (label, value: category, signer, date, on time, ratings, "
                "commitments, evaluations) and text (paragraphs)"
            ),
        ),
        ("office", gettext_lazy("the sender (the deputy-work office)")),
        ("date", gettext_lazy("today's date")),
    ],
    Kind.URGING_NOTICE: [
        ("unit", gettext_lazy("the unit urged")),
        ("head_name", gettext_lazy("the unit's head (empty if not recorded)")),
        ("head_title", gettext_lazy("the head's title")),
        ("addressee", gettext_lazy("the unit and its head, as the letter is addressed")),
        ("notice_number", gettext_lazy("the number of this urging notice for the assignment")),
        ("title", gettext_lazy("the suggestion's title")),
        ("number", gettext_lazy("the item number")),
        ("deputy", gettext_lazy("the lead deputy")),
        ("role", gettext_lazy("the unit's role (lead, joint, assisting)")),
        ("assigned", gettext_lazy("the assignment day")),
        ("deadline", gettext_lazy("the reply due date when the notice was sent")),
        ("text", gettext_lazy("the notice's text (paragraphs)")),
        ("office", gettext_lazy("the sender (the deputy-work office)")),
        ("date", gettext_lazy("the day the notice was sent")),
    ],
}

# Sample data for the trial fill of an upload: every field, every list with an entry.
_SAMPLE_REPLY = {
    "round": 1,
    "category": "A 已经解决或基本解决",
    "signer": "张局长",
    "date": "2026年3月2日",
    "on_time": "是",
    "rows": [{"label": "答复类别", "value": "A 已经解决或基本解决"}],
    "text": "第一段\a第二段",
}
SAMPLES = {
    Kind.ASSIGNMENT_LETTER: {
        "congress": "市",
        "unit": "示例市交通运输局",
        "title": "关于优化公交线网的建议",
        "number": "第0001号",
        "deputy": "李代表",
        "deputy_unit": "玄武区",
        "cosigners": "王代表、赵代表",
        "session": "第一次会议",
        "role": "主办",
        "is_assisting": False,
        "lead_unit": "",
        "deadline": "2026年6月1日",
        "is_broad": False,
        "broad_months": 6,
        "pre_assignment": False,
        "reassign_by": "2026年3月9日",
        "reassign_days": 5,
        "body": "第一段\a第二段",
        "office": "示例市人大常委会代表工作委员会",
        "date": "2026年3月2日",
    },
    Kind.REPLY_SUMMARY: {
        "number": "第0001号",
        "title": "关于优化公交线网的建议",
        "deputy": "李代表",
        "cosigners": "王代表",
        "session": "第一次会议",
        "status": "已答复",
        "entered_by_staff": False,
        "units": [
            {"n": 1, "name": "示例市交通运输局", "role": "主办", "deadline": "2026年6月1日", "replies": [_SAMPLE_REPLY]}
        ],
        "office": "示例市人大常委会代表工作委员会",
        "date": "2026年3月2日",
    },
    Kind.URGING_NOTICE: {
        "unit": "示例市交通运输局",
        "head_name": "王建国",
        "head_title": "局长",
        "addressee": "示例市交通运输局王建国局长",
        "notice_number": 1,
        "title": "关于优化公交线网的建议",
        "number": "第0001号",
        "deputy": "李代表",
        "role": "主办",
        "assigned": "2026年3月2日",
        "deadline": "2026年6月1日",
        "text": "请抓紧办理。",
        "office": "示例市人大常委会代表工作委员会",
        "date": "2026年6月5日",
    },
}


def field_names(kind: str) -> list[str]:
    return [name for name, _help in FIELDS[kind]]


# --- The contexts: one plain dict per document ----------------------------------------------------------


def assignment_letter_context(assignment: Assignment) -> dict:
    """The fields of the assignment letter to one unit (``FIELDS["assignment_letter"]``)."""
    suggestion = assignment.suggestion
    cosigners = list(
        CoSigner.objects.filter(suggestion=suggestion, status=CoSigner.Status.CONFIRMED)
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
        return {
            "congress": _text(congress_short(suggestion)),
            "unit": _text(assignment.unit.name),
            "title": _text(suggestion.title),
            "number": _text(_number(suggestion)),
            "deputy": _text(suggestion.lead_deputy.name),
            "deputy_unit": _text(suggestion.lead_deputy.electoral_unit.name),
            "cosigners": _text("、".join(cosigners)),
            "session": _text(suggestion.session.name if suggestion.session_id else ""),
            "role": str(assignment.get_role_display()),
            "is_assisting": assignment.role == Assignment.Role.ASSISTING,
            "lead_unit": _text(lead_unit.unit.name if lead_unit else ""),
            "deadline": cn_date(assignment.deadline),
            "is_broad": bool(suggestion.is_broad),
            "broad_months": settings.PROPOSALS_BROAD_REPLY_MONTHS,
            "pre_assignment": bool(assignment.pre_assignment),
            "reassign_by": cn_date(assignment.reassign_window_ends),
            "reassign_days": settings.PROPOSALS_REASSIGN_WORKDAYS,
            "body": _paragraphs(suggestion.body),
            "office": _text(office_name(suggestion)),
            "date": cn_date(assignment.assigned_on),
        }


def _reply_context(reply) -> dict:
    category = f"{reply.category.code} {reply.category.name}"
    on_time = str(_("Yes") if reply.on_time else _("No (late)"))
    rows = [
        (_("Reply category"), category),
        (_("Signed by"), reply.signer),
        (_("Reply date"), cn_date(reply.replied_on)),
        (_("On time"), on_time),
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
    return {
        "round": reply.round,
        "category": _text(category),
        "signer": _text(reply.signer),
        "date": cn_date(reply.replied_on),
        "on_time": on_time,
        "rows": [{"label": str(label), "value": _text(value)} for label, value in rows],
        "text": _paragraphs(reply.text),
    }


def reply_summary_context(*, suggestion: Suggestion, assignments: list[Assignment], cosigners: list[CoSigner]) -> dict:
    """The fields of the reply summary (``FIELDS["reply_summary"]``): every unit's replies round
    by round with category, signer, date, text, ratings, commitments and evaluations."""
    with translation.override(DOCUMENT_LANGUAGE):
        shown = [a for a in assignments if a.status != Assignment.Status.WITHDRAWN or a.replies.all()]
        return {
            "number": _text(_number(suggestion)),
            "title": _text(suggestion.title),
            "deputy": _text(suggestion.lead_deputy.name),
            "cosigners": _text("、".join(c.deputy.name for c in cosigners if c.status == CoSigner.Status.CONFIRMED)),
            "session": _text(suggestion.session.name if suggestion.session_id else ""),
            "status": str(suggestion.get_status_display()),
            "entered_by_staff": bool(suggestion.entered_by_staff),
            "units": [
                {
                    "n": index,
                    "name": _text(assignment.unit.name),
                    "role": str(assignment.get_role_display()),
                    "deadline": cn_date(assignment.deadline),
                    "replies": [_reply_context(reply) for reply in assignment.replies.all()],
                }
                for index, assignment in enumerate(shown, start=1)
            ],
            "office": _text(office_name(suggestion)),
            "date": cn_date(timezone.localdate()),
        }


def urging_notice_context(notice) -> dict:
    """The fields of the urging notice (``FIELDS["urging_notice"]``), addressed to the unit's
    head when one is recorded (主送: “<unit><name><title>：”)."""
    assignment = notice.assignment
    suggestion = assignment.suggestion
    unit = assignment.unit
    with translation.override(DOCUMENT_LANGUAGE):
        return {
            "unit": _text(unit.name),
            "head_name": _text(unit.head_name),
            "head_title": _text(unit.head_title),
            "addressee": _text(f"{unit.name}{unit.head_name}{unit.head_title}" if unit.head_name else unit.name),
            "notice_number": notice.number,
            "title": _text(suggestion.title),
            "number": _text(_number(suggestion)),
            "deputy": _text(suggestion.lead_deputy.name),
            "role": str(assignment.get_role_display()),
            "assigned": cn_date(assignment.assigned_on),
            "deadline": cn_date(notice.deadline_then),
            "text": _paragraphs(notice.text),
            "office": _text(office_name(suggestion)),
            "date": cn_date(timezone.localtime(notice.sent_at).date()),
        }


# --- Rendering ---------------------------------------------------------------------------------------


def default_path(kind: str) -> Path:
    """The shipped default template of ``kind`` (written by scripts/build_docx_templates.py)."""
    return DEFAULTS_DIR / f"{Kind(kind).value}.docx"


def _environment() -> SandboxedEnvironment:
    # The sandbox keeps a template from reaching attributes beyond the plain data; strict
    # undefined values make a misspelt field an error rather than an empty gap in a letter.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _fill(source: bytes, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(source))
    template.render(context, jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _describe(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    return _text(message)[:300]


def render(kind: str, *, congress_id: int, context: dict) -> bytes:
    """The document of ``kind`` filled with ``context``: from the congress's active template, or
    the shipped default. An active template that fails here (checked at upload, but a file can go
    missing or hold something only real data trips over) is set aside for this download: the
    default is used and the person downloading is told which template failed and why."""
    active = DocumentTemplate.objects.filter(congress_id=congress_id, kind=kind, is_active=True).first()
    if active is not None:
        try:
            with active.file.open("rb") as handle:
                source = handle.read()
            return _fill(source, context)
        # Whatever the uploaded file does wrong (Jinja, XML, zip, a missing file), the office still
        # gets its letter; the failure is reported, never a server error.
        except Exception as exc:  # noqa: BLE001
            logger.warning("document template %s failed: %r", active.pk, exc)
            _tell_fallback(active, exc)
    return _fill(default_path(kind).read_bytes(), context)


def _tell_fallback(template: DocumentTemplate, exc: Exception) -> None:
    from accounts.middleware import current_request

    request = current_request()
    if request is None:
        return
    messages.warning(
        request,
        _(
            "The uploaded template “%(template)s” (uploaded %(date)s) could not be used: %(error)s. "
            "This document was made from the shipped default template instead. Correct the template, "
            "or take it out of use, under Administration › Document templates."
        )
        % {
            "template": template.note or template.get_kind_display(),
            "date": timezone.localtime(template.uploaded_at).date().isoformat(),
            "error": _describe(exc),
        },
        fail_silently=True,
    )


def assignment_letter(*, assignment: Assignment) -> bytes:
    """One letter to one unit: the item, the unit's role, the deadline, what the unit must do,
    and the suggestion as the deputy wrote it attached on a new page."""
    return render(
        Kind.ASSIGNMENT_LETTER,
        congress_id=assignment.suggestion.congress_id,
        context=assignment_letter_context(assignment),
    )


def reply_summary(*, suggestion: Suggestion, assignments: list[Assignment], cosigners: list[CoSigner]) -> bytes:
    """Every unit's replies (round by round) with category, signer, date, text, ratings, commitments."""
    context = reply_summary_context(suggestion=suggestion, assignments=assignments, cosigners=cosigners)
    return render(Kind.REPLY_SUMMARY, congress_id=suggestion.congress_id, context=context)


def urging_notice_letter(*, notice) -> bytes:
    """A formal urging notice to a unit late with its reply, numbered, ready to print and stamp."""
    return render(
        Kind.URGING_NOTICE,
        congress_id=notice.assignment.suggestion.congress_id,
        context=urging_notice_context(notice),
    )


# --- Templates staff upload ---------------------------------------------------------------------------

_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_TAGS = re.compile(r"<[^>]+>")


def _template_xml(template) -> str:
    """The Jinja source docxtpl renders (body, headers, footers), one paragraph a line."""
    document = template.docx
    xml = template.patch_xml(template.xml_to_string(document._element.body))
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _key, part in template.get_headers_footers(uri):
            xml += template.patch_xml(template.get_part_xml(part))
    return _PARAGRAPH_START.sub(r"\n<w:p\1", xml)


def template_check(*, kind: str, upload) -> None:
    """Refuse (ValidationError on ``file``) an upload that is not a Word file, whose fields do not
    parse, that uses a field the document does not provide, or that fails filled with sample data."""
    from docxtpl import DocxTemplate

    _mime, _extension, name = check_upload(upload, max_bytes=settings.PROPOSALS_ATTACHMENT_MAX_BYTES, allowed=(DOCX,))
    upload.name = name  # stored under the safe name
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
        xml = _template_xml(template)
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a damaged package
        raise ValidationError(
            {"file": _("The file could not be opened as a Word document (%(error)s).") % {"error": _describe(exc)}}
        ) from exc
    environment = _environment()
    try:
        environment.parse(xml)
    except TemplateSyntaxError as exc:
        lines = xml.splitlines()
        text = _TAGS.sub("", lines[exc.lineno - 1]) if exc.lineno and exc.lineno <= len(lines) else ""
        raise ValidationError(
            {
                "file": _("The template's fields cannot be read, at paragraph %(line)d (“%(text)s”): %(error)s.")
                % {"line": exc.lineno or 0, "text": text.strip()[:80], "error": _describe(exc)}
            }
        ) from exc
    allowed = field_names(kind)
    unknown = sorted(template.get_undeclared_template_variables(jinja_env=environment) - set(allowed))
    if unknown:
        raise ValidationError(
            {
                "file": _(
                    "The template uses fields the %(document)s does not provide: %(unknown)s. "
                    "The fields available are: %(available)s."
                )
                % {
                    "document": Kind(kind).label,
                    "unknown": "、".join(unknown),
                    "available": "、".join(allowed),
                }
            }
        )
    try:
        _fill(data, SAMPLES[kind])
    except Exception as exc:  # noqa: BLE001 - a trial fill may fail in Jinja, lxml or zip
        raise ValidationError(
            {"file": _("The template could not be filled in with sample data: %(error)s.") % {"error": _describe(exc)}}
        ) from exc


def _require_template_staff(actor, congress_id: int) -> None:
    from .services import is_office_staff

    if not is_office_staff(actor, congress_id):
        raise NotAllowed(_("Only deputy-work office staff of this congress may manage its document templates."))


def template_save(*, actor, template: DocumentTemplate) -> DocumentTemplate:
    """Save an uploaded template (checked by ``template_check``); one in use replaces the one
    in use before it for that congress and document."""
    _require_template_staff(actor, template.congress_id)
    with transaction.atomic():
        if template.is_active:
            DocumentTemplate.objects.filter(
                congress_id=template.congress_id, kind=template.kind, is_active=True
            ).exclude(pk=template.pk).update(is_active=False)
        if template.uploaded_by_id is None:
            template.uploaded_by = actor
        template.save()
    return template


def template_activate(*, actor, template: DocumentTemplate) -> DocumentTemplate:
    """Put ``template`` in use, taking the one in use before it out of use."""
    template.is_active = True
    return template_save(actor=actor, template=template)


def template_deactivate(*, actor, template: DocumentTemplate) -> DocumentTemplate:
    """Take ``template`` out of use: the shipped default is used again."""
    _require_template_staff(actor, template.congress_id)
    DocumentTemplate.objects.filter(pk=template.pk).update(is_active=False)
    template.is_active = False
    return template
