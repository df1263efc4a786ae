from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "key", "created_at", "read_at", "emailed_at", "sms_sent_at"]
    list_filter = ["read_at", "want_email", "want_sms"]
    search_fields = ["title", "key", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
