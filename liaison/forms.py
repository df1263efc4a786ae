"""Forms of the liaison pages: parsing only; the rules are in services.py."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import Opinion

STARTED_SALT = "liaison.opinion.started"
# A person needs more than this to read the form and write something.
MIN_FILL_SECONDS = 2
# A form left open longer than a day is sent again from a fresh page.
MAX_FILL_SECONDS = 24 * 3600
HONEYPOT = "website"
STARTED = "started"


def started_token() -> str:
    """The signed time the form was drawn, for its hidden field."""
    return signing.dumps(time.time(), salt=STARTED_SALT)


class OpinionForm(forms.Form):
    """The public's opinion form. Besides the fields: a honeypot that people never see (an
    empty ``website`` field hidden by the stylesheet) and the signed time the form was drawn."""

    deputy = forms.TypedChoiceField(label=_("To a deputy (optional)"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label=_("Category"), choices=Opinion.Category.choices)
    text = forms.CharField(
        label=_("Your opinion"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
        strip=True,
        error_messages={"required": _("Please write your opinion.")},
    )
    author_name = forms.CharField(label=_("Your name (optional)"), required=False, strip=True)
    contact = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        strip=True,
        help_text=_("Only the office and the person handling your opinion see it."),
    )

    def __init__(self, *args, deputies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = {d.pk: d for d in deputies}
        self.fields["deputy"].choices = [("", _("Any deputy of the station"))] + [
            (d.pk, d.name) for d in self.deputies.values()
        ]

    def clean(self):
        data = super().clean()
        if (self.data.get(HONEYPOT) or "").strip():
            raise forms.ValidationError(_("Your opinion could not be sent. Please try again."), code="honeypot")
        try:
            started = signing.loads(self.data.get(STARTED) or "", salt=STARTED_SALT, max_age=MAX_FILL_SECONDS)
            elapsed = time.time() - float(started)
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                _("This form has expired. Please check your opinion and send it again."), code="expired"
            )
        if elapsed < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was very quick. Please check your opinion and send it again."), code="too_fast"
            )
        return data

    def chosen_deputy(self):
        return self.deputies.get(self.cleaned_data.get("deputy"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda u: u.full_name or u.email


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the citizen"), widget=forms.Textarea(attrs={"rows": 6}))


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of handled opinions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the station's public page. No names, phone numbers or other personal data."),
    )


class OfficeFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    station = forms.TypedChoiceField(label=_("Station"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(Opinion.Status.choices)
        self.fields["station"].choices = [("", _("All"))] + list(stations)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status") or "", "station_id": data.get("station")}
