"""``num``: a decimal figure without trailing zeros or an exponent (10.00 → 10, 2.50 → 2.5)."""

from decimal import Decimal

from django import template

register = template.Library()


def plain(value) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return format(value.normalize(), "f")


@register.filter
def num(value) -> str:
    return plain(value)
