from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import NotAllowed
from core.masking import mask_mobile

from . import roles, services
from .audit import audit
from .models import SecurityEvent, Unit, User
from .scoping import CongressScopedAdminMixin


@admin.register(Unit)
class UnitAdmin(CongressScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "congress", "public_contact", "public_phone", "is_active"]
    list_filter = ["kind", "congress", "is_active"]
    search_fields = ["name", "short_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. The roster app adds import and export to this page (``deputies/admin.py``):
    an account import resolves congresses and units, which this layer does not know."""

    list_display = ["full_name", "email", "masked_mobile", "congress", "unit", "is_staff", "is_active", "invited_at"]
    list_filter = ["is_active", "is_staff", "groups", "congress"]
    search_fields = ["full_name", "email", "mobile"]
    ordering = ["full_name", "id"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["is_active", "last_login", "date_joined", "invited_at"]
    filter_horizontal = ["groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["full_name", "email", "mobile", "password"]}),
        (_("Affiliation"), {"fields": ["congress", "unit"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Time"), {"fields": ["last_login", "date_joined", "invited_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["full_name", "email", "mobile", "congress", "unit", "is_staff"]}),
    ]
    actions = ["send_invitation", "deactivate", "reactivate"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = UserCreationAdminForm
        return super().get_form(request, obj, **kwargs)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("congress", "unit")
        scope = roles.congress_scope_ids(request.user)
        if scope is None:
            return qs
        return qs.filter(
            Q(congress_id__in=scope) | Q(unit__congress_id__in=scope) | Q(mandates__congress_id__in=scope)
        ).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # District staff may only place accounts in their own congresses and units.
        scope = roles.congress_scope_ids(request.user)
        if scope is not None and db_field.name == "congress":
            kwargs["queryset"] = db_field.related_model.objects.filter(pk__in=scope)
        elif scope is not None and db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.filter(congress_id__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser hands out superuser rights, groups (the system administrator and
            # auditor roles among them) or single permissions; the other roles follow links.
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        # Nobody but a superuser changes a superuser's account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_superuser or obj.is_staff) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Only a superuser sets the password of a superuser or a staff member; every password
        set here is written to the security log."""
        from django.contrib.admin.utils import unquote
        from django.core.exceptions import PermissionDenied

        target = self.get_object(request, unquote(id))
        if target is not None and (target.is_superuser or target.is_staff) and not request.user.is_superuser:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and target is not None:
            audit(SecurityEvent.Kind.PASSWORD_SET, request=request, target_user=target, via="admin")
        return response

    @admin.display(description=_("Mobile number"), ordering="mobile")
    def masked_mobile(self, obj):
        return mask_mobile(obj.mobile)

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = User.objects.filter(pk=obj.pk).values("is_staff", "is_superuser", "congress_id", "unit_id").first()
        if not change and not obj.has_usable_password():
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            audit(SecurityEvent.Kind.ACCOUNT_CREATED, request=request, target_user=obj)
        elif before:
            after = {k: getattr(obj, k) for k in before}
            diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
            if diff:
                audit(SecurityEvent.Kind.ROLE_CHANGED, request=request, target_user=obj, changes=diff)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_sync_roles(user=form.instance)

    @admin.action(description=_("Send invitation (set-password link)"))
    def send_invitation(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                services.user_invite(actor=request.user, user=user)
                sent += 1
            except NotAllowed as exc:
                self.message_user(request, f"{user}: {exc}", messages.ERROR)
        if sent:
            self.message_user(
                request, ngettext("Invitation sent to %d account(s).", "Invitation sent to %d account(s).", sent) % sent
            )

    def _set_active(self, request, queryset, active):
        done = 0
        for user in queryset:
            try:
                services.user_set_active(actor=request.user, user=user, active=active)
                done += 1
            except NotAllowed as exc:
                self.message_user(request, f"{user}: {exc}", messages.ERROR)
        return done

    @admin.action(description=_("Deactivate selected accounts"))
    def deactivate(self, request, queryset):
        n = self._set_active(request, queryset, False)
        self.message_user(request, ngettext("%d account(s) deactivated.", "%d account(s) deactivated.", n) % n)

    @admin.action(description=_("Reactivate selected accounts"))
    def reactivate(self, request, queryset):
        n = self._set_active(request, queryset, True)
        self.message_user(request, ngettext("%d account(s) reactivated.", "%d account(s) reactivated.", n) % n)


from .admin_forms import UserCreationAdminForm  # noqa: E402


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit entries, superusers included."""

    list_display = ["created_at", "kind", "actor", "target_user", "ip_address", "short_detail"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor__full_name", "target_user__full_name", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Details"))
    def short_detail(self, obj):
        return ", ".join(f"{k}={v}" for k, v in obj.detail.items())[:120]
