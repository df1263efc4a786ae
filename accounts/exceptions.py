from django.core.exceptions import PermissionDenied


class NotAllowed(PermissionDenied):
    """The actor may not perform this action."""
