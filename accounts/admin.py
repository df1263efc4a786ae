from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import FieldError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import NotAllowed
from core.masking import mask_mobile

from . import roles, services
from .audit import audit
from .models import SecurityEvent, Unit, User
from .scoping import CongressScopedAdminMixin


def scoped_list_filter(model_admin, request, list_filter):
    """``list_filter`` with every relation filter offering only the values of rows the user
    sees: a plain relation filter would list every congress, term or unit of the city."""
    from django.contrib.admin.utils import NotRelationField, get_fields_from_path
    from django.core.exceptions import FieldDoesNotExist

    if request.user.is_superuser:
        return list_filter
    out = []
    for item in list_filter:
        if isinstance(item, str):
            try:
                field = get_fields_from_path(model_admin.model, item)[-1]
            except (FieldDoesNotExist, NotRelationField):  # not a field path: left as given
                field = None
            if field is not None and field.is_relation:
                item = (item, admin.RelatedOnlyFieldListFilter)
        out.append(item)
    return out


class ScopedModelAdmin(CongressScopedAdminMixin, admin.ModelAdmin):
    """The admin of a congress's business data, scoped everywhere the admin shows or takes rows.

    On top of ``CongressScopedAdminMixin`` (rows, writes): the choices of every relation field
    come from the related model's own admin queryset (so they follow exactly the rows its admin
    shows, the same as its autocomplete), list filters offer only the values of visible rows,
    and a row seen but outside the user's congresses (a national deputy elected in the city) is
    read-only.
    """

    def _related_queryset(self, request, related):
        model_admin = self.admin_site._registry.get(related)
        if model_admin is not None and (
            isinstance(model_admin, CongressScopedAdminMixin) or hasattr(model_admin, "scoped_for_choices")
        ):
            return model_admin.get_queryset(request)
        if roles.congress_scope_ids(request.user) is None:
            return None
        from .scoping import scoped

        if related._meta.label == "deputies.Congress":
            return scoped(related._default_manager.all(), request.user, "id")
        for path in ("congress_id", "term__congress_id"):
            try:
                return scoped(related._default_manager.all(), request.user, path)
            except FieldError:  # the related model has no such path
                continue
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._related_queryset(request, db_field.related_model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._related_queryset(request, db_field.related_model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        return scoped_list_filter(self, request, super().get_list_filter(request))

    def _obj_in_scope(self, request, obj):
        from .scoping import in_scope

        return obj is None or in_scope(request.user, self._object_congress_id(obj))

    def has_change_permission(self, request, obj=None):
        return self._obj_in_scope(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._obj_in_scope(request, obj) and super().has_delete_permission(request, obj)


class ReadOnlyScopedModelAdmin(ScopedModelAdmin):
    """A scoped admin that only lists and shows: records written by the workflow (handling
    records, opinions, contacts), evidence of what happened, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UnitAdminForm(forms.ModelForm):
    """The unit's head: their account, when they have one, must be one of the unit's officers."""

    class Meta:
        model = Unit
        fields = [
            "congress",
            "name",
            "short_name",
            "kind",
            "is_active",
            "public_contact",
            "public_phone",
            "head_name",
            "head_title",
            "head_user",
        ]

    def clean(self):
        data = super().clean()
        head = data.get("head_user")
        if head is not None and (self.instance.pk is None or head.unit_id != self.instance.pk):
            self.add_error(
                "head_user",
                _("The head's account must be an officer account of this unit; give the account this unit first."),
            )
        if head is not None and not data.get("head_name"):
            self.add_error("head_name", _("Enter the head's name: urging notices are addressed to them."))
        return data


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin):
    form = UnitAdminForm
    list_display = ["name", "short_name", "kind", "congress", "head_name", "head_title", "is_active"]
    list_filter = ["kind", "congress", "is_active"]
    search_fields = ["name", "short_name"]
    fieldsets = [
        (None, {"fields": ["congress", "name", "short_name", "kind", "is_active"]}),
        (_("Public contact"), {"fields": ["public_contact", "public_phone"]}),
        (
            _("Head of the unit"),
            {
                "fields": ["head_name", "head_title", "head_user"],
                "description": _(
                    "Urging notices are addressed to the head; the head's account (one of the unit's officers) "
                    "is told of each notice."
                ),
            },
        ),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("head_user")
        if field is not None:
            # Only this unit's officers; a unit being added has none yet.
            field.queryset = User.objects.filter(unit=obj, is_active=True) if obj else User.objects.none()
        return form


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. The roster app adds import and export to this page (``deputies/admin.py``):
    an account import resolves congresses and units, which this layer does not know."""

    list_display = ["full_name", "email", "masked_mobile", "congress", "unit", "is_staff", "is_active", "invited_at"]
    list_filter = ["is_active", "is_staff", "groups", "congress"]
    search_fields = ["full_name", "email", "=mobile"]  # mobile: whole number only (encrypted)
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

    # Other admins take their account choices from this queryset (ScopedModelAdmin).
    scoped_for_choices = True

    def get_list_filter(self, request):
        return scoped_list_filter(self, request, super().get_list_filter(request))

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
    """Read-only: nobody adds, changes or deletes audit entries, superusers included. The
    action and ``verify/`` check the hash chain and say whether it is intact."""

    list_display = ["created_at", "kind", "actor", "target_user", "ip_address", "short_detail", "short_hash"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor__full_name", "target_user__full_name", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_user"]
    actions = ["verify_chain"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        from django.urls import path

        urls = [
            path(
                "verify/",
                self.admin_site.admin_view(self.verify_view),
                name="accounts_securityevent_verify",
            )
        ]
        return urls + super().get_urls()

    @admin.display(description=_("Details"))
    def short_detail(self, obj):
        return ", ".join(f"{k}={v}" for k, v in obj.detail.items())[:120]

    @admin.display(description=_("Hash"))
    def short_hash(self, obj):
        return obj.row_hash[:12]

    def _report_chain(self, request):
        from django.utils.translation import gettext

        from .audit import verify_chain

        report = verify_chain()
        if report.ok:
            self.message_user(
                request,
                _("The audit log's hash chain is intact: %(n)d entries verified.") % {"n": report.checked},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("The audit log's hash chain is broken at entry %(id)s (%(time)s, %(kind)s): %(reason)s.")
                % {
                    "id": report.break_id,
                    "time": f"{report.break_created_at:%Y-%m-%d %H:%M:%S}",
                    "kind": report.break_kind,
                    "reason": gettext(report.reason),
                },
                messages.ERROR,
            )
        return report

    @admin.action(description=_("Verify the hash chain (whole log)"))
    def verify_chain(self, request, queryset):
        self._report_chain(request)

    def verify_view(self, request):
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect

        if not self.has_view_permission(request):
            raise PermissionDenied
        self._report_chain(request)
        return redirect("admin:accounts_securityevent_changelist")
