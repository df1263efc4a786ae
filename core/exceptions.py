"""The two refusals every service raises; views turn them into one kind of answer."""

from django.core.exceptions import PermissionDenied, ValidationError


class NotAllowed(PermissionDenied):
    """The actor may not perform this action."""


class InvalidTransition(ValidationError):
    """The record is not in a state this action can start from (or someone got there first)."""
