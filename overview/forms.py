from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Congress

YEARS_BACK = 10


class DashboardFilterForm(forms.Form):
    """Which level, congress (a district among them), term, session and year the dashboard
    shows; a value outside the choices is dropped (the defaults are used), never an error page."""

    level = forms.ChoiceField(label=_("Level"), required=False)
    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int, required=False, empty_value=None)
    term = forms.TypedChoiceField(label=_("Term"), coerce=int, required=False, empty_value=None)
    session = forms.TypedChoiceField(label=_("Session"), coerce=int, required=False, empty_value=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, congresses=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        levels = dict(Congress.Level.choices)
        present = list(dict.fromkeys(c.level for c in congresses))
        self.fields["level"].choices = [("", _("All levels"))] + [(code, levels.get(code, code)) for code in present]
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        terms = list({s.term_id: s.term for s in sessions}.values())
        self.fields["term"].choices = [(t.pk, t.name) for t in terms]
        self.fields["session"].choices = [(s.pk, s.name) for s in sessions]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year + 1, this_year - YEARS_BACK, -1)]

    def value(self, name: str):
        """The field's valid value, or None (an unbound or refused field)."""
        if not self.is_bound:
            return None
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name)
