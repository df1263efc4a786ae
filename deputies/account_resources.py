"""Import/export of login accounts.

New accounts are made by ``services.user_create`` (audited, no usable password until the
person accepts an invitation). Nobody gets staff or superuser rights from a file: those
columns are exported for reference and ignored on import. It lives with the roster because an
account names its congress and unit, which the accounts layer below does not know. See
dataio/importing.py for
what all resources share (headers in either language, row errors, all-or-nothing, scope).
"""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader

from accounts import services
from accounts.audit import audit
from accounts.models import SecurityEvent, Unit, User
from core.masking import mask_mobile
from dataio.importing import (
    BoolWidget,
    EmailWidget,
    IdWidget,
    MobileWidget,
    PortalResource,
    RefWidget,
    TextWidget,
    chunked,
    column_set,
    scope_message,
)

from .models import Congress


class UserResource(PortalResource):
    id = Field(attribute="id", column_name=gettext_lazy("Record ID"), widget=IdWidget(), readonly=True)
    full_name = Field(attribute="full_name", column_name=gettext_lazy("Full name"), widget=TextWidget())
    email = Field(attribute="email", column_name=gettext_lazy("E-mail"), widget=EmailWidget())
    mobile = Field(attribute="mobile", column_name=gettext_lazy("Mobile number"), widget=MobileWidget())
    congress = Field(attribute="congress", column_name=gettext_lazy("Congress"), widget=RefWidget(Congress, "name"))
    unit = Field(attribute="unit", column_name=gettext_lazy("Handling unit"), widget=RefWidget(Unit, "name"))
    is_staff = Field(
        attribute="is_staff", column_name=gettext_lazy("Can use the admin"), widget=BoolWidget(), readonly=True
    )
    is_active = Field(attribute="is_active", column_name=gettext_lazy("Active"), widget=BoolWidget(), readonly=True)

    required_fields = ("full_name",)
    personal_fields = {"mobile": mask_mobile}
    header_aliases = {"full_name": (gettext_lazy("Name"), "姓名"), "mobile": ("手机", "手机号")}

    class Meta:
        model = User
        fields = ["id", "full_name", "email", "mobile", "congress", "unit", "is_staff", "is_active"]
        import_id_fields = ["id"]
        instance_loader_class = CachedInstanceLoader

    def scope_queryset(self, queryset):
        # The same rows as the account admin shows the actor.
        scope = self.scope_ids()
        queryset = queryset.select_related("congress", "unit")
        if scope is None:
            return queryset
        return queryset.filter(
            Q(congress_id__in=scope) | Q(unit__congress_id__in=scope) | Q(mandates__congress_id__in=scope)
        ).distinct()

    def before_import(self, dataset, **kwargs):
        scope = self.scope_ids()
        self._congresses = {c.name: c for c in Congress.objects.all()}
        units = Unit.objects.select_related("congress")
        self._units = defaultdict(list)
        for unit in units if scope is None else units.filter(congress_id__in=scope):
            self._units[unit.name].append(unit)
        mobiles = column_set(MobileWidget(), self.column_values(dataset, "mobile"))
        emails = column_set(EmailWidget(), self.column_values(dataset, "email"))
        self._owners = {}
        for chunk in chunked(mobiles):
            for pk, mobile, name in User.objects.filter(mobile__in=chunk).values_list("pk", "mobile", "full_name"):
                self._owners[("mobile", mobile)] = (pk, name)
        for chunk in chunked(emails):
            for pk, email, name in User.objects.filter(email__in=chunk).values_list("pk", "email", "full_name"):
                self._owners[("email", email)] = (pk, name)
        self._seen = {}

    def apply_row(self, instance, values, row, errors, *, number, **kwargs):
        if instance.pk and instance.is_superuser and not self.user.is_superuser:
            errors.add("id", _("Only a superuser may change a superuser's account."))
        instance._portal_before = {"congress_id": instance.congress_id, "unit_id": instance.unit_id}
        if values.get("congress"):
            congress = self._congresses.get(values["congress"])
            if congress is None:
                errors.add("congress", _("There is no congress named “%(name)s”.") % {"name": values["congress"]})
            elif not self.in_scope(congress.pk):
                errors.add("congress", scope_message(congress))
            else:
                instance.congress = congress
        elif "congress" in values:
            instance.congress = None
        if values.get("unit"):
            found = self._units.get(values["unit"], [])
            if len(found) == 1:
                instance.unit = found[0]
            elif not found:
                errors.add(
                    "unit",
                    _("There is no handling unit named “%(name)s” in your congresses.") % {"name": values["unit"]},
                )
            else:
                errors.add("unit", _("Several handling units are named “%(name)s”.") % {"name": values["unit"]})
        elif "unit" in values:
            instance.unit = None
        self.assign(instance, values, ("full_name",))
        for name in ("email", "mobile"):
            if name in values:
                # Empty strings would collide in the unique indexes: store NULL.
                setattr(instance, name, values[name] or None)
        if not instance.email and not instance.mobile and "email" not in errors and "mobile" not in errors:
            errors.add(None, _("An account needs an e-mail address or a mobile number (or both)."))
        placed = instance.congress_id or instance.unit_id or "congress" in errors or "unit" in errors
        if instance.pk is None and self.scope_ids() is not None and not placed:
            # Otherwise the new account would be outside the actor's own view at once.
            errors.add(None, _("Fill in the congress or the handling unit of a new account."))
        for name in ("email", "mobile"):
            value = values.get(name)
            if not value:
                continue
            label = self._labels[name]
            if (name, value) in self._seen:
                errors.add(
                    name,
                    _("%(column)s %(value)s is also in row %(row)d of this file.")
                    % {"column": label, "value": value, "row": self._seen[(name, value)]},
                )
            self._seen.setdefault((name, value), number)
            owner = self._owners.get((name, value))
            if owner is not None and owner[0] != instance.pk:
                errors.add(
                    name,
                    _("%(column)s %(value)s already belongs to the account of %(name)s (record %(id)s).")
                    % {"column": label, "value": value, "name": owner[1], "id": owner[0]},
                )

    def do_instance_save(self, instance, is_create):
        if is_create:
            user = services.user_create(
                actor=self.user,
                full_name=instance.full_name,
                email=instance.email,
                mobile=instance.mobile,
                congress=instance.congress,
                unit=instance.unit,
            )
            # import-export keeps working with its own instance (row result, admin log).
            instance.pk, instance.password, instance._state = user.pk, user.password, user._state
            return
        instance.save(update_fields=["full_name", "email", "mobile", "congress", "unit"])
        before = instance._portal_before
        after = {"congress_id": instance.congress_id, "unit_id": instance.unit_id}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changes:
            # Congress and unit decide what the account may see: the same audit as the admin's.
            audit(
                SecurityEvent.Kind.ROLE_CHANGED,
                actor=self.user,
                target_user=instance,
                changes=changes,
            )
        services.user_sync_roles(user=instance)
