"""SMS: an interface and a console implementation.

A real gateway is a class with ``send(mobile, text)`` named in SMS_BACKEND.
"""

import logging
import re
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string

from core.masking import mask_mobile

logger = logging.getLogger("notifications.sms")


class BaseSmsBackend(ABC):
    @abstractmethod
    def send(self, mobile: str, text: str) -> None:
        """Send ``text`` to ``mobile``; raise on failure so the caller can record it."""


_LINK = re.compile(r"(https?://[^/\s]+)/\S*")


def redact(text: str) -> str:
    """The text without its links' paths: an invitation link carries a token that opens the
    set-password form, so a log line must never hold it."""
    return _LINK.sub(r"\1/…", text)


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to the log instead of sending them: the number masked, links without
    their paths (no token reaches a log file)."""

    def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_mobile(mobile), redact(text))


class MemorySmsBackend(BaseSmsBackend):
    """Keeps messages in ``outbox`` (for tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        self.outbox.append((mobile, text))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
