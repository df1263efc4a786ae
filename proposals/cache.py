"""Whole public pages (/proposals/…) kept in Django's cache for anonymous visitors.

A page is stored under its path and query string, the language and a version number; every
write that can change a public page (publication, unpublication, a reply, a rating, a withdrawn
assignment, an attachment cleared or withdrawn, any workflow step: see ``services``) calls
``public_pages_changed()`` (``core.public_cache``, re-exported here; livelihood and liaison call
it too), which adds one to the version after the transaction commits, so the next request
renders afresh. One ``incr`` invalidates every page; the stale entries are never read
again and expire after ``PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS`` (default 300; 0 turns the cache off,
the default under the tests so that rows made by the builders, which bypass the services, are
never hidden by a page cached in an earlier test). The expiry also bounds how long a change made
outside this app (a deputy's or a unit's name) or a bump lost while Redis was down stays unseen.

Not served from the cache, and never stored: logged-in users (their pages differ), requests with
messages waiting, anything but GET, answers other than 200 or answers that set a cookie. Every page
carries the language switch's form, whose CSRF token belongs to the visitor: it is stored as a
placeholder and each visitor's own token is put in when the page is served (which also sets their
CSRF cookie, as rendering would). With Redis down, FailSafeRedisCache answers every call as a
miss: pages are then simply rendered each time.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction  # noqa: F401 - callers and tests wrap public_pages_changed() in it
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from accounts.display import mode_for as display_mode_for

# The version and its bump live in core (livelihood and liaison, beside this app, bump it too);
# re-exported so that every caller of proposals.cache keeps working.
from core.public_cache import (  # noqa: F401
    VERSION_KEY,
    _bump,
    _fresh_version,
    public_pages_changed,
)
from core.public_cache import current_version as _version

# The reader's display setting (large text, high contrast: a cookie) changes the page's <html> class.
PAGE_KEY = "proposals:public-page:{version}:{language}:{display}:{digest}"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_PLACEHOLDER = b'name="csrfmiddlewaretoken" value="\x00csrf\x00"'
# Headers the view itself sets (the middleware adds the rest to every answer, cached or not).
_KEPT_HEADERS = ("Content-Type", "Last-Modified", "Content-Disposition")


def page_cache_seconds() -> int:
    default = 0 if getattr(settings, "TESTING", False) else 300
    return getattr(settings, "PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS", default)


def _cacheable_request(request) -> bool:
    if request.method != "GET":
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    # len() loads the waiting messages without marking them shown.
    return not (messages is not None and len(messages))


def serve(request, render):
    """The cached page for this anonymous request, or ``render()``'s answer (stored when it can be)."""
    seconds = page_cache_seconds()
    if seconds <= 0 or not _cacheable_request(request):
        return render()
    version = _version()
    if version is None:  # the cache is unavailable
        return render()
    digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    key = PAGE_KEY.format(
        version=version, language=translation.get_language() or "", display=display_mode_for(request), digest=digest
    )
    hit = cache.get(key)
    if hit is not None:
        content, headers = hit
        if _PLACEHOLDER in content:
            content = content.replace(_PLACEHOLDER, f'name="csrfmiddlewaretoken" value="{get_token(request)}"'.encode())
        return HttpResponse(content, headers=headers)
    response = render()
    if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
        cache.set(key, (_TOKEN.sub(_PLACEHOLDER, response.content), headers), seconds)
    return response


def cached_public_page(view):
    """Decorator for a public view: ``serve`` around it."""

    def wrapper(request, *args, **kwargs):
        return serve(request, lambda: view(request, *args, **kwargs))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    wrapper.__wrapped__ = view
    return wrapper
