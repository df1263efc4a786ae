"""Validators for Chinese mobile numbers and resident ID numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_mobile(value: str | None) -> str:
    """Strip spaces, dashes and a +86 prefix; return '' for empty input."""
    if value is None:
        return ""
    digits = re.sub(r"[\s\-]", "", str(value))
    if digits.startswith("+86"):
        digits = digits[3:]
    if digits.endswith(".0"):  # a number cell read from Excel as a float
        digits = digits[:-2]
    return digits


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(value):
        raise ValidationError(_("A mobile number has 11 digits and starts with 1."), code="invalid_mobile")


def id_number_checksum_ok(value: str) -> bool:
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def validate_id_number(value: str) -> None:
    """A resident ID number: 18 characters and a correct check digit (GB 11643)."""
    if not value:
        return
    value = value.upper()
    if not ID_RE.match(value) or not id_number_checksum_ok(value):
        raise ValidationError(_("The ID number's format or check digit is wrong."), code="invalid_id_number")
