"""Scope: staff of a district congress see and change only their congress and those below
it (work plan item 17). ``scoped`` and ``in_scope`` are the one way services, selectors,
scans and the admin apply it."""

from django.core.exceptions import PermissionDenied

from . import roles


def scoped(queryset, actor, path: str = "congress_id"):
    """``queryset`` limited to the congresses ``actor`` works for; ``path`` leads from the row
    to its congress id (``"deputy__congress_id"``). A superuser's queryset is unchanged."""
    scope = roles.congress_scope_ids(actor)
    return queryset if scope is None else queryset.filter(**{f"{path}__in": scope})


def in_scope(actor, congress_id) -> bool:
    """Whether a record of ``congress_id`` is within the actor's congresses."""
    scope = roles.congress_scope_ids(actor)
    return scope is None or congress_id in scope


class CongressScopedAdminMixin:
    """Limit an admin's rows, choices and writes to the staff member's congresses.

    ``congress_path`` is the lookup from the model to its congress id, e.g.
    ``"congress_id"`` or ``"term__congress_id"``.
    """

    congress_path = "congress_id"

    def _scope(self, request):
        return roles.congress_scope_ids(request.user)

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user, self.congress_path)

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
        if not in_scope(request.user, self._object_congress_id(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
