from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.views import paginate, safe_next_url

from . import services
from .models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    show = request.GET.get("show")
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs, size=20)
    return render(request, "notifications/inbox.html", {"page": page, "show": show})


@login_required
@require_POST
def mark_read(request, pk: int):
    # Scoped lookup: another user's notification answers 404, not 403.
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(actor=request.user, notification=notification)
    target = notification.url if request.POST.get("open") else ""
    return redirect(safe_next_url(request, target, reverse("notifications:inbox")))


@login_required
@require_POST
def mark_all_read(request):
    services.notification_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")
