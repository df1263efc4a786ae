"""A unit officer's reads: only the data requests routed to their own unit."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ..models import DataRequest, Document


def require_officer(user) -> None:
    if not getattr(user, "is_authenticated", False) or user.unit_id is None:
        raise PermissionDenied


def requests_for_unit(*, user):
    require_officer(user)
    return (
        DataRequest.objects.filter(unit_id=user.unit_id)
        .select_related("deputy", "congress")
        .order_by("status", "due", "-pk")
    )


def request_get_for_unit(*, user, pk: int) -> DataRequest:
    request = requests_for_unit(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def document_get_for_unit(*, user, pk: int) -> Document:
    require_officer(user)
    document = Document.objects.filter(pk=pk, request__unit_id=user.unit_id).first()
    if document is None:
        raise Http404
    return document
