"""Export requests in the admin: read-only, scoped to the staff member's congresses, and
approved (by someone other than the requester) with one action."""

import datetime

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scoped

from . import exporting
from .models import ExportApproval

STATE_LABELS = {
    "pending": _("Waiting for approval"),
    "approved": _("Approved"),
    "expired": _("Expired"),
    "used": _("Used"),
}


@admin.register(ExportApproval)
class ExportApprovalAdmin(admin.ModelAdmin):
    list_display = ["id", "requester", "model", "row_count", "created_at", "state_label", "approved_by", "expires_at"]
    list_filter = ["model"]
    search_fields = ["requester__full_name", "reason"]
    fields = [
        "requester",
        "model",
        "query",
        "row_count",
        "reason",
        "created_at",
        "approved_by",
        "approved_at",
        "expires_at",
        "used_at",
    ]
    readonly_fields = fields
    actions = ["approve"]
    list_select_related = ["requester", "approved_by"]

    def get_queryset(self, request):
        # A district's staff see the requests of their congress (and those below it),
        # never a city request; someone who may not approve sees only their own.
        queryset = scoped(super().get_queryset(request), request.user, "requester__congress_id")
        if not exporting.may_approve(request.user):
            queryset = queryset.filter(requester=request.user)
        return queryset

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return (
            exporting.may_approve(user)
            or exporting.may_export_personal(user)
            or super().has_view_permission(request, obj)
        )

    def has_add_permission(self, request):
        return False  # filed from the export page, where the list and its row count are known

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request):
        return exporting.may_approve(request.user)

    @admin.display(description=_("State"))
    def state_label(self, obj):
        return STATE_LABELS[obj.state]

    @admin.action(description=_("Approve the selected export requests"), permissions=["approve"])
    def approve(self, request, queryset):
        approved = 0
        for approval in queryset.filter(approved_at__isnull=True, used_at__isnull=True):
            problem = exporting.approve(approval, request.user, request=request)
            if problem:
                messages.error(request, _("Request %(id)s: %(problem)s") % {"id": approval.pk, "problem": problem})
            else:
                approved += 1
        if approved:
            messages.success(
                request,
                _("%(count)d export requests approved; each can be used once until %(until)s.")
                % {
                    "count": approved,
                    "until": timezone.localtime(
                        timezone.now() + datetime.timedelta(hours=exporting.approval_hours())
                    ).strftime("%Y-%m-%d %H:%M"),
                },
            )
