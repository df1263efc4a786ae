"""Uploaded images are decoded and written again: the stored file holds the pixels only."""

import io
import random
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageSequence

from core.uploads import ALLOWED, GIF, JPEG, PNG, WEBP, check_upload
from proposals import services
from proposals.models import Attachment
from tests.builders import PNG_BYTES, draft

LIMIT = 10 * 1024 * 1024
ALL_IMAGES = (*ALLOWED, GIF, WEBP)
GPS_IFD = 0x8825


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def noise(size=(64, 48), mode="RGB") -> Image.Image:
    """An image that does not compress to nothing (so its file is a few kilobytes)."""
    return Image.frombytes(mode, size, random.Random(7).randbytes(size[0] * size[1] * len(mode)))


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def exif_with_gps(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}
    return exif.tobytes()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels with almost no data behind: a bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def checked(name, content, **kwargs):
    file = upload(name, content)
    result = check_upload(file, max_bytes=LIMIT, **kwargs)
    file.seek(0)
    return result, file.read(), file


def refusal(name, content, language="zh-hans", **kwargs) -> str:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), max_bytes=LIMIT, **kwargs)
    return " ".join(caught.value.message_dict["file"])


# --- Re-encoded and cleaned ----------------------------------------------------------------------


def test_a_jpeg_loses_its_exif_and_gps_and_is_turned_the_way_the_camera_meant():
    original = encoded(noise((40, 20)), "JPEG", quality=85, exif=exif_with_gps(orientation=6), comment=b"Zhang San")
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the upload carries a position
    (mime, extension, name), stored, file = checked("现场照片.JPEG", original)
    assert (mime, extension, name) == (JPEG, ".jpg", "现场照片.jpeg")
    assert file.size == len(stored) and stored != original
    assert b"PhoneMaker" not in stored and b"Zhang San" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == "JPEG" and after.size == (20, 40)  # orientation 6: turned a quarter
        assert not after.getexif() and "exif" not in after.info and "comment" not in after.info


def test_a_png_loses_its_text_chunks_and_whatever_was_appended():
    image = noise((80, 80), "RGBA")
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13800138000")
    original = encoded(image, "PNG", pnginfo=info, exif=exif_with_gps())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    polyglot = original + archive.getvalue()
    assert len(original) > 4096  # the zip lies beyond the bytes the markup check reads
    _result, stored, _file = checked("图.png", polyglot)
    assert b"PK\x03\x04" not in stored and b"payload" not in stored
    assert "张三".encode() not in stored and b"13800138000" not in stored and b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == "PNG" and after.mode == "RGBA"
        assert after.tobytes() == image.tobytes()  # lossless: the very same pixels
        assert not after.text and not after.getexif()


def test_markup_far_behind_a_png_is_dropped():
    original = encoded(noise((80, 80)), "PNG")
    _result, stored, _file = checked("图.png", original + b"<html><script>alert(document.cookie)</script></html>")
    assert b"<html" not in stored and b"<script" not in stored


def test_an_animated_gif_keeps_its_frames_and_timing_but_not_its_comment():
    frames = [noise((30, 20)).quantize() for _ in range(3)]
    for i, frame in enumerate(frames):
        frame.putpixel((0, 0), i)
    original = encoded(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=[80, 120, 200], loop=0, comment=b"secret"
    )
    (mime, extension, _name), stored, _file = checked("动图.gif", original, allowed=ALL_IMAGES)
    assert (mime, extension) == (GIF, ".gif")
    assert b"secret" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.n_frames == 3 and after.info.get("loop") == 0
        assert [f.info["duration"] for f in ImageSequence.Iterator(after)] == [80, 120, 200]


def test_a_webp_is_accepted_when_the_caller_allows_it_and_loses_its_exif():
    original = encoded(noise((50, 50)), "WEBP", quality=80, exif=exif_with_gps())
    (mime, extension, _name), stored, _file = checked("照片.webp", original, allowed=ALL_IMAGES)
    assert (mime, extension) == (WEBP, ".webp")
    assert b"PhoneMaker" not in stored and b"EXIF" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == "WEBP" and after.size == (50, 50) and not after.getexif()


def test_gif_and_webp_are_refused_unless_the_caller_allows_them():
    assert "只接受 PDF、Word" in refusal("动图.gif", encoded(noise(), "GIF"))
    assert "只接受 PDF、Word" in refusal("照片.webp", encoded(noise(), "WEBP"))
    assert ".gif" in refusal("照片.webp", encoded(noise(), "WEBP"), allowed=(PNG, GIF))


def test_a_large_upload_kept_on_disk_is_rewritten_in_place(settings):
    original = encoded(noise((40, 40)), "JPEG", exif=exif_with_gps())
    file = TemporaryUploadedFile("大图.jpg", "image/jpeg", len(original), None)
    file.write(original)
    file.seek(0)
    check_upload(file, max_bytes=LIMIT)
    with open(file.temporary_file_path(), "rb") as on_disk:  # what the storage moves into place
        stored = on_disk.read()
    assert b"PhoneMaker" not in stored and len(stored) == file.size
    with Image.open(io.BytesIO(stored)) as after:
        assert after.size == (40, 40)
    file.close()


# --- Refused -------------------------------------------------------------------------------------


def test_an_image_with_more_pixels_than_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10_000
    message = refusal("大图.png", encoded(noise((200, 100)), "PNG"))
    assert "图片尺寸过大" in message and "200 × 100" in message


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (8000, 6000, "图片尺寸过大（8000 × 6000 像素）"),  # 48 million: above the site's limit
        (10000, 10000, "图片像素过多"),  # 100 million: Pillow's own bomb warning, made an error
        (20000, 20000, "图片像素过多"),  # 400 million: Pillow's DecompressionBombError
    ],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(width, height, expected):
    content = png_header_only(width, height)
    assert len(content) < 200
    assert expected in refusal("炸弹.png", content)


def test_an_animation_with_too_many_frames_is_refused(settings):
    settings.UPLOAD_MAX_IMAGE_FRAMES = 3
    frames = [noise((10, 10)).quantize() for _ in range(5)]
    for i, frame in enumerate(frames):
        frame.putpixel((0, 0), i)
    content = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert "动图共5帧，最多接受3帧" in refusal("动图.gif", content, allowed=ALL_IMAGES)


def test_an_animation_too_large_over_all_its_frames_is_refused(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1000
    frames = [noise((20, 20)).quantize() for _ in range(4)]
    for i, frame in enumerate(frames):
        frame.putpixel((0, 0), i)
    content = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert "动图尺寸过大" in refusal("动图.gif", content, allowed=ALL_IMAGES)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("截断.png", encoded(noise((120, 120)), "PNG")[:3000]),
        ("截断.jpg", encoded(noise((120, 120)), "JPEG")[:1500]),
        ("伪造.png", PNG_BYTES),
    ],
)
def test_a_truncated_or_undecodable_image_is_refused(name, content):
    assert "图片已损坏或不完整" in refusal(name, content)


def test_the_english_messages_exist_too(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10
    assert "too large" in refusal("a.png", encoded(noise(), "PNG"), language="en")


# --- Through the service and a real download view ---------------------------------------------


def test_the_stored_attachment_is_the_clean_image_and_is_served_as_an_attachment(deputy_client, deputy):
    suggestion = draft(deputy)
    original = encoded(noise((40, 30)), "JPEG", exif=exif_with_gps()) + b"PK\x03\x04trailing zip"
    response = deputy_client.post(
        reverse("proposals_portal:upload", args=[suggestion.pk]), {"file": upload("现场.jpg", original)}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert attachment.size == len(stored) and b"PhoneMaker" not in stored and b"PK\x03\x04" not in stored
    download = deputy_client.get(
        reverse("proposals_portal:attachment", args=[suggestion.pk, attachment.pk]), HTTP_ACCEPT="text/html"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"  # the stored type
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == stored


def test_a_refused_image_leaves_nothing_stored(deputy, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 100
    suggestion = draft(deputy)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.attachment_add(actor=deputy, suggestion=suggestion, upload=upload("大图.png", encoded(noise(), "PNG")))
    assert "图片尺寸过大" in " ".join(caught.value.messages)
    assert not Attachment.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def rgba_frames(content: bytes) -> list[bytes]:
    with Image.open(io.BytesIO(content)) as image:
        return [frame.convert("RGBA").tobytes() for frame in ImageSequence.Iterator(image)]


@pytest.mark.parametrize("frames", [1, 3])
def test_a_transparent_gif_keeps_its_transparency(frames):
    images = []
    for i in range(frames):
        image = Image.new("P", (12, 12), 0)
        image.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
        for x in range(12):
            image.putpixel((x, (x + i) % 12), 1 + (x + i) % 3)
        images.append(image)
    original = encoded(images[0], "GIF", save_all=True, append_images=images[1:], transparency=0, duration=60)
    before = rgba_frames(original)
    assert before[0][7] == 0 and before[0][3] == 255  # the background is see-through, the line is not
    _result, stored, _file = checked("透明.gif", original, allowed=ALL_IMAGES)
    assert rgba_frames(stored) == before


def test_a_jpeg_with_further_pictures_keeps_only_the_photo():
    photo, depth_map = noise((30, 20)), noise((15, 10), "L")
    out = io.BytesIO()
    photo.save(out, "MPO", save_all=True, append_images=[depth_map.convert("RGB")])
    with Image.open(io.BytesIO(out.getvalue())) as before:
        assert before.n_frames == 2
    (mime, _extension, _name), stored, _file = checked("人像.jpg", out.getvalue())
    assert mime == JPEG and b"MPF" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == "JPEG" and after.size == (30, 20) and getattr(after, "n_frames", 1) == 1


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_a_photo_with_a_broken_exif_block_is_still_accepted_without_it():
    original = encoded(noise((20, 20)), "JPEG", exif=b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xffbroken")
    _result, stored, _file = checked("坏EXIF.jpg", original)
    assert b"broken" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.size == (20, 20)
