"""The deputy's training pages in the portal (``/portal/training/``): courses and briefings
offered to them (enrol, sessions, files, feedback), materials sent to them (unread first;
opening one writes the read receipt), and their data requests (ask, read the answer, rate)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import NotAllowed
from core.text import render_body
from core.views import deadline_info, download_response, paginate, refusal_status, run_action

from .. import audience, services_courses, services_requests
from ..forms import FeedbackForm, RateForm, RequestForm
from ..models import Course
from ..selectors import portal as selectors
from ..workflow import REQUEST

PAGE_SIZE = 20


@login_required
@require_GET
def courses(request):
    """``?kind=briefing`` lists the briefings only (the suggestions' topic guide links here)."""
    kind = request.GET.get("kind", "")
    rows = selectors.courses_for_deputy(user=request.user)
    if kind in Course.Kind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    page = paginate(request, rows, size=PAGE_SIZE)
    return render(request, "training/portal/courses.html", {"page": page, "kind": kind})


def _render_course(request, course, *, status=200, feedback_forms=None, errors=()):
    parts = selectors.course_detail_parts(user=request.user, course=course)
    today = timezone.localdate()
    feedback_forms = feedback_forms or {}
    for session in parts["sessions"]:
        session.can_feedback = course.is_enrolled and session.date <= today and not session.my_feedback
        session.form = feedback_forms.get(session.pk) or FeedbackForm(prefix=f"s{session.pk}")
    can_enrol = (
        not course.is_enrolled
        and course.enrolment == course.Enrolment.OPEN
        and any(s.date >= today for s in parts["sessions"])
    )
    context = {"course": course, "can_enrol": can_enrol, "errors": errors, **parts}
    return render(request, "training/portal/course.html", context, status=status)


@login_required
@require_GET
def course_detail(request, pk: int):
    return _render_course(request, selectors.course_get_for_deputy(user=request.user, pk=pk))


@login_required
@require_POST
def course_enrol(request, pk: int):
    course = selectors.course_get_for_deputy(user=request.user, pk=pk)
    try:
        services_courses.course_enrol(actor=request.user, course=course)
    except (ValidationError, NotAllowed) as exc:
        return _render_course(request, course, status=refusal_status(exc), errors=[str(m) for m in _messages(exc)])
    messages.success(request, _("You are enrolled."))
    return redirect("training_portal:course", pk=course.pk)


def _messages(exc):
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


@login_required
@require_POST
def session_feedback(request, pk: int, session_pk: int):
    course = selectors.course_get_for_deputy(user=request.user, pk=pk)
    session = course.sessions.filter(pk=session_pk).first()
    if session is None:
        return _render_course(request, course, status=200, errors=[_("This session is not part of the course.")])
    form = FeedbackForm(request.POST, prefix=f"s{session.pk}")
    result = run_action(
        form,
        lambda d: services_courses.feedback_give(
            actor=request.user, session=session, score=d["score"], usefulness=d["usefulness"], comment=d["comment"]
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Thank you for your feedback."))
        return redirect("training_portal:course", pk=course.pk)
    return _render_course(request, course, status=result.status, feedback_forms={session.pk: form})


@login_required
@require_GET
def materials(request):
    rows = selectors.materials_for_deputy(user=request.user)
    page = paginate(request, rows, size=PAGE_SIZE)
    return render(request, "training/portal/materials.html", {"page": page})


@login_required
@require_GET
def material_detail(request, pk: int):
    material = selectors.material_get_for_deputy(user=request.user, pk=pk)
    from .. import services

    services.material_open(actor=request.user, material=material)
    context = {
        "material": material,
        "body_html": render_body(material.body),
        "documents": list(material.documents.all()),
    }
    return render(request, "training/portal/material.html", context)


@login_required
@require_GET
def requests(request):
    page = paginate(request, selectors.requests_for_deputy(user=request.user), size=PAGE_SIZE)
    for row in page.object_list:
        row.due_info = deadline_info(row.due, awaiting=row.status == row.Status.ROUTED)
    return render(request, "training/portal/requests.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    mandates = audience.mandates_of(request.user).deputies
    if not mandates:
        return render(request, "training/portal/request_new.html", {"form": None, "no_mandate": True}, status=403)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda d: services_requests.request_submit(
                actor=request.user,
                deputy=mandates[0],
                subject=d["subject"],
                wanted=d["wanted"],
                reason=d["reason"],
                suggested_body=d["suggested_body"],
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("Your request was sent to the office."))
            return redirect("training_portal:request", pk=result.value.pk)
        status = result.status
    return render(request, "training/portal/request_new.html", {"form": form}, status=status)


def _render_request(request, data_request, *, status=200, rate_form=None):
    held = services_requests.request_roles(request.user, data_request)
    context = {
        "req": data_request,
        "can_rate": REQUEST.can("rate", status=data_request.status, roles=held),
        "rate_form": rate_form or RateForm(),
        "due": deadline_info(data_request.due, awaiting=data_request.status == data_request.Status.ROUTED),
        "labels": {k: str(v) for k, v in REQUEST.labels.items()},
        **selectors.request_parts(data_request),
    }
    return render(request, "training/portal/request.html", context, status=status)


@login_required
@require_GET
def request_detail(request, pk: int):
    return _render_request(request, selectors.request_get_for_deputy(user=request.user, pk=pk))


@login_required
@require_POST
def request_rate(request, pk: int):
    data_request = selectors.request_get_for_deputy(user=request.user, pk=pk)
    form = RateForm(request.POST)
    result = run_action(
        form,
        lambda d: services_requests.request_rate(
            actor=request.user, request=data_request, rating=d["rating"], note=d["note"]
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("Thank you: your rating was recorded."))
        return redirect("training_portal:request", pk=data_request.pk)
    return _render_request(request, data_request, status=result.status, rate_form=form)


@login_required
@require_GET
def document(request, pk: int):
    item = selectors.document_get_for_deputy(user=request.user, pk=pk)
    return download_response(item.file.open("rb"), filename=item.original_name, content_type=item.content_type)
