from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile, validate_mobile

from .models import CredentialsReview, Deputy


class ByElectionForm(forms.Form):
    """Record the by-election that fills one vacancy, with the elected deputy's roster data."""

    held_on = forms.DateField(label=_("By-election date"), widget=forms.DateInput(attrs={"type": "date"}))
    held_by = forms.CharField(
        label=_("Held by"), max_length=60, help_text=_("e.g. the district congress standing committee")
    )
    review = forms.ModelChoiceField(
        label=_("Credentials review"), queryset=CredentialsReview.objects.none(), required=False
    )
    name = forms.CharField(label=_("Name"), max_length=30)
    gender = forms.ChoiceField(label=_("Gender"), choices=Deputy.Gender.choices)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, initial="汉族")
    birth_year = forms.IntegerField(label=_("Birth year"), min_value=1900, max_value=2100, required=False)
    party = forms.CharField(label=_("Party"), max_length=30, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=60, required=False)
    employer = forms.CharField(label=_("Employer and position"), max_length=120, required=False)
    is_grassroots = forms.BooleanField(label=_("Grassroots deputy"), required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)

    def __init__(self, *args, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        if term is not None:
            self.fields["review"].queryset = CredentialsReview.objects.filter(
                term=term, status=CredentialsReview.Status.DRAFT
            )

    def clean_mobile(self):
        value = normalize_mobile(self.cleaned_data.get("mobile"))
        validate_mobile(value)
        return value

    def elected_fields(self) -> dict:
        keys = [
            "name",
            "gender",
            "ethnicity",
            "birth_year",
            "party",
            "occupation",
            "employer",
            "is_grassroots",
            "mobile",
        ]
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k) not in (None, "")} | {
            "is_grassroots": self.cleaned_data["is_grassroots"]
        }


# --- Activities, attendance and the performance archive ----------------------------------
#
