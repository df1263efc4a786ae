from django.contrib import admin
from django.urls import include, path

from portal.views import admin_login, favicon, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says; answer with the site's icon.
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin logs in through allauth too, so rate limits and TOTP apply.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("inbox/", include("notifications.urls")),
    path("", include("activities.urls")),
    path("", include("archive.urls")),
    path("portal/suggestions/", include("proposals.urls.portal")),
    path("unit/", include("proposals.urls.unit")),
    path("office/suggestions/", include("proposals.urls.office")),
    path("proposals/", include("proposals.urls.public")),
    path("portal/liaison/", include("liaison.urls.portal")),
    path("office/", include("liaison.urls.office")),
    path("", include("liaison.urls.public")),
    path("portal/livelihood/", include("livelihood.urls.portal")),
    path("office/livelihood/", include("livelihood.urls.office")),
    path("unit/livelihood/", include("livelihood.urls.unit")),
    path("livelihood/", include("livelihood.urls.public")),
    path("portal/training/", include("training.urls.portal")),
    path("office/training/", include("training.urls.office")),
    path("unit/training/", include("training.urls.unit")),
    path("training/", include("training.urls.public")),
    path("", include("publicity.urls")),
    path("", include("overview.urls")),
    path("", include("reports.urls")),
    path("", include("portal.urls")),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
