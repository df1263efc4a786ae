"""Staff admin of the livelihood cycle, read-mostly: the cycle's steps, screening, the vote,
reports, observations and ratings are handled on the office pages through the services
(``/office/livelihood/``). Projects, items and targets may have their descriptive fields
corrected here (never a status, a vote or a reported value). Every class is scoped to the
staff member's congresses; a proposer's contact is shown masked."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyScopedModelAdmin, ScopedModelAdmin
from core.masking import mask_mobile
from core.public_cache import public_pages_changed

from .models import Cycle, Idea, Item, Observation, Project, Rating, Report, SupervisionGroup, Target


class PublicCorrectionAdmin(ScopedModelAdmin):
    """A corrected title, department or due date may be on the home page: empty the public page
    cache (after commit) on every save."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_pages_changed()


@admin.register(Cycle)
class CycleAdmin(ReadOnlyScopedModelAdmin):
    list_display = ["title", "year", "congress", "status", "office_page"]
    list_filter = ["status", "year"]

    @admin.display(description=_("Office page"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("livelihood_office:cycle", args=[obj.pk]), _("Open"))


@admin.register(Idea)
class IdeaAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "cycle__congress_id"
    list_display = ["title", "cycle", "source", "status", "created_at"]
    list_filter = ["source", "status"]
    search_fields = ["title", "what_where"]
    fields = [
        "cycle",
        "source",
        "title",
        "what_where",
        "why",
        "estimated_cost",
        "beneficiaries",
        "author_name",
        "masked_contact",
        "status",
        "group",
        "merged_into",
        "adopted_idea",
        "held_reason",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("Contact phone"))
    def masked_contact(self, obj):
        return mask_mobile(obj.contact) if obj.contact else ""


@admin.register(Project)
class ProjectAdmin(PublicCorrectionAdmin):
    congress_path = "cycle__congress_id"
    list_display = ["number", "title", "cycle", "department", "status", "votes_for"]
    list_filter = ["status"]
    search_fields = ["title"]
    fields = [
        "cycle",
        "number",
        "title",
        "description",
        "department",
        "officer",
        "budget",
        "status",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "outcome",
    ]
    readonly_fields = ["cycle", "number", "status", "votes_for", "votes_against", "votes_abstain", "outcome"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(PublicCorrectionAdmin):
    congress_path = "project__cycle__congress_id"
    list_display = ["title", "project", "department", "budget"]
    search_fields = ["title"]
    fields = ["project", "title", "department", "budget", "order"]
    readonly_fields = ["project"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(PublicCorrectionAdmin):
    congress_path = "item__project__cycle__congress_id"
    list_display = ["name", "item", "current_value", "target_value", "unit", "due_date"]
    fields = ["item", "name", "unit", "target_value", "current_value", "due_date"]
    readonly_fields = ["item", "current_value", "target_value"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "item__project__cycle__congress_id"
    list_display = ["item", "period", "created_at"]


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "cycle__congress_id"
    list_display = ["name", "cycle", "leader"]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "project__cycle__congress_id"
    list_display = ["project", "deputy", "status", "due_on"]
    list_filter = ["status"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "project__cycle__congress_id"
    list_display = ["project", "deputy", "value", "created_at"]
    list_filter = ["value"]
