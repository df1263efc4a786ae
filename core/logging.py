"""Log filters: what Django writes about a request never carries a secret from its URL.

Django's request and CSRF loggers name the path of a refused request ("Forbidden (CSRF
cookie not set.): /accounts/invitation/<uid>/<token>/"); the token in an invitation or
password-reset link opens the set-password form, so it is cut before any handler sees it.
"""

import logging
import re

_SECRET_PATHS = [
    (re.compile(r"(/accounts/invitation/)[^/\s]+/[^/\s]+/?"), r"\1…/"),
    (re.compile(r"(/accounts/password/reset/key/)[^/\s]+/?"), r"\1…/"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretPaths(logging.Filter):
    """Rewrites the record's message with secret path parts cut (attached to the loggers that
    name request paths, so every handler, wherever the record propagates, gets the cut text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cut = redact(message)
        if cut != message:
            record.msg, record.args = cut, ()
        return True
