"""A template drawn once per shape, its slots filled in for each request.

Some fragments are drawn for every request of a hot page although they differ only in a few
values: the public list's heading, search form and pager (proposals/public/_list_content.html)
cost more through the template engine than the stored rows they frame. ``render`` takes such a
template's context in two parts:

- ``flags``: the values the template's ``{% if %}`` tags test (a few booleans). Each combination
  of flags, with the language and the URLconf, is one *shape*, drawn once per process.
- ``safe`` (HTML, put in as it is) and ``text`` (escaped here as the template escapes it): the
  values it prints. In a drawn shape each is a marker; a request's values replace the markers.

A name ``a__b`` in any part is given to the template as ``a.b`` (``{"page__number": 2}`` is
``page.number``). With ``framed=False`` (and under DEBUG, where templates change while the
server runs) the template is rendered with the same context as usual: the output is the same,
which ``tests/core/test_fragments.py`` checks. The template must print slots only where a marker
survives unchanged (not through filters) and must test flags only.
"""

import re
import threading
from html import escape

from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_urlconf
from django.utils import translation
from django.utils.safestring import mark_safe

# NUL never reaches a page (the middleware refuses it in requests), so no value holds a marker.
_MARK = "\x00frag:{}\x00"
_SPLIT = re.compile("\x00frag:([a-z_]+)\x00")

_shapes: dict = {}
_lock = threading.Lock()


def _reset(**kwargs) -> None:
    _shapes.clear()


setting_changed.connect(_reset)


def _context(values: dict) -> dict:
    out: dict = {}
    for name, value in values.items():
        head, _, tail = name.partition("__")
        if tail:
            out.setdefault(head, {})[tail] = value
        else:
            out[name] = value
    return out


def render(template_name: str, *, flags: dict, safe: dict, text: dict, framed: bool = True) -> str:
    """The template's output for these values (see the module's text)."""
    if not framed or settings.DEBUG:
        return render_to_string(
            template_name, _context({**flags, **{k: mark_safe(v) for k, v in safe.items()}, **text})
        )
    slots = tuple(sorted((*safe, *text)))
    key = (template_name, tuple(sorted(flags.items())), slots, translation.get_language(), get_urlconf())
    shape = _shapes.get(key)
    if shape is None:
        marked = {name: mark_safe(_MARK.format(name)) for name in slots}
        # Literal pieces at even positions, slot names at odd ones.
        shape = _SPLIT.split(render_to_string(template_name, _context({**flags, **marked})))
        with _lock:
            _shapes[key] = shape
    values = {name: str(value) for name, value in safe.items()}
    values.update({name: escape(str(value)) for name, value in text.items()})
    parts = shape[:]
    for i in range(1, len(parts), 2):
        parts[i] = values[parts[i]]
    return "".join(parts)
