"""Secrets kept in the database (an identity provider's client secret) are stored encrypted: Fernet, with rotation.

The keys are `FIELD_ENCRYPTION_KEYS` (Fernet keys, newest first) when set; otherwise they are derived from
SECRET_KEY and then from each of SECRET_KEY_FALLBACKS, so that a site that rotates its SECRET_KEY the Django way
still reads what the old key wrote. A value is encrypted with the first key and read with any of them
(MultiFernet); `manage.py rotate_secrets` writes every stored secret again with the first key, after which the old
keys can go.
"""

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)


def derived_key(secret: str) -> bytes:
    """A Fernet key from a site secret, for this purpose only."""
    digest = hashlib.sha256(b"meister.encryption.fields:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _keys(explicit: tuple[str, ...], secret_key: str, fallbacks: tuple[str, ...]) -> list[bytes]:
    if explicit:
        return [key.encode() for key in explicit]
    return [derived_key(secret_key), *(derived_key(fallback) for fallback in fallbacks)]


@lru_cache(maxsize=4)
def _fernet(explicit: tuple[str, ...], secret_key: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys(explicit, secret_key, fallbacks)])


def fernet() -> MultiFernet:
    """The site's keys as they are set now (read on each use, so that a test or a rotation can change them)."""
    return _fernet(
        tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ()),
        settings.SECRET_KEY,
        tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()) or ()),
    )


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value; raises InvalidToken when no key of the site opens it (or it was never encrypted)."""
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same value encrypted again with the first key."""
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text that Python reads in the clear and the database holds encrypted.

    A stored value that no key opens (the keys were changed without keeping the old one) reads as empty and is
    logged, so that the page that keeps it asks for it again instead of failing."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            logger.error("a stored %s could not be decrypted with the site's keys", self.name)
            return ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
