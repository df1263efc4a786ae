"""Stories, photos and profiles' surroundings for the publicity tests. Invented data only."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from publicity import services
from publicity.models import Story, StoryPhoto

_n = itertools.count(1)


def jpeg(name="现场.jpg", size=(40, 30), colour=(200, 80, 60), exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "InventedCam"  # Make
        options["exif"] = data.tobytes()
    image.save(buffer, format="JPEG", **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name="现场.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def story(congress, *, title=None, body="代表走访社区，听取群众意见。", published=True, published_on=None, deputies=()):
    """A story written straight into the table (the services are tested on their own)."""
    n = next(_n)
    day = published_on or (datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    row = Story.objects.create(
        congress=congress,
        title=title or f"代表履职故事{n}",
        body=body,
        summary=f"摘要{n}",
        is_published=published,
        published_on=day if published or published_on else None,
    )
    row.deputies.set(deputies)
    return row


def photo(story_row, *, caption="现场照片", order=0) -> StoryPhoto:
    upload = jpeg()
    extension = services.check_photo(upload)
    item = StoryPhoto(story=story_row, caption=caption, order=order)
    services.photo_prepare(item, upload, extension)
    item.save()
    return item


def upload_named(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")
