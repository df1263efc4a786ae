from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared settings")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import admin_widgets, figures, registry

        registry.discover()
        admin_widgets.install()
        # Every write to a domain table changes the dashboards' cached figures (core/figures.py).
        connection_created.connect(figures.watch_writes, dispatch_uid="core.figures.watch_writes")
        for connection in connections.all(initialized_only=True):
            figures.watch_writes(sender=None, connection=connection)
