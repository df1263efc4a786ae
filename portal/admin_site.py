"""The staff admin: our headers, and the office's dashboard on the index page."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(AdminSite):
    site_header = settings.ADMIN_SITE_HEADER
    site_title = _("Admin")
    index_title = _("Deputy work")

    def index(self, request, extra_context=None):
        from accounts import roles

        from .selectors import staff_dashboard

        extra = dict(extra_context or {})
        if roles.is_staff_member(request.user):
            extra["dashboard"] = staff_dashboard(actor=request.user)
        return super().index(request, extra_context=extra)

    def get_app_list(self, request, app_label=None):
        """The index asks for the app list twice (its body and the navigation sidebar's
        context), each time checking every model's permissions: built once per request."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        if not hasattr(request, "_portal_app_list"):
            request._portal_app_list = super().get_app_list(request)
        return request._portal_app_list

    def get_log_entries(self, request):
        """The index's "recent actions": only entries about rows the user can still see in
        this admin, so a district office never reads another congress's rows there (the
        entry's text names the row)."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import CharField, Q
        from django.db.models.functions import Cast
        from django.utils.functional import SimpleLazyObject

        entries = super().get_log_entries(request)
        if request.user.is_superuser:
            return entries

        def visible_entries():
            # The index lists the user's own entries (``get_admin_log … for_user user``): only
            # the models those entries are about need their rows checked, not every registered one.
            own = entries.filter(user=request.user)
            used = set(own.order_by().values_list("content_type_id", flat=True).distinct())
            visible = Q(pk__in=[])
            for model, model_admin in self._registry.items():
                content_type = ContentType.objects.get_for_model(model)
                if content_type.pk not in used or not model_admin.has_view_or_change_permission(request):
                    continue
                pks = model_admin.get_queryset(request).order_by().values(text_pk=Cast("pk", CharField()))
                visible |= Q(content_type=content_type, object_id__in=pks)
            return own.filter(visible)

        # Every admin page asks for the entries; only the index reads them.
        return SimpleLazyObject(visible_entries)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
