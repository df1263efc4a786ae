"""Who a course or a material is meant for (its audience), as fields shared by both.

The audience is a rule, not a list copied at the time of sending: a deputy who joins the
group, the electoral unit or the by-elected later is in the audience from then on
(``training.audience``). A custom list names the deputies one by one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AudienceKind(models.TextChoices):
    ALL = "all", _("All deputies of the congress")
    GROUP = "group", _("A deputy group")
    ELECTORAL_UNIT = "electoral_unit", _("An electoral unit")
    BY_ELECTED = "by_elected", _("Newly by-elected deputies")
    CUSTOM = "custom", _("A custom list of deputies")
    DISTRICT_CHAIRS = "district_chairs", _("Chairs of the district congresses")


class AudienceFields(models.Model):
    audience = models.CharField(_("Audience"), max_length=16, choices=AudienceKind.choices, default=AudienceKind.ALL)
    audience_group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Deputy group"),
    )
    audience_unit = models.ForeignKey(
        "deputies.ElectoralUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Electoral unit"),
    )
    # Newly by-elected: those whose by-election was held on or after this day.
    audience_since = models.DateField(_("By-elected since"), null=True, blank=True)
    audience_deputies = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="+", verbose_name=_("Deputies (custom list)")
    )

    class Meta:
        abstract = True

    def audience_label(self) -> str:
        if self.audience == AudienceKind.GROUP and self.audience_group_id:
            return str(self.audience_group)
        if self.audience == AudienceKind.ELECTORAL_UNIT and self.audience_unit_id:
            return str(self.audience_unit)
        return self.get_audience_display()
