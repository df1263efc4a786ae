"""Forms of the livelihood pages: parsing only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.public_forms import PublicForm

from .models import Cycle, Idea, Rating
from .templatetags.livelihood_tags import plain


class IdeaForm(PublicForm):
    """The public's idea form (群众提); honeypot and fill time from ``core.public_forms``."""

    started_salt = "livelihood.idea.started"

    title = forms.CharField(
        label=_("Your idea in a few words"),
        max_length=200,
        error_messages={"required": _("Please give your idea a short title.")},
    )
    what_where = forms.CharField(
        label=_("What should be done, and where"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        error_messages={"required": _("Please say what should be done, and where.")},
    )
    why = forms.CharField(label=_("Why it matters"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    author_name = forms.CharField(label=_("Your name (optional)"), required=False)
    contact = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        help_text=_("Only the office sees it, to ask you about your idea. It is never published."),
    )


class CandidateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    what_where = forms.CharField(label=_("What and where"), widget=forms.Textarea(attrs={"rows": 4}))
    why = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))
    estimated_cost = forms.CharField(label=_("Estimated cost (10,000 yuan)"), required=False)
    beneficiaries = forms.CharField(label=_("Beneficiaries"), required=False)
    co_deputies = forms.ModelMultipleChoiceField(
        label=_("Co-proposing deputies (optional)"), queryset=None, required=False
    )
    adopted_idea = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_deputies"].queryset = deputies
        self.fields["co_deputies"].widget.attrs["size"] = 6


class OfflineIdeaForm(forms.Form):
    source_note = forms.CharField(label=_("Received as"), required=False, help_text=_("e.g. a letter, a 12345 call"))
    title = forms.CharField(label=_("Title"), max_length=200)
    what_where = forms.CharField(label=_("What and where"), widget=forms.Textarea(attrs={"rows": 4}))
    why = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    author_name = forms.CharField(label=_("Name"), required=False)
    contact = forms.CharField(label=_("Contact phone"), required=False)
    deputies = forms.ModelMultipleChoiceField(label=_("Proposing deputies"), queryset=None, required=False)

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies
        self.fields["deputies"].widget.attrs["size"] = 6


class CycleForm(forms.Form):
    congress = forms.ModelChoiceField(label=_("Congress"), queryset=None)
    year = forms.IntegerField(label=_("Year of delivery"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100)
    opens_on = forms.DateField(label=_("Collection opens"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Collection closes"), widget=forms.DateInput(attrs={"type": "date"}))
    seats = forms.IntegerField(label=_("Seats (projects to elect)"), min_value=1, max_value=100, initial=10)
    tie_rule = forms.ChoiceField(label=_("Tie at the last seat"), choices=Cycle.TieRule.choices)
    notice = forms.CharField(label=_("Collection notice"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class GroupLabelForm(forms.Form):
    group = forms.CharField(label=_("Screening group"), required=False, max_length=40)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = ideas


class ProjectForm(forms.Form):
    number = forms.IntegerField(label=_("Number on the list"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=None)
    budget = forms.DecimalField(label=_("Budget (10,000 yuan)"), min_value=0, max_digits=12, decimal_places=2)
    ideas = forms.ModelMultipleChoiceField(label=_("From shortlisted ideas"), queryset=None, required=False)

    def __init__(self, *args, departments, ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["ideas"].queryset = ideas
        self.fields["ideas"].widget.attrs["size"] = 6


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200)
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=None)
    budget = forms.DecimalField(label=_("Budget (10,000 yuan)"), min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class TargetForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=None)
    name = forms.CharField(label=_("Target"), max_length=200)
    unit = forms.CharField(label=_("Unit of measure"), max_length=20)
    target_value = forms.DecimalField(label=_("Target value"), max_digits=12, decimal_places=2)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class MilestoneForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=None)
    title = forms.CharField(label=_("Milestone"), max_length=150)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class ReachedForm(forms.Form):
    reached_on = forms.DateField(label=_("Reached on"), widget=forms.DateInput(attrs={"type": "date"}))


class VoteImportForm(forms.Form):
    deputies_total = forms.IntegerField(label=_("Deputies of the congress (all, not only those present)"), min_value=1)
    held_on = forms.DateField(label=_("Vote held on"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("Results from the voting system (Excel or CSV)"), required=False)


class VoteEntryForm(forms.Form):
    """The results typed in: three numbers per candidate."""

    deputies_total = forms.IntegerField(label=_("Deputies of the congress (all, not only those present)"), min_value=1)
    held_on = forms.DateField(label=_("Vote held on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = list(projects)
        for project in self.projects:
            for part, label in (("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))):
                self.fields[f"p{project.number}_{part}"] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    widget=forms.NumberInput(attrs={"aria-label": f"{project.number}. {project.title} {label}"}),
                )

    def rows(self):
        return [
            (project, [self[f"p{project.number}_{part}"] for part in ("for", "against", "abstain")])
            for project in self.projects
        ]

    def results(self) -> dict:
        data = self.cleaned_data
        return {
            p.number: (data[f"p{p.number}_for"], data[f"p{p.number}_against"], data[f"p{p.number}_abstain"])
            for p in self.projects
        }


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    deputies = forms.ModelMultipleChoiceField(label=_("Deputies"), queryset=None)
    projects = forms.ModelMultipleChoiceField(label=_("Projects followed"), queryset=None)

    def __init__(self, *args, deputies, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies
        self.fields["deputies"].widget.attrs["size"] = 8
        self.fields["projects"].queryset = projects


class InspectionForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), required=False, max_length=200)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class EvaluationForm(forms.Form):
    closes_on = forms.DateField(label=_("Evaluation closes"), widget=forms.DateInput(attrs={"type": "date"}))


class ReportForm(forms.Form):
    """A progress report: one value (and a reason if lower than before) per target, photos."""

    period = forms.CharField(label=_("Period"), max_length=7, help_text=_("A month (2025-06) or a quarter (2025-Q2)"))
    narrative = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = forms.CharField(
                label=f"{target.name}（{target.unit}）", required=False, initial=plain(target.current_value)
            )
            self.fields[f"reason_{target.pk}"] = forms.CharField(
                label=_("Reason if lower than before"), required=False, max_length=300
            )

    def rows(self):
        return [(t, self[f"target_{t.pk}"], self[f"reason_{t.pk}"]) for t in self.targets]

    def values(self) -> dict:
        data = self.cleaned_data
        return {t.pk: (data.get(f"target_{t.pk}"), data.get(f"reason_{t.pk}")) for t in self.targets}


class ObservationForm(forms.Form):
    text = forms.CharField(label=_("Your observation"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the deputy"), widget=forms.Textarea(attrs={"rows": 4}))


class RatingForm(forms.Form):
    value = forms.ChoiceField(label=_("Your rating"), choices=Rating.Value.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IdeaFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(Idea.Status.choices))
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All"))] + list(Idea.Source.choices))

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or "", "source": data.get("source") or ""}
