"""The reports the office hands in, each as a printable A4 page and as Excel."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts import roles


@login_required
def index(request):
    if not roles.is_staff_member(request.user):
        raise PermissionDenied
    return render(request, "reports/index.html", {})
