"""Forms of the training pages: parsing only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ConfirmationMixin, IdsChoiceField

from .models import AudienceKind, Course, DataRequest, Feedback, Material

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)d files at once.") % {"n": MAX_FILES})
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        if self.required and not cleaned:
            raise forms.ValidationError(_("Choose a file."))
        return cleaned


class AudienceForm(forms.Form):
    """The audience fields and the congress, with choices limited to the staff's congresses."""

    congress = forms.ModelChoiceField(label=_("Congress"), queryset=None)
    audience = forms.ChoiceField(label=_("Audience"), choices=AudienceKind.choices)
    audience_group = forms.ModelChoiceField(label=_("Deputy group"), queryset=None, required=False)
    audience_unit = forms.ModelChoiceField(label=_("Electoral unit"), queryset=None, required=False)
    audience_since = forms.DateField(
        label=_("By-elected since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    audience_deputies = IdsChoiceField(
        label=_("Deputies (custom list)"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, congresses, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        self.fields["audience_group"].queryset = choices["groups"]
        self.fields["audience_unit"].queryset = choices["units"]
        self.fields["audience_deputies"].queryset = choices["deputies"]
        if congresses.count() == 1:
            self.fields["congress"].initial = congresses.first()

    def audience_kwargs(self, data) -> dict:
        return {
            "congress": data["congress"],
            "audience_kind": data["audience"],
            "group": data.get("audience_group"),
            "unit": data.get("audience_unit"),
            "since": data.get("audience_since"),
            "deputies": list(data.get("audience_deputies") or []),
        }


class MaterialForm(AudienceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    important = forms.BooleanField(label=_("Important"), required=False)
    shared_with_districts = forms.BooleanField(
        label=_("Share with the district offices (typical cases)"), required=False
    )
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    files = MultipleFileField(label=_("Files (PDF, Word, JPEG, PNG)"))

    field_order = ["congress", "title", "kind", "important", "shared_with_districts", "body", "files"]


class CourseForm(AudienceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Course.Kind.choices)
    organiser = forms.CharField(label=_("Organising body"), max_length=100)
    speaker = forms.CharField(label=_("Speaker"), max_length=100, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    enrolment = forms.ChoiceField(label=_("Enrolment"), choices=Course.Enrolment.choices)
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1, max_value=10000)
    congress_session = forms.ModelChoiceField(
        label=_("Congress session (for a briefing)"), queryset=None, required=False
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    field_order = [
        "congress",
        "title",
        "kind",
        "organiser",
        "speaker",
        "place",
        "online_link",
        "enrolment",
        "capacity",
        "congress_session",
        "description",
    ]

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, choices=choices, **kwargs)
        self.fields["congress_session"].queryset = choices["sessions"]


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    speaker = forms.CharField(label=_("Speaker"), max_length=100, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    presenter = forms.CharField(label=_("Presenting body"), max_length=100)


class FilesForm(forms.Form):
    files = MultipleFileField(label=_("Files (PDF, Word, JPEG, PNG)"), required=True)


class PublishForm(ConfirmationMixin, forms.Form):
    confirm_label = _("I have checked it: once sent it cannot be withdrawn, and every deputy of the audience is told.")


class RemindForm(ConfirmationMixin, forms.Form):
    confirm_label = _("Remind every deputy who has not read it. This can be done only once.")


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Overall mark (1–5)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    usefulness = forms.ChoiceField(label=_("Usefulness"), choices=Feedback.Usefulness.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class RequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    wanted = forms.CharField(
        label=_("Information or data wanted"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you need it for in your work as a deputy."),
    )
    suggested_body = forms.CharField(label=_("Body that may hold it (optional)"), max_length=100, required=False)


class RouteForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    workdays = forms.IntegerField(label=_("Working days to answer"), min_value=1, max_value=60)
    note = forms.CharField(label=_("Note to the unit (optional)"), required=False, max_length=1000)

    def __init__(self, *args, units, workdays, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["workdays"].initial = workdays


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DeclineForm(ConfirmationMixin, ReasonForm):
    confirm_label = _("Decline it: the deputy is told the reason, and the request is closed.")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 8}))
    files = MultipleFileField(label=_("Files (PDF, Word, JPEG, PNG)"))


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Did the answer meet your need?"), choices=DataRequest.Rating.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
