"""Builders and fixtures shared by the ``test_unit_*`` and ``test_office_*`` modules.

Items are moved along the workflow by the real services, so the pages are tested
against states the services can produce. ``bulk_items`` writes rows directly: it only
feeds the query-count tests, which need hundreds of rows fast.
"""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import user_sync_roles
from proposals import services
from proposals.models import Assignment, Field, ReplyCategory, Suggestion

from .. import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","点我")'


def pdf(name="答复函.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def exe(name="答复函.pdf"):
    return SimpleUploadedFile(name, EXE_BYTES, content_type="application/pdf")


def category(code: str) -> ReplyCategory:
    return ReplyCategory.objects.get(code=code)


def field() -> Field:
    return Field.objects.order_by("order").first()


def make_officer(unit, name="承办人乙"):
    user = factories.UserFactory(full_name=name, unit=unit)
    user_sync_roles(user=user)
    return user


def make_deputy_user(city, term, name, electoral_unit=None):
    unit = electoral_unit or factories.ElectoralUnitFactory(congress=city)
    user = factories.UserFactory(full_name=name)
    user.mandate = factories.DeputyFactory(congress=city, term=term, electoral_unit=unit, name=name, user=user)
    user_sync_roles(user=user)
    return user


def submitted(
    deputy_user,
    *,
    title="关于加快老旧小区加装电梯的建议",
    body="第一段。\n\n- 要点一\n- 要点二",
    kind=Suggestion.Kind.SUGGESTION,
    session=None,
):
    suggestion = services.suggestion_create(
        actor=deputy_user,
        lead_deputy=deputy_user.mandate,
        title=title,
        body=body,
        kind=kind,
        field=field(),
        session=session,
    )
    services.suggestion_submit(actor=deputy_user, suggestion=suggestion)
    return suggestion


def accepted(deputy_user, staff, *, broad=False, **kwargs):
    suggestion = submitted(deputy_user, **kwargs)
    services.suggestion_accept(actor=staff, suggestion=suggestion, broad=broad)
    return Suggestion.objects.get(pk=suggestion.pk)


def assigned(deputy_user, staff, units_roles, *, assigned_on=None, **kwargs):
    """An accepted item assigned to ``units_roles`` [(unit, role)]; returns (suggestion, [assignments])."""
    suggestion = accepted(deputy_user, staff, **kwargs)
    created = services.suggestion_assign(
        actor=staff, suggestion=suggestion, units_roles=units_roles, assigned_on=assigned_on
    )
    return Suggestion.objects.get(pk=suggestion.pk), created


def reply(officer, assignment, *, code="A", text="已解决。", commitments=(), replied_on=None):
    assignment = Assignment.objects.select_related("suggestion").get(pk=assignment.pk)
    return services.reply_submit(
        actor=officer,
        assignment=assignment,
        category=category(code),
        text=text,
        signer="张局长",
        replied_on=replied_on or timezone.localdate(),
        commitments=list(commitments),
    )


def replied(deputy_user, staff, officer, *, code="B", text="已列入明年计划。", **kwargs):
    """An item whose only unit (the officer's, lead) has replied; returns (suggestion, assignment, reply)."""
    suggestion, (assignment,) = assigned(deputy_user, staff, [(officer.unit, "lead")], **kwargs)
    commitments = [("年底前完成改造方案", timezone.localdate() + datetime.timedelta(days=90))] if code == "B" else []
    new_reply = reply(officer, assignment, code=code, text=text, commitments=commitments)
    return Suggestion.objects.get(pk=suggestion.pk), Assignment.objects.get(pk=assignment.pk), new_reply


def docx_text(content: bytes) -> str:
    """All text of a .docx: paragraphs, table cells, footers (opened with python-docx)."""
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def is_zip(content: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(content))


def bulk_items(*, n: int, deputy_user, staff, unit, session=None, start: int = 1):
    """``n`` accepted-and-assigned items of ``unit`` written directly (query-count tests only)."""
    today = timezone.localdate()
    now = timezone.now()
    mandate = deputy_user.mandate
    items = Suggestion.objects.bulk_create(
        [
            Suggestion(
                congress_id=mandate.congress_id,
                session=session,
                title=f"批量建议{start + i}",
                body="正文",
                lead_deputy=mandate,
                status=Suggestion.Status.ASSIGNED,
                number=start + i,
                number_series="批量",
                created_by=staff,
                submitted_at=now,
                accepted_at=now,
                field=field(),
            )
            for i in range(n)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                suggestion=s,
                unit=unit,
                role=Assignment.Role.LEAD,
                assigned_on=today,
                reassign_window_ends=today + datetime.timedelta(days=9),
                deadline=today + datetime.timedelta(days=90 - i % 120),
                assigned_by=staff,
                received_at=now if i % 2 else None,
            )
            for i, s in enumerate(items)
        ]
    )
    return items


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def unit(unit_officer):
    return unit_officer.unit


@pytest.fixture
def other_unit(city):
    return factories.UnitFactory(congress=city, name="示例市住房和城乡建设局")


@pytest.fixture
def other_officer(other_unit):
    return make_officer(other_unit, name="他局承办人")


@pytest.fixture
def session(term):
    return factories.SessionFactory(term=term, number=2, name="市十七届人大二次会议")


def test_builders_produce_the_states_they_name(deputy, staff, unit_officer):
    """The builders themselves: each item is in the state its name says."""
    suggestion, assignment, _reply = replied(deputy, staff, unit_officer, code="A")
    assert suggestion.status == Suggestion.Status.REPLIED
    assert assignment.status == Assignment.Status.REPLIED
    assert suggestion.number == 1
