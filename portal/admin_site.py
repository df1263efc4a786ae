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


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
