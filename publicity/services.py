"""Writes of the publicity app: stories created with their photos, published and withdrawn.

Only deputy-work office staff of the story's congress (or a congress above it) may write. Every
change that can alter a public page drops the cached public pages after commit
(``proposals.cache.public_pages_changed``: the stories pages share that cache and its version).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from core.exceptions import InvalidTransition, NotAllowed
from core.text import clean_text
from core.uploads import JPEG, PNG, check_upload
from proposals.cache import public_pages_changed

from .models import Story, StoryPhoto

PHOTO_TYPES = (JPEG, PNG)
MAX_PHOTOS = 12


def photo_max_bytes() -> int:
    return int(getattr(settings, "PUBLICITY_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def is_story_editor(actor, congress_id) -> bool:
    return bool(
        roles.is_staff_member(actor) and actor.has_perm("publicity.change_story") and in_scope(actor, congress_id)
    )


def require_editor(actor, congress_id) -> None:
    if not is_story_editor(actor, congress_id):
        raise NotAllowed(_("Only deputy-work office staff of this congress may do this."))


def check_story_deputies(*, congress_id, deputies) -> None:
    """A story names deputies of its own congress only (their public profiles belong to it)."""
    strangers = [d.name for d in deputies if d.congress_id != congress_id]
    if strangers:
        raise ValidationError(
            {
                "deputies": _("These deputies are not deputies of the story's congress: %(names)s.")
                % {"names": "、".join(strangers)}
            }
        )


def check_photo(upload) -> str:
    """Check a photo (JPEG or PNG by content, size limit) and re-encode it in place; its stored extension."""
    try:
        _mime, extension, _name = check_upload(upload, max_bytes=photo_max_bytes(), allowed=PHOTO_TYPES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    return extension


def photo_prepare(photo: StoryPhoto, upload, extension: str) -> None:
    """Give a photo row a fresh random token and the checked file (saved with the row)."""
    photo.token = secrets.token_hex(16)
    photo.extension = extension
    photo.file.save(f"{photo.token}{extension}", upload, save=False)


def story_create(
    *, actor, congress, title: str, body: str, summary: str = "", deputies=(), published_on=None, photos=()
):
    """A new, unpublished story. ``photos``: (upload, caption) pairs, each checked and re-encoded.

    Refused with nothing written: an actor who is not staff of the congress, an empty title or
    text, a deputy of another congress, a photo that is not a JPEG or PNG image, too many photos.
    """
    require_editor(actor, congress.pk)
    title, body, summary = clean_text(title), clean_text(body), clean_text(summary)
    errors = {}
    if not title:
        errors["title"] = _("Give the story a title.")
    elif len(title) > Story._meta.get_field("title").max_length:
        errors["title"] = _("The title is too long.")
    if not body:
        errors["body"] = _("Write the story's text.")
    if len(summary) > Story._meta.get_field("summary").max_length:
        errors["summary"] = _("The summary is too long.")
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("At most %(n)d photos per story.") % {"n": MAX_PHOTOS}
    if errors:
        raise ValidationError(errors)
    deputies = list(deputies)
    check_story_deputies(congress_id=congress.pk, deputies=deputies)
    checked = []
    for upload, caption in photos:
        try:
            checked.append((upload, clean_text(caption)[:150], check_photo(upload)))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    with transaction.atomic():
        story = Story.objects.create(
            congress=congress, title=title, body=body, summary=summary, published_on=published_on, created_by=actor
        )
        story.deputies.set(deputies)
        for order, (upload, caption, extension) in enumerate(checked, start=1):
            photo = StoryPhoto(story=story, caption=caption, order=order)
            photo_prepare(photo, upload, extension)
            photo.save()
    return story


def story_set_published(*, actor, story: Story, published: bool) -> Story:
    """Publish a story (its date: the one given, else today) or withdraw it from the public pages.

    Refused with nothing changed: an actor who is not staff of the story's congress, a story
    already in the state asked for, a story without text.
    """
    require_editor(actor, story.congress_id)
    now = timezone.now()
    with transaction.atomic():
        current = Story.objects.select_for_update().filter(pk=story.pk).first()
        if current is None:
            raise InvalidTransition(_("This story no longer exists."))
        if published:
            if current.is_published:
                raise InvalidTransition(_("This story is already published."))
            if not clean_text(current.body) or not clean_text(current.title):
                raise ValidationError({"body": _("A story needs a title and a text before it is published.")})
            changes = {
                "is_published": True,
                "published_on": current.published_on or timezone.localdate(),
                "published_at": now,
                "published_by": actor,
            }
        else:
            if not current.is_published:
                raise InvalidTransition(_("This story is not published."))
            changes = {"is_published": False, "published_at": None, "published_by": None}
        # Conditional: a second click that lost the race touches no row.
        if not Story.objects.filter(pk=story.pk, is_published=not published).update(**changes):
            raise InvalidTransition(_("Someone else changed this story just now; reload the page."))
    for name, value in changes.items():
        setattr(story, name, value)
    public_pages_changed()
    return story


def photo_files_of(story_ids) -> list[str]:
    """The stored photo files of these stories (read before they are deleted)."""
    return list(StoryPhoto.objects.filter(story_id__in=story_ids).values_list("file", flat=True))


def story_content_changed(*, deleted_files=()) -> None:
    """A story, its photos or its deputies were edited or deleted in the admin: refresh the public
    pages, and remove the files of deleted photos once the deletion is committed."""
    public_pages_changed()
    if deleted_files:
        storage = StoryPhoto._meta.get_field("file").storage
        names = list(deleted_files)
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
