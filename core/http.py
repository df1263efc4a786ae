"""The client's address, behind a known number of reverse proxies."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of whoever sent ``request``.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT`` proxies the client's is that many entries
    from the end (anything before it was written by the client and is not believed). Without
    proxies, or without the header, it is the connection's address.
    """
    if request is None:
        return None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        entries = [e.strip() for e in forwarded.split(",") if e.strip()]
        if len(entries) >= count:
            return entries[-count][:45] or None
    return request.META.get("REMOTE_ADDR") or None
