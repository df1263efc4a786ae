"""Checks on uploaded files: type by content and by name together, size, a safe name, and what
hides inside: a Word file that unpacks to gigabytes (a zip bomb), a PDF that runs scripts,
markup behind an image's or a document's first bytes, an OLE2 file that is not Word. Every
accepted file is scanned by clamd when one is configured (``core.antivirus``).

Images are decoded and written again (``_reencode``): what is stored holds the pixels only, no
EXIF (camera, GPS position), comments or XMP, and nothing that was appended behind the image
(a web page or a zip file). Images with too many pixels (decompression bombs), too many frames,
or that are damaged or cut short are refused.
"""

import io
import logging
import warnings
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, JpegImagePlugin

from core import antivirus

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"

# Every kind an upload may be: the extension the stored file gets and the extensions its name
# may end in. The content and the name must agree.
KINDS = {
    PDF: (".pdf", (".pdf",)),
    DOCX: (".docx", (".docx",)),
    DOC: (".doc", (".doc",)),
    JPEG: (".jpg", (".jpg", ".jpeg")),
    PNG: (".png", (".png",)),
    GIF: (".gif", (".gif",)),
    WEBP: (".webp", (".webp",)),
}
# Images are re-encoded by Pillow in the same format.
IMAGES = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WEBP"}
# What a caller accepts unless it passes ``allowed``: documents and JPEG or PNG scans and photos.
# Content type -> stored extension.
ALLOWED = {mime: KINDS[mime][0] for mime in (PDF, JPEG, PNG, DOCX, DOC)}
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


# Images: at most this many pixels (all frames together), at most this many frames.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_FRAMES = 100


class _Refused(Exception):
    """An image refused for a reason worded for the person who uploaded it."""


def _image_limits() -> tuple[int, int]:
    return (
        getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS),
        getattr(settings, "UPLOAD_MAX_IMAGE_FRAMES", MAX_IMAGE_FRAMES),
    )


def _save_options(image, fmt: str) -> dict:
    if fmt == "JPEG":
        # The original's quantization tables and chroma subsampling: the photo keeps its quality.
        options = {"quality": 90}
        if getattr(image, "quantization", None):
            options = {"qtables": image.quantization}
        sampling = JpegImagePlugin.get_sampling(image) if hasattr(image, "layers") else -1
        if sampling != -1:
            options["subsampling"] = sampling
        return options
    if fmt == "WEBP":
        return {"quality": 90}
    return {}


def _pixels_only(frame, source_info: dict):
    """``frame`` without any metadata: only the transparency a palette or colour key needs is kept."""
    keep = "transparency" in source_info and frame.mode not in ("RGBA", "LA", "PA", "RGBa", "La")
    frame.info = {"transparency": source_info["transparency"]} if keep else {}
    return frame


def _upright(image):
    """A copy turned the way the camera meant (EXIF orientation); as it is when the EXIF is unreadable."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a broken EXIF block does not spoil the pixels
        return image.copy()


def _write(image, fmt: str, frames: int) -> bytes:
    out = io.BytesIO()
    options = _save_options(image, fmt)
    if frames == 1:
        image.load()
        # The picture is turned the way the camera meant before its EXIF (and orientation) goes.
        clean = _pixels_only(_upright(image), image.info)
        clean.save(out, fmt, **options)
        return out.getvalue()
    copies, durations = [], []
    for index in range(frames):
        image.seek(index)
        image.load()
        durations.append(image.info.get("duration") or 100)
        copies.append(_pixels_only(image.copy(), image.info))
    if "loop" in image.info:
        options["loop"] = image.info["loop"]
    copies[0].save(out, fmt, save_all=True, append_images=copies[1:], duration=durations, **options)
    return out.getvalue()


def _reencode(upload, mime: str) -> bytes:
    """The image in ``upload`` decoded and written again in its own format, or _Refused."""
    fmt = IMAGES[mime]
    max_pixels, max_frames = _image_limits()
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning (above its MAX_IMAGE_PIXELS) is a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise _Refused(
                        _("The image is too large (%(width)s × %(height)s pixels); it is not accepted.")
                        % {"width": width, "height": height}
                    )
                # A JPEG's further pictures (MPO: previews, depth maps) are dropped: the first is the photo.
                frames = 1 if fmt == "JPEG" else getattr(image, "n_frames", 1)
                if frames > max_frames:
                    raise _Refused(
                        _("The animated image has %(frames)s frames; at most %(limit)s are accepted.")
                        % {"frames": frames, "limit": max_frames}
                    )
                if width * height * frames > max_pixels:
                    raise _Refused(
                        _(
                            "The animated image is too large (%(frames)s frames of %(width)s × %(height)s pixels); "
                            "it is not accepted."
                        )
                        % {"frames": frames, "width": width, "height": height}
                    )
                return _write(image, fmt, frames)
    except _Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _Refused(_("The image has too many pixels; it is not accepted.")) from exc
    except MemoryError as exc:
        raise _Refused(_("The image has too many pixels; it is not accepted.")) from exc
    except Exception as exc:  # noqa: BLE001 - a decoder fed untrusted bytes fails in many ways
        logger.info("Undecodable %s upload refused: %s: %s", fmt, type(exc).__name__, exc)
        raise _Refused(
            _("The image is damaged or incomplete and cannot be opened; save it again and upload it.")
        ) from exc


def _replace_content(upload, data: bytes) -> None:
    """Put ``data`` in place of what ``upload`` holds, keeping its name, so saving it stores ``data``."""
    if hasattr(upload, "temporary_file_path"):
        # A large upload on disk: the storage moves that very file into place, so rewrite it.
        upload.file.seek(0)
        upload.file.truncate()
        upload.file.write(data)
        upload.file.flush()
    else:
        upload.file = io.BytesIO(data)
    upload.seek(0)
    upload.size = len(data)


def _not_accepted(allowed: tuple[str, ...]) -> str:
    if set(allowed) == set(ALLOWED):
        return _(
            "Only PDF, Word (.doc, .docx), JPEG and PNG files are accepted; this file's content is not one of them."
        )
    extensions = " ".join(extension for mime in allowed for extension in KINDS[mime][1])
    return _("Only files of these types are accepted: %(extensions)s; this file is not one of them.") % {
        "extensions": extensions
    }


def check_upload(upload, *, max_bytes: int, allowed=None) -> tuple[str, str, str]:
    """Return (content type, stored extension, safe original name) or raise ValidationError.

    Each app passes its own size limit (a setting), so one app's files can be larger, and may
    pass ``allowed`` (content types from ``KINDS``; default ``ALLOWED``), e.g. to accept GIF or
    WebP photos. The name's extension must be one of the allowed kinds and the content must be
    of the kind that extension names.

    An image is re-encoded and the upload's content replaced by the clean image (same name,
    ``upload.size`` updated): a caller that saves ``upload`` after this check stores the clean file.
    """
    allowed = tuple(ALLOWED if allowed is None else allowed)
    unknown = set(allowed) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown upload kinds: {sorted(unknown)}")
    limit = max_bytes
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > limit:
        raise ValidationError({"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}})
    name = safe_name(upload.name)
    suffix = Path(name).suffix.lower()
    if not any(suffix in KINDS[mime][1] for mime in allowed):
        raise ValidationError({"file": _not_accepted(allowed)})
    mime = _sniff(upload)
    if mime not in allowed:
        raise ValidationError({"file": _not_accepted(allowed)})
    if suffix not in KINDS[mime][1]:
        raise ValidationError(
            {
                "file": _(
                    "The file's content does not match its extension %(extension)s; "
                    "save it again in the right format and upload it."
                )
                % {"extension": suffix}
            }
        )
    problem = _inspect(upload, mime)
    if problem:
        raise ValidationError({"file": problem})
    # Scanned as sent, before any decoder reads it.
    antivirus.scan(upload, name=name)
    if mime in IMAGES:
        try:
            clean = _reencode(upload, mime)
        except _Refused as exc:
            raise ValidationError({"file": str(exc)}) from exc
        _replace_content(upload, clean)
    return mime, KINDS[mime][0], name
