"""The SC member's contact page (/portal/liaison/contacts/) and a deputy's SC-meeting topics
with the symposium's opinion form (/portal/liaison/topics/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.views import paginate, run_action

from .. import services_contacts as services
from ..forms_contacts import ContactForm, TopicOpinionForm
from ..models import TopicOpinion
from ..selectors import contacts as selectors

PAGE_SIZE = 30


def _render_contacts(request, seats, *, form=None, status=200):
    today = timezone.localdate()
    assignments = list(selectors.assignments_for_seats(seats=seats))
    cutoff = selectors.stale_cutoff(today)
    stale = [a for a in assignments if a.last_contact is None or a.last_contact < cutoff]
    context = {
        "assignments": assignments,
        "stale": stale,
        "months": services.contact_months(),
        "form": form or ContactForm(assignments=assignments, initial={"date": today}),
        "page": paginate(request, selectors.records_for_seats(seats=seats), size=PAGE_SIZE),
    }
    return render(request, "liaison/contacts/portal_contacts.html", context, status=status)


def _seats(request):
    seats = list(selectors.seats_for_user(user=request.user))
    if not seats:
        raise Http404
    return seats


@login_required
@require_GET
def contacts(request):
    return _render_contacts(request, _seats(request))


@login_required
@require_POST
def contact_record(request):
    seats = _seats(request)
    assignments = list(selectors.assignments_for_seats(seats=seats))
    form = ContactForm(request.POST, assignments=assignments)
    by_pk = {a.pk: a for a in assignments}
    result = run_action(
        form,
        lambda d: services.contact_record(
            actor=request.user,
            assignment=by_pk[d["assignment"]],
            kind=d["kind"],
            date=d["date"],
            opinions=d["opinions"],
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The contact was recorded."))
        return redirect("liaison_portal:contacts")
    return _render_contacts(request, seats, form=form, status=result.status)


@login_required
@require_GET
def topics(request):
    rows = list(selectors.topic_invitations_for_user(user=request.user))
    given = set(
        TopicOpinion.objects.filter(deputy__user=request.user, topic__in=[r.topic_id for r in rows]).values_list(
            "topic_id", flat=True
        )
    )
    return render(
        request,
        "liaison/contacts/portal_topics.html",
        {"invitations": rows, "given": given, "today": timezone.localdate()},
    )


def _render_topic(request, invitation, *, form=None, status=200):
    topic, deputy = invitation.topic, invitation.participation.deputy
    opinion = TopicOpinion.objects.filter(topic=topic, deputy=deputy).first()
    context = {
        "invitation": invitation,
        "topic": topic,
        "opinion": opinion,
        "open": topic.meeting.start_date >= timezone.localdate()
        and invitation.participation.status != invitation.participation.Status.DECLINED,
        "form": form or TopicOpinionForm(initial={"text": opinion.text if opinion else ""}),
    }
    return render(request, "liaison/contacts/portal_topic.html", context, status=status)


@login_required
@require_GET
def topic_detail(request, pk: int):
    return _render_topic(request, selectors.topic_invitation_get(user=request.user, topic_pk=pk))


@login_required
@require_POST
def topic_opinion(request, pk: int):
    invitation = selectors.topic_invitation_get(user=request.user, topic_pk=pk)
    form = TopicOpinionForm(request.POST)
    result = run_action(
        form,
        lambda d: services.topic_opinion_submit(
            actor=request.user, topic=invitation.topic, deputy=invitation.participation.deputy, text=d["text"]
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Your opinion was saved for the symposium."))
        return redirect("liaison_portal:topic", pk=pk)
    return _render_topic(request, invitation, form=form, status=result.status)
