"""Forms of the awards pages (评优): validation only; the rules are in ``services_awards``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ConfirmationMixin, IdsChoiceField

from .models import Award

K = Award.Kind


class YearForm(forms.Form):
    """The office page's ``?year=`` (this year when missing or bad)."""

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)

    def year_or_default(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class CandidateSearchForm(forms.Form):
    """The nomination page's GET part: which congress, year and kind, and words to find the subject."""

    congress = forms.TypedChoiceField(label=_("Congress"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    kind = forms.ChoiceField(label=_("Award"), choices=K.choices, required=False)
    q = forms.CharField(label=_("Find by words in the title or name"), required=False, max_length=60, strip=True)

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]

    def values(self, *, default_congress: int) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "congress": data.get("congress") or default_congress,
            "year": data.get("year") or timezone.localdate().year,
            "kind": data.get("kind") or K.EXCELLENT_SUGGESTION,
            "q": data.get("q") or "",
        }


class NominationForm(ConfirmationMixin, forms.Form):
    confirm_label = _("I have checked the nomination: it goes on the year's list of nominations.")

    congress = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(choices=K.choices, widget=forms.HiddenInput)
    subject = forms.IntegerField(label=_("Subject of the award"), required=False, min_value=1, max_value=2**63 - 1)
    person_name = forms.CharField(label=_("Person's name and post"), required=False, max_length=40)
    citation = forms.CharField(
        label=_("Citation"),
        required=False,
        max_length=200,
        help_text=_("One line shown on the public page, e.g. the reason in brief."),
    )
    reason = forms.CharField(
        label=_("Reason for the nomination"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AwardActionForm(ConfirmationMixin, forms.Form):
    """One step on one award: shortlist, not chosen or withdraw the publication."""

    labels = {
        "shortlist": _("I confirm: put it on the shortlist for the chairpersons' meeting."),
        "not_chosen": _("I confirm: it is not chosen this year (it stays on record)."),
        "withdraw": _("I confirm: take this award off the public page."),
    }

    def __init__(self, *args, action: str, **kwargs):
        self.confirm_label = self.labels[action]
        super().__init__(*args, **kwargs)


class DecisionForm(ConfirmationMixin, forms.Form):
    confirm_label = _("I confirm: the chairpersons' meeting decided these awards.")

    awards = IdsChoiceField(label=_("Shortlisted nominations decided"), queryset=Award.objects.none(), required=False)
    meeting = forms.CharField(label=_("Chairpersons' meeting"), required=False, max_length=100)
    decided_on = forms.DateField(
        label=_("Date of the meeting"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, shortlisted, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awards"].queryset = shortlisted
        self.fields["awards"].widget = forms.CheckboxSelectMultiple()


class PublishYearForm(ConfirmationMixin, forms.Form):
    confirm_label = _("I confirm: publish the year's decided awards on the public page.")
