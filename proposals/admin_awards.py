"""The awards (评优) in the admin: read-mostly. Nominations are made and moved on the office's
awards page (``/office/suggestions/awards/``); here staff read them, correct the citation or
the reason, and may run the row steps, which call the services (so every status change goes
through ``workflow.AWARD``)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedModelAdmin
from core.exceptions import InvalidTransition, NotAllowed

from . import services_awards
from .cache import public_pages_changed
from .models import Award


@admin.register(Award)
class AwardAdmin(ScopedModelAdmin):
    list_display = ["year", "kind", "congress", "suggestion", "reply", "unit", "person_name", "status", "published_on"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["suggestion__title", "unit__name", "person_name", "citation"]
    list_select_related = ["congress", "suggestion", "reply__assignment__suggestion", "reply__assignment__unit", "unit"]
    fields = [
        "congress",
        "year",
        "kind",
        "suggestion",
        "reply",
        "unit",
        "person_name",
        "citation",
        "nomination_reason",
        "status",
        "nominated_by",
        "nominated_on",
        "decision_meeting",
        "decided_on",
        "published_on",
    ]
    # Only the words may be corrected here; the subject and every step belong to the workflow.
    readonly_fields = [name for name in fields if name not in ("citation", "nomination_reason")]
    actions = ["shortlist", "not_chosen", "withdraw"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_pages_changed()  # a corrected citation may be on the public page

    def _run(self, request, queryset, func, done_message):
        done = 0
        for award in queryset.select_related(
            "suggestion", "reply__assignment__suggestion", "reply__assignment__unit", "unit"
        ):
            try:
                func(actor=request.user, award=award)
                done += 1
            except (InvalidTransition, NotAllowed) as exc:
                self.message_user(
                    request,
                    f"{services_awards.award_subject(award)}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                    messages.ERROR,
                )
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Put the selected nominations on the shortlist"))
    def shortlist(self, request, queryset):
        self._run(request, queryset, services_awards.award_shortlist, _("%(n)d put on the shortlist."))

    @admin.action(description=_("Mark the selected nominations as not chosen"))
    def not_chosen(self, request, queryset):
        self._run(request, queryset, services_awards.award_not_chosen, _("%(n)d marked as not chosen."))

    @admin.action(description=_("Take the selected awards off the public page"))
    def withdraw(self, request, queryset):
        self._run(request, queryset, services_awards.award_withdraw, _("%(n)d taken off the public page."))
