"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

# The range of a 64-bit primary key: an id outside it names no row in any database.
_ID_RANGE = range(-(2**63), 2**63)


def valid_data(form) -> dict:
    """The fields that passed validation: one bad filter (a stale year) does not drop the others."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses, as an invalid choice, an id no database can hold.

    Django's own field checks such ids one by one and then looks all of them up with ``pk__in``,
    which SQLite cannot bind (OverflowError, a server error) when one is beyond 64 bits.
    """

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number at all: Django's own check refuses it
            if number not in _ID_RANGE:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(pk)[:40]}
                )
        return super()._check_values(value)
