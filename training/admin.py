"""Staff admin of courses, materials and data requests: read-only here, each with a link to
its office page (``/office/training/``), where the actions run through the services (a
session opens its activity in the ledger, sending a material tells its audience, a request
moves through its workflow). Every class is scoped to the staff member's congresses."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedModelAdmin

from .models import Course, DataRequest, Material, RequestEvent, Session, Topic


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionInline(ReadOnlyMixin, admin.TabularInline):
    model = Session
    fields = ["date", "start_time", "end_time", "title", "speaker", "activity"]
    readonly_fields = fields
    extra = 0


class TopicInline(ReadOnlyMixin, admin.TabularInline):
    model = Topic
    fields = ["order", "title", "presenter"]
    readonly_fields = fields
    extra = 0


@admin.register(Course)
class CourseAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "kind", "congress", "audience", "enrolment", "published_at", "office_page"]
    list_filter = ["kind", "congress", "enrolment"]
    search_fields = ["title", "speaker", "organiser"]
    list_select_related = ["congress"]
    fields = [
        "congress",
        "kind",
        "title",
        "speaker",
        "organiser",
        "place",
        "online_link",
        "audience",
        "enrolment",
        "capacity",
        "published_at",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [SessionInline, TopicInline]

    @admin.display(description=_("Office page"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("training_office:course", args=[obj.pk]), _("Open"))


@admin.register(Material)
class MaterialAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "kind", "congress", "important", "audience", "published_at", "office_page"]
    list_filter = ["kind", "important", "congress"]
    search_fields = ["title"]
    list_select_related = ["congress"]
    fields = [
        "congress",
        "kind",
        "title",
        "important",
        "shared_with_districts",
        "audience",
        "published_at",
        "reminded_at",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("Office page"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("training_office:material", args=[obj.pk]), _("Open"))


class RequestEventInline(ReadOnlyMixin, admin.TabularInline):
    model = RequestEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["subject", "deputy", "unit", "status", "due", "created_at", "office_page"]
    list_filter = ["status", "congress"]
    search_fields = ["subject", "deputy__name"]
    list_select_related = ["deputy", "unit"]
    fields = [
        "congress",
        "deputy",
        "subject",
        "wanted",
        "reason",
        "status",
        "unit",
        "due",
        "answer",
        "decline_reason",
        "rating",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [RequestEventInline]

    @admin.display(description=_("Office page"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("training_office:request", args=[obj.pk]), _("Open"))
