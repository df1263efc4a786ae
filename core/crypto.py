"""Encryption at rest for personal data, and the keyed hash that looks it up.

Both keys are derived (HKDF-SHA256) from ``settings.PERSONAL_DATA_KEY``, one per purpose, so
the secret itself is never used directly. Values are encrypted with Fernet (AES-128-CBC with
an HMAC); older secrets in ``PERSONAL_DATA_OLD_KEYS`` still decrypt. The keyed hash
(HMAC-SHA256) is deterministic: equal values give equal hashes, so uniqueness and lookups
(login by mobile, duplicate ID numbers) work on the hash column while the value stays
encrypted.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed

# Every ciphertext starts with this marker, so a value can be told apart from plain text
# (rows written before encryption was turned on are read as they are).
PREFIX = "enc1:"


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"deputy-portal", info=purpose).derive(secret.encode())


@lru_cache(maxsize=8)
def _keys(current: str, old: tuple[str, ...]) -> tuple[MultiFernet, tuple[bytes, ...]]:
    secrets = (current, *old)
    fernets = [Fernet(base64.urlsafe_b64encode(_derive(key, b"encrypt"))) for key in secrets]
    return MultiFernet(fernets), tuple(_derive(key, b"lookup-hash") for key in secrets)


_CURRENT = None


def _current():
    # Asked for every value written or looked up (tens of thousands in an import): kept
    # until the keys' settings change (``setting_changed``: tests and key rotation drills).
    global _CURRENT
    if _CURRENT is None:
        _CURRENT = _keys(settings.PERSONAL_DATA_KEY, tuple(settings.PERSONAL_DATA_OLD_KEYS or ()))
    return _CURRENT


@receiver(setting_changed)
def _keys_changed(setting, **kwargs):
    global _CURRENT
    if setting in ("PERSONAL_DATA_KEY", "PERSONAL_DATA_OLD_KEYS"):
        _CURRENT = None


def encrypt(value: str) -> str:
    if not value:
        return value
    fernet, _ = _current()
    return PREFIX + fernet.encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    """The plain value. Raises ``ValueError`` when no configured key opens it."""
    if not value or not value.startswith(PREFIX):
        return value
    fernet, _ = _current()
    try:
        return fernet.decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ValueError("personal data cannot be decrypted with the configured keys") from None


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)


def keyed_hash(value: str | None, purpose: str = "") -> str:
    """HMAC-SHA256 (hex) of ``value``; empty for an empty value. ``purpose`` separates the
    hashes of different kinds of value (a mobile and an ID number never share one)."""
    if not value:
        return ""
    _, keys = _current()
    return _hmac(keys[0], value, purpose)


def keyed_hashes(value: str, purpose: str = "") -> list[str]:
    """The hash of ``value`` under the current secret and every older one: a lookup finds
    rows whose hash was written before the secret changed and not yet rewritten."""
    if not value:
        return []
    _, keys = _current()
    return [_hmac(key, value, purpose) for key in keys]


def reencrypt(value: str) -> str:
    """``value`` encrypted again under the current secret (for a key rotation)."""
    if not value:
        return value
    fernet, _ = _current()
    return PREFIX + fernet.rotate(value[len(PREFIX) :].encode()).decode() if is_encrypted(value) else encrypt(value)


def _hmac(key: bytes, value: str, purpose: str) -> str:
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
