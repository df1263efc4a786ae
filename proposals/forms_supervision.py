"""Forms of the key-supervision pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InstructionForm(forms.Form):
    text = forms.CharField(
        label=_("Instruction"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UnitReportForm(forms.Form):
    note = forms.CharField(
        label=_("Progress"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reported_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), initial=timezone.localdate
    )
