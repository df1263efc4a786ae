from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared settings")

    def ready(self):
        from . import admin_widgets, registry

        registry.discover()
        admin_widgets.install()
