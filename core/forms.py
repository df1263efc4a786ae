"""Form helpers shared by every app."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

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


# --- Confirming an irreversible action ----------------------------------------------------------
#
# No JavaScript pop-up (the CSP allows no inline script, and confirm() is easy to click away):
# the form carries a required checkbox that states what happens, and the view refuses the action
# with a message when it is not ticked. Use ConfirmationMixin on a form that only does the action,
# or ConfirmForm beside a form whose other buttons (e.g. "Save draft") need no confirmation.

CONFIRM_FIELD = "confirm"


def _confirm_field(label) -> forms.BooleanField:
    from django.utils.translation import gettext_lazy as _

    return forms.BooleanField(
        label=label,
        required=True,
        error_messages={"required": _("Tick the box to confirm: this step cannot be undone.")},
    )


class ConfirmationMixin:
    """Adds the required ``confirm`` checkbox to a form; ``confirm_label`` states what happens
    (e.g. "I have checked the item: publishing it shows it on the public site")."""

    confirm_label = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.translation import gettext_lazy as _

        self.fields[CONFIRM_FIELD] = _confirm_field(self.confirm_label or _("I confirm: this cannot be undone."))


class ConfirmForm(ConfirmationMixin, forms.Form):
    """The checkbox alone, validated only when the irreversible button was pressed."""

    def __init__(self, *args, label=None, **kwargs):
        if label is not None:
            self.confirm_label = label
        super().__init__(*args, **kwargs)

    @property
    def refusal(self) -> str:
        """The message to show when the box was not ticked ("" when it was)."""
        if self.is_valid():
            return ""
        return " ".join(self.errors.get(CONFIRM_FIELD, []))


class FormRenderer(DjangoTemplates):
    """Django's renderer, looking first in the project's templates: templates/django/forms/p.html
    puts the announced error summary (includes/form_errors.html) above every ``form.as_p``."""

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [settings.BASE_DIR / "templates", Path(forms.__file__).parent / "templates"],
                "NAME": "portalforms",
                "OPTIONS": {},
            }
        )
