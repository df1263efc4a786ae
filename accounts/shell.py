"""A page's frame (base.html: header, navigation, switches, footer) drawn once for anonymous readers.

For an anonymous visitor with no message waiting, everything base.html draws around a page's
own content depends only on the template, the language, the display mode (a cookie) and which
header link is the current one; besides that, only the CSRF token of the switches' forms and the
``next`` path they send differ from one request to the next. ``render_page`` renders the
template once for each such combination with markers in place of the page's slots, keeps the
result as literal pieces for the life of the process, and answers each request by joining the
pieces with that request's own values (escaped). Signed-in users, pages with messages, and
DEBUG (templates edited while the server runs) take the template engine every time.

The output is the template's own, byte for byte but the token: ``tests/proposals/test_renditions.py``
compares both. Nothing here reads the database.
"""

import re
import threading
from html import escape

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_urlconf
from django.utils import translation
from django.utils.safestring import mark_safe

from core import registry

from .display import mode_for

# A marker is text no escaping changes and no page holds: NUL never reaches a page (the
# middleware refuses it in requests; rendered text never carries it).
_MARK = "\x00slot:{}\x00"
_SPLIT = re.compile("\x00slot:([a-z_]+)\x00")
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
NEXT = "shell_next"

_frames: dict = {}
_hrefs: dict = {}
_lock = threading.Lock()


def _reset(**kwargs) -> None:
    _frames.clear()
    _hrefs.clear()


setting_changed.connect(_reset)


def usable(request) -> bool:
    """Whether this request may be answered from a kept frame."""
    if settings.DEBUG or request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    # len() loads the waiting messages without marking them shown.
    return not (messages is not None and len(messages))


def _href(item) -> str:
    # A link's URL is fixed for the process's URLconf (reset with the settings).
    key = (item.url, get_urlconf())
    href = _hrefs.get(key)
    if href is None:
        href = _hrefs[key] = item.href
    return href


def _nav_signature(request) -> tuple:
    path = request.path
    out = []
    for entry in registry.navigation.entries():
        for item in entry.func(request):
            href = _href(item)
            prefix = item.active_prefix
            out.append((href, path == href or bool(prefix and path.startswith(prefix))))
    return tuple(out)


def _frame(request, template_name: str, slots: tuple[str, ...], context: dict) -> list:
    key = (template_name, slots, translation.get_language(), mode_for(request), _nav_signature(request))
    frame = _frames.get(key)
    if frame is None:
        marked = {name: mark_safe(_MARK.format(name)) for name in slots}
        html = render_to_string(template_name, {**context, **marked, NEXT: _MARK.format("next")}, request)
        html = _TOKEN.sub(lambda m: m.group(1) + _MARK.format("csrf") + m.group(2), html)
        # Literal pieces at even positions, slot names at odd ones.
        frame = _SPLIT.split(html)
        with _lock:
            _frames[key] = frame
    return frame


def render_page(request, template_name: str, *, safe: dict, text: dict, context: dict | None = None) -> HttpResponse:
    """The template rendered for this anonymous request, ``safe`` slots (HTML) and ``text`` slots
    (escaped here) filled in. ``context`` is the rest of what the template reads: values that are
    the same for every request of this template (they are drawn once)."""
    slots = tuple(sorted((*safe, *text)))
    frame = _frame(request, template_name, slots, context or {})
    values = {name: str(value) for name, value in safe.items()}
    values.update({name: escape(str(value)) for name, value in text.items()})
    parts = frame[:]
    wanted = set(parts[1::2])
    if "next" in wanted:
        values["next"] = escape(request.get_full_path())
    if "csrf" in wanted:
        values["csrf"] = get_token(request)  # also sets the visitor's CSRF cookie, as rendering does
    for i in range(1, len(parts), 2):
        parts[i] = values[parts[i]]
    return HttpResponse("".join(parts))
