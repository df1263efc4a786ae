from django.core.exceptions import ValidationError


class InvalidTransition(ValidationError):
    """The record is not in a state this action can start from (or someone got there first)."""
