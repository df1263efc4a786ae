"""Admin of the key-supervision instructions: read-only, the SC leader gives them in the portal."""

from django.contrib import admin

from accounts.admin import ReadOnlyScopedModelAdmin

from .models import KeySupervisionInstruction


@admin.register(KeySupervisionInstruction)
class KeySupervisionInstructionAdmin(ReadOnlyScopedModelAdmin):
    congress_path = "supervision__suggestion__congress_id"
    list_display = ["supervision", "given_by", "given_at"]
    search_fields = ["supervision__suggestion__title", "text"]
    list_select_related = ["supervision__suggestion", "given_by"]
