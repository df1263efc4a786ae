"""The staff's daily digest: each app adds a section of overdue items with
``register_digest_section``; this scan sends one message per staff member a day."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.registry import digest_sections, register_scan
from notifications.services import notify

from . import audit, roles

# The staff digest goes out once a day, from this local hour on.
DIGEST_HOUR = 8


@register_scan("accounts.staff_digest")
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


@register_scan("accounts.clear_expired_sessions")
def clear_expired_sessions(now) -> int:
    """``clearsessions``, on the scans' schedule: expired sessions do not pile up in the database."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    if not settings.SESSION_ENGINE.endswith((".db", ".cached_db")):
        return 0
    expired = Session.objects.filter(expire_date__lt=now)
    count = expired.count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return count


@register_scan("accounts.purge_audit_log")
def purge_audit_log(now) -> int:
    """Once a day, delete audit entries older than the retention period (the cut-off is the
    day's midnight, so later runs on the same day find nothing more). Creates no notification."""
    audit.purge_audit_log(now)
    return 0
