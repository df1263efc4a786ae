"""What hides inside an allowed file type is checked before the file is stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.uploads import check_upload
from tests.builders import PDF_BYTES, PNG_BYTES, docx_bytes
from tests.core.test_upload_images import encoded, noise

LIMIT = 10 * 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name, content) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), max_bytes=LIMIT)
    return " ".join(caught.value.message_dict["file"])


def bomb(unpacked: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * unpacked)
    return buffer.getvalue()


def test_plain_files_of_each_type_are_accepted():
    word_doc = OLE2 + b"\x00" * 64 + "WordDocument".encode("utf-16-le") + b"\x00" * 64
    for name, content, mime in [
        ("答复函.pdf", PDF_BYTES, "application/pdf"),
        ("现场.png", encoded(noise(), "PNG"), "image/png"),
        ("现场.jpeg", encoded(noise(), "JPEG"), "image/jpeg"),
        ("建议.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("旧稿.doc", word_doc, "application/msword"),
    ]:
        assert check_upload(upload(name, content), max_bytes=LIMIT)[0] == mime


def test_a_word_file_that_unpacks_to_too_much_is_refused(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024 * 1024
    content = bomb(4 * 1024 * 1024)
    assert len(content) < 50 * 1024  # small on the wire, large unpacked
    assert "unpacks to too much data" in refusal("建议.docx", content)


def test_a_pdf_with_javascript_is_refused():
    content = PDF_BYTES.replace(b"1 0 obj<<>>", b"1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>")
    assert "scripts" in refusal("答复函.pdf", content)


def test_markup_behind_an_image_header_is_refused():
    content = PNG_BYTES + b"<html><script>alert(document.cookie)</script></html>"
    assert "markup" in refusal("现场.png", content)


def test_an_ole2_file_that_is_not_word_is_refused():
    content = OLE2 + b"\x00" * 512 + "Workbook".encode("utf-16-le")
    assert "not a Word document" in refusal("旧稿.doc", content)


def test_the_name_must_end_in_an_allowed_extension():
    for name in ("报告", "报告.txt", "报告.pdf.exe", "报告.html"):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
            check_upload(upload(name, PDF_BYTES), max_bytes=LIMIT)
        assert "只接受 PDF、Word" in " ".join(caught.value.message_dict["file"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("照片.pdf", encoded(noise(), "PNG")),
        ("照片.png", encoded(noise(), "JPEG")),
        ("报告.docx", PDF_BYTES),
        ("报告.pdf", docx_bytes()),
    ],
)
def test_content_that_does_not_match_its_extension_is_refused(name, content):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), max_bytes=LIMIT)
    assert "文件内容与扩展名" in " ".join(caught.value.message_dict["file"])


def test_an_extension_the_caller_does_not_allow_is_refused_even_with_matching_content():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        check_upload(upload("报告.docx", docx_bytes()), max_bytes=LIMIT, allowed=("application/pdf",))
    assert caught.value.message_dict["file"] == ["只接受以下类型的文件：.pdf；此文件不属于这些类型。"]


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        check_upload(upload("a.pdf", PDF_BYTES), max_bytes=LIMIT, allowed=("text/html",))
