"""Forms of the deputies' pages: parsing and validation only; the rules live in services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.uploads import ALLOWED

from .models import Field, Rating, Suggestion
from .selectors import portal as selectors

ACCEPT = ".pdf,.doc,.docx,.jpg,.jpeg,.png," + ",".join(sorted(ALLOWED))

BODY_HELP = _(
    "Plain text. A blank line starts a new paragraph. A paragraph whose lines all start with “- ” "
    "becomes a bulleted list; one whose lines start with “1.”, “2.” … a numbered list. Any HTML is removed."
)


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # Labels stand on their own line: no ":" after them, in either language.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SessionChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, several_congresses: bool = False, **kwargs):
        self.several_congresses = several_congresses
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        if self.several_congresses:
            congress = obj.term.congress
            return f"{congress.short_name or congress.name} · {obj.name}"
        return obj.name


class SuggestionForm(PortalForm):
    """Title, text, field, session and kind of a draft. ``mandates``: the mandates the
    user may draft for (a choice appears only when there are several)."""

    mandate = forms.TypedChoiceField(label=_("As deputy of"), coerce=int, required=True)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Suggestion.Kind.choices, initial=Suggestion.Kind.SUGGESTION, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Text"),
        help_text=BODY_HELP,
        max_length=20000,
        error_messages={"required": _("Enter the text.")},
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.all(),
        empty_label=_("Choose a field"),
        error_messages={"required": _("Choose the field the item concerns.")},
    )
    session = SessionChoiceField(
        label=_("Congress session"),
        queryset=None,
        required=False,
        empty_label=_("Between sessions"),
        help_text=_("Choose the session during which you submit it; leave “Between sessions” otherwise."),
    )

    def __init__(self, *args, mandates, **kwargs):
        super().__init__(*args, **kwargs)
        self.mandates = list(mandates)
        congress_ids = {m.congress_id for m in self.mandates}
        self.fields["session"].queryset = selectors.sessions_for_mandates(self.mandates)
        self.fields["session"].several_congresses = len(congress_ids) > 1
        if len(self.mandates) > 1:
            self.fields["mandate"].choices = [(m.pk, f"{m.congress.name} · {m.term.name}") for m in self.mandates]
        else:
            del self.fields["mandate"]
        minimums = sorted({m.congress.motion_min_cosigners for m in self.mandates})
        if len(minimums) == 1:
            self.fields["kind"].help_text = _(
                "A motion needs at least %(n)d deputies jointly (you included): invite co-signers before submitting it."
            ) % {"n": minimums[0]}

    def chosen_mandate(self):
        if len(self.mandates) == 1:
            return self.mandates[0]
        pk = self.cleaned_data.get("mandate")
        return next((m for m in self.mandates if m.pk == pk), None)

    def clean(self):
        cleaned = super().clean()
        mandate = self.chosen_mandate() if "mandate" not in self.errors else None
        session = cleaned.get("session")
        if mandate is not None and session is not None and session.term_id != mandate.term_id:
            self.add_error("session", _("Choose a session of your own congress and term."))
        return cleaned


class InviteForm(PortalForm):
    names = forms.CharField(
        label=_("Deputies to invite"),
        help_text=_(
            "Names one per line or separated by commas. For namesakes add the electoral unit in brackets, e.g. 王芳（玄武区）."
        ),
        max_length=2000,
        error_messages={"required": _("Enter at least one name.")},
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion

    def clean_names(self):
        names = selectors.split_names(self.cleaned_data["names"])
        if not names:
            raise ValidationError(_("Enter at least one name."))
        if len(names) > 100:
            raise ValidationError(_("Invite at most 100 deputies at once."))
        found, unknown, ambiguous = selectors.resolve_deputy_names(suggestion=self.suggestion, names=names)
        errors = []
        for name in unknown:
            errors.append(
                ValidationError(
                    _("No serving deputy of this congress is called “%(name)s”. Check the spelling."),
                    params={"name": name},
                )
            )
        for name, candidates in ambiguous:
            options = "、".join(f"{d.name}（{d.electoral_unit.name}）" for d in candidates)
            errors.append(
                ValidationError(
                    _(
                        "Several deputies are called “%(name)s”: %(options)s. Write the one you mean with the electoral unit in brackets."
                    ),
                    params={"name": name, "options": options},
                )
            )
        if any(d.pk == self.suggestion.lead_deputy_id for d in found):
            errors.append(ValidationError(_("You are the lead deputy: you need not invite yourself.")))
        if errors:
            raise ValidationError(errors)
        self.cleaned_data["deputies"] = found
        return names


class AttachmentForm(PortalForm):
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a file to upload."), "empty": _("The file is empty.")},
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, Word (.doc, .docx), JPEG or PNG, at most %(size)s.") % {
            "size": filesizeformat(settings.PROPOSALS_ATTACHMENT_MAX_BYTES)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PROPOSALS_ATTACHMENT_MAX_BYTES
        # The service checks this too; here the message names the limit in readable units.
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; at most %(limit)s is accepted."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload


class RatingForm(PortalForm):
    value = forms.ChoiceField(
        label=_("Your rating"),
        choices=Rating.Value.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, basically satisfied or unsatisfied.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        help_text=_("Required when you are unsatisfied: say what is missing, so the unit can handle it again."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RespondForm(PortalForm):
    answer = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("decline", _("Decline"))])
    next = forms.CharField(required=False, max_length=300)


class UnitSearchForm(PortalForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit or contact name")}),
    )
