"""The year and congress a report is drawn up for: validation only."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The portal holds no record older than this; a report for an earlier year is a typing error.
FIRST_YEAR = 2000


def last_year() -> int:
    return timezone.localdate().year


class ReportForm(forms.Form):
    """``year`` (FIRST_YEAR to this year, this year when left out) and ``congress`` (one of the
    staff member's congresses, their own when left out). ``electoral_unit`` and ``order`` are
    read by the reports that use them."""

    year = forms.IntegerField(label=_("Year"), required=False)
    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int, required=False, empty_value=None)
    electoral_unit = forms.TypedChoiceField(label=_("Electoral unit"), coerce=int, required=False, empty_value=None)
    order = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, congresses, units=(), default_congress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.congresses = {c.pk: c for c in congresses}
        self.units = {u.pk: u for u in units}
        self.default_congress = default_congress
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]
        self.fields["congress"].error_messages["invalid_choice"] = _("Choose one of the congresses in the list.")
        self.fields["electoral_unit"].choices = [("", _("Choose an electoral unit"))] + [(u.pk, u.name) for u in units]
        self.fields["electoral_unit"].error_messages["invalid_choice"] = _(
            "Choose one of the electoral units in the list."
        )
        self.fields["year"].error_messages["invalid"] = _("Enter the year as four digits, e.g. 2024.")
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": last_year(), "inputmode": "numeric"})

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is None:
            return last_year()
        if not FIRST_YEAR <= year <= last_year():
            raise forms.ValidationError(
                _("Choose a year from %(first)d to %(last)d."), params={"first": FIRST_YEAR, "last": last_year()}
            )
        return year

    def clean_congress(self):
        pk = self.cleaned_data.get("congress")
        if pk is None:
            return self.default_congress
        return self.congresses[pk]

    def clean_electoral_unit(self):
        pk = self.cleaned_data.get("electoral_unit")
        return None if pk is None else self.units[pk]

    def clean(self):
        data = super().clean()
        if "congress" in data and data["congress"] is None:
            raise forms.ValidationError(_("No congress is within your scope."))
        unit, congress = data.get("electoral_unit"), data.get("congress")
        if unit is not None and congress is not None and unit.congress_id != congress.pk:
            self.add_error("electoral_unit", _("Choose one of the electoral units in the list."))
        return data
