"""Create the role groups and give each its permissions (idempotent, exact).

Runs after every migrate, so a fresh database and an upgraded one end the same: a
permission taken away here is taken away from existing databases too.

Office staff hold the permissions of the apps they work in, but not city-wide settings
(working-day overrides move every congress's deadlines; reply categories, periodic tasks
and the notifications table serve the whole city) nor the security log: those belong to
the system administrator and the security auditor, separate roles a superuser gives
(等保 2.0 asks that system, security and audit administration be separated).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import roles

# Apps whose permissions the office staff hold. Superusers hold all.
STAFF_APPS = [
    "core",
    "accounts",
    "deputies",
    "activities",
    "proposals",
    "liaison",
    "livelihood",
    "training",
    "publicity",
]

# (app label, model) pairs that are city-wide settings: the system administrator's alone.
CITY_SETTINGS = [
    ("core", "holidayoverride"),
    ("proposals", "replycategory"),
    ("notifications", "notification"),
    ("django_celery_beat", None),  # every model of the periodic-task scheduler
]
# The security log: read by the auditor; nobody adds, changes or deletes entries, superusers included.
AUDIT_LOG = ("accounts", "securityevent")


def _models_q(pairs) -> Q:
    q = Q(pk__in=[])
    for app, model in pairs:
        q |= (
            Q(content_type__app_label=app)
            if model is None
            else Q(content_type__app_label=app, content_type__model=model)
        )
    return q


def ensure_groups() -> None:
    groups = {code: Group.objects.get_or_create(name=name)[0] for code, name in roles.GROUP_NAMES.items()}
    staff = Permission.objects.filter(content_type__app_label__in=STAFF_APPS).exclude(
        _models_q([*CITY_SETTINGS, AUDIT_LOG])
    )
    # Exports of personal data, and a colleague's approval of a large one (dataio): by codename,
    # so staff do not also get to change or delete export requests.
    staff = staff | Permission.objects.filter(
        content_type__app_label="dataio", codename__in=["export_personal_data", "approve_personal_export"]
    )
    groups[roles.STAFF].permissions.set(staff)
    groups[roles.CITY_ADMIN].permissions.set(Permission.objects.filter(_models_q(CITY_SETTINGS)))
    groups[roles.SECURITY_AUDITOR].permissions.set(
        Permission.objects.filter(_models_q([AUDIT_LOG]), codename="view_securityevent")
    )


def on_post_migrate(sender, **kwargs):
    from django.apps import apps

    # post_migrate is sent once per app with models; after the last one every
    # permission exists.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label == last.label:
        ensure_groups()
