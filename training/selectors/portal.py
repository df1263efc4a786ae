"""A deputy's reads: courses and materials whose audience takes them in, their own requests.

Each list costs a fixed number of queries whatever its length: the user's mandates are read
once (``audience.mandates_of``), the list is one query with its annotations, and a page of
it is what the view shows.
"""

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from .. import audience
from ..models import Course, DataRequest, Document, Enrolment, Material, Receipt, RequestEvent, Session


def courses_for_deputy(*, user):
    mandates = audience.mandates_of(user)
    enrolled = Enrolment.objects.filter(course=OuterRef("pk"), deputy_id__in=mandates.ids)
    today = timezone.localdate()
    return (
        Course.objects.filter(published_at__isnull=False)
        .filter(audience.visible_q(mandates, Course.audience_deputies.through, "course_id") | Q(Exists(enrolled)))
        .annotate(
            is_enrolled=Exists(enrolled),
            next_date=Min("sessions__date", filter=Q(sessions__date__gte=today)),
            first_date=Min("sessions__date"),
        )
        .order_by("-is_enrolled", "next_date", "-first_date", "-pk")
    )


def course_get_for_deputy(*, user, pk: int) -> Course:
    course = courses_for_deputy(user=user).filter(pk=pk).select_related("congress_session").first()
    if course is None:
        raise Http404
    return course


def course_detail_parts(*, user, course: Course) -> dict:
    mandates = audience.mandates_of(user)
    sessions = list(
        Session.objects.filter(course=course).annotate(
            my_feedback=Count("feedback", filter=Q(feedback__deputy_id__in=mandates.ids))
        )
    )
    return {
        "sessions": sessions,
        "topics": list(course.topics.all()),
        "documents": list(Document.objects.filter(course=course)),
        "enrolled_count": Enrolment.objects.filter(course=course).count(),
    }


def materials_for_deputy(*, user):
    """Sent materials for the user, unread first, important first, newest first."""
    mandates = audience.mandates_of(user)
    read = Receipt.objects.filter(material=OuterRef("pk"), deputy_id__in=mandates.ids)
    return (
        Material.objects.filter(published_at__isnull=False)
        .filter(audience.visible_q(mandates, Material.audience_deputies.through, "material_id"))
        .annotate(is_read=Exists(read))
        .order_by("is_read", "-important", "-published_at", "-pk")
    )


def material_get_for_deputy(*, user, pk: int) -> Material:
    material = materials_for_deputy(user=user).filter(pk=pk).first()
    if material is None:
        raise Http404
    return material


def requests_for_deputy(*, user):
    return DataRequest.objects.filter(deputy__user=user).select_related("unit").order_by("-created_at", "-pk")


def request_get_for_deputy(*, user, pk: int) -> DataRequest:
    request = requests_for_deputy(user=user).select_related("deputy").filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def request_parts(request: DataRequest) -> dict:
    return {
        "events": list(RequestEvent.objects.filter(request=request).select_related("actor")),
        "documents": list(Document.objects.filter(request=request)),
    }


def document_get_for_deputy(*, user, pk: int) -> Document:
    """A file the deputy may open: of a course or material offered to them, or of their request."""
    document = Document.objects.filter(pk=pk).first()
    if document is None:
        raise Http404
    if document.course_id and courses_for_deputy(user=user).filter(pk=document.course_id).exists():
        return document
    if document.material_id and materials_for_deputy(user=user).filter(pk=document.material_id).exists():
        return document
    if document.request_id and requests_for_deputy(user=user).filter(pk=document.request_id).exists():
        return document
    raise Http404
