"""Reads for the public stories pages and the deputies' public profiles (anonymous visitors).

Only published stories leave this module. A deputy is shown publicly while serving and
``is_public`` (the roster's "shown publicly"); a terminated, suspended or hidden mandate answers
404. A deputy's private details (mobile, ID number, address, e-mail) are never loaded: every
query names the columns it needs (``only``), so no template can show them by accident.
"""

import dataclasses
import datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup
from liaison.models import Duty, Station
from proposals.models import CoSigner
from proposals.selectors.public import public_suggestions

from .models import Story, StoryPhoto

# How far ahead a profile shows the deputy's station duty (as the station pages do).
DUTY_DAYS = 28
PROFILE_SUGGESTIONS = 20
PROFILE_STORIES = 20
DEPUTY_NAME_COLUMNS = ("id", "name", "congress_id")


def public_deputies():
    """Mandates the public may see: serving and shown publicly."""
    return Deputy.objects.filter(status=Deputy.Status.SERVING, is_public=True)


def published_stories():
    return Story.objects.filter(is_published=True)


def _story_prefetches():
    return (
        Prefetch(
            "deputies",
            queryset=public_deputies().only(*DEPUTY_NAME_COLUMNS).order_by("name", "pk"),
            to_attr="public_deputies",
        ),
        Prefetch(
            "photos",
            queryset=StoryPhoto.objects.only("pk", "story_id", "caption", "order").order_by("order", "pk"),
            to_attr="public_photos",
        ),
    )


def story_years() -> list[int]:
    """The years that have published stories, newest first."""
    return [day.year for day in published_stories().dates("published_on", "year", order="DESC")]


def story_list(*, year: int | None = None):
    """Published stories, newest first, with their public deputies and photos (one query each)."""
    rows = published_stories()
    if year:
        rows = rows.filter(published_on__gte=datetime.date(year, 1, 1), published_on__lt=datetime.date(year + 1, 1, 1))
    return (
        rows.only("pk", "title", "summary", "body", "published_on")
        .prefetch_related(*_story_prefetches())
        .order_by("-published_on", "-id")
    )


def story_get_public(*, pk: int) -> Story:
    story = published_stories().filter(pk=pk).select_related("congress").prefetch_related(*_story_prefetches()).first()
    if story is None:
        raise Http404
    return story


def photo_get(*, pk: int, actor=None) -> StoryPhoto:
    """A story's photo for the public (its story published) or for staff of the story's congress."""
    photo = (
        StoryPhoto.objects.filter(pk=pk)
        .select_related("story")
        .only("pk", "file", "extension", "story__is_published", "story__congress_id")
        .first()
    )
    if photo is None:
        raise Http404
    if photo.story.is_published:
        return photo
    from .services import is_story_editor

    if actor is not None and is_story_editor(actor, photo.story.congress_id):
        return photo
    raise Http404


@dataclasses.dataclass
class Profile:
    deputy: Deputy
    groups: list
    suggestions: list
    stories: list
    stations: list
    duties: list


def deputy_profile(*, pk: int, today: datetime.date | None = None) -> Profile:
    """A public deputy's profile, in a fixed number of queries whatever the rows: the mandate,
    groups, published suggestions (led or co-signed), stories, stations and coming duty."""
    today = today or timezone.localdate()
    deputy = (
        public_deputies()
        .filter(pk=pk)
        .select_related("congress", "term", "electoral_unit")
        .only(
            "pk",
            "name",
            "occupation",
            "employer",
            "public_bio",
            "congress__name",
            "term__name",
            "electoral_unit__name",
        )
        .first()
    )
    if deputy is None:
        raise Http404
    groups = list(DeputyGroup.objects.filter(members=deputy).only("pk", "name", "kind").order_by("kind", "name", "pk"))
    confirmed = CoSigner.objects.filter(deputy_id=deputy.pk, status=CoSigner.Status.CONFIRMED).values("suggestion_id")
    suggestions = list(
        public_suggestions()
        .filter(Q(lead_deputy_id=deputy.pk) | Q(pk__in=confirmed))
        .order_by("-published_at", "-id")
        .values("pk", "title", "number", "number_series", "published_at", "lead_deputy_id", "session__name")[
            :PROFILE_SUGGESTIONS
        ]
    )
    for row in suggestions:
        row["number_label"] = f"{row['number_series']}第{row['number']}号" if row["number"] else ""
        row["led"] = row["lead_deputy_id"] == deputy.pk
        row["published_on"] = timezone.localtime(row["published_at"]).date() if row["published_at"] else None
    stories = list(
        published_stories()
        .filter(deputies=deputy)
        .only("pk", "title", "summary", "published_on")
        .order_by("-published_on", "-id")[:PROFILE_STORIES]
    )
    stations = list(
        Station.objects.filter(deputies=deputy, is_active=True)
        .only("pk", "name", "district", "street", "address")
        .order_by("district", "street", "name", "pk")
    )
    duties = list(
        Duty.objects.filter(
            deputy_id=deputy.pk,
            station__is_active=True,
            cancelled_at__isnull=True,
            date__gte=today,
            date__lt=today + datetime.timedelta(days=DUTY_DAYS),
        )
        .select_related("station")
        .only("pk", "date", "start_time", "end_time", "station__id", "station__name")
        .order_by("date", "start_time", "pk")
    )
    return Profile(
        deputy=deputy, groups=groups, suggestions=suggestions, stories=stories, stations=stations, duties=duties
    )
