"""The awards pages (评优): the office's nominations (``/office/suggestions/awards/``) and the
public list of published awards (``/proposals/awards/``).

Office pages are for staff, scoped to their congresses (anyone else 403, an award outside the
scope 404); each action has its own form with a confirmation tick, and a refusal re-renders the
page with the message beside that form and what was typed kept. The public page shows
published awards only, from the page cache for anonymous visitors.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import run_action
from core.workflow import STAFF

from .. import services_awards, workflow
from ..cache import cached_public_page
from ..forms_awards import (
    AwardActionForm,
    CandidateSearchForm,
    DecisionForm,
    NominationForm,
    PublishYearForm,
    YearForm,
)
from ..models import Award
from ..selectors import awards as selectors
from ..selectors.office import require_staff

K = Award.Kind
W = Award.Status
ROW_ACTIONS = ("shortlist", "not_chosen", "withdraw")


def _office_url(year: int) -> str:
    return f"{reverse('proposals_office:awards')}?year={year}"


def _render_office(request, year: int | None, *, status: int = 200, bound: dict | None = None, errors=None):
    """The office page; ``bound`` holds a refused form (by key) to show instead of a fresh one.
    Without a year: the latest year with nominations (this year when there are none)."""
    actor = request.user
    bound = dict(bound or {})
    known_years = selectors.award_years_for_office(actor=actor)
    if year is None:
        year = known_years[0] if known_years else timezone.localdate().year
    awards = list(selectors.awards_for_office(actor=actor, year=year))
    for award in awards:
        award.subject = services_awards.award_subject(award)
        award.actions = []
        for action in workflow.AWARD.actions(status=award.status, roles=STAFF):
            if action not in ROW_ACTIONS:
                continue
            form = bound.pop((award.pk, action), None) or AwardActionForm(action=action, prefix=f"a{award.pk}-{action}")
            award.actions.append({"action": action, "label": workflow.AWARD.label(action), "form": form})
    shortlisted = [a for a in awards if a.status == W.SHORTLISTED]
    decision_form = bound.pop("decide", None) or DecisionForm(
        shortlisted=Award.objects.filter(pk__in=[a.pk for a in shortlisted]), prefix="decide"
    )
    chosen = {str(v) for v in (decision_form["awards"].value() or [])} if decision_form.is_bound else set()
    for award in shortlisted:
        award.checked = str(award.pk) in chosen
    # One "publish the year" form per congress with decided awards waiting.
    waiting: dict[int, dict] = {}
    for award in awards:
        if award.status == W.DECIDED:
            entry = waiting.setdefault(award.congress_id, {"congress": award.congress, "count": 0})
            entry["count"] += 1
    for congress_id, entry in waiting.items():
        entry["form"] = bound.pop(("publish", congress_id), None) or PublishYearForm(
            initial={"congress": congress_id, "year": year}, prefix=f"p{congress_id}"
        )
    # A refused form the page no longer shows (the award moved meanwhile): its message on top.
    errors = list(errors or [])
    for form in bound.values():
        errors.extend(message for messages_ in form.errors.values() for message in messages_)
    if shortlisted == [] and decision_form.is_bound:
        errors.extend(message for messages_ in decision_form.errors.values() for message in messages_)
    years = sorted(set(known_years) | {year}, reverse=True)
    return render(
        request,
        "proposals/awards/office.html",
        {
            "year": year,
            "years": years,
            "sections": selectors.group_by_kind(awards),
            "total": len(awards),
            "shortlisted": shortlisted,
            "decision_form": decision_form,
            "publishing": list(waiting.values()),
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_GET
def office_awards(request):
    """The year's nominations by kind and status, with each step the office may take."""
    require_staff(request.user)
    form = YearForm(request.GET)
    return _render_office(request, form.cleaned_data.get("year") if form.is_valid() else None)


@login_required
@require_POST
def award_action(request, pk: int, action: str):
    """Shortlist, set aside, or withdraw the publication of one award."""
    if action not in ROW_ACTIONS or not 0 < pk < 2**63:
        raise Http404
    award = selectors.award_get_for_office(actor=request.user, pk=pk)
    form = AwardActionForm(request.POST, action=action, prefix=f"a{award.pk}-{action}")
    run = {
        "shortlist": services_awards.award_shortlist,
        "not_chosen": services_awards.award_not_chosen,
        "withdraw": services_awards.award_withdraw,
    }[action]
    result = run_action(form, lambda data: run(actor=request.user, award=award), leftovers_on_form=True)
    if result.ok:
        done = {
            "shortlist": _("Put on the shortlist: %(subject)s."),
            "not_chosen": _("Marked as not chosen: %(subject)s."),
            "withdraw": _("Taken off the public page: %(subject)s."),
        }[action]
        messages.success(request, done % {"subject": services_awards.award_subject(award)})
        return redirect(_office_url(award.year))
    return _render_office(request, award.year, status=result.status, bound={(award.pk, action): form})


@login_required
@require_POST
def decide(request):
    """Record the chairpersons' meeting's decision on the chosen shortlisted nominations."""
    year = YearForm(request.POST).year_or_default()
    shortlisted = selectors.awards_for_office(actor=request.user, year=year).filter(status=W.SHORTLISTED)
    form = DecisionForm(request.POST, shortlisted=shortlisted, prefix="decide")

    result = run_action(
        form,
        lambda data: services_awards.award_decide(
            actor=request.user, awards=data["awards"], meeting=data["meeting"], decided_on=data["decided_on"]
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The decision is recorded for %(n)d awards.") % {"n": result.value})
        return redirect(_office_url(year))
    return _render_office(request, year, status=result.status, bound={"decide": form})


@login_required
@require_POST
def publish_year(request):
    """Publish a congress's decided awards of the year on the public page."""
    congress_id = request.POST.get("congress") or ""
    if not re.fullmatch(r"[0-9]{1,18}", congress_id):
        raise Http404
    congress = selectors.congress_get_for_office(actor=request.user, pk=int(congress_id))
    form = PublishYearForm(request.POST, prefix=f"p{congress.pk}")
    year = YearForm(request.POST).year_or_default()

    result = run_action(
        form,
        lambda data: services_awards.award_publish_year(actor=request.user, congress=congress, year=year),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("%(n)d awards published on the public page.") % {"n": result.value})
        return redirect(_office_url(year))
    return _render_office(request, year, status=result.status, bound={("publish", congress.pk): form})


# --- Nominating ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request):
    """Find the subject (the year's eligible items, replies or units; units with their quality
    figures) and nominate it with a reason."""
    actor = request.user
    congresses = selectors.congresses_for_office(actor=actor)
    if not congresses:
        require_staff(actor)
        raise Http404
    search = CandidateSearchForm(request.GET, congresses=congresses)
    values = search.values(default_congress=congresses[0].pk)
    form = None
    status = 200
    if request.method == "POST":
        form = NominationForm(request.POST)
        form.is_valid()
        for name in ("congress", "year", "kind"):
            if form.cleaned_data.get(name):
                values[name] = form.cleaned_data[name]
    congress = selectors.congress_get_for_office(actor=actor, pk=values["congress"])
    year, kind = values["year"], values["kind"]
    if form is not None:

        def run(data):
            subject = selectors.candidate_get(kind=kind, congress_id=congress.pk, year=year, pk=data["subject"])
            if kind != K.ADVANCED_PERSON and data["subject"] and subject is None:
                raise ValidationError({"subject": _("This choice is not one of the congress's records.")})
            return services_awards.award_nominate(
                actor=actor,
                congress=congress,
                year=year,
                kind=kind,
                suggestion=subject if kind == K.EXCELLENT_SUGGESTION else None,
                reply=subject if kind == K.EXCELLENT_REPLY else None,
                unit=subject if kind == K.ADVANCED_UNIT else None,
                person_name=data["person_name"],
                citation=data["citation"],
                reason=data["reason"],
            )

        result = run_action(
            form,
            run,
            field_map={"suggestion": "subject", "reply": "subject", "unit": "subject", "kind": None, "year": None},
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(
                request, _("Nominated: %(subject)s.") % {"subject": services_awards.award_subject(result.value)}
            )
            return redirect(_office_url(year))
        status = result.status
    else:
        form = NominationForm(initial={"congress": congress.pk, "year": year, "kind": kind})
    candidates = []
    if kind == K.EXCELLENT_SUGGESTION:
        candidates = list(selectors.suggestion_candidates(congress_id=congress.pk, year=year, q=values["q"]))
    elif kind == K.EXCELLENT_REPLY:
        candidates = list(selectors.reply_candidates(congress_id=congress.pk, year=year, q=values["q"]))
    elif kind == K.ADVANCED_UNIT:
        candidates = selectors.unit_candidates(congress_id=congress.pk, year=year, q=values["q"])
    taken = selectors.nominated_subjects(congress_id=congress.pk, year=year, kind=kind) if candidates else set()
    chosen = str(form["subject"].value() or "")
    for candidate in candidates:
        candidate.taken = candidate.pk in taken
        candidate.chosen = str(candidate.pk) == chosen
    return render(
        request,
        "proposals/awards/nominate.html",
        {
            "search": search,
            "form": form,
            "congress": congress,
            "congresses": congresses,
            "year": year,
            "kind": kind,
            "kind_label": K(kind).label,
            "q": values["q"],
            "candidates": candidates,
            "limit": selectors.CANDIDATE_LIMIT,
        },
        status=status,
    )


# --- Public -----------------------------------------------------------------------------------------------


@require_GET
@cached_public_page
def public_awards(request, year: int | None = None):
    """The published awards of a year (the latest by default), by kind, with a year switcher."""
    years = selectors.public_award_years()
    if year is None:
        year = years[0] if years else None
    elif year not in years:
        raise Http404
    sections = selectors.public_awards(year=year) if year else []
    for section in sections:
        for award in section["awards"]:
            award.subject = services_awards.award_subject(award)
            award.link = selectors.public_link(award)
    return render(request, "proposals/awards/public.html", {"year": year, "years": years, "sections": sections})
