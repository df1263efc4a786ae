"""Builders shared by the portal tests (deputies' side of suggestions and motions).

Not a test module itself: it only provides fixtures and helpers that the
``test_portal_*`` modules import. Items are moved along the workflow by the real
services, so the pages are tested against states the services can produce.
"""

import datetime
import io
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import user_sync_roles
from proposals import services
from proposals.models import Field, ReplyCategory, Suggestion, TopicGuide

from .. import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Every test here creates several users; the production hasher takes most of the time.
    (Autouse in each portal test module, which imports it.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_deputy_user(city, term, name: str, electoral_unit=None, full_name: str | None = None):
    """A user with one serving mandate of ``city`` (``user.mandate``)."""
    unit = electoral_unit or factories.ElectoralUnitFactory(congress=city)
    user = factories.UserFactory(full_name=full_name or name)
    user.mandate = factories.DeputyFactory(congress=city, term=term, electoral_unit=unit, name=name, user=user)
    user_sync_roles(user=user)
    return user


def field() -> Field:
    return Field.objects.order_by("order").first()


def draft(
    user,
    *,
    title="加快老旧小区加装电梯",
    body="第一段。\n\n- 要点一\n- 要点二",
    kind=Suggestion.Kind.SUGGESTION,
    session=None,
):
    return services.suggestion_create(
        actor=user, lead_deputy=user.mandate, title=title, body=body, kind=kind, field=field(), session=session
    )


def submitted(user, **kwargs):
    suggestion = draft(user, **kwargs)
    services.suggestion_submit(actor=user, suggestion=suggestion)
    return suggestion


def assigned(user, staff, unit, **kwargs):
    suggestion = submitted(user, **kwargs)
    services.suggestion_accept(actor=staff, suggestion=suggestion)
    services.suggestion_assign(actor=staff, suggestion=suggestion, units_roles=[(unit, "lead")])
    return Suggestion.objects.get(pk=suggestion.pk)


def replied(user, staff, officer, *, text="已列入明年计划。", category="B", **kwargs):
    """An item whose only unit (the officer's, as lead) has replied; returns (suggestion, reply)."""
    suggestion = assigned(user, staff, officer.unit, **kwargs)
    assignment = suggestion.assignments.get()
    today = timezone.localdate()
    commitments = [("年底前完成改造方案", today + datetime.timedelta(days=90))] if category == "B" else []
    reply = services.reply_submit(
        actor=officer,
        assignment=assignment,
        category=ReplyCategory.objects.get(code=category),
        text=text,
        signer="张局长",
        replied_on=today,
        commitments=commitments,
    )
    return Suggestion.objects.get(pk=suggestion.pk), reply


def published_guide(city, *, title="2025年选题指引", body="一、民生保障\n\n- 养老服务\n- 托育服务", published=True):
    return TopicGuide.objects.create(
        congress=city, title=title, body=body, published=published, published_on=datetime.date(2025, 1, 2)
    )


def english(client):
    """Pages in English (the language comes from the cookie; zh-hans is the default)."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
