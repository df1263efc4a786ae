"""Forms of the liaison pages: parsing only; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.public_forms import PublicFormMixin

from .models import Opinion

STARTED_SALT = "liaison.opinion.started"


class OpinionForm(PublicFormMixin, forms.Form):
    """The public's opinion form. Besides the fields (core.public_forms): a honeypot that people
    never see (an empty ``website`` field hidden by the stylesheet) and the signed time the form
    was drawn, at least PUBLIC_FORM_MIN_FILL_SECONDS before it is sent."""

    started_salt = STARTED_SALT

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

    def chosen_deputy(self):
        return self.deputies.get(self.cleaned_data.get("deputy"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DutyCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=200,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("The deputy is told, with this reason."),
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel this duty: it leaves the public schedule and the ledger."),
        error_messages={"required": _("Please confirm that the duty is to be cancelled.")},
    )


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
    overdue = forms.BooleanField(label=_("Unanswered too long only"), required=False)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(Opinion.Status.choices)
        self.fields["station"].choices = [("", _("All"))] + list(stations)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": data.get("status") or "",
            "station_id": data.get("station"),
            "overdue": bool(data.get("overdue")),
        }
