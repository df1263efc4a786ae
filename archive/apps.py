from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Performance archive")

    def ready(self):
        # Each app adds its own section of the archive from <app>/archive.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("archive_sections")
