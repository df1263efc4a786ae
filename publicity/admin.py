"""Staff admin of the stories of deputies' work: written, illustrated and published here.

Scoped to the staff member's congresses (a district office sees and writes only its own
stories); the deputies are chosen with an autocomplete that follows the roster admin's scope,
and the form refuses deputies of another congress than the story's. Publishing and withdrawing
are actions that call ``publicity.services``; every edit or deletion refreshes the public pages.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedModelAdmin
from core.exceptions import InvalidTransition, NotAllowed

from . import services
from .forms import StoryForm, StoryPhotoForm
from .models import Story, StoryPhoto


class StoryPhotoInline(admin.TabularInline):
    model = StoryPhoto
    form = StoryPhotoForm
    fields = ["preview", "file", "caption", "order"]
    readonly_fields = ["preview"]
    extra = 1
    max_num = services.MAX_PHOTOS

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="max-height:80px;max-width:140px">',
            reverse("publicity:photo", args=[obj.pk]),
            obj.caption,
        )


@admin.register(Story)
class StoryAdmin(ScopedModelAdmin):
    form = StoryForm
    list_display = ["title", "congress", "published_on", "is_published", "public_page"]
    list_filter = ["is_published", "congress"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_on"
    list_select_related = ["congress"]
    autocomplete_fields = ["deputies"]
    fields = [
        "congress",
        "title",
        "summary",
        "body",
        "published_on",
        "deputies",
        "is_published",
        "published_at",
        "published_by",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["is_published", "published_at", "published_by", "created_by", "created_at", "updated_at"]
    inlines = [StoryPhotoInline]
    actions = ["publish", "unpublish"]

    @admin.display(description=_("Public page"))
    def public_page(self, obj):
        if not obj.is_published:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("publicity:story", args=[obj.pk]), _("Open"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.story_content_changed()

    def delete_model(self, request, obj):
        names = services.photo_files_of([obj.pk])
        super().delete_model(request, obj)
        services.story_content_changed(deleted_files=names)

    def delete_queryset(self, request, queryset):
        names = services.photo_files_of(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        services.story_content_changed(deleted_files=names)

    def _run(self, request, queryset, published: bool, done_message):
        done = 0
        for story in queryset:
            try:
                services.story_set_published(actor=request.user, story=story, published=published)
                done += 1
            except (InvalidTransition, NotAllowed, ValidationError) as exc:
                self.message_user(
                    request, f"{story.title}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected stories"))
    def publish(self, request, queryset):
        self._run(request, queryset, True, _("%(n)d published."))

    @admin.action(description=_("Withdraw the selected stories from the public pages"))
    def unpublish(self, request, queryset):
        self._run(request, queryset, False, _("%(n)d withdrawn."))
