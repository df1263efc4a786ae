"""Reads of the activity ledger, scoped by the actor."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from deputies.models import Deputy
from deputies.selectors import served_from_q

from .models import Activity, Participation


def activity_for(*, source) -> Activity | None:
    """The ledger activity opened for another app's record (``services.activity_open_for``), if any."""
    from django.contrib.contenttypes.models import ContentType

    return Activity.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk).first()


def activities_to_record(*, actor):
    """Activities the actor must record attendance for and has not yet."""
    return (
        Activity.objects.filter(recorder=actor, attendance_closed_at__isnull=True)
        .select_related("congress")
        .annotate(invited=Count("participations"))
        .order_by("start_date")
    )


def invitations_for_user(*, user):
    """The user's participations across all their mandates, newest first."""
    return (
        Participation.objects.filter(deputy__user=user)
        .select_related("activity", "deputy__congress")
        .order_by("-activity_date", "-pk")
    )


def activity_get_for_manager(*, actor, activity_id: int) -> Activity:
    """The activity, if the actor may invite to it and record it: its recorder, or staff of its congress.

    404 when it does not exist, PermissionDenied (NotAllowed) otherwise.
    """
    from .services import require_activity_manager

    activity = Activity.objects.select_related("congress", "recorder").filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    require_activity_manager(actor, activity)
    return activity


def invite_candidates(
    *,
    activity: Activity,
    electoral_unit_ids=(),
    group_id: int | None = None,
    grassroots_only: bool = False,
    q: str = "",
) -> QuerySet[Deputy]:
    """Serving deputies of the activity's congress (current term), and the national and provincial
    deputies it serves (item 7), not yet invited, narrowed by the filters."""
    invited = Participation.objects.filter(activity=activity, deputy=OuterRef("pk"))
    qs = (
        Deputy.objects.filter(
            Q(congress_id=activity.congress_id) | served_from_q([activity.congress_id]),
            term__is_current=True,
            status=Deputy.Status.SERVING,
        )
        .exclude(Exists(invited))
        .select_related("electoral_unit")
    )
    if electoral_unit_ids:
        qs = qs.filter(electoral_unit_id__in=list(electoral_unit_ids))
    if group_id:
        qs = qs.filter(groups__id=group_id)
    if grassroots_only:
        qs = qs.filter(is_grassroots=True)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(employer__contains=q))
    return qs.order_by("electoral_unit__order", "electoral_unit__name", "name", "pk")


def activity_participations(*, activity: Activity) -> QuerySet[Participation]:
    """The invitation list of an activity, with what the attendance sheet shows of each deputy.

    The status changes are prefetched so that "serving on the day" costs no query per row.
    """
    return (
        Participation.objects.filter(activity=activity)
        .select_related("deputy__electoral_unit")
        .prefetch_related("deputy__status_changes")
        .order_by("deputy__electoral_unit__order", "deputy__electoral_unit__name", "deputy__name", "pk")
    )


def walk_in_matches(*, activity: Activity, names=(), mobiles=()) -> list[Deputy]:
    """Deputies of the activity's congress, in a term that covers its date, with one of these names or mobiles."""
    if not names and not mobiles:
        return []
    day = activity.start_date
    return list(
        Deputy.objects.filter(congress_id=activity.congress_id, term__start_date__lte=day)
        .filter(Q(term__end_date__isnull=True) | Q(term__end_date__gte=day))
        .filter(Q(name__in=list(names)) | Q(mobile__in=list(mobiles)))
        .select_related("electoral_unit")
        .prefetch_related("status_changes")
        .order_by("name", "pk")
    )


# --- Deputies' letters (代表信访) -------------------------------------------------------------


def _letters():
    from .models import DeputyLetter

    return DeputyLetter.objects.select_related("deputy", "body")


def letters_for_deputy(*, user):
    """The letters of every mandate of the user, newest first."""
    return _letters().filter(deputy__user=user).order_by("-created_at", "-pk")


def letters_for_unit(*, actor):
    """The letters forwarded to the actor's unit (nothing for anyone without a unit)."""
    from accounts import roles

    from .models import DeputyLetter

    if getattr(actor, "unit_id", None) is None or not roles.has_role(actor, roles.UNIT_OFFICER):
        return DeputyLetter.objects.none()
    return _letters().filter(body_id=actor.unit_id, forwarded_on__isnull=False).order_by("reply_due", "-pk")


def letters_for_office(*, actor, status: str = ""):
    """The letters of the deputies the staff member's office serves, those waiting on the office first."""
    from accounts import roles
    from core.exceptions import NotAllowed
    from deputies.selectors import reached

    if not roles.is_staff_member(actor):
        raise NotAllowed
    # Also the letters of the national and provincial deputies the office serves (item 7).
    qs = reached(_letters(), actor, "deputy__")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "-pk")


def letter_get(*, actor, pk: int, audience: str):
    """The letter as ``audience`` ("portal", "unit", "office") sees it; 404 when it is not theirs."""
    source = {
        "portal": lambda: letters_for_deputy(user=actor),
        "unit": lambda: letters_for_unit(actor=actor),
        "office": lambda: letters_for_office(actor=actor),
    }[audience]()
    letter = source.select_related("deputy__user", "deputy__congress").filter(pk=pk).first()
    if letter is None:
        raise Http404
    return letter


def letter_timeline(*, letter):
    return list(letter.events.select_related("actor").order_by("created_at", "pk"))


def letter_files(*, letter):
    return list(letter.attachments.order_by("uploaded_at", "pk"))


def letter_attachment_for(*, actor, letter_pk: int, pk: int):
    """A file of a letter the actor may see on one of their pages (the deputy, the unit, staff), else None."""
    from core.exceptions import NotAllowed

    from .models import LetterAttachment

    for audience in ("portal", "unit", "office"):
        try:
            letter = letter_get(actor=actor, pk=letter_pk, audience=audience)
        except (Http404, NotAllowed):
            continue
        return LetterAttachment.objects.filter(letter=letter, pk=pk).first()
    return None
