"""Builders shared by the tests: uploads, reference data, people, and suggestions in each state.

Not a test module: plain functions and constants, imported where needed. Fixtures live in the
``conftest`` modules, factory-boy factories in ``tests/factories.py``.

Suggestions are moved along the workflow by the real services, so the pages are tested against
states the services can produce. ``bulk_items`` writes rows directly: it only feeds the
query-count tests, which need hundreds of rows fast.
"""

import datetime
import io
import re
import zipfile

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import user_sync_roles
from proposals import services
from proposals.models import Assignment, Field, Rating, Reply, ReplyCategory, ReplyCoSignature, Suggestion, TopicGuide

from . import factories

# --- Constants ---------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","点我")'
# The reply categories of the migrations: (code, name, creates a commitment, order).
CATEGORIES = [
    ("A", "已解决或基本解决", False, 1),
    ("B", "正在解决或列入计划解决", True, 2),
    ("C", "因条件限制留作参考", False, 3),
]


def today() -> datetime.date:
    return timezone.localdate()


# --- Uploads and documents ---------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name="答复函.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


def exe(name="答复函.pdf") -> SimpleUploadedFile:
    """A Windows executable that calls itself a PDF."""
    return upload(name, EXE_BYTES, "application/pdf")


def docx_bytes() -> bytes:
    """The smallest zip that looks like a .docx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def docx_text(content: bytes) -> str:
    """All text of a .docx: paragraphs, table cells, footers (opened with python-docx)."""
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# --- Reference data ----------------------------------------------------------------------------


def categories() -> dict[str, ReplyCategory]:
    """A/B/C by code (migration data; re-created if a transactional test flushed it)."""
    out = {}
    for code, name, promise, order in CATEGORIES:
        out[code], _ = ReplyCategory.objects.get_or_create(
            code=code, defaults={"name": name, "creates_commitment": promise, "order": order}
        )
    return out


def field(name="交通出行") -> Field:
    """A subject field (migration data; re-created if a transactional test flushed it)."""
    return Field.objects.get_or_create(name=name)[0]


# --- People ------------------------------------------------------------------------------------


def make_deputy_user(city, term, name: str, electoral_unit=None, *, full_name: str | None = None, **extra):
    """A user with one serving mandate of ``city`` (``user.mandate``); ``extra`` goes to the mandate."""
    unit = electoral_unit or factories.ElectoralUnitFactory(congress=city)
    user = factories.UserFactory(full_name=full_name or name)
    user.mandate = factories.DeputyFactory(congress=city, term=term, electoral_unit=unit, name=name, user=user, **extra)
    user_sync_roles(user=user)
    return user


def officer_of(unit, name: str):
    """An officer of the handling unit ``unit``."""
    user = factories.UserFactory(full_name=name, unit=unit)
    user_sync_roles(user=user)
    return user


def make_officer(city, unit_name: str):
    """A new handling unit of ``city`` called ``unit_name``, and its officer "<unit_name>联系人"."""
    return officer_of(factories.UnitFactory(congress=city, name=unit_name), f"{unit_name}联系人")


def serving_deputies(n, *, city, term, unit=None, **kwargs):
    """``n`` serving mandates of ``city`` (no user accounts), all in one electoral unit."""
    unit = unit or factories.ElectoralUnitFactory(congress=city)
    return [factories.DeputyFactory(congress=city, term=term, electoral_unit=unit, **kwargs) for _ in range(n)]


def english(client):
    """Pages in English (the language comes from the cookie; zh-hans is the default)."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Suggestions, from draft to closed ---------------------------------------------------------


def draft(
    user,
    *,
    title="关于缓解老旧小区停车难问题的建议",
    body="小区停车位严重不足。\n\n1. 挖潜增设泊位\n2. 错时共享停车",
    kind=Suggestion.Kind.SUGGESTION,
    session=None,
    field_name="交通出行",
):
    """A draft led by ``user``'s mandate."""
    return services.suggestion_create(
        actor=user,
        lead_deputy=user.mandate,
        title=title,
        body=body,
        kind=kind,
        field=field(field_name),
        session=session,
    )


def submitted(user, *, cosigners=(), **kwargs):
    """A draft, co-signed by the ``cosigners`` (users) if any, then submitted."""
    suggestion = draft(user, **kwargs)
    if cosigners:
        services.cosigner_invite(actor=user, suggestion=suggestion, deputies=[c.mandate for c in cosigners])
        for cosigner_user in cosigners:
            cosigner = suggestion.cosigners.select_related("deputy", "suggestion").get(deputy=cosigner_user.mandate)
            services.cosigner_respond(actor=cosigner_user, cosigner=cosigner, confirm=True)
    services.suggestion_submit(actor=user, suggestion=suggestion)
    return suggestion


def accepted(user, staff, *, broad=False, **kwargs):
    suggestion = submitted(user, **kwargs)
    services.suggestion_accept(actor=staff, suggestion=suggestion, broad=broad)
    return Suggestion.objects.get(pk=suggestion.pk)


def assigned_to(user, staff, units_roles, *, assigned_on=None, **kwargs):
    """An accepted item assigned to ``units_roles`` [(unit, role)]; returns (suggestion, [assignments])."""
    suggestion = accepted(user, staff, **kwargs)
    created = services.suggestion_assign(
        actor=staff, suggestion=suggestion, units_roles=units_roles, assigned_on=assigned_on
    )
    return Suggestion.objects.get(pk=suggestion.pk), created


def assigned(user, staff, officers, *, roles=None, **kwargs):
    """An accepted item assigned to the officers' units (the first as lead, the others joint
    unless ``roles`` says otherwise); returns the suggestion."""
    roles = roles or ["lead"] + ["joint"] * (len(officers) - 1)
    suggestion, _assignments = assigned_to(
        user, staff, [(o.unit, r) for o, r in zip(officers, roles, strict=True)], **kwargs
    )
    return suggestion


def reply(
    officer,
    suggestion,
    *,
    code="A",
    text="已完成整改，新增泊位二百个。",
    replied_on=None,
    due=None,
    commitments=None,
    cosign=True,
):
    """The officer's unit replies to ``suggestion``. A category that promises action gets one
    commitment due ``due`` (90 days after the reply by default) unless ``commitments`` are given.
    A lead unit's reply is co-signed at once by every joint unit (``cosign=False`` leaves it with
    them); a joint unit does not reply (its co-signature is the lead's reply): None."""
    assignment = Assignment.objects.select_related("suggestion", "unit").get(
        suggestion=suggestion, unit=officer.unit, status__in=["assigned", "rehandling", "replied", "done"]
    )
    if assignment.role == Assignment.Role.JOINT:
        return None
    replied_on = replied_on or timezone.localdate()
    cats = categories()
    if commitments is None:
        commitments = (
            [("年内新增错时共享泊位", due or replied_on + datetime.timedelta(days=90))]
            if cats[code].creates_commitment
            else []
        )
    # A shortcut to "the unit has replied": the letter is attached; the length and contact rules
    # (tested in tests/proposals/test_handling_*.py) are relaxed so short texts stay readable.
    from django.test import override_settings

    with override_settings(PROPOSALS_REPLY_MIN_CHARS=0, PROPOSALS_REPLY_NEEDS_CONTACT=False):
        new_reply = services.reply_submit(
            actor=officer,
            assignment=assignment,
            category=cats[code],
            text=text,
            signer="张局长",
            replied_on=replied_on,
            commitments=list(commitments),
            letter=pdf(),
            confirmed=True,
        )
    if cosign and new_reply.status == Reply.Status.COSIGNING:
        for cosignature in ReplyCoSignature.objects.filter(reply=new_reply).select_related("assignment"):
            joint_officer = cosignature.assignment.unit.officers.filter(is_active=True).order_by("pk").first()
            services.reply_cosign(actor=joint_officer, cosignature=cosignature)
        new_reply.refresh_from_db()
    return new_reply


def replied(user, staff, officer, *, code="B", text="已列入明年计划。", **kwargs):
    """An item whose only unit (the officer's, lead) has replied; returns (suggestion, assignment, reply)."""
    suggestion, (assignment,) = assigned_to(user, staff, [(officer.unit, "lead")], **kwargs)
    commitments = [("年底前完成改造方案", timezone.localdate() + datetime.timedelta(days=90))] if code == "B" else []
    new_reply = reply(officer, suggestion, code=code, text=text, commitments=commitments)
    return Suggestion.objects.get(pk=suggestion.pk), Assignment.objects.get(pk=assignment.pk), new_reply


def rate(user, the_reply, value=Rating.Value.SATISFIED, comment=""):
    return services.reply_rate(actor=user, reply=the_reply, value=value, comment=comment)


def handled(user, staff, officers, *, codes=None, publish=True, rating=Rating.Value.SATISFIED, texts=None, **kwargs):
    """Assigned, replied by every unit, rated, closed (and published unless told otherwise)."""
    suggestion = assigned(user, staff, officers, **kwargs)
    codes = codes or ["A"] * len(officers)
    replies = []
    for i, officer in enumerate(reversed(officers)):
        index = len(officers) - 1 - i
        text = (texts or {}).get(index, "已完成整改，新增泊位二百个。")
        replies.append(reply(officer, suggestion, code=codes[index], text=text))
    for r in replies:
        if r is not None:
            rate(user, r, rating)
    services.suggestion_close(actor=staff, suggestion=Suggestion.objects.get(pk=suggestion.pk), publish=publish)
    return Suggestion.objects.get(pk=suggestion.pk)


def published_guide(city, *, title="2025年选题指引", body="一、民生保障\n\n- 养老服务\n- 托育服务", published=True):
    return TopicGuide.objects.create(
        congress=city, title=title, body=body, published=published, published_on=datetime.date(2025, 1, 2)
    )


def bulk_items(*, n: int, deputy_user, staff, unit, session=None, start: int = 1):
    """``n`` accepted-and-assigned items of ``unit`` written directly (query-count tests only)."""
    day = today()
    now = timezone.now()
    mandate = deputy_user.mandate
    subject = field()
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
                field=subject,
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
                assigned_on=day,
                reassign_window_ends=day + datetime.timedelta(days=9),
                deadline=day + datetime.timedelta(days=90 - i % 120),
                assigned_by=staff,
                received_at=now if i % 2 else None,
            )
            for i, s in enumerate(items)
        ]
    )
    return items


def open_livelihood_cycle(staff, congress):
    """Next year's livelihood cycle of ``congress``, collecting ideas from three days ago for ten
    more days, one seat."""
    from livelihood import services as livelihood_services

    today = timezone.localdate()
    cycle = livelihood_services.cycle_create(
        actor=staff,
        congress=congress,
        year=today.year + 1,
        title=f"{today.year + 1}年度民生实事项目",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=10),
        seats=1,
    )
    livelihood_services.cycle_open_collection(actor=staff, cycle=cycle)
    return cycle


def logged_in(user):
    """A client logged in as ``user`` a moment ago by password, as allauth records it, so the
    pages behind a fresh password (the two-factor settings) open without the reauthentication step."""
    from allauth.account.internal.flows.login import record_authentication
    from django.test import Client, RequestFactory

    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    record_authentication(request, user, "password", reauthenticated=True)
    request.session.save()
    return client


def listed_ids(response) -> list[int]:
    """The ids of the public list's rows, in the page's order (read from its HTML: the rows are
    stored renditions and the content a kept shape, so the template context may not hold them)."""
    assert response.status_code == 200, response.status_code
    return [int(pk) for pk in re.findall(r'<article aria-labelledby="item-(\d+)-title">', response.content.decode())]
