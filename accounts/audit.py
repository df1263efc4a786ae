"""Write entries to the security audit log."""

from core.http import client_ip

from .models import SecurityEvent


def audit(kind: str, *, request=None, actor=None, target_user=None, **detail) -> SecurityEvent:
    """Write one entry. The request (for the actor, address and browser) is the one being
    served, read from ``CurrentRequestMiddleware``; callers outside a request pass none."""
    if request is None:
        from .middleware import current_request

        request = current_request()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        target_user=target_user,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        detail={k: v for k, v in detail.items() if v is not None},
    )
