"""Create the role groups and give the staff group its permissions (idempotent).

Runs after every migrate, so a fresh database and an upgraded one end the same.
"""

from django.contrib.auth.models import Group, Permission

from . import roles

# Apps whose every permission the office staff hold. Superusers hold all.
STAFF_APPS = ["core", "accounts", "deputies", "activities", "proposals", "notifications", "django_celery_beat"]
# Never granted to the staff group: the audit log is append-only for everyone.
STAFF_EXCLUDED = {"add_securityevent", "change_securityevent", "delete_securityevent"}


def ensure_groups() -> None:
    groups = {code: Group.objects.get_or_create(name=name)[0] for code, name in roles.GROUP_NAMES.items()}
    staff_perms = Permission.objects.filter(content_type__app_label__in=STAFF_APPS).exclude(codename__in=STAFF_EXCLUDED)
    groups[roles.STAFF].permissions.add(*staff_perms)


def on_post_migrate(sender, **kwargs):
    from django.apps import apps

    # post_migrate is sent once per app with models; after the last one every
    # permission exists.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label == last.label:
        ensure_groups()
