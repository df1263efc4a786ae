from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Each app's reminder scans register themselves from <app>/scans.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("scans")

        from . import checks  # noqa: F401 - registers the SMS settings checks
