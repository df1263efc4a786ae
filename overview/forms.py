from django import forms
from django.utils.translation import gettext_lazy as _


class DashboardFilterForm(forms.Form):
    """Which congress and session the dashboard shows; a value outside the choices is dropped
    (the defaults are used), never an error page."""

    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int, required=False, empty_value=None)
    session = forms.TypedChoiceField(label=_("Session"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, congresses=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        self.fields["session"].choices = [(s.pk, s.name) for s in sessions]

    def value(self, name: str):
        """The field's valid value, or None (an unbound or refused field)."""
        if not self.is_bound:
            return None
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name)
