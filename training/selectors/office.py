"""Reads for the office's pages: staff only, scoped to their congresses (district staff see
their own congress's courses, materials and requests; the city sees all). Anything else
answers 403 (not staff) or 404 (outside the scope)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts import roles
from accounts.models import Unit
from accounts.scoping import scoped
from deputies.models import Congress, CongressSession, Deputy, DeputyGroup, ElectoralUnit

from .. import audience
from ..models import Course, DataRequest, Document, Enrolment, Feedback, Material, Receipt, RequestEvent, Session

S = DataRequest.Status


def require_staff(actor) -> None:
    if not roles.is_staff_member(actor):
        raise PermissionDenied


def congresses_for(actor):
    require_staff(actor)
    return scoped(Congress.objects.all(), actor, "id").order_by("level", "pk")


def courses_for_office(*, actor, kind: str = ""):
    require_staff(actor)
    rows = scoped(Course.objects.all(), actor).select_related("congress")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(
        enrolled=Count("enrolments", distinct=True), sessions_count=Count("sessions", distinct=True)
    ).order_by("-created_at", "-pk")


def course_get_for_office(*, actor, pk: int) -> Course:
    course = courses_for_office(actor=actor).select_related("congress_session", "audience_group", "audience_unit")
    course = course.filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def course_office_parts(course: Course) -> dict:
    sessions = list(
        Session.objects.filter(course=course)
        .select_related("activity")
        .annotate(
            invited=Count("activity__participations", distinct=True),
            attended=Count(
                "activity__participations", filter=Q(activity__participations__status="attended"), distinct=True
            ),
        )
    )
    stats = {
        row["session_id"]: row
        for row in Feedback.objects.filter(session__course=course)
        .values("session_id")
        .annotate(
            n=Count("pk"),
            avg=Avg("score"),
            very=Count("pk", filter=Q(usefulness=Feedback.Usefulness.VERY)),
            some=Count("pk", filter=Q(usefulness=Feedback.Usefulness.SOME)),
            little=Count("pk", filter=Q(usefulness=Feedback.Usefulness.LITTLE)),
        )
    }
    for session in sessions:
        session.stats = stats.get(session.pk)
    comments = list(
        Feedback.objects.filter(session__course=course)
        .exclude(comment="")
        .select_related("session")
        .order_by("-created_at")[:50]
    )
    return {
        "sessions": sessions,
        "topics": list(course.topics.all()),
        "documents": list(Document.objects.filter(course=course)),
        "enrolments": list(
            Enrolment.objects.filter(course=course).select_related("deputy__electoral_unit").order_by("deputy__name")
        ),
        "audience_count": audience.deputies_in(course).count(),
        "comments": comments,
    }


def materials_for_office(*, actor, kind: str = ""):
    require_staff(actor)
    rows = scoped(Material.objects.all(), actor).select_related("congress")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(read=Count("receipts")).order_by(F("published_at").desc(nulls_first=True), "-pk")


def shared_cases_for(*, actor):
    """Typical cases the city shared with the districts, for a district office (read-only)."""
    require_staff(actor)
    congress = getattr(actor, "congress", None)
    if congress is None or congress.parent_id is None:
        return Material.objects.none()
    return Material.objects.filter(
        congress_id=congress.parent_id, kind=Material.Kind.CASE, shared_with_districts=True, published_at__isnull=False
    ).order_by("-published_at", "-pk")


def material_get_for_office(*, actor, pk: int) -> Material:
    material = scoped(Material.objects.all(), actor).select_related("congress", "audience_group", "audience_unit")
    require_staff(actor)
    found = material.filter(pk=pk).first()
    if found is None:
        found = shared_cases_for(actor=actor).filter(pk=pk).select_related("congress").first()
        if found is not None:
            found.shared_view = True
    if found is None:
        raise Http404
    return found


def material_counts(material: Material) -> dict:
    """The audience today and how many of them have read it, in one query."""
    return materials_counts([material])[material.pk]


def materials_counts(materials) -> dict[int, dict]:
    """``material_counts`` for several materials in one scan of the serving deputies."""
    materials = list(materials)
    if not materials:
        return {}
    figures = {}
    for material in materials:
        rule = audience.audience_q(material)
        read = Exists(Receipt.objects.filter(material=material, deputy=OuterRef("pk")))
        figures[f"total_{material.pk}"] = Count("pk", filter=rule)
        figures[f"read_{material.pk}"] = Count("pk", filter=rule & Q(read))
    counts = Deputy.objects.filter(status=Deputy.Status.SERVING).aggregate(**figures)
    result = {}
    for material in materials:
        total, read = counts[f"total_{material.pk}"], counts[f"read_{material.pk}"]
        result[material.pk] = {"total": total, "read": read, "percent": round(100 * read / total) if total else 0}
    return result


def receipts_for(material: Material):
    return Receipt.objects.filter(material=material).select_related("deputy").order_by("-read_at")


def requests_for_office(*, actor, status: str = ""):
    require_staff(actor)
    rows = scoped(DataRequest.objects.all(), actor).select_related("deputy", "unit", "congress")
    if status == "overdue":
        rows = rows.filter(overdue_q(timezone.localdate()))
    elif status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def overdue_q(today: datetime.date) -> Q:
    return Q(status=S.ROUTED, due__lt=today)


def request_get_for_office(*, actor, pk: int) -> DataRequest:
    request = requests_for_office(actor=actor).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def request_office_parts(request: DataRequest) -> dict:
    return {
        "events": list(RequestEvent.objects.filter(request=request).select_related("actor")),
        "documents": list(Document.objects.filter(request=request)),
    }


def unit_choices(request: DataRequest):
    return Unit.objects.filter(
        is_active=True, congress_id__in=[c for c in (request.congress_id, request.congress.parent_id) if c]
    ).order_by("congress__level", "sort_key", "name")


def audience_choices(actor) -> dict:
    """The choices an audience form offers: groups, units, deputies of the staff's congresses."""
    scope = [c.pk for c in congresses_for(actor)]
    return {
        "groups": DeputyGroup.objects.filter(congress_id__in=scope).order_by("congress_id", "name"),
        "units": ElectoralUnit.objects.filter(congress_id__in=scope).order_by("congress_id", "order", "name"),
        "deputies": Deputy.objects.filter(congress_id__in=scope, status=Deputy.Status.SERVING).order_by("name"),
        "sessions": CongressSession.objects.filter(term__congress_id__in=scope).order_by("-start_date"),
    }


def document_get_for_office(*, actor, pk: int) -> Document:
    require_staff(actor)
    document = Document.objects.filter(pk=pk).select_related("course", "material", "request").first()
    if document is None:
        raise Http404
    owner = document.course or document.material or document.request
    if scoped(type(owner).objects.filter(pk=owner.pk), actor).exists():
        return document
    if document.material_id and shared_cases_for(actor=actor).filter(pk=document.material_id).exists():
        return document
    raise Http404
