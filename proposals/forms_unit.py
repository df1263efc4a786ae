"""Forms of the handling-unit pages: parsing only.

The rules (a reason is required, a reply date cannot be in the future, category B needs a
commitment …) live in proposals/services.py; the views put the services' errors on these
forms, next to the field they concern, and the typed text stays in the form.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ConfirmationMixin

from .models import ContactLog, ReplyCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReassignRequestForm(forms.Form):
    # Not required here: the service says what is missing, in the office's words.
    reason = forms.CharField(
        label=_("Why this unit is not the right one"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name the unit you think should handle it, if you know it."),
    )


class ContactForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=ContactLog.Stage.choices, initial=ContactLog.Stage.BEFORE)
    method = forms.ChoiceField(label=_("Method"), choices=ContactLog.Method.choices)
    contacted_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(
        label=_("What was discussed"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(forms.Form):
    # Nothing is required here: the service lists every missing piece at once, in one pass.
    category = forms.ModelChoiceField(
        label=_("Reply category"),
        queryset=ReplyCategory.objects.order_by("order", "code"),
        empty_label=None,
        required=False,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Reply text"), required=False, max_length=50000, widget=forms.Textarea(attrs={"rows": 12})
    )
    signer = forms.CharField(
        label=_("Signed by"), required=False, max_length=40, help_text=_("The leader who signed the reply letter.")
    )
    replied_on = forms.DateField(label=_("Reply date"), widget=DATE, initial=timezone.localdate, required=False)
    letter = forms.FileField(
        label=_("Signed reply letter"),
        required=False,
        help_text=_("Required: the signed, stamped letter as a PDF or a scan (JPEG or PNG)."),
    )
    # Checked by the service with everything else, so a missing tick is listed beside the other problems.
    confirm = forms.BooleanField(
        label=_(
            "I have checked the reply and the letter: this is the official reply to the deputy and cannot be withdrawn."
        ),
        required=False,
    )


class CommitmentRowForm(forms.Form):
    content = forms.CharField(label=_("What was promised"), required=False, max_length=2000)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        content, due = (data.get("content") or "").strip(), data.get("due_date")
        if bool(content) != bool(due) and "due_date" not in self.errors:
            raise forms.ValidationError(_("Each commitment needs a text and a due date."))
        return data


class BaseCommitmentFormSet(forms.BaseFormSet):
    def rows(self) -> list[tuple[str, object]]:
        """The filled rows as (content, due date); blank rows are ignored."""
        return [
            (form.cleaned_data["content"].strip(), form.cleaned_data["due_date"])
            for form in self.forms
            if form.cleaned_data.get("content", "").strip()
        ]


CommitmentFormSet = forms.formset_factory(
    CommitmentRowForm, formset=BaseCommitmentFormSet, extra=3, max_num=30, validate_max=True
)


class CommitmentProgressForm(forms.Form):
    note = forms.CharField(
        label=_("Progress"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reported_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    fulfilled = forms.BooleanField(label=_("The commitment is fulfilled"), required=False)

    def clean_reported_on(self):
        value = self.cleaned_data["reported_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class AssistingViewForm(ConfirmationMixin, forms.Form):
    confirm_label = _("I confirm: the view goes to the lead unit and cannot be changed afterwards.")

    text = forms.CharField(
        label=_("The unit's written view"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Sent to the lead unit, which takes it into its reply. The deputy is answered by the lead unit."),
    )


class CoSignForm(ConfirmationMixin, forms.Form):
    """A joint unit co-signs the lead unit's reply (会签)."""

    confirm_label = _(
        "I have read the lead unit's reply and its letter: our unit co-signs it, and it goes to the deputy "
        "when every joint unit has co-signed."
    )


class CoSignReturnForm(forms.Form):
    """A joint unit returns the lead unit's reply with its opinion; the service requires the opinion."""

    opinion = forms.CharField(
        label=_("Your unit's opinion"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the lead unit should change before the reply goes to the deputy."),
    )


class ExtensionRequestForm(forms.Form):
    until = forms.DateField(label=_("New date asked for"), widget=DATE, required=False)
    reason = forms.CharField(
        label=_("Why more time is needed"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyLetterForm(forms.Form):
    file = forms.FileField(label=_("Signed reply letter"))


class UnitFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    session = forms.ChoiceField(label=_("Session"), required=False)

    def __init__(self, *args, sessions=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(groups)
        self.fields["session"].choices = [("", _("All sessions"))] + [(str(s.pk), s.name) for s in sessions]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"group": None, "session_id": None}
        session = self.cleaned_data.get("session")
        return {"group": self.cleaned_data.get("status") or None, "session_id": int(session) if session else None}
