"""``{% figure key link value %}``: a dashboard figure, a link to the list behind it for staff,
the bare number for an SC leader (the lists are the office's; ``links`` in the context)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def figure(context, key, link, value, kind="figure"):
    """``kind`` "total" marks a figure that adds up a column of the list rather than counting its rows."""
    attribute = "data-total" if kind == "total" else "data-figure"
    if context.get("links"):
        return format_html('<a {}="{}" href="{}">{}</a>', attribute, key, link, value)
    return format_html('<span {}="{}">{}</span>', attribute, key, value)
