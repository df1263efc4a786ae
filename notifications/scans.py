"""The notifications app's own scans: re-deliver what a lost queue message left
behind, and the staff's daily digest of overdue items."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles

from .models import Notification
from .registry import digest_sections, register_scan
from .services import enqueue_delivery, notify

# A notification still undelivered this long after creation is queued again.
REDELIVERY_AFTER = timedelta(minutes=10)
# The staff digest goes out once a day, from this local hour on.
DIGEST_HOUR = 8


@register_scan("notifications.redeliver")
def redeliver_undelivered(now) -> int:
    stale = Notification.objects.filter(created_at__lte=now - REDELIVERY_AFTER).filter(
        Q(want_email=True, emailed_at__isnull=True) | Q(want_sms=True, sms_sent_at__isnull=True)
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    for pk in ids:
        enqueue_delivery(pk)
    return len(ids)


@register_scan("notifications.staff_digest")
def staff_digest(now) -> int:
    """One message per staff member per day listing what is overdue, if anything is."""
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return 0
    sections = digest_sections()
    if not sections:
        return 0
    User = get_user_model()
    staff = User.objects.filter(is_active=True, is_staff=True, groups__name=roles.GROUP_NAMES[roles.STAFF]).distinct()
    created = 0
    for user in staff:
        lines = []
        for _name, section in sorted(sections.items()):
            lines.extend(section(user, now))
        if not lines:
            continue
        if notify(
            user,
            key=f"staff-digest:{local:%Y-%m-%d}",
            title=_("Overdue items on %(date)s (%(n)d)") % {"date": f"{local:%Y-%m-%d}", "n": len(lines)},
            body="\n".join(lines),
            url="/admin/",
        ):
            created += 1
    return created
