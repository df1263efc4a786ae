def inbox(request):
    """Unread count for the header. A callable, so pages that never show it
    (the admin) never run the query; templates call it on first use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cache = {}

    def unread_count():
        if "n" not in cache:
            cache["n"] = user.notifications.filter(read_at__isnull=True).count()
        return cache["n"]

    return {"unread_notifications_count": unread_count}
