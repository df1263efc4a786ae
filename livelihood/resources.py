"""Spreadsheets of the livelihood cycle: the vote results from the voting system (Excel or
CSV: preview with every bad row named, nothing written unless all rows are valid) and the
staff's Excel exports (ideas and candidates, vote results, the progress ledger, evaluation).

An import row is: number on the list (编号), title (项目, optional, checked against the list
when given), for (赞成), against (反对), abstain (弃权). Cells are written literally
(``core.spreadsheet.safe_cell``): a title typed as a formula stays text.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from core.spreadsheet import safe_cell

from .models import Cycle, Idea, Project, Rating

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
HEADERS = {
    "number": ("编号", "序号", "number", "no"),
    "title": ("项目", "项目名称", "title"),
    "for": ("赞成", "赞成票", "for"),
    "against": ("反对", "反对票", "against"),
    "abstain": ("弃权", "弃权票", "abstain"),
}


@dataclass
class VotePreview:
    rows: list = field(default_factory=list)  # (line, number, title, for, against, abstain)
    errors: list = field(default_factory=list)  # (line or None, message)

    @property
    def results(self) -> dict:
        return {number: (f, a, b) for _line, number, _title, f, a, b in self.rows}


def _read_rows(data: bytes) -> list[list[str]]:
    if data[:2] == b"PK":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook is the same refusal
            raise ValueError(_("This file could not be read as an Excel workbook."))
        sheet = book.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(_("This file is neither an Excel workbook nor a CSV file in UTF-8 or GBK."))
    if "\x00" in text:
        raise ValueError(_("This file is neither an Excel workbook nor a CSV file in UTF-8 or GBK."))
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _whole(value: str):
    text = (value or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def vote_preview(*, cycle: Cycle, upload, deputies_total: int) -> VotePreview:
    """Parse and check an uploaded results file against the cycle's candidate list."""
    from .services import vote_check

    preview = VotePreview()
    if upload is None or upload.size == 0:
        preview.errors.append((None, _("Choose the results file.")))
        return preview
    if upload.size > MAX_BYTES:
        preview.errors.append((None, _("The file is larger than 2 MB.")))
        return preview
    try:
        table = [row for row in _read_rows(upload.read()) if any(row)]
    except ValueError as exc:
        preview.errors.append((None, str(exc)))
        return preview
    if not table:
        preview.errors.append((None, _("The file is empty.")))
        return preview
    header = [h.lower() for h in table[0]]
    columns = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                columns[key] = i
                break
    missing = [HEADERS[k][0] for k in ("number", "for", "against", "abstain") if k not in columns]
    if missing:
        preview.errors.append((1, _("Missing columns: %(names)s") % {"names": "、".join(missing)}))
        return preview
    if len(table) - 1 > MAX_ROWS:
        preview.errors.append((None, _("At most %(n)d rows.") % {"n": MAX_ROWS}))
        return preview
    projects = {p.number: p for p in cycle.projects.filter(status=Project.Status.CANDIDATE)}
    seen = {}
    for line, row in enumerate(table[1:], start=2):

        def cell(key, row=row):
            return row[columns[key]] if key in columns and columns[key] < len(row) else ""

        number = _whole(cell("number"))
        counts = [_whole(cell(k)) for k in ("for", "against", "abstain")]
        if number is None:
            preview.errors.append(
                (line, _("The number “%(value)s” is not a whole number.") % {"value": cell("number")})
            )
            continue
        if number not in projects:
            preview.errors.append((line, _("No candidate numbered %(number)s on the list.") % {"number": number}))
            continue
        if number in seen:
            preview.errors.append(
                (
                    line,
                    _("Candidate %(number)d appears again (first on row %(first)d).")
                    % {"number": number, "first": seen[number]},
                )
            )
            continue
        title = cell("title")
        if title and title != projects[number].title:
            preview.errors.append(
                (
                    line,
                    _("Candidate %(number)d is “%(title)s” on the list, not “%(given)s”.")
                    % {"number": number, "title": projects[number].title, "given": title},
                )
            )
            continue
        if any(c is None for c in counts):
            preview.errors.append((line, _("Votes must be whole numbers, zero or more.")))
            continue
        if sum(counts) > deputies_total:
            preview.errors.append(
                (
                    line,
                    _("For, against and abstain add up to %(sum)d, more than the %(total)d deputies.")
                    % {"sum": sum(counts), "total": deputies_total},
                )
            )
            continue
        seen[number] = line
        preview.rows.append((line, number, projects[number].title, *counts))
    if not preview.errors:
        for message in vote_check(cycle=cycle, deputies_total=deputies_total, results=preview.results).values():
            preview.errors.append((None, message if isinstance(message, str) else str(message)))
    return preview


# --- Exports ----------------------------------------------------------------------------------


def _book(title: str, headers: list, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([safe_cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([safe_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_ideas(cycle: Cycle) -> bytes:
    """Ideas and candidates; the public's contact is not exported (the office reads it in the admin)."""
    ideas = Idea.objects.filter(cycle=cycle).select_related("lead", "merged_into").prefetch_related("deputies")
    rows = [
        (
            i.pk,
            i.get_source_display(),
            i.title,
            i.what_where,
            i.why,
            i.estimated_cost,
            i.beneficiaries,
            "、".join(d.name for d in i.deputies.all()),
            i.group,
            i.get_status_display(),
            i.merged_into.title if i.merged_into else "",
            i.created_at.date(),
        )
        for i in ideas.order_by("pk")
    ]
    headers = [
        _("Record ID"),
        _("Source"),
        _("Title"),
        _("What and where"),
        _("Why"),
        _("Estimated cost (10,000 yuan)"),
        _("Beneficiaries"),
        _("Proposing deputies"),
        _("Screening group"),
        _("Status"),
        _("Merged into"),
        _("Received at"),
    ]
    return _book(_("Ideas and candidates"), headers, rows)


def export_vote(cycle: Cycle) -> bytes:
    rows = [
        (
            p.number,
            p.title,
            p.department.name,
            p.budget,
            p.votes_for,
            p.votes_against,
            p.votes_abstain,
            p.get_outcome_display(),
            p.get_status_display(),
        )
        for p in cycle.projects.select_related("department").order_by("number")
    ]
    headers = [
        _("Number on the list"),
        _("Title"),
        _("Responsible department"),
        _("Budget (10,000 yuan)"),
        _("For"),
        _("Against"),
        _("Abstain"),
        _("Vote outcome"),
        _("Status"),
    ]
    return _book(_("Vote results"), headers, rows)


def export_ledger(cycle: Cycle) -> bytes:
    from .selectors.office import ledger_rows

    rows = [
        (
            v.report.item.project.number,
            v.report.item.project.title,
            v.report.item.title,
            v.target.name,
            v.target.unit,
            v.target.target_value,
            v.report.period,
            v.previous,
            v.value,
            v.reason,
            v.report.narrative,
            v.report.created_at.date(),
        )
        for v in ledger_rows(cycle=cycle)
    ]
    headers = [
        _("Number on the list"),
        _("Project"),
        _("Item"),
        _("Target"),
        _("Unit of measure"),
        _("Target value"),
        _("Period"),
        _("Before"),
        _("Value"),
        _("Reason for a lower value"),
        _("Progress"),
        _("Reported at"),
    ]
    return _book(_("Progress ledger"), headers, rows)


def export_evaluation(cycle: Cycle) -> bytes:
    from django.db.models import Count, Q

    V = Rating.Value
    projects = (
        cycle.projects.filter(status__in=(Project.Status.ELECTED, Project.Status.COMPLETED))
        .annotate(
            satisfied=Count("ratings", filter=Q(ratings__value=V.SATISFIED)),
            basically=Count("ratings", filter=Q(ratings__value=V.BASICALLY)),
            unsatisfied=Count("ratings", filter=Q(ratings__value=V.UNSATISFIED)),
        )
        .order_by("number")
    )
    rows = [
        (p.number, p.title, p.satisfied, p.basically, p.unsatisfied, p.satisfied + p.basically + p.unsatisfied)
        for p in projects
    ]
    headers = [
        _("Number on the list"),
        _("Title"),
        _("Satisfied"),
        _("Basically satisfied"),
        _("Unsatisfied"),
        _("Deputies who rated"),
    ]
    return _book(_("Evaluation"), headers, rows)
