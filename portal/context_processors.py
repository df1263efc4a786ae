from accounts import roles


def navigation(request):
    """Which sections the header shows: one cached group query per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    held = roles.user_roles(user)
    return {
        "nav": {
            "staff": roles.STAFF in held and user.is_staff,
            "deputy": roles.DEPUTY in held,
            "unit": roles.UNIT_OFFICER in held,
        }
    }
