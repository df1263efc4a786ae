"""The one table of the shared layer: working-day corrections the office enters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayOverride(models.Model):
    """A day the office marks as a holiday or a working day where the calendar package has no data."""

    date = models.DateField(_("Date"), unique=True)
    is_workday = models.BooleanField(_("Working day"))
    note = models.CharField(_("Note"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("Holiday override")
        verbose_name_plural = _("Holiday overrides")
        ordering = ["date"]
        # The table keeps the name it had when the model lived in proposals.
        db_table = "proposals_holidayoverride"

    def __str__(self):
        return f"{self.date} {'workday' if self.is_workday else 'holiday'}"
