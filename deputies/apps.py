from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies roster")

    def ready(self):
        from . import roles  # noqa: F401  (the deputy and SC-member role sources)
