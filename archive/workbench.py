"""A deputy's year in figures, at the foot of their workbench (``/portal/``): what they did this
year across their mandates, each figure a link to the page that lists it.

One query, whatever the numbers: each figure is a scalar subquery of the user's row. The
activities attended come from the per-(deputy, year) summaries the ledger's triggers keep
(``activities/summaries.py``), the archive's own fast path; the rest are counts of the rows.
"""

from django.contrib.auth import get_user_model
from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from activities.models import DeputyLetter, ParticipationSummary
from core.registry import WorkbenchBlock, WorkItem, workbench
from liaison.models import ConsultationComment
from proposals.models import CoSigner, Suggestion
from training.models import Receipt

KEY = "archive.year"


def _scalar(queryset, function: str = "COUNT", column: str = "pk"):
    """``SELECT COUNT(pk)`` (or SUM of a column) of ``queryset`` as a subquery; 0 when empty."""
    value = queryset.order_by().annotate(n=Func(F(column), function=function)).values("n")
    return Coalesce(Subquery(value, output_field=IntegerField()), 0)


def year_figures(*, user, year: int) -> dict[str, int]:
    """The user's counts for ``year`` across every mandate they hold, in one query."""
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            suggestions=_scalar(
                Suggestion.objects.filter(lead_deputy__user=user, submitted_at__year=year).exclude(
                    status=Suggestion.Status.DRAFT
                )
            ),
            cosigned=_scalar(
                CoSigner.objects.filter(
                    deputy__user=user, status=CoSigner.Status.CONFIRMED, suggestion__submitted_at__year=year
                )
            ),
            attended=_scalar(
                ParticipationSummary.objects.filter(deputy__user=user, year=year), function="SUM", column="attended"
            ),
            letters=_scalar(DeputyLetter.objects.filter(deputy__user=user, received_on__year=year)),
            comments=_scalar(ConsultationComment.objects.filter(deputy__user=user, submitted_at__year=year)),
            materials=_scalar(Receipt.objects.filter(deputy__user=user, read_at__year=year)),
        )
        .values("suggestions", "cosigned", "attended", "letters", "comments", "materials")
        .get()
    )


@workbench.register(KEY, order=900)
def year_block(user, today) -> WorkbenchBlock | None:
    if not roles.has_role(user, roles.DEPUTY):
        return None
    figures = year_figures(user=user, year=today.year)
    rows = [
        ("suggestions", _("suggestions and motions submitted"), reverse("proposals_portal:list")),
        ("cosigned", _("co-signed"), reverse("proposals_portal:list") + "#cosigned"),
        ("attended", _("activities attended"), reverse("archive:my_archive")),
        ("letters", _("letters passed on"), reverse("activities:letters_portal")),
        ("comments", _("comments on drafts"), reverse("liaison_portal:consultations")),
        ("materials", _("materials read"), reverse("training_portal:materials")),
    ]
    return WorkbenchBlock(
        key=KEY,
        heading=_("My %(year)d in figures") % {"year": today.year},
        items=[WorkItem(title=label, url=url, detail=str(figures[name])) for name, label, url in rows],
        total=sum(figures.values()),
        more_url=reverse("archive:my_archive"),
        order=900,
    )
