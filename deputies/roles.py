"""Where the deputy and SC-member roles come from: a mandate that has not ended, and a
current standing-committee seat held by such a mandate."""

from accounts import roles

from .models import Deputy, StandingCommitteeMember


@roles.register_role_source(roles.DEPUTY)
def deputies_among(user_ids: list[int]) -> set[int]:
    return set(
        Deputy.objects.filter(user_id__in=user_ids)
        .exclude(status=Deputy.Status.TERMINATED)
        .values_list("user_id", flat=True)
    )


@roles.register_role_source(roles.SC_MEMBER)
def sc_members_among(user_ids: list[int]) -> set[int]:
    return set(
        StandingCommitteeMember.objects.filter(
            deputy__user_id__in=user_ids, end_date__isnull=True, term__is_current=True
        )
        .exclude(deputy__status=Deputy.Status.TERMINATED)
        .values_list("deputy__user_id", flat=True)
    )
