"""Write the shipped default Word templates, proposals/docx_templates/<kind>.docx.

    python scripts/build_docx_templates.py

The templates are laid out with the helpers of proposals/documents.py (fonts, title, tables,
signature, page-number footer) and hold docxtpl tags for the fields of ``documents.FIELDS``:
``{{ field }}`` in a run, ``{%p ... %}`` for a paragraph that repeats or is left out,
``{%tr ... %}`` for table rows. The wording is the Chinese of the translation catalogue (run
scripts/catalogue.py first), the same sentences the letters carried before templates. Staff
download these files from the admin as the starting point of their own.
"""

import io
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def tagged(text: str, **fields: str) -> str:
    """A translated sentence with each ``%(name)s`` / ``%(name)d`` replaced by ``{{ expr }}``."""

    def replace(match):
        return "{{ " + fields[match.group(1)] + " }}"

    return re.sub(r"%\((\w+)\)[sd]", replace, text)


def literal(text: str) -> str:
    """A Jinja string literal."""
    return json.dumps(text, ensure_ascii=False)


def _loop_table(doc, loop: str, label: str, value: str):
    """A two-column table whose middle row repeats (``{%tr for ... %}`` … ``{%tr endfor %}``)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt

    from proposals import documents as d

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for left, right, bold in ((f"{{%tr {loop} %}}", "", False), (label, value, True), ("{%tr endfor %}", "", False)):
        cells = table.add_row().cells
        for cell, text, width, is_bold in (
            (cells[0], left, d.LABEL_WIDTH, bold),
            (cells[1], right, d.VALUE_WIDTH, False),
        ):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing = Pt(20)
            d._run(paragraph, text, bold=is_bold, size=d.TABLE_SIZE)
    doc.add_paragraph()
    return table


def _control(doc, tag: str) -> None:
    """A paragraph holding only a ``{%p %}`` tag (docxtpl removes the paragraph)."""
    from proposals import documents as d

    d._para(doc, "{%p " + tag + " %}", indent=False)


def assignment_letter():
    from django.utils.translation import gettext as _
    from docx.enum.text import WD_BREAK

    from proposals import documents as d

    doc = d._new_document()
    d._title(
        doc, tagged(_("Letter assigning suggestions of %(congress)s people's congress deputies"), congress="congress")
    )
    d._para(doc, tagged(_("%(unit)s:"), unit="unit"), indent=False)
    fields = {"deputy": "deputy", "title": "title", "number": "number", "role": "role", "session": "session"}
    cosigned = "{% if cosigners %}" + tagged(_("Co-signed by deputies %(names)s."), names="cosigners") + "{% endif %}"
    _control(doc, "if session")
    d._para(
        doc,
        tagged(
            _(
                "The suggestion “%(title)s” (%(number)s) put forward by deputy %(deputy)s during %(session)s has been "
                "reviewed and registered, and is now assigned to your unit (%(role)s)."
            ),
            **fields,
        )
        + cosigned,
    )
    _control(doc, "else")
    d._para(
        doc,
        tagged(
            _(
                "The suggestion “%(title)s” (%(number)s) put forward by deputy %(deputy)s between sessions has been "
                "reviewed and registered, and is now assigned to your unit (%(role)s)."
            ),
            **fields,
        )
        + cosigned,
    )
    _control(doc, "endif")
    _control(doc, "if is_assisting")
    d._para(
        doc,
        tagged(
            _(
                "Please study and handle it carefully in accordance with the Deputies Law and the relevant provisions. "
                "While handling it, keep in contact with the lead deputy and listen to the deputy's views. Send your "
                "unit's opinion to the lead unit %(lead)s in good time, so that the deputy is answered in writing by %(deadline)s."
            ),
            lead="lead_unit",
            deadline="deadline",
        ),
    )
    _control(doc, "else")
    d._para(
        doc,
        tagged(
            _(
                "Please study and handle it carefully in accordance with the Deputies Law and the relevant provisions. "
                "While handling it, contact the lead deputy in person or by telephone and listen fully to the deputy's "
                "views; reply to the deputy in writing by %(deadline)s, and send a copy of the reply to our office."
            ),
            deadline="deadline",
        ),
    )
    _control(doc, "endif")
    _control(doc, "if is_broad")
    d._para(
        doc,
        tagged(
            _("As a broad or difficult case, it is to be answered within %(months)d months."), months="broad_months"
        ),
    )
    _control(doc, "endif")
    _control(doc, "if pre_assignment")
    d._para(
        doc,
        _(
            "This is a pre-assignment during the session: please start preparing now; the deadline runs from the date of this letter."
        ),
    )
    _control(doc, "endif")
    d._para(
        doc,
        tagged(
            _(
                "If your unit considers that the suggestion is not within its remit, state the reasons to our office by "
                "%(date)s (within %(days)d working days of assignment); after that date the assignment will not be changed."
            ),
            date="reassign_by",
            days="reassign_days",
        ),
    )
    d._para(doc, _("Attachment: the text of the suggestion"), indent=True)
    d._signature(doc, "{{ office }}", "{{ date }}")

    # The attachment: the suggestion as the deputy wrote it, on a new page.
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d._para(doc, _("Attachment"), font=d.HEADING_FONT, indent=False)
    d._title(doc, "{{ title }}")
    d._table(
        doc,
        [
            (_("Item number"), "{{ number }}"),
            (_("Lead deputy"), "{{ deputy }}（{{ deputy_unit }}）"),
            (_("Co-signers"), '{{ cosigners or "—" }}'),
            (_("Handling unit"), "{{ unit }}（{{ role }}）"),
            (_("Reply due"), "{{ deadline }}"),
        ],
    )
    d._para(doc, "{{ body }}")
    return doc


def reply_summary():
    from django.utils.translation import gettext as _

    from proposals import documents as d

    doc = d._new_document()
    d._title(doc, _("Summary of the replies to a deputy's suggestion"))
    table = d._table(
        doc,
        [
            (_("Item number"), "{{ number }}"),
            (_("Title"), "{{ title }}"),
            (_("Lead deputy"), "{{ deputy }}"),
            (_("Co-signers"), '{{ cosigners or "—" }}'),
            (_("Session"), "{{ session or " + literal(_("Between sessions")) + " }}"),
            (_("Status"), "{{ status }}"),
            ("{%tr if entered_by_staff %}", ""),
            (_("Entered by staff"), _("Handed in on paper and entered by staff for the deputy")),
            ("{%tr endif %}", ""),
        ],
    )
    for row in table.rows[-3::2]:  # the tag rows: plain text, not bold labels
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = False
    _control(doc, "if not units")
    d._para(doc, _("Not yet assigned."))
    _control(doc, "endif")
    _control(doc, "for unit in units")
    d._heading(doc, tagged(_("%(n)d. %(unit)s (%(role)s)"), n="unit.n", unit="unit.name", role="unit.role"))
    _control(doc, "if not unit.replies")
    d._para(doc, tagged(_("No reply yet; due by %(date)s."), date="unit.deadline"))
    _control(doc, "endif")
    _control(doc, "for reply in unit.replies")
    d._para(doc, tagged(_("Reply, round %(round)d"), round="reply.round"), bold=True, keep=True)
    _loop_table(doc, "for row in reply.rows", "{{ row.label }}", "{{ row.value }}")
    d._para(doc, _("Reply text:"), keep=True, indent=False)
    d._para(doc, "{{ reply.text }}")
    _control(doc, "endfor")
    _control(doc, "endfor")
    d._signature(doc, "{{ office }}", "{{ date }}")
    return doc


def urging_notice():
    from django.utils.translation import gettext as _

    from proposals import documents as d

    doc = d._new_document()
    d._title(doc, tagged(_("Urging notice on the handling of a deputy's suggestion (no. %(n)d)"), n="notice_number"))
    d._para(doc, tagged(_("%(unit)s:"), unit="addressee"), indent=False)
    d._para(
        doc,
        tagged(
            _(
                "The suggestion “%(title)s” (%(number)s) of deputy %(deputy)s was assigned to your unit (%(role)s) "
                "on %(assigned)s, with the reply due on %(deadline)s."
            ),
            title="title",
            number="number",
            deputy="deputy",
            role="role",
            assigned="assigned",
            deadline="deadline",
        ),
    )
    d._para(doc, "{{ text }}")
    d._table(
        doc,
        [
            (_("Item number"), "{{ number }}"),
            (_("Handling unit"), "{{ unit }}（{{ role }}）"),
            (_("Reply due"), "{{ deadline }}"),
            (_("Notice number"), "{{ notice_number }}"),
        ],
    )
    d._signature(doc, "{{ office }}", "{{ date }}")
    return doc


BUILDERS = {"assignment_letter": assignment_letter, "reply_summary": reply_summary, "urging_notice": urging_notice}


def build(kind: str) -> bytes:
    """The default template of ``kind`` as .docx bytes."""
    from django.utils import translation

    from proposals import documents

    with translation.override(documents.DOCUMENT_LANGUAGE):
        doc = BUILDERS[kind]()
    # Fixed properties: a rebuild with no change in the layout gives the same file.
    properties = doc.core_properties
    properties.author = properties.last_modified_by = ""
    properties.title = properties.comments = properties.subject = properties.keywords = ""
    properties.revision = 1
    import datetime

    properties.created = properties.modified = datetime.datetime(2026, 1, 1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def main() -> None:
    _setup()
    from proposals import documents

    for kind in BUILDERS:
        path = documents.default_path(kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build(kind))
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
