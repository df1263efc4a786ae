"""Forms of the two connections' pages: parsing only; the rules are in services_contacts.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ContactRecord, OpinionRouting


class DateInput(forms.DateInput):
    input_type = "date"


class ContactForm(forms.Form):
    assignment = forms.TypedChoiceField(
        label=_("Deputy"), coerce=int, error_messages={"invalid_choice": _("Choose one of your deputies.")}
    )
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactRecord.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    opinions = forms.CharField(
        label=_("Opinions gathered"), required=False, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000})
    )

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [(a.pk, a.deputy.name) for a in assignments]


class RouteForm(forms.Form):
    target = forms.ChoiceField(label=_("Send to"), choices=OpinionRouting.Target.choices)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    text = forms.CharField(label=_("Opinion as sent"), widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000}))

    def __init__(self, *args, committees=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["unit"].queryset = units


class TopicInviteForm(forms.Form):
    deputies = forms.ModelMultipleChoiceField(label=_("Deputies"), queryset=None)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = candidates


class WideCircleForm(forms.Form):
    cap = forms.IntegerField(label=_("At most this many deputies"), min_value=1, max_value=500, initial=20)


class SymposiumForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)


class TopicOpinionForm(forms.Form):
    text = forms.CharField(label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}))


class CoverageForm(forms.Form):
    congress = forms.TypedChoiceField(label=_("Congress"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, congresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].choices = [(c.pk, c.name) for c in congresses]


class ConsultationForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    draft = forms.CharField(
        label=_("Draft"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One article per paragraph: leave a blank line between articles."),
    )
    by_article = forms.BooleanField(label=_("Comments by article"), required=False, initial=True)
    closes_on = forms.DateField(label=_("Comments close on"), widget=DateInput)

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class CommentForm(forms.Form):
    article = forms.TypedChoiceField(label=_("Article"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}))

    def __init__(self, *args, articles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [("", "—")] + [(a.pk, _("Article %(n)d") % {"n": a.number}) for a in articles]


class DecideForm(forms.Form):
    adopted = forms.TypedChoiceField(
        label=_("Adopted"), choices=[("1", _("Adopted")), ("0", _("Not adopted"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("How it was handled"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
