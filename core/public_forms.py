"""Abuse resistance for forms that anyone may post, without outside services.

A public form (a station's opinion form, a public idea form) combines:

- ``PublicFormMixin`` (or ``PublicForm``): a honeypot field that people never see and the
  signed time the form was drawn (``started_token``); a form posted with the honeypot filled,
  without a valid signature, or faster than ``PUBLIC_FORM_MIN_FILL_SECONDS`` is refused.
- ``clean_fields``: size limits, markup removed (``core.text.clean_text``), NUL bytes refused,
  for the texts the service is about to store.
- ``rate_limit_check``: at most N posts per window from one client address, counted on a keyed
  hash of the address (``client_hash``), never the address itself. Each form names its own
  ``scope``, so each has its own counter and its own limit (``PUBLIC_FORM_RATE_LIMITS``).
- ``find_sensitive``: the words of a configurable list found in a text; the caller holds such a
  post for review rather than refusing it.

Every refusal is a ``ValidationError`` with a polite message, so the view's form shows it and
nothing is stored.
"""

import datetime
import time
from collections.abc import Iterable, Mapping

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .crypto import keyed_hash
from .text import clean_text

HONEYPOT = "website"
STARTED = "started"
DEFAULT_STARTED_SALT = "core.public_form.started"
# A person needs more than this to read a form and write something (PUBLIC_FORM_MIN_FILL_SECONDS).
DEFAULT_MIN_FILL_SECONDS = 2
# A form left open longer than a day is sent again from a fresh page.
MAX_FILL_SECONDS = 24 * 3600
DEFAULT_RATE = (5, 3600)
DEFAULT_SENSITIVE_WORDS = "法轮功,六四,台独,藏独,疆独,炸弹,枪支,代开发票,赌博,色情"


# --- Honeypot and minimum fill time -----------------------------------------------------------


def min_fill_seconds() -> float:
    return float(getattr(settings, "PUBLIC_FORM_MIN_FILL_SECONDS", DEFAULT_MIN_FILL_SECONDS))


def started_token(salt: str = DEFAULT_STARTED_SALT) -> str:
    """The signed time the form was drawn, for its hidden ``started`` field."""
    return signing.dumps(time.time(), salt=salt)


def check_started(value: str | None, *, salt: str = DEFAULT_STARTED_SALT, min_seconds: float | None = None) -> None:
    """Refuse a missing, forged or expired ``started`` token, or a form sent too quickly."""
    try:
        started = signing.loads(value or "", salt=salt, max_age=MAX_FILL_SECONDS)
        elapsed = time.time() - float(started)
    except (signing.BadSignature, TypeError, ValueError):
        raise ValidationError(_("This form has expired. Please check your opinion and send it again."), code="expired")
    if elapsed < (min_fill_seconds() if min_seconds is None else min_seconds):
        raise ValidationError(_("That was very quick. Please check your opinion and send it again."), code="too_fast")


def check_honeypot(value: str | None) -> None:
    if (value or "").strip():
        raise ValidationError(_("Your opinion could not be sent. Please try again."), code="honeypot")


class PublicFormMixin:
    """Mix into a ``forms.Form`` (before it): ``clean()`` then refuses a filled honeypot and a
    missing, forged, expired or too quick ``started`` token.

    The template renders two plain inputs that are not form fields (so a refused form never
    echoes them back): ``<input type="hidden" name="{{ started_name }}" value="{{ started }}">``
    and the honeypot ``<input type="text" name="{{ honeypot }}" tabindex="-1" autocomplete="off">``
    inside an element the stylesheet moves off screen (a class, not an inline style). The view
    gets those three names from ``guard_context()``.
    """

    started_salt = DEFAULT_STARTED_SALT
    honeypot_name = HONEYPOT
    started_name = STARTED
    # None: the PUBLIC_FORM_MIN_FILL_SECONDS setting.
    min_seconds: float | None = None

    def clean(self):
        data = super().clean()
        check_honeypot(self.data.get(self.honeypot_name))
        check_started(self.data.get(self.started_name), salt=self.started_salt, min_seconds=self.min_seconds)
        return data

    @classmethod
    def started_token(cls) -> str:
        return started_token(cls.started_salt)

    @classmethod
    def guard_context(cls) -> dict:
        """For the template: a fresh ``started`` token and the names of both guard inputs."""
        return {"started": cls.started_token(), "started_name": cls.started_name, "honeypot": cls.honeypot_name}


class PublicForm(PublicFormMixin, forms.Form):
    pass


# --- Texts: size, markup, NUL -----------------------------------------------------------------

NUL_MESSAGE = gettext_lazy("The text contains a character that cannot be stored (NUL).")
TOO_LONG_MESSAGE = gettext_lazy("At most %(max)d characters (this has %(n)d).")
REQUIRED_MESSAGE = gettext_lazy("This field is required.")


def has_nul(value: str | None) -> bool:
    return "\x00" in (value or "")


def clean_fields(
    values: Mapping[str, str | None],
    *,
    limits: Mapping[str, int],
    required: Mapping[str, str] | Iterable[str] = (),
    plain: Iterable[str] = (),
    too_long: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Clean the texts of a public post; return ``(cleaned, errors)``, errors by field name.

    Each value: NUL bytes refused; markup removed (fields named in ``plain`` are only
    trimmed, for values such as a phone number that a later check validates); empty refused
    if ``required`` names it (a mapping gives the field's own message); longer than
    ``limits[name]`` characters refused (``too_long[name]`` may give the message, with
    ``%(max)d`` and ``%(n)d``). The caller raises ``ValidationError(errors)`` when any.
    """
    required = required if isinstance(required, Mapping) else {name: None for name in required}
    plain, too_long = set(plain), too_long or {}
    cleaned, errors = {}, {}
    for name, raw in values.items():
        raw = raw or ""
        if has_nul(raw):
            errors[name] = str(NUL_MESSAGE)
            continue
        value = raw.strip() if name in plain else clean_text(raw)
        cleaned[name] = value
        limit = limits.get(name)
        if not value:
            if name in required:
                errors[name] = str(required[name] or REQUIRED_MESSAGE)
        elif limit is not None and len(value) > limit:
            errors[name] = str(too_long.get(name) or TOO_LONG_MESSAGE) % {"max": limit, "n": len(value)}
    return cleaned, errors


# --- Posts per address ------------------------------------------------------------------------


def client_hash(ip: str | None, scope: str) -> str:
    """The keyed hash of a client address, separate per ``scope``: what a form may store."""
    return keyed_hash(ip or "unknown", f"{scope}-ip")


def rate_limit(scope: str, default: tuple[int, int] | None = None) -> tuple[int, int]:
    """(posts, seconds) allowed from one address for ``scope``.

    ``PUBLIC_FORM_RATE_LIMITS = {scope: (posts, seconds)}`` wins; else the caller's
    ``default``; else ``PUBLIC_FORM_RATE_COUNT`` per ``PUBLIC_FORM_RATE_SECONDS`` (5 an hour).
    """
    configured = (getattr(settings, "PUBLIC_FORM_RATE_LIMITS", None) or {}).get(scope)
    if configured:
        return int(configured[0]), int(configured[1])
    if default is not None:
        return int(default[0]), int(default[1])
    return (
        int(getattr(settings, "PUBLIC_FORM_RATE_COUNT", DEFAULT_RATE[0])),
        int(getattr(settings, "PUBLIC_FORM_RATE_SECONDS", DEFAULT_RATE[1])),
    )


def rate_limited_message() -> str:
    return _(
        "Thank you. We have already received several submissions from your network connection; please try again later."
    )


def rate_limit_check(
    scope: str,
    ip: str | None,
    *,
    queryset=None,
    hash_field: str = "client_hash",
    time_field: str = "created_at",
    limit: tuple[int, int] | None = None,
    message: str | None = None,
) -> str:
    """Refuse a post from an address that reached ``scope``'s limit; return the address hash.

    With ``queryset`` (the rows this form stores, each carrying the hash in ``hash_field`` and
    its time in ``time_field``) the recent rows are counted: exact, and it needs no cache; call
    it inside the transaction that saves the row, after locking something the posts share, so
    a burst cannot slip past the count. Without it, a counter in the cache counts each accepted
    call per window (if the cache is away, nothing is refused).
    """
    address_hash = client_hash(ip, scope)
    count, seconds = limit if limit is not None else rate_limit(scope)
    if queryset is not None:
        since = timezone.now() - datetime.timedelta(seconds=seconds)
        used = queryset.filter(**{hash_field: address_hash, f"{time_field}__gte": since}).count()
        over = used >= count
    else:
        window = int(time.time() // max(seconds, 1))
        key = f"public-form:{scope}:{address_hash}:{window}"
        cache.add(key, 0, timeout=seconds + 60)
        try:
            over = cache.incr(key) > count
        except ValueError:  # the key vanished or the cache is away: let the post through
            over = False
    if over:
        raise ValidationError(message or rate_limited_message(), code="rate_limited")
    return address_hash


# --- Sensitive words --------------------------------------------------------------------------


def sensitive_words(setting: str | None = None) -> list[str]:
    """The configured sensitive words: the caller's own ``setting`` if set, else
    ``PUBLIC_FORM_SENSITIVE_WORDS``, else a built-in list. A comma-separated string or a list."""
    raw = None
    for name in (setting, "PUBLIC_FORM_SENSITIVE_WORDS"):
        if name and getattr(settings, name, None) is not None:
            raw = getattr(settings, name)
            break
    if raw is None:
        raw = DEFAULT_SENSITIVE_WORDS
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [w.strip() for w in items if w and w.strip()]


def find_sensitive(*texts: str, setting: str | None = None) -> list[str]:
    """The sensitive words found in any of ``texts`` (in the list's order, each once)."""
    return [w for w in sensitive_words(setting) if any(w in (t or "") for t in texts)]
