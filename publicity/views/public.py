"""Public pages: the stories of deputies' work, one story with its photos, a deputy's public
profile, and the photos themselves.

Thin: parse the query string, ask ``publicity.selectors``, render. The stories pages share the
proposals page cache (anonymous visitors, dropped on every publication or edit); the profile is
rendered each time, since it also shows the station duty that the liaison office changes. A photo
is served only while its story is published (or to staff of the story's congress, uncached).
"""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.text import render_body
from core.views import paginate
from proposals.cache import cached_public_page

from .. import selectors

PAGE_SIZE = 12
EXCERPT_CHARS = 120


def _year(request, years: list[int]) -> int | None:
    """The year asked for, if it is one that has stories; anything else shows every year."""
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and int(value) in years else None


@require_GET
@cached_public_page
def story_list(request):
    years = selectors.story_years()
    year = _year(request, years)
    page = paginate(request, selectors.story_list(year=year), size=PAGE_SIZE)
    for story in page.object_list:
        story.excerpt = story.summary or story.body[:EXCERPT_CHARS] + ("…" if len(story.body) > EXCERPT_CHARS else "")
        story.cover = story.public_photos[0] if story.public_photos else None
    return render(request, "publicity/public/list.html", {"page": page, "years": years, "year": year})


@require_GET
@cached_public_page
def story_detail(request, pk: int):
    story = selectors.story_get_public(pk=pk)
    return render(request, "publicity/public/detail.html", {"story": story, "body_html": render_body(story.body)})


@require_GET
def deputy_profile(request, pk: int):
    profile = selectors.deputy_profile(pk=pk)
    return render(
        request,
        "publicity/public/deputy.html",
        {"profile": profile, "deputy": profile.deputy, "bio_html": render_body(profile.deputy.public_bio)},
    )


@require_GET
def photo(request, pk: int):
    item = selectors.photo_get(pk=pk, actor=request.user)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    content_type = "image/png" if item.extension == ".png" else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # A withdrawn story's photos stop at once for the public: a shared cache must ask again.
    response["Cache-Control"] = "no-cache" if item.story.is_published else "private, no-store"
    return response
