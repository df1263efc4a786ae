"""Pages of the activity ledger: invitations, answers, attendance sheets.

Thin: each view asks a selector for what the actor may see (404 or 403 first), parses
the input with a form, calls a service, and renders or redirects.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.views import paginate, refusal_messages, run_action
from deputies.models import Deputy
from deputies.services import deputy_status_on

from . import selectors, services
from .forms import ATTENDANCE_CHOICES, AttendanceForm, InviteFilterForm, InviteForm, RespondForm
from .models import Participation

P = Participation.Status
HISTORY_PAGE_SIZE = 20


# --- The deputy's invitations and history ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_activities(request):
    """Invitations to answer, accepted activities to come, and the history of the user's mandates."""
    user = request.user
    today = timezone.localdate()
    answer_form = None
    status = 200
    if request.method == "POST":
        answer_form = RespondForm(request.POST)

        def respond(data):
            participation = selectors.invitations_for_user(user=user).filter(pk=data["participation"]).first()
            if participation is None:
                raise Http404
            services.participation_respond(
                actor=user, participation=participation, accept=data["answer"] == "accept", reason=data["reason"]
            )
            return participation

        result = run_action(answer_form, respond, leftovers_on_form=True)
        if result.ok:
            title = result.value.activity.title
            if answer_form.cleaned_data["answer"] == "accept":
                messages.success(request, _("You accepted “%(title)s”.") % {"title": title})
            else:
                messages.success(request, _("You declined “%(title)s”.") % {"title": title})
            return redirect("activities:my_activities")
        status = result.status

    invitations = selectors.invitations_for_user(user=user)
    still_open = Q(activity__end_date__gte=today, activity__attendance_closed_at__isnull=True)
    waiting = list(invitations.filter(still_open, status=P.INVITED).order_by("activity_date", "pk"))
    upcoming = list(invitations.filter(still_open, status__in=[P.ACCEPTED, P.DECLINED]).order_by("activity_date", "pk"))
    history = invitations.exclude(still_open & Q(status__in=[P.INVITED, P.ACCEPTED, P.DECLINED]))
    page = paginate(request, history, size=HISTORY_PAGE_SIZE)
    failed_pk = answer_form.data.get("participation") if answer_form is not None else None
    return render(
        request,
        "activities/my_activities.html",
        {
            "waiting": waiting,
            "upcoming": upcoming,
            "page": page,
            "answer_form": answer_form,
            "failed_pk": str(failed_pk) if failed_pk else None,
            "has_mandate": Deputy.objects.filter(user=user).exists(),
        },
        status=status,
    )


# --- Organisers: invitations and attendance ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_invite(request, pk: int):
    """Pick deputies by electoral unit, group, grassroots or name, then invite them."""
    activity = selectors.activity_get_for_manager(actor=request.user, activity_id=pk)
    source = request.POST if request.method == "POST" else request.GET
    filter_form = InviteFilterForm(
        source if any(k in source for k in ("units", "group", "grassroots", "q")) else None, activity=activity
    )
    filters = filter_form.filters()
    shown = selectors.invite_candidates(activity=activity, **filters)
    invite_form = None
    status = 200
    if request.method == "POST":
        invite_form = InviteForm(request.POST, candidates=selectors.invite_candidates(activity=activity))

        def invite(data):
            chosen = list(shown) if data["action"] == "all" else list(data["deputy"])
            return services.activity_invite(actor=request.user, activity=activity, deputies=chosen, role=data["role"])

        result = run_action(invite_form, invite, leftovers_on_form=True)
        status = result.status
        if result.ok:
            messages.success(request, _("%(n)d deputies invited.") % {"n": result.value})
            query = request.POST.copy()
            for key in ("csrfmiddlewaretoken", "action", "role", "deputy"):
                query.pop(key, None)
            url = reverse("activities:activity_invite", args=[activity.pk])
            return redirect(f"{url}?{query.urlencode()}" if query else url)
    candidates = list(shown)
    invited = list(selectors.activity_participations(activity=activity))
    ticked = {str(v) for v in request.POST.getlist("deputy")} if request.method == "POST" else set()
    return render(
        request,
        "activities/activity_invite.html",
        {
            "activity": activity,
            "filter_form": filter_form,
            "invite_form": invite_form or InviteForm(candidates=shown),
            "candidates": candidates,
            "ticked": ticked,
            "invited": invited,
            "filters_query": _filters_query(filter_form),
            "roles": Participation.Role.choices,
            "chosen_role": request.POST.get("role", Participation.Role.PARTICIPANT),
        },
        status=status,
    )


def _filters_query(filter_form) -> list[tuple[str, str]]:
    """The filters as hidden (name, value) pairs, so "invite all shown" invites what was shown."""
    f = filter_form.filters()
    pairs = [("units", str(pk)) for pk in f["electoral_unit_ids"]]
    if f["group_id"]:
        pairs.append(("group", str(f["group_id"])))
    if f["grassroots_only"]:
        pairs.append(("grassroots", "on"))
    if f["q"]:
        pairs.append(("q", f["q"]))
    return pairs


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """Record who came, who was absent and who was excused, for the whole list in one submit.

    One transaction: the walk-ins are resolved and ``attendance_record`` runs inside it;
    if either finds a problem, everything is rolled back and the form comes back as typed.
    """
    activity = selectors.activity_get_for_manager(actor=request.user, activity_id=pk)
    rows = list(selectors.activity_participations(activity=activity))
    day = activity.start_date
    serving = {p.pk: deputy_status_on(p.deputy, day) == Deputy.Status.SERVING for p in rows}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        activity=activity,
        participations=rows,
        serving_on_day=serving,
    )
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("action") == "all_attended":
            form.mark_all_attended()
            messages.info(request, _("Every row is now set to “attended”. Change the exceptions, then save."))
        else:
            form.check()
            errors = list(form.walk_in_errors)
            with transaction.atomic():
                try:
                    counts = services.attendance_record(
                        actor=request.user, activity=activity, marks=form.marks, walk_ins=form.walk_in_deputies
                    )
                except ValidationError as exc:
                    errors = refusal_messages(exc) + errors
                if errors:
                    # A walk-in line could not be resolved: nothing of this submit is kept.
                    transaction.set_rollback(True)
            if not errors:
                messages.success(
                    request,
                    _("Attendance recorded: %(attended)d attended, %(absent)d absent, %(excused)d excused.")
                    % {"attended": counts[P.ATTENDED], "absent": counts[P.ABSENT], "excused": counts[P.EXCUSED]},
                )
                return redirect("activities:attendance", pk=activity.pk)
    sheet = [
        {
            "p": p,
            "status": form.values[p.pk][0],
            "reason": form.values[p.pk][1],
            "problem": form.row_problems.get(p.pk, ""),
            "serving": serving[p.pk],
        }
        for p in rows
    ]
    return render(
        request,
        "activities/attendance.html",
        {
            "activity": activity,
            "sheet": sheet,
            "choices": [(value, str(label)) for value, label in ATTENDANCE_CHOICES],
            "errors": errors,
            "walk_in_text": form.walk_in_text,
            "not_started": activity.start_date > timezone.localdate(),
            "bad_rows": len(form.row_problems),
        },
    )


@login_required
@require_GET
def my_recording(request):
    """Activities the user must record attendance for (谁组织、谁负责)."""
    today = timezone.localdate()
    activities = list(selectors.activities_to_record(actor=request.user))
    due = [a for a in activities if a.start_date <= today]
    later = [a for a in activities if a.start_date > today]
    return render(
        request,
        "activities/my_recording.html",
        {"due": due, "later": later, "today": today, "week_ago": today - datetime.timedelta(days=7)},
    )
