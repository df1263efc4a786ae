"""The liaison blocks of the workbench (``/portal/``).

- a deputy: drafts open for their comments (征求意见), closing first, marked in their last
  days, until they have commented; public opinions the office assigned to them to answer;
- an SC member: the deputies assigned to their seat and not contacted within the months the
  contacts page allows;
- staff: public opinions held for review and received ones waiting to be assigned.

Each block is one query (its first rows, each with the total as a window count).
"""

import datetime

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.scoping import scoped
from core.registry import WorkbenchBlock, WorkItem, page_block, workbench

from .models import ConsultationComment, Opinion
from .scans import CONSULTATION_REMINDER_DAYS
from .selectors import consultations, contacts, portal

OS = Opinion.Status


def _opinion_title(opinion: Opinion) -> str:
    return Truncator(" ".join(opinion.text.split())).chars(40)


@workbench.register("liaison.consultations", order=40)
def consultations_block(user, today) -> WorkbenchBlock | None:
    if not roles.has_role(user, roles.DEPUTY):
        return None
    commented = ConsultationComment.objects.filter(consultation=OuterRef("pk"), deputy__user=user)
    qs = (
        consultations.consultations_for_deputy(user=user)
        .filter(closes_on__gte=today)
        .exclude(Exists(commented))
        .order_by("closes_on", "pk")
    )
    soon = today + datetime.timedelta(days=CONSULTATION_REMINDER_DAYS)
    return page_block(
        qs,
        key="liaison.consultations",
        heading=_("Drafts open for your comments"),
        item=lambda row: WorkItem(
            title=row.title,
            url=reverse("liaison_portal:consultation", args=[row.pk]),
            action=_("Comment on the draft"),
            due=row.closes_on,
            mark="yellow" if row.closes_on <= soon else "",
            detail=row.committee.name,
        ),
        more_url=reverse("liaison_portal:consultations"),
        order=40,
    )


@workbench.register("liaison.opinions", order=45)
def assigned_opinions_block(user, today) -> WorkbenchBlock | None:
    """Opinions from the public the office passed to the user to answer (only theirs)."""
    if not roles.has_role(user, roles.DEPUTY):
        return None
    return page_block(
        portal.opinions_for_assignee(user=user).filter(status=OS.ASSIGNED),
        key="liaison.opinions",
        heading=_("Public opinions to answer"),
        item=lambda row: WorkItem(
            title=_opinion_title(row),
            url=reverse("liaison_portal:opinion", args=[row.pk]),
            action=_("Answer the opinion"),
            detail=row.station.name,
        ),
        more_url=reverse("liaison_portal:duties"),
        order=45,
    )


@workbench.register("liaison.contacts", order=50)
def contacts_block(user, today) -> WorkbenchBlock | None:
    """The SC member's assigned deputies last contacted before the cut-off (or never), never contacted first."""
    if not roles.has_role(user, roles.SC_MEMBER):
        return None
    cutoff = contacts.stale_cutoff(today)
    qs = (
        contacts.assignments_for_seats(seats=contacts.seats_for_user(user=user))
        .filter(contacts.stale_q(cutoff))
        .order_by(F("last_contact").asc(nulls_first=True), "deputy__name", "pk")
    )
    page = reverse("liaison_portal:contacts")
    return page_block(
        qs,
        key="liaison.contacts",
        heading=_("Deputies not contacted lately"),
        item=lambda row: WorkItem(
            title=row.deputy.name,
            url=f"{page}#record-title",
            action=_("Record a contact"),
            detail=(
                _("Last contact %(date)s") % {"date": row.last_contact.isoformat()}
                if row.last_contact
                else _("Not contacted yet")
            )
            + f" · {row.deputy.electoral_unit.name}",
        ),
        more_url=page,
        order=50,
    )


def _office_opinions(user, *, status, key, heading, action, order) -> WorkbenchBlock | None:
    if not roles.is_staff_member(user):
        return None
    qs = (
        scoped(Opinion.objects.filter(status=status), user, "station__congress_id")
        .select_related("station")
        .order_by("created_at", "pk")
    )
    return page_block(
        qs,
        key=key,
        heading=heading,
        item=lambda row: WorkItem(
            title=_opinion_title(row),
            url=reverse("liaison_office:opinion", args=[row.pk]),
            action=action,
            detail=row.station.name,
        ),
        more_url=reverse("liaison_office:opinions") + f"?status={status}",
        order=order,
    )


@workbench.register("liaison.office_held", order=77)
def office_held_block(user, today) -> WorkbenchBlock | None:
    return _office_opinions(
        user,
        status=OS.HELD,
        key="liaison.office_held",
        heading=_("Public opinions held for review"),
        action=_("Release or reject"),
        order=77,
    )


@workbench.register("liaison.office_received", order=78)
def office_received_block(user, today) -> WorkbenchBlock | None:
    return _office_opinions(
        user,
        status=OS.RECEIVED,
        key="liaison.office_received",
        heading=_("Public opinions to forward"),
        action=_("Assign to a deputy or unit"),
        order=78,
    )
