from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyScopedModelAdmin, ScopedModelAdmin
from core.exceptions import InvalidTransition, NotAllowed

from . import services
from .models import (
    Assignment,
    AssistingView,
    Attachment,
    Commitment,
    ContactLog,
    CoSigner,
    Extension,
    Field,
    KeySupervision,
    Rating,
    Reply,
    ReplyCategory,
    ReplyCoSignature,
    Suggestion,
    SuggestionEvent,
    ThirdPartyEvaluation,
    TopicGuide,
    UrgingNotice,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    """The subject fields serve every congress's suggestions: the city office keeps the list,
    a district office reads it."""

    list_display = ["name", "order"]
    search_fields = ["name"]

    def _keeps_the_list(self, request):
        user = request.user
        return user.is_superuser or (user.congress_id is not None and user.congress.parent_id is None)

    def has_add_permission(self, request):
        return self._keeps_the_list(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._keeps_the_list(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._keeps_the_list(request) and super().has_delete_permission(request, obj)


@admin.register(ReplyCategory)
class ReplyCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "creates_commitment", "order"]


@admin.register(TopicGuide)
class TopicGuideAdmin(ScopedModelAdmin):
    list_display = ["title", "session", "published", "published_on"]
    list_filter = ["published", "congress"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = SuggestionEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


class CoSignerInline(ReadOnlyInline):
    model = CoSigner
    fields = ["deputy", "status", "responded_at"]
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["unit", "role", "status", "assigned_on", "deadline", "first_replied_on"]
    readonly_fields = fields


@admin.register(Suggestion)
class SuggestionAdmin(ScopedModelAdmin):
    """Read-mostly: the workflow runs in the office pages; actions here call the same services."""

    list_display = [
        "number_display",
        "title",
        "kind",
        "lead_deputy",
        "session",
        "status",
        "entered_by_staff",
        "published",
    ]
    list_filter = ["status", "kind", "session", "field", "published", "entered_by_staff"]
    search_fields = ["title", "lead_deputy__name"]
    list_select_related = ["lead_deputy", "session"]
    readonly_fields = [
        "congress",
        "session",
        "kind",
        "title",
        "body",
        "field",
        "lead_deputy",
        "status",
        "number",
        "number_series",
        "is_broad",
        "entered_by_staff",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "accepted_at",
        "return_reason",
        "converted_from_motion",
        "merged_into",
        "published",
        "published_at",
    ]
    exclude = ["search_text"]
    inlines = [CoSignerInline, AssignmentInline, EventInline]
    actions = ["accept", "publish", "unpublish"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Number"), ordering="number")
    def number_display(self, obj):
        return obj.number_label or "—"

    def _run(self, request, queryset, func, done_message):
        done = 0
        for suggestion in queryset:
            try:
                func(suggestion)
                done += 1
            except (InvalidTransition, NotAllowed) as exc:
                self.message_user(
                    request, f"{suggestion.title}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Accept the selected items (numbered in order)"))
    def accept(self, request, queryset):
        self._run(
            request,
            queryset.order_by("submitted_at", "pk"),
            lambda s: services.suggestion_accept(actor=request.user, suggestion=s),
            _("%(n)d accepted."),
        )

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda s: services.suggestion_set_published(actor=request.user, suggestion=s, published=True),
            _("%(n)d published."),
        )

    @admin.action(description=_("Withdraw the selected items from the public pages"))
    def unpublish(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda s: services.suggestion_set_published(actor=request.user, suggestion=s, published=False),
            _("%(n)d withdrawn."),
        )


@admin.register(Attachment)
class AttachmentAdmin(ScopedModelAdmin):
    """Files are uploaded in the portal; here staff clear them for the public pages."""

    congress_path = "suggestion__congress_id"
    list_display = ["original_name", "suggestion", "reply", "content_type", "size", "public", "uploaded_at"]
    list_filter = ["public", "content_type"]
    search_fields = ["original_name", "suggestion__title"]
    list_select_related = ["suggestion", "reply"]
    actions = ["make_public", "make_private"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _set(self, request, queryset, public):
        for attachment in queryset.select_related("suggestion"):
            try:
                services.attachment_set_public(actor=request.user, attachment=attachment, public=public)
            except NotAllowed as exc:
                self.message_user(request, f"{attachment}: {exc}", messages.ERROR)

    @admin.action(description=_("Clear the selected files for publication"))
    def make_public(self, request, queryset):
        self._set(request, queryset, True)

    @admin.action(description=_("Withdraw the selected files from publication"))
    def make_private(self, request, queryset):
        self._set(request, queryset, False)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "suggestion__congress_id"
    list_display = ["suggestion", "unit", "role", "status", "assigned_on", "deadline", "first_replied_on"]
    list_filter = ["status", "role", "unit"]
    search_fields = ["suggestion__title", "unit__name"]
    list_select_related = ["suggestion", "unit"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyScopedModelAdmin):
    """Every reply, those still with the joint units for co-signature or returned by one included."""

    congress_path = "assignment__suggestion__congress_id"
    list_display = ["assignment", "round", "category", "status", "signer", "replied_on", "on_time"]
    list_filter = ["status", "category", "on_time"]
    search_fields = ["assignment__suggestion__title", "text"]
    list_select_related = ["assignment__suggestion", "assignment__unit", "category"]

    def get_queryset(self, request):
        from accounts.scoping import scoped

        qs = Reply.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            qs = qs.order_by(*ordering)
        return scoped(qs, request.user, self.congress_path)


@admin.register(ReplyCoSignature)
class ReplyCoSignatureAdmin(ReadOnlyScopedModelAdmin):
    """Joint units' co-signatures of lead units' replies: signed or returned on the unit pages, read here."""

    congress_path = "reply__assignment__suggestion__congress_id"
    list_display = ["reply", "assignment", "status", "signed_by", "signed_at"]
    list_filter = ["status"]
    search_fields = ["reply__assignment__suggestion__title", "assignment__unit__name", "opinion"]
    list_select_related = ["reply__assignment__suggestion", "reply__assignment__unit", "assignment__unit", "signed_by"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyScopedModelAdmin):
    """Ratings are the deputies' own acts: nobody adds or changes them here."""

    congress_path = "deputy__congress_id"
    list_display = ["reply", "deputy", "value", "rated_at"]
    list_filter = ["value"]
    list_select_related = ["reply__assignment__suggestion", "reply__assignment__unit", "deputy"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "reply__assignment__suggestion__congress_id"
    list_display = ["content", "reply", "due_date", "status", "fulfilled_on"]
    list_filter = ["status"]


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "assignment__suggestion__congress_id"
    list_display = ["assignment", "stage", "method", "contacted_on"]


@admin.register(AssistingView)
class AssistingViewAdmin(ReadOnlyScopedModelAdmin):
    """An assisting unit's written view to the lead unit: sent on the unit pages, read here."""

    congress_path = "assignment__suggestion__congress_id"
    list_display = ["assignment", "sent_by", "sent_at"]
    search_fields = ["assignment__suggestion__title", "assignment__unit__name", "text"]
    list_select_related = ["assignment__suggestion", "assignment__unit", "sent_by"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyScopedModelAdmin):
    """Extension requests: asked on the unit pages, granted or refused on the office's deadlines page."""

    congress_path = "assignment__suggestion__congress_id"
    list_display = ["assignment", "status", "old_deadline", "requested_until", "granted_until", "requested_at"]
    list_filter = ["status"]
    search_fields = ["assignment__suggestion__title", "assignment__unit__name", "reason"]
    list_select_related = ["assignment__suggestion", "assignment__unit"]


@admin.register(UrgingNotice)
class UrgingNoticeAdmin(ReadOnlyScopedModelAdmin):
    """Urging notices the office sent (from the deadlines page); a record, never edited."""

    congress_path = "assignment__suggestion__congress_id"
    list_display = ["assignment", "number", "deadline_then", "sent_by", "sent_at"]
    search_fields = ["assignment__suggestion__title", "assignment__unit__name"]
    list_select_related = ["assignment__suggestion", "assignment__unit", "sent_by"]


@admin.register(KeySupervision)
class KeySupervisionAdmin(ScopedModelAdmin):
    congress_path = "suggestion__congress_id"
    list_display = ["suggestion", "year", "sc_leader", "government_leader", "committee", "selected_on"]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False


@admin.register(ThirdPartyEvaluation)
class ThirdPartyEvaluationAdmin(ScopedModelAdmin):
    congress_path = "reply__assignment__suggestion__congress_id"
    list_display = ["reply", "evaluator", "evaluated_on", "score"]
    autocomplete_fields = ["reply"]


# Admin classes kept beside the features they serve (imported for their registrations).
from . import admin_awards, admin_supervision, admin_templates  # noqa: E402, F401
