"""SMS: an interface and a console implementation.

A real gateway is a class with ``send(mobile, text)`` named in SMS_BACKEND.
"""

import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("notifications.sms")


class BaseSmsBackend(ABC):
    @abstractmethod
    def send(self, mobile: str, text: str) -> None:
        """Send ``text`` to ``mobile``; raise on failure so the caller can record it."""


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to the log instead of sending them."""

    def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mobile, text)


class MemorySmsBackend(BaseSmsBackend):
    """Keeps messages in ``outbox`` (for tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        self.outbox.append((mobile, text))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
