"""Staff admin of stations (with Excel import/export), the duty schedule and, read-only, the
public's opinions (handled on the office pages). Every class is scoped to the staff
member's congresses; duties are written through the services, so each one opens its
reception in the activity ledger."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyScopedModelAdmin, ScopedModelAdmin
from activities.models import Activity
from core.exceptions import InvalidTransition, NotAllowed
from core.masking import mask_mobile
from core.public_cache import public_pages_changed
from dataio.formats import PortalImportExportMixin

from . import services, services_contacts
from .models import (
    Committee,
    ContactAssignment,
    ContactRecord,
    Duty,
    Opinion,
    OpinionEvent,
    ReceptionDay,
    Station,
    Topic,
)
from .resources import ContactAssignmentResource, StationResource


@admin.register(Station)
class StationAdmin(PortalImportExportMixin, ScopedModelAdmin):
    resource_classes = [StationResource]
    list_display = ["name", "kind", "district", "street", "congress", "is_active", "office_page"]
    list_filter = ["kind", "is_active", "congress", "district"]
    search_fields = ["name", "street", "district", "address"]
    autocomplete_fields = ["deputies"]
    readonly_fields = ["summary", "summary_published_at"]
    fields = [
        "congress",
        "kind",
        "district",
        "street",
        "name",
        "address",
        "opening_hours",
        "contact_name",
        "contact_phone",
        "deputies",
        "is_active",
        "summary",
        "summary_published_at",
    ]

    @admin.display(description=_("QR codes and summary"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("liaison_office:station", args=[obj.pk]), _("Open"))

    # The home page counts the active stations and the station pages are public: empty the
    # public page cache (after commit) on every change here.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_pages_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_pages_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        public_pages_changed()


class DutyAdminForm(forms.ModelForm):
    class Meta:
        model = Duty
        fields = ["station", "deputy", "date", "start_time", "end_time"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # Read-only fields (a change keeps the station and deputy) are not in the data.
        values = {k: data[k] if k in data else getattr(self.instance, k) for k in self.Meta.fields}
        duty = Duty(pk=self.instance.pk, **values)
        try:
            services.duty_check(duty)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict)
        return data


@admin.register(Duty)
class DutyAdmin(ScopedModelAdmin):
    form = DutyAdminForm
    congress_path = "station__congress_id"
    list_display = ["date", "start_time", "end_time", "station", "deputy", "ledger", "cancelled"]
    list_filter = ["date", "station__district", ("cancelled_at", admin.EmptyFieldListFilter)]
    search_fields = ["station__name", "deputy__name"]
    autocomplete_fields = ["station", "deputy"]
    date_hierarchy = "date"
    list_select_related = ["station", "deputy", "activity"]

    def get_readonly_fields(self, request, obj=None):
        # A duty keeps its station and deputy: a change of either is a new duty. A cancelled
        # duty stays as it was (schedule a new one).
        if obj is not None and obj.cancelled_at is not None:
            return ["station", "deputy", "date", "start_time", "end_time"]
        return ["station", "deputy"] if obj is not None else []

    @admin.display(description=_("Cancelled"))
    def cancelled(self, obj):
        if obj.cancelled_at is None:
            return "—"
        return format_html("{}：{}", obj.cancelled_at.date().isoformat(), obj.cancel_reason)

    @admin.display(description=_("Reception in the ledger"))
    def ledger(self, obj):
        if obj.activity_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("activities:attendance", args=[obj.activity_id]), _("Attendance")
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                services.duty_update(
                    actor=request.user,
                    duty=obj,
                    date=data["date"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                )
            else:
                saved = services.duty_schedule(
                    actor=request.user,
                    station=data["station"],
                    deputy=data["deputy"],
                    date=data["date"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                )
                obj.pk, obj.activity_id = saved.pk, saved.activity_id
        except NotAllowed as exc:
            raise PermissionDenied(str(exc))
        except InvalidTransition as exc:
            self.message_user(request, str(exc), level="error")

    def has_delete_permission(self, request, obj=None):
        # A reception already in the ledger stays there; a coming one is cancelled, with its
        # reason, on the station's office page (liaison_office:station), which withdraws it.
        return False


class OpinionEventInline(admin.TabularInline):
    model = OpinionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyScopedModelAdmin):
    """Read-only: opinions are handled on the office pages (``/office/opinions/``)."""

    congress_path = "station__congress_id"
    list_display = ["created_at", "station", "category", "status", "assignee", "office_page"]
    list_filter = ["status", "category"]
    search_fields = ["station__name"]
    list_select_related = ["station", "assignee"]
    fields = [
        "station",
        "deputy",
        "category",
        "text",
        "author_name",
        "masked_contact",
        "status",
        "held_reason",
        "assignee",
        "assigned_at",
        "answer",
        "answered_at",
        "close_reason",
        "closed_at",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [OpinionEventInline]

    @admin.display(description=_("Contact phone"))
    def masked_contact(self, obj):
        return mask_mobile(obj.contact)

    @admin.display(description=_("Handle"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("liaison_office:opinion", args=[obj.pk]), _("Open"))


# --- The two connections ----------------------------------------------------------------------


class CommitteeAdminForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["congress", "kind", "name", "liaison_deputies", "activities"]

    def clean(self):
        data = super().clean()
        congress, chosen = data.get("congress"), data.get("liaison_deputies")
        if congress is not None and chosen:
            wrong = [d.name for d in chosen if d.congress_id != congress.pk]
            if wrong:
                self.add_error(
                    "liaison_deputies",
                    _("Not deputies of this congress: %(names)s") % {"names": "、".join(wrong)},
                )
        activities = data.get("activities")
        if congress is not None and activities:
            wrong = [a.title for a in activities if a.congress_id != congress.pk]
            if wrong:
                self.add_error(
                    "activities",
                    _("Not activities of this congress: %(names)s") % {"names": "、".join(wrong)},
                )
        return data


@admin.register(Committee)
class CommitteeAdmin(ScopedModelAdmin):
    form = CommitteeAdminForm
    list_display = ["name", "kind", "congress", "liaison_count"]
    list_filter = ["kind", "congress"]
    search_fields = ["name"]
    autocomplete_fields = ["liaison_deputies", "activities"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_liaison_count=Count("liaison_deputies"))

    @admin.display(description=_("Liaison deputies"), ordering="_liaison_count")
    def liaison_count(self, obj):
        return obj._liaison_count


class ContactAssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = ContactAssignment
        fields = ["member", "deputy"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services_contacts.assignment_check(
                ContactAssignment(pk=self.instance.pk, member=data["member"], deputy=data["deputy"])
            )
        except ValidationError as exc:
            raise ValidationError(exc.message_dict)
        return data


@admin.register(ContactAssignment)
class ContactAssignmentAdmin(PortalImportExportMixin, ScopedModelAdmin):
    resource_classes = [ContactAssignmentResource]
    form = ContactAssignmentAdminForm
    congress_path = "member__term__congress_id"
    list_display = ["member", "deputy", "created_at"]
    list_filter = ["member__position"]
    search_fields = ["member__deputy__name", "deputy__name"]
    autocomplete_fields = ["deputy"]
    list_select_related = ["member__deputy", "deputy"]

    def has_change_permission(self, request, obj=None):
        # An assignment is added or removed, never edited: another deputy is another assignment.
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = services_contacts.assignment_create(
                actor=request.user, member=form.cleaned_data["member"], deputy=form.cleaned_data["deputy"]
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc))
        obj.pk = saved.pk


@admin.register(ContactRecord)
class ContactRecordAdmin(ReadOnlyScopedModelAdmin):
    """Read-only: members record contacts in the portal; opinions are routed on the office page."""

    congress_path = "member__term__congress_id"
    list_display = ["date", "member", "deputy", "kind", "office_page"]
    list_filter = ["kind", "member__position"]
    search_fields = ["member__deputy__name", "deputy__name"]
    list_select_related = ["member__deputy", "deputy"]
    date_hierarchy = "date"
    fields = ["member", "deputy", "kind", "date", "opinions", "recorded_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("Handle"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("liaison_office:contact", args=[obj.pk]), _("Open"))


class ReceptionDayAdminForm(forms.ModelForm):
    class Meta:
        model = ReceptionDay
        fields = ["congress", "date", "leader", "deputies", "raised"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services_contacts.reception_day_check(
                congress=data["congress"],
                date=data["date"],
                leader=data["leader"],
                deputies=list(data["deputies"]),
                raised=data.get("raised", ""),
            )
        except ValidationError as exc:
            raise ValidationError(exc.message_dict)
        return data


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ScopedModelAdmin):
    """Recorded once it has taken place, through the service: it enters the ledger as attended."""

    form = ReceptionDayAdminForm
    list_display = ["date", "leader", "congress", "received", "ledger"]
    list_filter = ["congress"]
    search_fields = ["leader__deputy__name", "deputies__name"]
    autocomplete_fields = ["deputies"]
    list_select_related = ["leader__deputy", "congress"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_received=Count("deputies"))

    @admin.display(description=_("Deputies received"))
    def received(self, obj):
        return obj._received

    @admin.display(description=_("Activity"))
    def ledger(self, obj):
        if obj.activity_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("activities:attendance", args=[obj.activity_id]), _("Attendance")
        )

    def has_change_permission(self, request, obj=None):
        # What happened stays as recorded: the ledger holds its attendance.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = services_contacts.reception_day_record(
                actor=request.user,
                congress=data["congress"],
                date=data["date"],
                leader=data["leader"],
                deputies=data["deputies"],
                raised=data["raised"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc))
        obj.pk, obj.activity_id = saved.pk, saved.activity_id

    def save_related(self, request, form, formsets, change):
        # The service set the deputies.
        return


class TopicAdminForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["meeting", "title", "committee", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "meeting" in self.fields:
            field = self.fields["meeting"]
            field.queryset = field.queryset.filter(kind=Activity.Kind.SC_MEETING)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services_contacts.topic_check(
                Topic(pk=self.instance.pk, meeting=data["meeting"], title=data["title"], committee=data["committee"])
            )
        except ValidationError as exc:
            raise ValidationError(exc.message_dict)
        return data


@admin.register(Topic)
class TopicAdmin(ScopedModelAdmin):
    form = TopicAdminForm
    congress_path = "meeting__congress_id"
    list_display = ["title", "meeting", "committee", "order", "office_page"]
    list_filter = ["committee"]
    search_fields = ["title", "meeting__title"]
    list_select_related = ["meeting", "committee"]

    @admin.display(description=_("Invitations and opinions"))
    def office_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("liaison_office:meeting", args=[obj.meeting_id]), _("Open"))

    def has_delete_permission(self, request, obj=None):
        # Its invitations are in the ledger.
        return False
