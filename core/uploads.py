"""Checks on uploaded files: type by content (not by name), size, a safe name, and what
hides inside: a Word file that unpacks to gigabytes (a zip bomb), a PDF that runs scripts,
markup behind an image's or a document's first bytes, an OLE2 file that is not Word."""

from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# What the content must be, and the extension the stored file gets.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
}
# .docx is a zip file: filetype may call it a zip; look inside for Word's part.
ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}


def _sniff(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in ZIP_TYPES or mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        import zipfile

        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        return (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if "word/document.xml" in names
            else None
        )
    if mime is None and head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # old .doc (OLE2)
        return "application/msword"
    return mime


# A .docx is a zip; before anything opens one its members are counted and their unpacked size
# added up from the directory, which costs nothing to read.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 2000
# PDF names that make a reader run code or open something when the file is opened.
PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
# Markup a browser would render if the file were ever shown instead of downloaded.
MARKUP = (b"<html", b"<script", b"<!doctype", b"<svg", b"<body", b"<iframe", b"<?php")


def _inspect(upload, mime: str) -> str | None:
    """The reason a file of an allowed type is still refused, or None."""
    upload.seek(0)
    head = upload.read(4096).lower()
    upload.seek(0)
    if any(tag in head for tag in MARKUP):
        return _("The file contains web page markup; it is not accepted.")
    if mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        import zipfile

        try:
            with zipfile.ZipFile(upload) as archive:
                members = archive.infolist()
        finally:
            upload.seek(0)
        unpacked = sum(m.file_size for m in members)
        if len(members) > getattr(settings, "UPLOAD_MAX_MEMBERS", MAX_MEMBERS) or unpacked > getattr(
            settings, "UPLOAD_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES
        ):
            return _("The Word file unpacks to too much data (%(size)s); it is not accepted.") % {
                "size": filesizeformat(unpacked)
            }
    if mime == "application/pdf":
        content = upload.read()
        upload.seek(0)
        if any(name in content for name in PDF_ACTIVE):
            return _("The PDF contains scripts, launch actions or embedded files; save it again as a plain PDF.")
    if mime == "application/msword":
        content = upload.read()
        upload.seek(0)
        # An OLE2 container is a Word document when its directory holds the WordDocument stream.
        if "WordDocument".encode("utf-16-le") not in content:
            return _("The file is not a Word document.")
    return None


def safe_name(name: str) -> str:
    path = Path((name or "file").replace("\\", "/")).name  # no folders, no ..
    stem, suffix = Path(path).stem, Path(path).suffix.lower()
    stem = get_valid_filename(stem.strip()) if stem.strip() else "file"
    # get_valid_filename keeps CJK characters; keep names short for Windows and Excel.
    return f"{stem[:80] or 'file'}{suffix[:8]}"


def check_upload(upload, *, max_bytes: int) -> tuple[str, str, str]:
    """Return (content type, stored extension, safe original name) or raise ValidationError.

    Each app passes its own size limit (a setting), so one app's files can be larger.
    """
    limit = max_bytes
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > limit:
        raise ValidationError({"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}})
    name = safe_name(upload.name)
    mime = _sniff(upload)
    if mime not in ALLOWED:
        raise ValidationError(
            {
                "file": _(
                    "Only PDF, Word (.doc, .docx), JPEG and PNG files are accepted; this file's content is not one of them."
                )
            }
        )
    problem = _inspect(upload, mime)
    if problem:
        raise ValidationError({"file": problem})
    extension = ALLOWED[mime]
    if Path(name).suffix.lower() not in {extension, ".jpeg" if extension == ".jpg" else extension}:
        # The content decides the type; the name gets the matching extension.
        name = f"{Path(name).stem}{extension}"
    return mime, extension, name
