"""Consultations of the deputies on a committee's draft (征求代表意见).

Staff of the committee's congress draft, publish (every serving deputy of the congress's
current term with an account is told) and decide on each comment (adopted or not, with a
note the deputy then reads). A serving deputy of that term comments in the portal until the
closing date, on an article or, when the draft is consulted as a whole, on the draft.
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import InvalidTransition, NotAllowed
from deputies.models import Deputy
from notifications.services import notify_many

from .models import Committee, Consultation, ConsultationArticle, ConsultationComment
from .services_contacts import OPINIONS_MAX, TITLE_MAX, _text, require_staff

DRAFT_MAX = 100_000
ARTICLES_MAX = 300
# One article per paragraph: paragraphs are separated by a blank line.
_PARAGRAPHS = re.compile(r"\n\s*\n")


def split_articles(draft: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPHS.split(draft or "") if p.strip()]


def consultation_create(
    *, actor, committee: Committee, title: str, draft: str, by_article: bool, closes_on: datetime.date
) -> Consultation:
    """A draft for comment, not yet published; by article, each paragraph is an article."""
    require_staff(actor, committee.congress_id)
    errors = {}
    try:
        title = _text(title, field="title", limit=TITLE_MAX, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        draft = _text(draft, field="draft", limit=DRAFT_MAX, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if closes_on is None or closes_on <= timezone.localdate():
        errors["closes_on"] = _("The closing date must be after today.")
    articles = split_articles(draft) if by_article else []
    if by_article and len(articles) > ARTICLES_MAX:
        errors["draft"] = _("At most %(max)d articles.") % {"max": ARTICLES_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            committee=committee, title=title, draft=draft, by_article=by_article, closes_on=closes_on, created_by=actor
        )
        ConsultationArticle.objects.bulk_create(
            ConsultationArticle(consultation=consultation, number=n, text=text) for n, text in enumerate(articles, 1)
        )
    return consultation


def deputies_consulted(consultation: Consultation):
    """The serving deputies of the committee's congress, current term."""
    return Deputy.objects.filter(
        congress_id=consultation.committee.congress_id, term__is_current=True, status=Deputy.Status.SERVING
    )


def consultation_publish(*, actor, consultation: Consultation) -> Consultation:
    """Open the draft to the deputies, who are told (one write however many they are)."""
    require_staff(actor, consultation.committee.congress_id)
    if consultation.closes_on < timezone.localdate():
        raise InvalidTransition(_("The closing date has passed; change it before publishing."))
    with transaction.atomic():
        moved = Consultation.objects.filter(pk=consultation.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        if not moved:
            raise InvalidTransition(_("This draft has already been published."))
        consultation.refresh_from_db()
        users = get_user_model().objects.filter(
            pk__in=deputies_consulted(consultation).exclude(user=None).values("user_id")
        )
        notify_many(
            users,
            key=f"liaison:consultation:{consultation.pk}:published",
            title=_("Your comments are asked for: %(title)s") % {"title": consultation.title},
            body=_("Comments close on %(date)s.") % {"date": consultation.closes_on},
            url=f"/portal/liaison/consultations/{consultation.pk}/",
        )
    return consultation


def consultation_comment(
    *, actor, consultation: Consultation, deputy: Deputy, article: ConsultationArticle | None, text: str
) -> ConsultationComment:
    """The deputy's comment (rewritten if given before) on an article or on the draft as a whole."""
    if deputy.user_id is None or deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the deputy may give their own comment."))
    if not deputies_consulted(consultation).filter(pk=deputy.pk).exists():
        raise NotAllowed(_("This draft is put to the deputies of another congress."))
    if not consultation.is_open():
        raise InvalidTransition(_("This consultation is not open for comments."))
    if consultation.by_article and (article is None or article.consultation_id != consultation.pk):
        raise ValidationError({"article": _("Choose the article you comment on.")})
    if not consultation.by_article:
        article = None
    text = _text(text, field="text", limit=OPINIONS_MAX, required=True)
    comment, _created = ConsultationComment.objects.update_or_create(
        consultation=consultation,
        article=article,
        deputy=deputy,
        defaults={
            "text": text,
            "submitted_at": timezone.now(),
            "adopted": None,
            "decision_note": "",
            "decided_at": None,
        },
    )
    return comment


def comment_decide(*, actor, comment: ConsultationComment, adopted: bool, note: str = "") -> ConsultationComment:
    """The committee's answer to a comment: adopted or not, and how (the deputy reads it)."""
    require_staff(actor, comment.consultation.committee.congress_id)
    note = _text(note, field="note", limit=OPINIONS_MAX)
    comment.adopted, comment.decision_note, comment.decided_at = bool(adopted), note, timezone.now()
    comment.save(update_fields=["adopted", "decision_note", "decided_at"])
    return comment
