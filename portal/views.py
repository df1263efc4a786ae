from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts import roles

from . import selectors


def home(request):
    """Public home page: the latest handled suggestions, this year's livelihood projects, the
    station finder, stories, awards and the year's figures. Anonymous visitors get it from the
    public page cache (proposals.cache), emptied by every publication there and in publicity,
    and by livelihood's and liaison's public changes (core.public_cache.public_pages_changed)."""
    from proposals.cache import serve

    return serve(request, lambda: render(request, "portal/home.html", selectors.public_home_context()))


@login_required
def after_login(request):
    """Send each role to where its work is: staff to the admin, everyone else (deputies, SC
    members, unit officers) to their workbench."""
    if roles.is_staff_member(request.user):
        return redirect("admin:index")
    return redirect("portal:portal_home")


@login_required
def portal_home(request):
    """The workbench: what waits for the user in each of their roles, then their mandates and unit."""
    return render(request, "portal/portal_home.html", selectors.portal_home_context(user=request.user))


@never_cache
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
            client.ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says. Resolved per request: the hashed
    static name exists only after collectstatic."""
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"), permanent=True)


def admin_login(request):
    """The admin logs in through allauth (rate limits, lockout, TOTP). Someone already logged
    in who is not staff would be sent round admin → login → admin for ever: tell them instead."""
    if request.user.is_authenticated and not request.user.is_staff:
        from .errors import permission_denied

        return permission_denied(request)
    target = reverse("account_login")
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)
