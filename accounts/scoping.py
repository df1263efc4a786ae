"""Admin mixin that keeps district staff inside their own congress (item 17)."""

from django.core.exceptions import PermissionDenied

from . import roles


class CongressScopedAdminMixin:
    """Limit an admin's rows, choices and writes to the staff member's congresses.

    ``congress_path`` is the lookup from the model to its congress id, e.g.
    ``"congress_id"`` or ``"term__congress_id"``.
    """

    congress_path = "congress_id"

    def _scope(self, request):
        return roles.congress_scope_ids(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = self._scope(request)
        return qs if scope is None else qs.filter(**{f"{self.congress_path}__in": scope})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = self._scope(request)
        if scope is not None:
            related = db_field.related_model
            if related._meta.label == "deputies.Congress":
                kwargs["queryset"] = related.objects.filter(pk__in=scope)
            elif hasattr(related, "congress"):
                kwargs["queryset"] = related.objects.filter(congress_id__in=scope)
            elif hasattr(related, "term"):
                kwargs["queryset"] = related.objects.filter(term__congress_id__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _object_congress_id(self, obj):
        value = obj
        for part in self.congress_path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def save_model(self, request, obj, form, change):
        scope = self._scope(request)
        if scope is not None and self._object_congress_id(obj) not in scope:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
