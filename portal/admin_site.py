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
        from django.template.loader import render_to_string

        from accounts import roles
        from core import figures

        from .selectors import staff_dashboard

        extra = dict(extra_context or {})
        actor = request.user
        if roles.is_staff_member(actor):
            # Kept in the cache until a write changes what it counts (core/figures.py).
            parts = ("staff-dashboard", actor.pk, roles.congress_scope_ids(actor))
            found = figures.cached(parts, lambda: {"dashboard": staff_dashboard(actor=actor).resolved()})
            extra["dashboard"] = found["dashboard"]
        # The index's list of every model the user may open, rendered once per user (and renewed
        # when their groups or permissions change, as the app list is).
        found = figures.cached(
            ("admin-index-apps", *self._app_list_parts(request)),
            lambda: {
                "html": render_to_string(
                    "admin/app_list.html",
                    {"app_list": self.get_app_list(request), "show_changelinks": True},
                    request,
                )
            },
        )
        extra["app_list_html"] = found["html"]
        return super().index(request, extra_context=extra)

    @staticmethod
    def _app_list_parts(request) -> tuple:
        """What the list of apps depends on besides the permissions (a change to a group's
        permissions or to the user's groups renews the cache: ``core.figures`` watches them):
        the user, and their congress (the city's office alone keeps some lists, e.g.
        ``proposals.admin.HandlingUnitAdmin``)."""
        user = request.user
        return (user.pk, user.is_superuser, user.is_staff, user.is_active, user.congress_id)

    def get_app_list(self, request, app_label=None):
        """Every admin page asks for the app list (its navigation sidebar; the index twice), each
        time checking every model's permissions: built once per user and kept in the cache
        (``core.figures``: renewed when a group's permissions or the user's groups change, and with
        any write to a domain table, since a user's congress decides some of it), read once per
        request at most."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        if not hasattr(request, "_portal_app_list"):
            from core import figures

            found = figures.cached(
                ("admin-apps", *self._app_list_parts(request)),
                lambda: {"apps": _plain_app_list(super(PortalAdminSite, self).get_app_list(request))},
            )
            request._portal_app_list = found["apps"]
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


def _plain_app_list(app_list: list) -> list:
    """The app list with its names as plain text (the language is in the cache's key): lazy
    translations are slow to unpickle."""
    return [
        {
            **app,
            "name": str(app["name"]),
            "models": [{**model, "name": str(model["name"])} for model in app["models"]],
        }
        for app in app_list
    ]


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
