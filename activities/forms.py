from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import MOBILE_RE, normalize_mobile
from core.forms import IdsChoiceField
from core.forms import valid_data as _valid_data
from deputies.models import Deputy, DeputyGroup, ElectoralUnit
from deputies.selectors import ABOVE_CITY, served_from_q

from .models import Participation

# Forms parse and check the shape of what was typed; the services decide (a declined
# invitation needs a reason, only a serving deputy can be present, …) and the views show
# the services' messages next to the fields.


class RespondForm(forms.Form):
    """A deputy's answer to one invitation; the reason is checked by ``participation_respond``."""

    ANSWERS = [("accept", _("Accept")), ("decline", _("Decline"))]

    participation = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=ANSWERS)
    reason = forms.CharField(label=_("Reason for declining"), max_length=200, required=False)


class InviteFilterForm(forms.Form):
    """Narrow the serving deputies shown for invitation: by electoral unit, group, grassroots, name."""

    units = IdsChoiceField(
        label=_("Electoral units"),
        queryset=ElectoralUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label=_("Deputy group"), queryset=DeputyGroup.objects.none(), required=False, empty_label=_("All")
    )
    grassroots = forms.BooleanField(label=_("Grassroots deputies only"), required=False)
    q = forms.CharField(label=_("Name or employer"), max_length=60, required=False)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = ElectoralUnit.objects.filter(
            Q(congress_id=activity.congress_id)
            | Q(congress__level__in=ABOVE_CITY, electing_congress_id=activity.congress_id)
        )
        # The national and provincial groups the congress serves too (item 7).
        self.fields["group"].queryset = DeputyGroup.objects.filter(
            Q(congress_id=activity.congress_id) | served_from_q([activity.congress_id]), term__is_current=True
        )

    def filters(self) -> dict:
        data = _valid_data(self)
        group = data.get("group")
        return {
            "electoral_unit_ids": [u.pk for u in data.get("units") or []],
            "group_id": group.pk if group else None,
            "grassroots_only": bool(data.get("grassroots")),
            "q": (data.get("q") or "").strip(),
        }

    def is_filtered(self) -> bool:
        return any(self.filters().values())


class InviteForm(forms.Form):
    """Who to invite: the ticked deputies, or every deputy the filters show."""

    ACTIONS = [("ticked", _("Invite the ticked deputies")), ("all", _("Invite all deputies shown"))]

    action = forms.ChoiceField(choices=ACTIONS)
    role = forms.ChoiceField(
        label=_("Role"), choices=Participation.Role.choices, initial=Participation.Role.PARTICIPANT
    )
    deputy = IdsChoiceField(queryset=Deputy.objects.none(), required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = candidates
        self.fields["deputy"].error_messages["invalid_choice"] = _(
            "A ticked deputy cannot be invited (already invited, or no longer serving). Reload the page."
        )

    def clean(self):
        data = super().clean()
        if data.get("action") == "ticked" and not data.get("deputy"):
            raise forms.ValidationError(_("Tick at least one deputy, or use “Invite all deputies shown”."))
        return data


ATTENDANCE_CHOICES = [
    (Participation.Status.ATTENDED, _("Attended")),
    (Participation.Status.ABSENT, _("Absent")),
    (Participation.Status.EXCUSED, _("Excused")),
]


class AttendanceForm:
    """The attendance sheet: one status and one reason per invitation, plus walk-ins.

    Not a Django form with a field per row: with hundreds of rows the fields are read
    straight from the POST data (``status-<participation id>``, ``reason-<id>``). Ids that
    are not on this activity's list are passed on, so that the service names them.
    ``row_problems`` marks rows that will fail, to show next to them; the service still
    decides, and its messages are the ones listed at the top.
    """

    STATUSES = {value for value, _label in ATTENDANCE_CHOICES}

    def __init__(self, data=None, *, activity, participations, serving_on_day):
        self.activity = activity
        self.rows = participations
        self.serving_on_day = serving_on_day  # participation id -> bool
        self.data = data
        self.walk_in_text = (data or {}).get("walk_ins", "")
        self.values: dict[int, tuple[str, str]] = {}
        self.foreign: dict[int, tuple[str, str]] = {}
        self.row_problems: dict[int, str] = {}
        self.walk_in_deputies: list[Deputy] = []
        self.walk_in_errors: list[str] = []
        if data is None:
            for p in participations:
                self.values[p.pk] = self.initial_for(p)
        else:
            for p in participations:
                self.values[p.pk] = (data.get(f"status-{p.pk}", ""), data.get(f"reason-{p.pk}", ""))
            own = {p.pk for p in participations}
            for key in data:
                # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
                row = key[7:]
                if key.startswith("status-") and row.isascii() and row.isdigit() and int(row) not in own:
                    self.foreign[int(row)] = (data.get(key, ""), data.get(f"reason-{row}", ""))

    @staticmethod
    def initial_for(p: Participation) -> tuple[str, str]:
        """Accepted → attended; declined → excused with the decline reason; recorded rows as recorded."""
        P = Participation.Status
        if p.status in (P.ATTENDED, P.ABSENT, P.EXCUSED):
            return p.status, p.reason
        if p.status == P.ACCEPTED:
            return P.ATTENDED, ""
        if p.status == P.DECLINED:
            return P.EXCUSED, p.reason
        return "", ""

    def mark_all_attended(self) -> None:
        self.values = {pk: (Participation.Status.ATTENDED, reason) for pk, (_status, reason) in self.values.items()}
        self.row_problems = {}

    @property
    def marks(self) -> dict[int, tuple[str, str]]:
        return {**self.values, **self.foreign}

    def check(self) -> None:
        """Resolve the walk-ins and mark rows that the service will refuse."""
        P = Participation.Status
        by_pk = {p.pk: p for p in self.rows}
        for pk, (status, reason) in self.values.items():
            if status not in self.STATUSES:
                self.row_problems[pk] = _("Choose attended, absent or excused.")
            elif status == P.EXCUSED and not reason.strip() and not by_pk[pk].reason:
                self.row_problems[pk] = _("An excused absence needs a reason.")
            elif status == P.ATTENDED and not self.serving_on_day.get(pk, True):
                self.row_problems[pk] = _("Not serving on the day of the activity.")
        self._resolve_walk_ins()

    def _resolve_walk_ins(self) -> None:
        from core.masking import mask_mobile

        from . import selectors
        from .services import deputy_status_on

        lines = [(n, line.strip()) for n, line in enumerate(self.walk_in_text.splitlines(), start=1) if line.strip()]
        if not lines:
            return
        mobiles = {n: normalize_mobile(text) for n, text in lines if MOBILE_RE.match(normalize_mobile(text))}
        names = [text for n, text in lines if n not in mobiles]
        matches = selectors.walk_in_matches(activity=self.activity, names=names, mobiles=list(mobiles.values()))
        day = self.activity.start_date
        for n, text in lines:
            if n in mobiles:
                found = [d for d in matches if d.mobile == mobiles[n]]
            else:
                found = [d for d in matches if d.name == text]
                serving = [d for d in found if deputy_status_on(d, day) == Deputy.Status.SERVING]
                if len(found) > 1 and len(serving) == 1:
                    found = serving  # a namesake who was not serving that day is not meant
            if not found:
                self.walk_in_errors.append(
                    _("Walk-in line %(n)d “%(text)s”: no deputy of %(congress)s has this name or mobile number.")
                    % {"n": n, "text": text, "congress": self.activity.congress.name}
                )
            elif len(found) > 1:
                who = "、".join(f"{d.electoral_unit.name} {mask_mobile(d.mobile)}" for d in found)
                self.walk_in_errors.append(
                    _(
                        "Walk-in line %(n)d “%(text)s”: %(count)d deputies have this name (%(who)s); type the mobile number instead."
                    )
                    % {"n": n, "text": text, "count": len(found), "who": who}
                )
            else:
                self.walk_in_deputies.append(found[0])


# --- Deputies' letters (代表信访) -------------------------------------------------------------
# Texts are checked by the services (empty, too long: the same words whichever page sends them);
# the forms only carry them, so what was typed comes back on the page with the message.


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(MultipleFileField, self).clean(item, initial) for item in items if item) if f]


def _confirm_field(label):
    return forms.BooleanField(
        label=label,
        required=True,
        error_messages={"required": _("Tick the box to confirm: this step cannot be undone.")},
    )


class LetterForm(forms.Form):
    mandate = forms.ModelChoiceField(
        label=_("As a deputy to"), queryset=Deputy.objects.none(), empty_label=None, required=True
    )
    subject = forms.CharField(label=_("Subject"), required=False, widget=forms.TextInput(attrs={"maxlength": 200}))
    content = forms.CharField(
        label=_("What the letter is about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The matter, where and since when, what the people concerned ask for."),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 files: PDF, Word, JPEG or PNG, each at most 10 MB."),
    )
    confirm = _confirm_field(_("Send the letter to the deputy-work office; it can no longer be changed."))

    def __init__(self, *args, mandates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandate"].queryset = mandates
        self.fields["mandate"].label_from_instance = lambda d: d.congress.name


class LetterForwardForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Unit that answers"), queryset=None, empty_label=_("Choose a unit"))
    workdays = forms.IntegerField(
        label=_("Working days to answer"),
        min_value=1,
        max_value=120,
        help_text=_("Counted from today, with public holidays and make-up working days."),
        error_messages={
            "min_value": _("Give between 1 and 120 working days."),
            "max_value": _("Give between 1 and 120 working days."),
            "invalid": _("Give a whole number of working days."),
            "required": _("Give the number of working days."),
        },
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = units
        self.fields["body"].error_messages["required"] = _("Choose the unit that is to answer.")


class LetterCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Why the office closes it"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    confirm = _confirm_field(_("Close the letter; it cannot be reopened."))


class LetterReplyForm(forms.Form):
    reply = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    file = forms.FileField(
        label=_("Signed answer or other file (optional)"),
        required=False,
        help_text=_("PDF, Word, JPEG or PNG, at most 10 MB."),
    )
    confirm = _confirm_field(_("Send the answer to the deputy; it can no longer be changed."))


class LetterFeedbackForm(forms.Form):
    feedback = forms.ChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, basically satisfied or unsatisfied.")},
    )
    note = forms.CharField(label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        from .models import DeputyLetter

        super().__init__(*args, **kwargs)
        self.fields["feedback"].choices = DeputyLetter.Feedback.choices
