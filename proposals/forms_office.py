"""Forms of the office's back-office pages for suggestions: parsing only.

The rules are in proposals/services.py; the views put a service's refusal on the form
it came from. Choices (sessions, units, deputies, SC leaders) are passed in by the view
from the office selectors, so a district office only ever sees its own.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ConfirmationMixin

from .models import Assignment, Extension, Suggestion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
S = Suggestion.Status


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SuggestionFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, title or deputy")}),
    )
    session = SessionChoiceField(label=_("Session"), queryset=None, required=False, empty_label=_("All sessions"))
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    field = forms.ModelChoiceField(label=_("Field"), queryset=None, required=False, empty_label=_("All fields"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All units"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    key = forms.BooleanField(label=_("Key supervision only"), required=False)
    entered_by_staff = forms.BooleanField(label=_("Entered by staff only"), required=False)
    extension = forms.ChoiceField(label=_("Requests for more time"), required=False)
    urged = forms.BooleanField(label=_("Urged only"), required=False)

    def __init__(self, *args, sessions, fields, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["field"].queryset = fields
        self.fields["unit"].queryset = units
        self.fields["status"].choices = (
            [("", _("All statuses"))]
            + [c for c in S.choices if c[0] != S.DRAFT]
            + [(S.DRAFT, _("Draft (entered by staff)"))]
        )
        self.fields["kind"].choices = [("", _("All kinds"))] + list(Suggestion.Kind.choices)
        # "asked": any request, whatever its outcome; then each outcome (a request still open reads
        # "waiting for a decision", so that it is not mistaken for "asked").
        E = Extension.Status
        self.fields["extension"].choices = [
            ("", _("All")),
            ("asked", _("Any request")),
            (E.REQUESTED, _("Waiting for a decision")),
            (E.GRANTED, E.GRANTED.label),
            (E.REFUSED, E.REFUSED.label),
        ]

    def filters(self) -> dict:
        """The valid filters, ready for ``selectors.office.apply_filters`` (invalid ones are dropped)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "session": data.get("session"),
            "status": data.get("status") or "",
            "kind": data.get("kind") or "",
            "field": data.get("field"),
            "unit": data.get("unit"),
            "overdue": bool(data.get("overdue")),
            "key": bool(data.get("key")),
            "entered_by_staff": bool(data.get("entered_by_staff")),
            "extension": data.get("extension") or "",
            "urged": bool(data.get("urged")),
        }


# --- Review ----------------------------------------------------------------------------------


class AcceptForm(ConfirmationMixin, forms.Form):
    confirm_label = _("I have checked the item: accepting it gives it the next number, which is never reused.")

    broad = forms.BooleanField(
        label=_("Broad or hard case (reply within 6 months)"),
        required=False,
        help_text=_("Deputies Law art. 51: broad or hard cases may be answered within six months."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The deputy sees this reason and may revise and resubmit."),
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(required=False, widget=forms.HiddenInput)
    number = forms.IntegerField(
        label=_("Number of the item to merge into"),
        required=False,
        min_value=1,
        help_text=_("Or search below and choose the item."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if not data.get("into") and not data.get("number") and "number" not in self.errors:
            raise forms.ValidationError(_("Give the number of the item to merge into, or choose it from the search."))
        return data


class ConvertForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("E.g. the presidium's decision not to put it on the agenda."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DeputyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.electoral_unit.name}）"


class PaperSuggestionForm(forms.Form):
    lead_deputy = DeputyChoiceField(label=_("Lead deputy"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Suggestion.Kind.choices, initial=Suggestion.Kind.SUGGESTION)
    session = SessionChoiceField(
        label=_("Session"),
        queryset=None,
        required=False,
        empty_label=_("Between sessions"),
    )
    field = forms.ModelChoiceField(label=_("Field"), queryset=None, required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Type it as on paper: a blank line between paragraphs; “- ” or “1.” for list items."),
    )
    submit_now = forms.BooleanField(
        label=_("Submit for review now"),
        required=False,
        initial=True,
        help_text=_("Leave unticked to keep it as a draft (e.g. a motion still waiting for co-signers)."),
    )

    def __init__(self, *args, deputies, sessions, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_deputy"].queryset = deputies
        self.fields["session"].queryset = sessions
        self.fields["field"].queryset = fields


# --- Assignment ------------------------------------------------------------------------------


class AssignOptionsForm(forms.Form):
    assigned_on = forms.DateField(label=_("Assigned on"), widget=DATE, initial=timezone.localdate)
    pre_assignment = forms.BooleanField(
        label=_("Pre-assignment during the session"),
        required=False,
        help_text=_("Units start preparing before the formal assignment after the session."),
    )

    def clean_assigned_on(self):
        value = self.cleaned_data["assigned_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class AssignRowForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Assignment.Role.choices, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class BaseAssignFormSet(forms.BaseFormSet):
    def rows(self) -> list[tuple]:
        return [
            (form.cleaned_data["unit"], form.cleaned_data.get("role") or Assignment.Role.LEAD)
            for form in self.forms
            if form.cleaned_data.get("unit")
        ]

    def clean(self):
        units = [f.cleaned_data.get("unit") for f in self.forms if getattr(f, "cleaned_data", None)]
        units = [u for u in units if u]
        if len(units) != len(set(units)):
            raise forms.ValidationError(_("Each unit can be chosen once."))


AssignFormSet = forms.formset_factory(AssignRowForm, formset=BaseAssignFormSet, extra=4, max_num=20, validate_max=True)


class DecideReassignForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("grant", _("Grant: withdraw from this unit")), ("refuse", _("Refuse: the unit keeps it"))],
    )
    new_unit = forms.ModelChoiceField(
        label=_("New unit"),
        queryset=None,
        required=False,
        help_text=_("Optional when granting: the unit that takes it over, with fresh deadlines."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and data.get("new_unit"):
            self.add_error("new_unit", _("A new unit can only be named when granting the request."))
        return data


# --- Key supervision, evaluation, closing ------------------------------------------------------


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_position_display()} {obj.deputy.name}"


class KeySupervisionForm(forms.Form):
    sc_leader = LeaderChoiceField(label=_("Leading SC leader"), queryset=None)
    government_leader = forms.CharField(label=_("Government leader in charge"), max_length=60)
    committee = forms.CharField(label=_("Supervising committee"), max_length=60)
    selected_on = forms.DateField(label=_("Selected on"), widget=DATE, initial=timezone.localdate)
    report_every_days = forms.IntegerField(
        label=_("Progress report every (days)"),
        initial=30,
        required=False,
        min_value=7,
        max_value=90,
        help_text=_("Left empty: every 30 days."),
        error_messages={
            "min_value": _("Choose between 7 and 90 days."),
            "max_value": _("Choose between 7 and 90 days."),
            "invalid": _("Choose between 7 and 90 days."),
        },
    )

    def clean_report_every_days(self):
        value = self.cleaned_data["report_every_days"]
        return 30 if value is None else value

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sc_leader"].queryset = leaders


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=_("Progress"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reported_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)

    def clean_reported_on(self):
        value = self.cleaned_data["reported_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class EvaluationForm(forms.Form):
    evaluator = forms.CharField(label=_("Evaluator"), max_length=100)
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DATE, initial=timezone.localdate)
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    score = forms.IntegerField(label=_("Score"), required=False, min_value=0, max_value=100)

    def clean_evaluated_on(self):
        value = self.cleaned_data["evaluated_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class CloseForm(forms.Form):
    publish = forms.BooleanField(label=_("Publish it with its replies"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PublishForm(forms.Form):
    """Publishing shows the item and its replies to everyone, so it asks for the tick; withdrawing does not."""

    published = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    confirm = forms.BooleanField(
        label=_("I have checked the item and its replies: publishing shows them on the public pages."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("published") and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm before publishing."))
        return data


# --- Extensions and urging notices ------------------------------------------------------------


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("grant", _("Grant the new date")), ("refuse", _("Refuse"))],
    )
    until = forms.DateField(
        label=_("New date granted"),
        widget=DATE,
        required=False,
        help_text=_("Empty: the date the unit asked for."),
    )
    note = forms.CharField(label=_("Note to the unit"), required=False, max_length=1000)


class UrgingNoticeForm(ConfirmationMixin, forms.Form):
    confirm_label = _("I confirm: the notice is sent to the unit and recorded.")

    text = forms.CharField(
        label=_("Text of the notice"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: the standard wording with the missed deadline."),
    )
