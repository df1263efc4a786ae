import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(?:\d+[.、)]|[（(]\d+[)）])\s*(.*)$")


@register.filter
def render_body(text: str) -> str:
    """Plain text to paragraphs and lists. Everything is escaped first, so no markup survives."""
    blocks, out = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()), []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{escape(_BULLET.match(line).group(1))}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{escape(_NUMBERED.match(line).group(1))}</li>" for line in lines)
            out.append(f"<ol>{items}</ol>")
        else:
            out.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return mark_safe("".join(out))


@register.filter
def days_left(deadline, today=None):
    """Days until a date (negative when past)."""
    import datetime

    from django.utils import timezone

    if not deadline:
        return ""
    today = today or timezone.localdate()
    if isinstance(deadline, datetime.datetime):
        deadline = deadline.date()
    return (deadline - today).days
