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
            visible = Q(pk__in=[])
            for model, model_admin in self._registry.items():
                if not model_admin.has_view_or_change_permission(request):
                    continue
                pks = model_admin.get_queryset(request).order_by().values(text_pk=Cast("pk", CharField()))
                visible |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
            return entries.filter(visible)

        # Every admin page asks for the entries; only the index reads them.
        return SimpleLazyObject(visible_entries)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
