from accounts.exceptions import NotAllowed
from deputies.exceptions import InvalidTransition

__all__ = ["InvalidTransition", "NotAllowed"]
