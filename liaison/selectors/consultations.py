"""Reads of consultations: the office's (scoped to the staff member's congresses) and a deputy's
(published drafts put to one of their mandates' congresses, with their own comments only)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404

from accounts import roles
from accounts.scoping import scoped
from deputies.models import Deputy

from ..models import Committee, Consultation, ConsultationArticle, ConsultationComment


def consultations_for_office(*, actor):
    if not roles.is_staff_member(actor):
        raise PermissionDenied
    return (
        scoped(Consultation.objects.all(), actor, "committee__congress_id")
        .select_related("committee")
        .annotate(comment_count=Count("comments"))
        .order_by("-closes_on", "-pk")
    )


def committees_for_office(*, actor):
    if not roles.is_staff_member(actor):
        raise PermissionDenied
    return scoped(Committee.objects.all(), actor).order_by("congress_id", "kind", "name")


def consultation_get_for_office(*, actor, pk: int) -> Consultation:
    """The consultation with its articles, each with its comments (and the whole-draft comments)."""
    comments = ConsultationComment.objects.select_related("deputy").order_by("submitted_at", "pk")
    consultation = (
        consultations_for_office(actor=actor)
        .prefetch_related(
            Prefetch(
                "articles",
                queryset=ConsultationArticle.objects.prefetch_related(Prefetch("comments", queryset=comments)),
            ),
            Prefetch("comments", queryset=comments.filter(article=None), to_attr="whole_comments"),
        )
        .filter(pk=pk)
        .first()
    )
    if consultation is None:
        raise Http404
    return consultation


def mandates_consulted(*, user):
    return Deputy.objects.filter(user=user, term__is_current=True, status=Deputy.Status.SERVING)


def consultations_for_deputy(*, user):
    congresses = mandates_consulted(user=user).values("congress_id")
    return (
        Consultation.objects.filter(published_at__isnull=False, committee__congress_id__in=congresses)
        .select_related("committee")
        .order_by("-closes_on", "-pk")
    )


def consultation_get_for_deputy(*, user, pk: int):
    """(consultation with its articles, the user's mandate consulted, the user's comments by article id)."""
    consultation = consultations_for_deputy(user=user).prefetch_related("articles").filter(pk=pk).first()
    if consultation is None:
        raise Http404
    mandate = mandates_consulted(user=user).filter(congress_id=consultation.committee.congress_id).first()
    mine = {
        c.article_id: c
        for c in ConsultationComment.objects.filter(consultation=consultation, deputy=mandate).select_related("article")
    }
    return consultation, mandate, mine
