"""Text that users type: stored tag-free, rendered escaped."""

import re
from itertools import groupby

import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext_lazy


def clean_text(value: str) -> str:
    """Store plain text only: any HTML (scripts included) is removed, the text kept.

    Paragraphs and lists are written as blank lines and "- " or "1." lines and
    rendered by ``render_body``, which escapes everything first.
    """
    return nh3.clean(value or "", tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").strip()


_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(?:\d+[.、)]|[（(]\d+[)）])\s*(.*)$")


def _line_kind(line: str) -> str:
    if _BULLET.match(line):
        return "ul"
    if _NUMBERED.match(line):
        return "ol"
    return "p"


def render_body(text: str) -> str:
    """Plain text to paragraphs and lists. Everything is escaped first, so no markup survives.

    Within a block, runs of "- " lines become a bulleted list, runs of "1." lines a
    numbered list, and other lines a paragraph (an intro line may precede a list).
    """
    blocks, out = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()), []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        for kind, run in groupby(lines, key=_line_kind):
            run = list(run)
            if kind == "ul":
                out.append("<ul>" + "".join(f"<li>{escape(_BULLET.match(x).group(1))}</li>" for x in run) + "</ul>")
            elif kind == "ol":
                out.append("<ol>" + "".join(f"<li>{escape(_NUMBERED.match(x).group(1))}</li>" for x in run) + "</ol>")
            else:
                out.append("<p>" + "<br>".join(escape(x) for x in run) + "</p>")
    return mark_safe("".join(out))


# Django's own length messages, re-declared so that our catalogue (LOCALE_PATHS, which wins over
# Django's) words them plainly: Django's Chinese says "确保该变量包含不超过 200 字符" ("变量" is
# programmer's wording). The msgids and plural forms must stay exactly Django's (validators.py).
DJANGO_LENGTH_MESSAGES = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)


def pinyin_sort_key(text: str) -> str:
    """A key that sorts Chinese names in pinyin order (市公安局 before 市交通运输局): each character's
    toneless pinyin, then the text itself so that homophones keep a fixed order. Letters and
    digits stay as they are, lower-cased."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text or "", style=Style.NORMAL, errors=lambda chars: list(chars))
    return (" ".join(s.lower() for s in syllables) + "|" + (text or ""))[:400]
