"""The office's training pages (``/office/training/``): courses and briefings (create, sessions,
topics, files, publish, enrolment, feedback results, the ledger's attendance page), materials
(create, send, who has not read, remind once; typical cases shared by the city), and data
requests (route to a unit, decline). Staff only, scoped to their congresses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text import render_body
from core.views import deadline_info, download_response, paginate, run_action

from .. import services, services_courses, services_requests
from ..forms import (
    CourseForm,
    DeclineForm,
    FilesForm,
    MaterialForm,
    PublishForm,
    RemindForm,
    RouteForm,
    SessionForm,
    TopicForm,
)
from ..models import Course, DataRequest, Material
from ..selectors import office as selectors
from ..workflow import REQUEST

PAGE_SIZE = 50


def _audience_form(form_class, request, data=None, files=None):
    return form_class(
        data,
        files,
        congresses=selectors.congresses_for(request.user),
        choices=selectors.audience_choices(request.user),
    )


# --- Courses ----------------------------------------------------------------------------------


@login_required
@require_GET
def courses(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Course.Kind.values else ""
    page = paginate(request, selectors.courses_for_office(actor=request.user, kind=kind), size=PAGE_SIZE)
    return render(request, "training/office/courses.html", {"page": page, "kind": kind, "kinds": Course.Kind.choices})


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request):
    selectors.require_staff(request.user)
    form = _audience_form(CourseForm, request, request.POST or None)
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda d: services_courses.course_create(
                actor=request.user,
                **form.audience_kwargs(d),
                title=d["title"],
                kind=d["kind"],
                organiser=d["organiser"],
                speaker=d["speaker"],
                place=d["place"],
                online_link=d["online_link"],
                enrolment=d["enrolment"],
                capacity=d["capacity"],
                congress_session=d["congress_session"],
                description=d["description"],
            ),
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("The course was created. Add its sessions, then publish it."))
            return redirect("training_office:course", pk=result.value.pk)
        status = result.status
    return render(request, "training/office/course_new.html", {"form": form}, status=status)


def _render_course(request, course, *, status=200, bound=None, bound_name=""):
    forms = {
        "session": SessionForm(prefix="session"),
        "topic": TopicForm(prefix="topic"),
        "files": FilesForm(prefix="files"),
        "publish": PublishForm(prefix="publish"),
    }
    if bound is not None:
        forms[bound_name] = bound
    context = {"course": course, "forms": forms, **selectors.course_office_parts(course)}
    return render(request, "training/office/course.html", context, status=status)


@login_required
@require_GET
def course_detail(request, pk: int):
    return _render_course(request, selectors.course_get_for_office(actor=request.user, pk=pk))


COURSE_ACTIONS = {
    "session": (
        SessionForm,
        lambda actor, c, d, f: services_courses.session_add(actor=actor, course=c, **d),
        gettext_lazy("The session was added and entered in the activity ledger."),
    ),
    "topic": (
        TopicForm,
        lambda actor, c, d, f: services_courses.topic_add(actor=actor, course=c, **d),
        gettext_lazy("The topic was added."),
    ),
    "files": (
        FilesForm,
        lambda actor, c, d, f: services_courses.course_add_files(actor=actor, course=c, uploads=d["files"]),
        gettext_lazy("The files were added."),
    ),
    "publish": (
        PublishForm,
        lambda actor, c, d, f: services_courses.course_publish(actor=actor, course=c),
        gettext_lazy("The course was published to its audience."),
    ),
}


@login_required
@require_POST
def course_action(request, pk: int, action: str):
    course = selectors.course_get_for_office(actor=request.user, pk=pk)
    if action not in COURSE_ACTIONS:
        return redirect("training_office:course", pk=course.pk)
    form_class, run, message = COURSE_ACTIONS[action]
    form = form_class(request.POST, request.FILES, prefix=action)
    result = run_action(form, lambda d: run(request.user, course, d, form), leftovers_on_form=True)
    if result.ok:
        messages.success(request, message)
        return redirect("training_office:course", pk=course.pk)
    return _render_course(request, course, status=result.status, bound=form, bound_name=action)


# --- Materials --------------------------------------------------------------------------------


@login_required
@require_GET
def materials(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Material.Kind.values else ""
    page = paginate(request, selectors.materials_for_office(actor=request.user, kind=kind), size=PAGE_SIZE)
    shared = list(selectors.shared_cases_for(actor=request.user)[:20])
    return render(
        request,
        "training/office/materials.html",
        {"page": page, "kind": kind, "kinds": Material.Kind.choices, "shared": shared},
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request):
    selectors.require_staff(request.user)
    form = _audience_form(MaterialForm, request, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        result = run_action(
            form,
            lambda d: services.material_create(
                actor=request.user,
                **form.audience_kwargs(d),
                title=d["title"],
                kind=d["kind"],
                body=d["body"],
                important=d["important"],
                shared_with_districts=d["shared_with_districts"],
                uploads=d["files"],
            ),
            field_map={"file": "files"},
            leftovers_on_form=True,
        )
        if result.ok:
            messages.success(request, _("The material was saved. Check it, then send it."))
            return redirect("training_office:material", pk=result.value.pk)
        status = result.status
    return render(request, "training/office/material_new.html", {"form": form}, status=status)


def _render_material(request, material, *, status=200, bound=None, bound_name=""):
    forms = {
        "publish": PublishForm(prefix="publish"),
        "remind": RemindForm(prefix="remind"),
        "files": FilesForm(prefix="files"),
    }
    if bound is not None:
        forms[bound_name] = bound
    shared_view = getattr(material, "shared_view", False)
    context = {
        "material": material,
        "shared_view": shared_view,
        "body_html": render_body(material.body),
        "documents": list(material.documents.all()),
        "forms": forms,
    }
    if not shared_view and material.published_at:
        context["counts"] = selectors.material_counts(material)
        context["unread"] = paginate(request, services.unread_deputies(material), param="unread", size=100)
        context["receipts"] = paginate(request, selectors.receipts_for(material), param="read", size=100)
    return render(request, "training/office/material.html", context, status=status)


@login_required
@require_GET
def material_detail(request, pk: int):
    return _render_material(request, selectors.material_get_for_office(actor=request.user, pk=pk))


MATERIAL_ACTIONS = {
    "publish": (
        PublishForm,
        lambda actor, m, d: services.material_publish(actor=actor, material=m),
        gettext_lazy("The material was sent to its audience."),
    ),
    "remind": (
        RemindForm,
        lambda actor, m, d: services.material_remind_unread(actor=actor, material=m),
        gettext_lazy("The deputies who have not read it were reminded."),
    ),
    "files": (
        FilesForm,
        lambda actor, m, d: [services.material_add_file(actor=actor, material=m, upload=u) for u in d["files"]],
        gettext_lazy("The files were added."),
    ),
}


@login_required
@require_POST
def material_action(request, pk: int, action: str):
    material = selectors.material_get_for_office(actor=request.user, pk=pk)
    if action not in MATERIAL_ACTIONS or getattr(material, "shared_view", False):
        return redirect("training_office:material", pk=material.pk)
    form_class, run, message = MATERIAL_ACTIONS[action]
    form = form_class(request.POST, request.FILES, prefix=action)
    result = run_action(
        form, lambda d: run(request.user, material, d), field_map={"file": "files"}, leftovers_on_form=True
    )
    if result.ok:
        messages.success(request, message)
        return redirect("training_office:material", pk=material.pk)
    return _render_material(request, material, status=result.status, bound=form, bound_name=action)


# --- Data requests ----------------------------------------------------------------------------

STATUS_FILTERS = [*DataRequest.Status.choices, ("overdue", gettext_lazy("Overdue"))]


@login_required
@require_GET
def requests(request):
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_FILTERS) else ""
    page = paginate(request, selectors.requests_for_office(actor=request.user, status=status), size=PAGE_SIZE)
    for row in page.object_list:
        row.due_info = deadline_info(row.due, awaiting=row.status == DataRequest.Status.ROUTED)
    return render(
        request, "training/office/requests.html", {"page": page, "status": status, "statuses": STATUS_FILTERS}
    )


def _render_request(request, data_request, *, status=200, route_form=None, refuse_form=None):
    held = services_requests.request_roles(request.user, data_request)
    context = {
        "req": data_request,
        "can_route": REQUEST.can("route", status=data_request.status, roles=held),
        "can_refuse": REQUEST.can("refuse", status=data_request.status, roles=held),
        "route_form": route_form
        or RouteForm(
            prefix="route", units=selectors.unit_choices(data_request), workdays=services_requests.answer_workdays()
        ),
        "refuse_form": refuse_form or DeclineForm(prefix="refuse"),
        "due": deadline_info(data_request.due, awaiting=data_request.status == DataRequest.Status.ROUTED),
        "labels": {k: str(v) for k, v in REQUEST.labels.items()},
        **selectors.request_office_parts(data_request),
    }
    return render(request, "training/office/request.html", context, status=status)


@login_required
@require_GET
def request_detail(request, pk: int):
    return _render_request(request, selectors.request_get_for_office(actor=request.user, pk=pk))


@login_required
@require_POST
def request_route(request, pk: int):
    data_request = selectors.request_get_for_office(actor=request.user, pk=pk)
    form = RouteForm(
        request.POST,
        prefix="route",
        units=selectors.unit_choices(data_request),
        workdays=services_requests.answer_workdays(),
    )
    result = run_action(
        form,
        lambda d: services_requests.request_route(
            actor=request.user, request=data_request, unit=d["unit"], workdays=d["workdays"], note=d["note"]
        ),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The request was sent to %(unit)s.") % {"unit": data_request.unit.name})
        return redirect("training_office:request", pk=data_request.pk)
    return _render_request(request, data_request, status=result.status, route_form=form)


@login_required
@require_POST
def request_refuse(request, pk: int):
    data_request = selectors.request_get_for_office(actor=request.user, pk=pk)
    form = DeclineForm(request.POST, prefix="refuse")
    result = run_action(
        form,
        lambda d: services_requests.request_refuse(actor=request.user, request=data_request, reason=d["reason"]),
        leftovers_on_form=True,
    )
    if result.ok:
        messages.success(request, _("The request was declined; the deputy was told why."))
        return redirect("training_office:request", pk=data_request.pk)
    return _render_request(request, data_request, status=result.status, refuse_form=form)


@login_required
@require_GET
def document(request, pk: int):
    item = selectors.document_get_for_office(actor=request.user, pk=pk)
    return download_response(item.file.open("rb"), filename=item.original_name, content_type=item.content_type)
