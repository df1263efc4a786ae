"""The office's pages of the two connections, under /office/liaison/: coverage, contact
records with the routing of what was gathered, SC meetings with topics, invitations, the
symposium and its opinions (with the Excel export).

Staff only, scoped to their congresses: anyone else 403, a record outside the scope 404.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Unit
from accounts.scoping import scoped
from activities.selectors import invite_candidates
from core.spreadsheet import safe_cell
from core.views import XLSX, download_response, paginate, run_action

from .. import services_contacts as services
from ..forms_contacts import CoverageForm, RouteForm, SymposiumForm, TopicInviteForm, WideCircleForm
from ..models import Committee, Symposium, Topic
from ..selectors import contacts as selectors

PAGE_SIZE = 50


# --- Coverage ---------------------------------------------------------------------------------


@login_required
@require_GET
def coverage(request):
    congresses = list(selectors.coverage_congresses(actor=request.user))
    form = CoverageForm(request.GET or None, congresses=congresses)
    chosen = form.cleaned_data.get("congress") if form.is_valid() else None
    congress = next((c for c in congresses if c.pk == chosen), None)
    if congress is None:
        own = getattr(request.user, "congress_id", None)
        congress = next((c for c in congresses if c.pk == own), congresses[0] if congresses else None)
    context = {"form": form, "congress": congress, "coverage": None}
    if congress is not None:
        term = selectors.current_term(congress)
        which = request.GET.get("list", "visits")
        if which not in selectors.MISSING_LISTS:
            which = "visits"
        context.update(
            coverage=selectors.coverage_for(congress=congress, term=term),
            which=which,
            page=paginate(request, selectors.coverage_missing(term=term, which=which), size=PAGE_SIZE),
        )
    return render(request, "liaison/contacts/office_coverage.html", context)


# --- Contact records and routing --------------------------------------------------------------


@login_required
@require_GET
def records(request):
    page = paginate(request, selectors.records_for_office(actor=request.user), size=PAGE_SIZE)
    return render(request, "liaison/contacts/office_records.html", {"page": page})


def _route_form(request, record, data=None):
    congress_id = record.member.term.congress_id
    return RouteForm(
        data,
        committees=Committee.objects.filter(congress_id=congress_id).order_by("kind", "name"),
        units=scoped(Unit.objects.all(), request.user).order_by("sort_key", "name"),
        initial=None if data else {"text": record.opinions},
    )


def _render_record(request, record, *, form=None, status=200):
    context = {"record": record, "form": form or _route_form(request, record), "routings": list(record.routings.all())}
    return render(request, "liaison/contacts/office_record.html", context, status=status)


@login_required
@require_GET
def record_detail(request, pk: int):
    return _render_record(request, selectors.record_get_for_office(actor=request.user, pk=pk))


@login_required
@require_POST
def record_route(request, pk: int):
    record = selectors.record_get_for_office(actor=request.user, pk=pk)
    form = _route_form(request, record, request.POST)
    result = run_action(
        form,
        lambda d: services.opinion_route(
            actor=request.user,
            record=record,
            target=d["target"],
            text=d["text"],
            committee=d["committee"],
            unit=d["unit"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The opinion was sent on."))
        return redirect("liaison_office:contact", pk=record.pk)
    return _render_record(request, record, form=form, status=result.status)


# --- SC meetings ------------------------------------------------------------------------------


@login_required
@require_GET
def meetings(request):
    page = paginate(request, selectors.meetings_for_office(actor=request.user), size=PAGE_SIZE)
    return render(request, "liaison/contacts/office_meetings.html", {"page": page})


def _render_meeting(request, meeting, *, bound=None, bound_key="", status=200):
    forms = {}
    candidates = invite_candidates(activity=meeting)
    for topic in meeting.topics:
        key = f"invite-{topic.pk}"
        forms[key] = bound if bound_key == key else TopicInviteForm(prefix=key, candidates=candidates)
        topic.invite_form = forms[key]
        wide = f"wide-{topic.pk}"
        topic.wide_form = bound if bound_key == wide else WideCircleForm(prefix=wide)
    symposium = Symposium.objects.filter(meeting=meeting).first()
    context = {
        "meeting": meeting,
        "symposium": symposium,
        "symposium_form": bound
        if bound_key == "symposium"
        else SymposiumForm(
            prefix="symposium",
            initial={"date": symposium.date, "place": symposium.place} if symposium else {"place": meeting.place},
        ),
        "open": meeting.attendance_closed_at is None and meeting.end_date >= timezone.localdate(),
    }
    return render(request, "liaison/contacts/office_meeting.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request, pk: int):
    return _render_meeting(request, selectors.meeting_get_for_office(actor=request.user, pk=pk))


def _meeting_and_topic(request, topic_pk: int):
    """The topic's meeting (scoped to the actor, 404 outside it) and the topic among its topics."""
    meeting_id = Topic.objects.filter(pk=topic_pk).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise Http404
    meeting = selectors.meeting_get_for_office(actor=request.user, pk=meeting_id)
    return meeting, next(t for t in meeting.topics if t.pk == topic_pk)


@login_required
@require_POST
def topic_invite(request, pk: int):
    meeting, topic = _meeting_and_topic(request, pk)
    key = f"invite-{topic.pk}"
    form = TopicInviteForm(request.POST, prefix=key, candidates=invite_candidates(activity=meeting))
    result = run_action(
        form,
        lambda d: services.topic_invite(actor=request.user, topic=topic, deputies=list(d["deputies"])),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("%(n)d deputies were invited for this topic.") % {"n": result.value})
        return redirect("liaison_office:meeting", pk=meeting.pk)
    return _render_meeting(request, meeting, bound=form, bound_key=key, status=result.status)


@login_required
@require_POST
def topic_invite_wide(request, pk: int):
    meeting, topic = _meeting_and_topic(request, pk)
    key = f"wide-{topic.pk}"
    form = WideCircleForm(request.POST, prefix=key)
    result = run_action(
        form,
        lambda d: services.topic_invite_wide(actor=request.user, topic=topic, cap=d["cap"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("%(n)d deputies were invited for this topic.") % {"n": result.value})
        return redirect("liaison_office:meeting", pk=meeting.pk)
    return _render_meeting(request, meeting, bound=form, bound_key=key, status=result.status)


@login_required
@require_POST
def symposium(request, pk: int):
    meeting = selectors.meeting_get_for_office(actor=request.user, pk=pk)
    form = SymposiumForm(request.POST, prefix="symposium")
    result = run_action(
        form,
        lambda d: services.symposium_schedule(actor=request.user, meeting=meeting, date=d["date"], place=d["place"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The symposium is scheduled; the invited deputies were invited to it."))
        return redirect("liaison_office:meeting", pk=meeting.pk)
    return _render_meeting(request, meeting, bound=form, bound_key="symposium", status=result.status)


@login_required
@require_GET
def meeting_export(request, pk: int):
    """Per topic: each invited deputy, their answer or attendance, and their written opinion."""
    import openpyxl

    meeting = selectors.meeting_get_for_office(actor=request.user, pk=pk)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Topics"))
    headers = [_("Topic"), _("Responsible committee"), _("Deputy"), _("Attendance"), _("Opinion")]
    sheet.append([safe_cell(sheet, h, bold=True) for h in headers])
    for topic in meeting.topics:
        opinions = {o.deputy_id: o.text for o in topic.opinions.all()}
        for invitation in topic.invitations.all():
            p = invitation.participation
            row = [
                topic.title,
                topic.committee.name,
                p.deputy.name,
                p.get_status_display(),
                opinions.get(p.deputy_id, ""),
            ]
            sheet.append([safe_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return download_response(out.getvalue(), filename=f"sc-meeting-{meeting.pk}-topics.xlsx", content_type=XLSX)
