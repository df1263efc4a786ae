from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import DeputyLetter
from core.forms import valid_data as _valid_data
from deputies.models import Congress, ElectoralUnit


class LetterFeedbackForm(forms.Form):
    """The deputy's rating of the reply to their letter (only they may give it)."""

    letter = forms.IntegerField(widget=forms.HiddenInput)
    feedback = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"), choices=DeputyLetter.Feedback.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


def year_choices(first_year: int, last_year: int) -> list[tuple[int, str]]:
    """Newest first: the years a term spans, up to this year."""
    last_year = max(first_year, last_year)
    return [(y, str(y)) for y in range(last_year, first_year - 1, -1)]


class ArchiveListFilterForm(forms.Form):
    """Filters and sorting of the staff list of deputies with their counts."""

    GRASSROOTS = [("", _("All deputies")), ("yes", _("Grassroots deputies only")), ("no", _("Not grassroots deputies"))]
    ORDERS = [
        ("name", _("Name")),
        ("-name", _("Name (reverse)")),
        ("electoral_unit", _("Electoral unit")),
        ("-attended_year", _("Most activities this year")),
        ("attended_year", _("Fewest activities this year")),
        ("-attended_term", _("Most activities this term")),
        ("attended_term", _("Fewest activities this term")),
        ("-absent_year", _("Most absences this year")),
        ("absent_year", _("Fewest absences this year")),
    ]

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    congress = forms.ModelChoiceField(
        label=_("Congress"), queryset=Congress.objects.none(), required=False, empty_label=_("All")
    )
    electoral_unit = forms.ModelChoiceField(
        label=_("Electoral unit"), queryset=ElectoralUnit.objects.none(), required=False, empty_label=_("All")
    )
    grassroots = forms.ChoiceField(label=_("Grassroots deputy"), choices=GRASSROOTS, required=False)
    no_activity = forms.BooleanField(label=_("No activity attended this year"), required=False)
    q = forms.CharField(label=_("Name or employer"), max_length=60, required=False)
    order = forms.ChoiceField(label=_("Sort by"), choices=ORDERS, required=False)

    def __init__(self, *args, congresses, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        self.fields["electoral_unit"].queryset = ElectoralUnit.objects.filter(congress__in=congresses).select_related(
            "congress"
        )
        self.fields["year"].choices = years
        if len(congresses) < 2:
            del self.fields["congress"]

    def filters(self, *, default_year: int) -> dict:
        """Keyword arguments for ``archive_list_for_staff``; an invalid filter counts as not set."""
        data = _valid_data(self)
        grassroots = {"yes": True, "no": False}.get(data.get("grassroots") or "")
        congress = data.get("congress")
        unit = data.get("electoral_unit")
        return {
            "year": data.get("year") or default_year,
            "congress_id": congress.pk if congress else None,
            "electoral_unit_id": unit.pk if unit else None,
            "grassroots": grassroots,
            "no_activity": bool(data.get("no_activity")),
            "q": (data.get("q") or "").strip(),
            "order": data.get("order") or "name",
        }
