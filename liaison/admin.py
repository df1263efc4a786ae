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

from accounts.admin import ScopedModelAdmin
from core.exceptions import InvalidTransition, NotAllowed
from core.masking import mask_mobile
from dataio.formats import PortalImportExportMixin

from . import services
from .models import Duty, Opinion, OpinionEvent, Station
from .resources import StationResource


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


class DutyAdminForm(forms.ModelForm):
    class Meta:
        model = Duty
        fields = ["station", "deputy", "date", "start_time", "end_time"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        duty = Duty(pk=self.instance.pk, **{k: data.get(k) for k in self.Meta.fields})
        try:
            services.duty_check(duty)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict)
        return data


@admin.register(Duty)
class DutyAdmin(ScopedModelAdmin):
    form = DutyAdminForm
    congress_path = "station__congress_id"
    list_display = ["date", "start_time", "end_time", "station", "deputy", "ledger"]
    list_filter = ["date", "station__district"]
    search_fields = ["station__name", "deputy__name"]
    autocomplete_fields = ["station", "deputy"]
    date_hierarchy = "date"
    list_select_related = ["station", "deputy", "activity"]

    def get_readonly_fields(self, request, obj=None):
        # A duty keeps its station and deputy: a change of either is a new duty.
        return ["station", "deputy"] if obj is not None else []

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
        # A reception already in the ledger stays there; move it instead.
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
class OpinionAdmin(ScopedModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
