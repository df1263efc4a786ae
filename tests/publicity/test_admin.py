"""The stories' admin: scoped by congress, photos inline and checked by content, deputies of the
story's congress only, publishing through the service; a refused form keeps what was typed."""

import pytest
from django.urls import reverse

from publicity.models import Story, StoryPhoto

from .. import factories
from . import builders

pytestmark = pytest.mark.django_db

ADD = reverse("admin:publicity_story_add")
LIST = reverse("admin:publicity_story_changelist")


def change_url(pk):
    return reverse("admin:publicity_story_change", args=[pk])


def _form(congress, *, deputies=(), photos=(), **overrides):
    data = {
        "congress": congress.pk,
        "title": "代表走进联络站",
        "summary": "摘要",
        "body": "代表接待群众。",
        "published_on": "",
        "deputies": [d.pk for d in deputies],
        "photos-TOTAL_FORMS": str(len(photos)),
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "12",
    }
    for i, (upload, caption) in enumerate(photos):
        data[f"photos-{i}-file"] = upload
        data[f"photos-{i}-caption"] = caption
        data[f"photos-{i}-order"] = str(i)
    data.update(overrides)
    return data


def test_staff_write_a_story_with_photos_and_deputies(client, staff, city, deputy, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            ADD, _form(city, deputies=[deputy.mandate], photos=[(builders.jpeg(), "<b>现场</b>")]), follow=False
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get()
    assert story.created_by == staff and not story.is_published
    assert list(story.deputies.all()) == [deputy.mandate]
    photo = story.photos.get()
    assert photo.caption == "现场" and photo.extension == ".jpg" and photo.file.name.endswith(f"{photo.token}.jpg")
    assert callbacks  # the public pages are refreshed
    html = client.get(change_url(story.pk)).content.decode()
    assert reverse("publicity:photo", args=[photo.pk]) in html


def test_a_file_that_is_not_an_image_is_refused_and_the_text_kept(client, staff, city):
    client.force_login(staff)
    fake = builders.upload_named("照片.jpg", b"<html><script>alert(1)</script></html>")
    response = client.post(ADD, _form(city, photos=[(fake, "说明")], title="保留的标题"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "保留的标题" in html and "errorlist" in html
    assert not Story.objects.exists() and not StoryPhoto.objects.exists()


def test_a_deputy_of_another_congress_is_refused(client, staff, city, district):
    stranger = factories.DeputyFactory(congress=district, name="区代表")
    client.force_login(staff)
    response = client.post(ADD, _form(city, deputies=[stranger]))
    assert response.status_code == 200
    assert "区代表" in response.content.decode()
    assert not Story.objects.exists()


def test_html_in_the_text_is_stripped_and_an_empty_text_refused(client, staff, city):
    client.force_login(staff)
    response = client.post(ADD, _form(city, body="<p></p>"))
    assert response.status_code == 200 and not Story.objects.exists()
    client.post(ADD, _form(city, body="<b>正文</b>"))
    assert Story.objects.get().body == "正文"


def test_district_staff_see_and_write_only_their_congress(client, city, district, district_staff):
    ours = builders.story(district, title="区里的故事")
    theirs = builders.story(city, title="市里的故事")
    client.force_login(district_staff)
    html = client.get(LIST).content.decode()
    assert "区里的故事" in html and "市里的故事" not in html
    assert client.get(change_url(theirs.pk)).status_code in (302, 404)
    response = client.post(ADD, _form(city, title="越权的故事"))
    assert response.status_code == 200 and not Story.objects.filter(title="越权的故事").exists()
    assert client.get(change_url(ours.pk)).status_code == 200


def test_city_staff_see_the_districts_stories_too(client, staff, city, district):
    builders.story(district, title="区里的故事")
    client.force_login(staff)
    assert "区里的故事" in client.get(LIST).content.decode()


def test_the_publish_actions_call_the_service(client, staff, city):
    draft = builders.story(city, published=False)
    done = builders.story(city, published=True)
    client.force_login(staff)
    response = client.post(LIST, {"action": "publish", "_selected_action": [draft.pk, done.pk]}, follow=True)
    html = response.content.decode()
    assert Story.objects.get(pk=draft.pk).is_published
    assert done.title in html  # the refusal is reported with the story's title
    client.post(LIST, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert not Story.objects.get(pk=draft.pk).is_published


def test_the_publication_fields_are_not_editable(client, staff, city):
    story = builders.story(city, published=False)
    client.force_login(staff)
    client.post(change_url(story.pk), _form(city, is_published="on", title=story.title))
    assert not Story.objects.get(pk=story.pk).is_published


def test_deleting_a_story_deletes_its_photos(client, staff, city, django_capture_on_commit_callbacks):
    story = builders.story(city)
    photo = builders.photo(story)
    storage, name = photo.file.storage, photo.file.name
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:publicity_story_delete", args=[story.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Story.objects.exists() and not StoryPhoto.objects.exists()
    assert not storage.exists(name)


def test_deleting_stories_from_the_list_deletes_their_photos(client, staff, city, django_capture_on_commit_callbacks):
    photos = [builders.photo(builders.story(city)) for _ in range(2)]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            LIST,
            {"action": "delete_selected", "_selected_action": [p.story_id for p in photos], "post": "yes"},
        )
    assert not Story.objects.exists()
    assert not any(p.file.storage.exists(p.file.name) for p in photos)


def test_editing_a_caption_keeps_the_photo_and_a_new_file_gets_a_new_name(
    client, staff, city, django_capture_on_commit_callbacks
):
    story = builders.story(city, published=False)
    photo = builders.photo(story, caption="旧说明")
    old_name = photo.file.name
    client.force_login(staff)

    def post(**photo_fields):
        data = _form(city, title=story.title, **{"photos-TOTAL_FORMS": "1", "photos-INITIAL_FORMS": "1"})
        data.update({"photos-0-id": str(photo.pk), "photos-0-story": str(story.pk), "photos-0-order": "0"})
        data.update(photo_fields)
        return client.post(change_url(story.pk), data)

    assert post(**{"photos-0-caption": "新说明"}).status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.file.name) == ("新说明", old_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(**{"photos-0-caption": "新说明", "photos-0-file": builders.png()}).status_code == 302
    photo.refresh_from_db()
    assert photo.extension == ".png" and photo.file.name != old_name and photo.file.name.endswith(".png")
    assert not photo.file.storage.exists(old_name) and photo.file.storage.exists(photo.file.name)
