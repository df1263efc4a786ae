from django import template

from .. import masking
from ..text import render_body as _render_body

register = template.Library()


@register.filter
def render_body(text: str) -> str:
    """Plain text to paragraphs and lists, everything escaped (see ``core.text.render_body``)."""
    return _render_body(text)


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


@register.filter
def mask_mobile(value):
    return masking.mask_mobile(value)


@register.filter
def mask_id_number(value):
    return masking.mask_id_number(value)
