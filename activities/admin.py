from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedModelAdmin
from core.exceptions import InvalidTransition, NotAllowed
from deputies.admin import ServedScopeAdminMixin

from . import services
from .models import (
    Activity,
    DeputyLetter,
    DutyReport,
    GroupActivityPlan,
    LetterEvent,
    Participation,
    SpecialSupervisor,
)


class ParticipationInline(admin.TabularInline):
    """Read-only here: invitations and attendance go through their own pages and services."""

    model = Participation
    extra = 0
    can_delete = False
    fields = ["deputy", "role", "status", "reason", "walk_in", "responded_at", "recorded_at"]
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


@admin.register(Activity)
class ActivityAdmin(ScopedModelAdmin):
    list_display = [
        "title",
        "kind",
        "start_date",
        "end_date",
        "organiser",
        "recorder",
        "invited",
        "attended",
        "attendance_state",
        "links",
    ]
    list_filter = ["kind", "congress", ("start_date", admin.DateFieldListFilter), "attendance_closed_at"]
    search_fields = ["title", "organiser", "place"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["recorder", "organiser_unit", "group"]
    readonly_fields = ["attendance_closed_at", "created_by", "created_at", "source_type", "source_id"]
    inlines = [ParticipationInline]
    list_select_related = ["recorder"]

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(
                invited_count=Count("participations"),
                attended_count=Count("participations", filter=Q(participations__status=Participation.Status.ATTENDED)),
            )
        )

    @admin.display(description=_("Invited"), ordering="invited_count")
    def invited(self, obj):
        return obj.invited_count

    @admin.display(description=_("Attended"), ordering="attended_count")
    def attended(self, obj):
        return obj.attended_count

    @admin.display(description=_("Attendance"), boolean=True)
    def attendance_state(self, obj):
        return obj.attendance_closed_at is not None

    @admin.display(description=_("Actions"))
    def links(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("activities:activity_invite", args=[obj.pk]),
            _("Invite"),
            reverse("activities:attendance", args=[obj.pk]),
            _("Record attendance"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            services.activity_update(actor=request.user, activity=obj, fields=form.changed_data)
        else:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)


@admin.register(DutyReport)
class DutyReportAdmin(ScopedModelAdmin):
    congress_path = "deputy__congress_id"
    list_display = ["deputy", "kind", "scheduled_on", "held_on", "audience", "result"]
    list_filter = ["kind", "result"]
    search_fields = ["deputy__name", "audience"]
    autocomplete_fields = ["deputy", "activity"]
    list_select_related = ["deputy"]


@admin.register(SpecialSupervisor)
class SpecialSupervisorAdmin(ScopedModelAdmin):
    congress_path = "deputy__congress_id"
    list_display = ["deputy", "body", "title", "start_date", "end_date"]
    list_filter = ["body"]
    search_fields = ["deputy__name", "body__name"]
    autocomplete_fields = ["deputy", "body"]
    list_select_related = ["deputy", "body"]


class DeputyLetterForm(forms.ModelForm):
    class Meta:
        model = DeputyLetter
        fields = [
            "deputy",
            "subject",
            "content",
            "received_on",
            "body",
            "forwarded_on",
            "reply_due",
            "reply",
            "replied_on",
        ]

    def clean(self):
        data = super().clean()
        if data.get("body") and not data.get("forwarded_on"):
            self.add_error("forwarded_on", _("Enter the date the matter was forwarded."))
        if data.get("reply") and not data.get("replied_on"):
            self.add_error("replied_on", _("Enter the date of the reply."))
        if data.get("reply") and not data.get("body") and not (self.instance.pk and self.instance.body_id):
            self.add_error("body", _("A matter must be forwarded before it is answered."))
        return data


class LetterEventInline(admin.TabularInline):
    """The letter's timeline, read-only: its steps are taken on /office/letters/ and the unit's page."""

    model = LetterEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(DeputyLetter)
class DeputyLetterAdmin(ScopedModelAdmin):
    """Forwarding and replying go through the services (deadline, reminders, the deputy's feedback);
    the office's own pages (/office/letters/) do the same with a deadline in working days."""

    inlines = [LetterEventInline]

    congress_path = "deputy__congress_id"
    form = DeputyLetterForm
    list_display = ["subject", "deputy", "received_on", "body", "reply_due", "status", "feedback"]
    list_filter = ["status", "feedback", "body"]
    search_fields = ["subject", "deputy__name"]
    autocomplete_fields = ["deputy", "body"]
    readonly_fields = ["status", "feedback", "feedback_note", "lodged_by", "close_note"]
    list_select_related = ["deputy", "body"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            # A new letter starts as received (the default); forwarding and the reply go
            # through the services below so that deadlines and reminders follow.
            forward = (obj.body, obj.forwarded_on, obj.reply_due)
            obj.body = obj.forwarded_on = obj.reply_due = None
            reply, replied_on = obj.reply, obj.replied_on
            obj.reply, obj.replied_on = "", None
            super().save_model(request, obj, form, change)
        else:
            stored = DeputyLetter.objects.get(pk=obj.pk)
            forward = (
                (data.get("body"), data.get("forwarded_on"), data.get("reply_due"))
                if stored.status == DeputyLetter.Status.RECEIVED
                else (None, None, None)
            )
            reply, replied_on = (
                (data.get("reply"), data.get("replied_on"))
                if stored.status == DeputyLetter.Status.FORWARDED or forward[0]
                else ("", None)
            )
            DeputyLetter.objects.filter(pk=obj.pk).update(
                subject=obj.subject, content=obj.content, received_on=obj.received_on
            )
        try:
            if forward[0] is not None:
                services.letter_forward(
                    actor=request.user, letter=obj, body=forward[0], forwarded_on=forward[1], reply_due=forward[2]
                )
            if reply:
                services.letter_reply(actor=request.user, letter=obj, reply=reply, replied_on=replied_on)
        except (InvalidTransition, NotAllowed, ValidationError) as exc:
            self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)


@admin.register(GroupActivityPlan)
class GroupActivityPlanAdmin(ServedScopeAdminMixin, ScopedModelAdmin):
    """Plans of the office's groups, and of the national and provincial groups it serves (item 7)."""

    congress_path = "group__congress_id"
    reach_path = "group"
    list_select_related = ["group"]
    list_display = ["group", "year", "planned_activities", "activities_held"]
    list_filter = ["year"]
    search_fields = ["group__name"]
    autocomplete_fields = ["group"]

    @admin.display(description=_("Activities held"))
    def activities_held(self, obj):
        return obj.group.activities.filter(start_date__year=obj.year).count()
