"""publicity.services: stories written with checked photos, published and withdrawn, by office
staff of the story's congress only; every refusal leaves nothing written or changed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from core.exceptions import InvalidTransition, NotAllowed
from publicity import services
from publicity.models import Story, StoryPhoto

from .. import factories
from . import builders

pytestmark = pytest.mark.django_db


def _create(actor, congress, **kwargs):
    values = {"title": "代表走进联络站", "body": "代表接待群众。"}
    values.update(kwargs)
    return services.story_create(actor=actor, congress=congress, **values)


def test_create_cleans_the_text_and_reencodes_the_photos(staff, city, deputy):
    story = _create(
        staff,
        city,
        title="<b>代表</b>走进联络站",
        body="<script>alert(1)</script>代表接待群众。",
        summary="<i>摘要</i>",
        deputies=[deputy.mandate],
        photos=[(builders.jpeg(), "<b>现场</b>"), (builders.png(), "")],
    )
    assert (story.title, story.body, story.summary) == ("代表走进联络站", "代表接待群众。", "摘要")
    assert not story.is_published and story.created_by == staff
    assert list(story.deputies.all()) == [deputy.mandate]
    photos = list(story.photos.all())
    assert [(p.order, p.caption, p.extension) for p in photos] == [(1, "现场", ".jpg"), (2, "", ".png")]
    # Stored under a random token, with the pixels only (the camera's EXIF is gone).
    assert photos[0].file.name == f"publicity/photos/{photos[0].token}.jpg"
    with photos[0].file.open("rb") as handle, Image.open(handle) as image:
        assert not image.getexif()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "<p></p>"}, "title"),
        ({"body": ""}, "body"),
        ({"title": "长" * 121}, "title"),
        ({"summary": "长" * 301}, "summary"),
    ],
)
def test_create_refuses_missing_or_long_text_and_writes_nothing(staff, city, kwargs, field):
    with pytest.raises(ValidationError) as error:
        _create(staff, city, **kwargs)
    assert field in error.value.message_dict
    assert not Story.objects.exists()


def test_create_refuses_a_file_that_is_not_an_image_and_writes_nothing(staff, city):
    fake = builders.jpeg()
    fake.file.seek(0)
    fake.file.write(b"%PDF-1.4 not an image" + b"\0" * 64)
    fake.file.seek(0)
    with pytest.raises(ValidationError) as error:
        _create(staff, city, photos=[(builders.jpeg(), ""), (fake, "")])
    assert "photos" in error.value.message_dict
    assert not Story.objects.exists() and not StoryPhoto.objects.exists()


def test_create_refuses_a_gif_although_it_is_an_image(staff, city):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("P", (8, 8)).save(buffer, format="GIF")
    with pytest.raises(ValidationError) as error:
        _create(staff, city, photos=[(SimpleUploadedFile("a.gif", buffer.getvalue()), "")])
    assert "photos" in error.value.message_dict


def test_create_refuses_a_deputy_of_another_congress(staff, city, district):
    stranger = factories.DeputyFactory(congress=district, name="区代表")
    with pytest.raises(ValidationError) as error:
        _create(staff, city, deputies=[stranger])
    assert "区代表" in error.value.message_dict["deputies"][0]
    assert not Story.objects.exists()


def test_create_refuses_too_many_photos(staff, city):
    with pytest.raises(ValidationError) as error:
        _create(staff, city, photos=[(builders.jpeg(), "")] * (services.MAX_PHOTOS + 1))
    assert "photos" in error.value.message_dict


def test_create_refuses_wrong_actors(city, district, district_staff, deputy, outsider):
    for actor in (deputy, outsider):
        with pytest.raises(NotAllowed):
            _create(actor, city)
    # A district office writes for its own congress only.
    with pytest.raises(NotAllowed):
        _create(district_staff, city)
    assert not Story.objects.exists()
    assert _create(district_staff, district).congress == district


def test_publish_dates_the_story_today_and_records_who(staff, city, django_capture_on_commit_callbacks):
    story = builders.story(city, published=False)
    with django_capture_on_commit_callbacks() as callbacks:
        services.story_set_published(actor=staff, story=story, published=True)
    story.refresh_from_db()
    assert story.is_published and story.published_on == timezone.localdate() and story.published_by == staff
    assert story.published_at is not None
    assert len(callbacks) == 1  # the public pages' cache is dropped after commit


def test_publish_keeps_the_date_given(staff, city):
    story = builders.story(city, published=False, published_on=datetime.date(2025, 5, 4))
    services.story_set_published(actor=staff, story=story, published=True)
    story.refresh_from_db()
    assert story.published_on == datetime.date(2025, 5, 4)


def test_publish_refuses_a_published_story_and_changes_nothing(staff, city):
    story = builders.story(city, published=True)
    before = Story.objects.values().get(pk=story.pk)
    with pytest.raises(InvalidTransition):
        services.story_set_published(actor=staff, story=story, published=True)
    assert Story.objects.values().get(pk=story.pk) == before


def test_publish_refuses_a_story_whose_text_was_emptied(staff, city):
    story = builders.story(city, published=False, body="   ")
    with pytest.raises(ValidationError):
        services.story_set_published(actor=staff, story=story, published=True)
    story.refresh_from_db()
    assert not story.is_published


def test_withdraw_then_refuse_a_second_withdrawal(staff, city):
    story = builders.story(city, published=True)
    services.story_set_published(actor=staff, story=story, published=False)
    story.refresh_from_db()
    assert not story.is_published and story.published_at is None and story.published_on is not None
    with pytest.raises(InvalidTransition):
        services.story_set_published(actor=staff, story=story, published=False)


def test_publish_refuses_wrong_actors_and_changes_nothing(city, district, staff, district_staff, deputy):
    story = builders.story(city, published=False)
    for actor in (deputy, district_staff):
        with pytest.raises(NotAllowed):
            services.story_set_published(actor=actor, story=story, published=True)
    story.refresh_from_db()
    assert not story.is_published
    # The city office works for the districts too.
    local = builders.story(district, published=False)
    services.story_set_published(actor=staff, story=local, published=True)
    assert Story.objects.get(pk=local.pk).is_published


def test_staff_without_the_publicity_permission_may_not_publish(city, staff):
    from django.contrib.auth.models import Permission

    staff.groups.first().permissions.remove(Permission.objects.get(codename="change_story"))
    staff = type(staff).objects.get(pk=staff.pk)
    story = builders.story(city, published=False)
    with pytest.raises(NotAllowed):
        services.story_set_published(actor=staff, story=story, published=True)


def test_a_published_story_must_carry_a_date(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(congress=city, title="无日期", body="正文", is_published=True, published_on=None)
