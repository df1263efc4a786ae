from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and permissions")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (security audit receivers)
        from .groups import on_post_migrate

        post_migrate.connect(on_post_migrate, dispatch_uid="accounts.ensure_groups")

        from core import figures

        # The handling units are offered in kept filter forms and counted per unit.
        figures.watch(self.get_model("Unit"))
