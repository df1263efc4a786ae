"""SMS: the interface, the console and test implementations, and the mapping from our free
text to a gateway's approved templates.

SMS_BACKEND names the class. The real gateways (Aliyun, Tencent Cloud) are in
``notifications/sms_gateways.py``. With DEBUG off and SMS_BACKEND unset the backend is
``UnconfiguredSmsBackend``: every send fails (the delivery scan retries once a gateway is
set) and ``check --deploy`` warns, so a production server never logs messages it should
have sent without someone having chosen that.
"""

import logging
import re
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.masking import mask_mobile

logger = logging.getLogger("notifications.sms")

# The template every gateway message goes through unless its kind has one of its own.
NOTICE = "notice"
# The generic notice template's one variable (Aliyun names it; Tencent numbers it {1}).
NOTICE_VARIABLE = "content"


class SmsError(Exception):
    """The message was not sent. The text never holds the full number or a credential, so the
    caller may store it (``delivery_error``) and log it."""


class BaseSmsBackend(ABC):
    @abstractmethod
    def send(self, mobile: str, text: str, *, kind: str = NOTICE, params: dict | None = None) -> None:
        """Send ``text`` to ``mobile``; raise on failure so the caller can record it.

        ``kind`` picks a template of its own (SMS_TEMPLATES) and ``params`` fills its
        variables; backends without templates send ``text`` as it is.
        """


_LINK = re.compile(r"(https?://[^/\s]+)/\S*")


def redact(text: str) -> str:
    """The text without its links' paths: an invitation link carries a token that opens the
    set-password form, so a log line must never hold it."""
    return _LINK.sub(r"\1/…", text)


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to the log instead of sending them: the number masked, links without
    their paths (no token reaches a log file)."""

    def send(self, mobile: str, text: str, *, kind: str = NOTICE, params: dict | None = None) -> None:
        logger.info("SMS to %s: %s", mask_mobile(mobile), redact(text))


class MemorySmsBackend(BaseSmsBackend):
    """Keeps messages in ``outbox`` (for tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str, *, kind: str = NOTICE, params: dict | None = None) -> None:
        self.outbox.append((mobile, text))


class UnconfiguredSmsBackend(BaseSmsBackend):
    """The production default until a gateway is chosen: refuses every message."""

    def send(self, mobile: str, text: str, *, kind: str = NOTICE, params: dict | None = None) -> None:
        raise SmsError(_("No SMS gateway is configured (SMS_BACKEND); the message was not sent."))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


# --- From free text to an approved template ------------------------------------------------

_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")


def mainland_mobile(mobile: str) -> str:
    """The 11-digit mainland number, without spaces, dashes or a +86 / 86 / 0086 prefix.

    The sign name and templates are approved for mainland numbers only, so anything else is
    refused before it reaches the gateway."""
    digits = re.sub(r"[\s\-()]", "", mobile or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MAINLAND_MOBILE.fullmatch(digits):
        raise SmsError(_("%(mobile)s is not a mainland China mobile number.") % {"mobile": mask_mobile(digits)})
    return digits


def fit(value: str, limit: int) -> str:
    """One template variable: whitespace collapsed, cut to ``limit`` characters with an
    ellipsis (gateways refuse a longer variable)."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: max(limit - 1, 0)] + "…"


def template_for(text: str, kind: str = NOTICE, params: dict | None = None) -> tuple[str, dict[str, str]]:
    """The approved template id and its variables (in the template's order) for a message.

    A kind with its own template (SMS_TEMPLATES) gets ``params`` (or the text as its one
    variable); any other message goes through the generic notice template, SMS_TEMPLATE_ID,
    with the text as its one variable. Gateways do not accept a link in a variable, and a cut
    link would be useless, so a text with a link and no template of its own is refused.
    """
    limit = settings.SMS_TEMPLATE_PARAM_MAX
    templates = getattr(settings, "SMS_TEMPLATES", {}) or {}
    template_id = templates.get(kind) if kind != NOTICE else None
    if not template_id:
        if _LINK.search(text):
            raise SmsError(_("A message with a link needs an approved template of its own (SMS_TEMPLATES)."))
        template_id, params = settings.SMS_TEMPLATE_ID, None
    if not template_id:
        raise SmsError(_("No SMS template is configured (SMS_TEMPLATE_ID); the message was not sent."))
    variables = params if params is not None else {NOTICE_VARIABLE: text}
    return template_id, {str(name): fit(value, limit) for name, value in variables.items()}


_DIGIT_RUN = re.compile(r"(\+?86)?(\d{7,})")


def scrub(message: str, *secrets: str) -> str:
    """A gateway's own error text made safe to store: numbers masked, credentials removed,
    kept short."""
    message = _DIGIT_RUN.sub(lambda m: (m.group(1) or "") + mask_mobile(m.group(2)), str(message or ""))
    for secret in secrets:
        if secret and len(secret) >= 6:  # shorter is no real credential, and would mangle the text
            message = message.replace(secret, "***")
    return fit(message, 120)
