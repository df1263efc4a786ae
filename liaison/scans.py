"""Reminder scans for liaison stations (registered with notifications; run by beat).

Each reminder is found by querying the database and sent with ``notify`` under a key that
names its reason, so the unique (user, key) constraint makes it once-only however often the
scan runs:

- the deputy on duty, the day before the duty (the key carries the date, so a moved duty
  is reminded again);
- the assignee of an opinion unanswered after ``LIAISON_OPINION_ANSWER_WORKDAYS`` working
  days, then the staff of the station's congress after twice as many (the keys carry the
  assignment time, so a new assignment starts afresh).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from notifications.registry import register_scan
from notifications.services import notify

from .models import Duty, Opinion
from .selectors import overdue_q
from .services import answer_workdays, assignee_url


def _today(now) -> datetime.date:
    return timezone.localtime(now).date()


@register_scan("liaison.duty_reminders")
def duty_reminders(now) -> int:
    tomorrow = _today(now) + datetime.timedelta(days=1)
    sent = 0
    duties = Duty.objects.filter(date=tomorrow, deputy__user__isnull=False, cancelled_at__isnull=True).select_related(
        "station", "deputy__user"
    )
    for duty in duties:
        created = notify(
            duty.deputy.user,
            key=f"liaison:duty:{duty.pk}:{duty.date:%Y%m%d}:{duty.start_time:%H%M}",
            title=_("Tomorrow: your duty at %(station)s") % {"station": duty.station.name},
            body=_("%(date)s %(start)s–%(end)s, %(address)s.")
            % {
                "date": duty.date,
                "start": duty.start_time.strftime("%H:%M"),
                "end": duty.end_time.strftime("%H:%M"),
                "address": duty.station.address,
            },
            url="/portal/liaison/",
        )
        sent += created is not None
    return sent


def _stamp(opinion) -> str:
    return f"{opinion.assigned_at:%Y%m%d%H%M%S}"


@register_scan("liaison.opinion_reminders")
def opinion_reminders(now) -> int:
    today, days = _today(now), answer_workdays()
    sent = 0
    late = Opinion.objects.filter(overdue_q(today, days)).select_related("station", "assignee")
    for opinion in late:
        created = notify(
            opinion.assignee,
            key=f"liaison:opinion:{opinion.pk}:{_stamp(opinion)}:overdue",
            title=_("A public opinion waits for your answer: %(station)s") % {"station": opinion.station.name},
            body=_("Assigned to you more than %(n)d working days ago.") % {"n": days},
            url=assignee_url(opinion, opinion.assignee),
        )
        sent += created is not None
    very_late = list(Opinion.objects.filter(overdue_q(today, 2 * days)).select_related("station", "assignee"))
    if not very_late:
        return sent
    staff = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            groups__name=roles.GROUP_NAMES[roles.STAFF],
            congress_id__in={o.station.congress_id for o in very_late},
        )
        .distinct()
    )
    for opinion in very_late:
        for user in staff:
            if user.congress_id != opinion.station.congress_id:
                continue
            created = notify(
                user,
                key=f"liaison:opinion:{opinion.pk}:{_stamp(opinion)}:escalated",
                title=_("A public opinion is still unanswered: %(station)s") % {"station": opinion.station.name},
                body=_("Assigned to %(name)s more than %(n)d working days ago.")
                % {"name": opinion.assignee.full_name, "n": 2 * days},
                url=f"/office/opinions/{opinion.pk}/",
            )
            sent += created is not None
    return sent


@register_scan("liaison.contact_reminders")
def contact_reminders(now) -> int:
    """An SC member is told about each assigned deputy with no contact for LIAISON_CONTACT_MONTHS
    months; the key carries the last contact's date, so a new contact that lapses again is
    reminded afresh, and an unchanged lapse never twice."""
    from django.db.models import OuterRef, Q, Subquery

    from .models import ContactAssignment, ContactRecord
    from .selectors.contacts import stale_cutoff
    from .services_contacts import contact_months

    cutoff = stale_cutoff(_today(now))
    last = (
        ContactRecord.objects.filter(member=OuterRef("member"), deputy=OuterRef("deputy"))
        .order_by("-date")
        .values("date")[:1]
    )
    due = (
        ContactAssignment.objects.filter(
            member__end_date__isnull=True, member__term__is_current=True, member__deputy__user__isnull=False
        )
        .annotate(last_contact=Subquery(last))
        .filter(Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
        .filter(created_at__date__lt=cutoff)
        .select_related("member__deputy__user", "deputy")
    )
    sent = 0
    for assignment in due:
        stamp = f"{assignment.last_contact:%Y%m%d}" if assignment.last_contact else "never"
        created = notify(
            assignment.member.deputy.user,
            key=f"liaison:contact:{assignment.pk}:{stamp}:due",
            title=_("Time to get in touch with %(name)s") % {"name": assignment.deputy.name},
            body=_("No contact recorded for %(n)d months.") % {"n": contact_months()},
            url="/portal/liaison/contacts/",
        )
        sent += created is not None
    return sent


# Days before a consultation closes when the deputies who have not commented are reminded.
CONSULTATION_REMINDER_DAYS = 3


@register_scan("liaison.consultation_closing")
def consultation_closing(now) -> int:
    """Three days before a published draft closes, each consulted deputy with an account who has
    not commented is reminded, once (the key names the consultation and its closing day)."""
    from django.db.models import Exists, OuterRef

    from .models import Consultation, ConsultationComment
    from .services_consultations import deputies_consulted

    day = _today(now) + datetime.timedelta(days=CONSULTATION_REMINDER_DAYS)
    sent = 0
    for consultation in Consultation.objects.filter(published_at__isnull=False, closes_on=day).select_related(
        "committee"
    ):
        commented = ConsultationComment.objects.filter(consultation=consultation, deputy=OuterRef("pk"))
        waiting = deputies_consulted(consultation).exclude(user=None).exclude(Exists(commented)).select_related("user")
        for deputy in waiting:
            created = notify(
                deputy.user,
                key=f"liaison:consultation:{consultation.pk}:{consultation.closes_on:%Y%m%d}:closing",
                title=_("Comments close on %(date)s: %(title)s")
                % {"date": consultation.closes_on, "title": consultation.title},
                body=_("Your comments on the draft are asked for."),
                url=f"/portal/liaison/consultations/{consultation.pk}/",
            )
            sent += created is not None
    return sent
