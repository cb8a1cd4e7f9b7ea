"""Encryption at rest of issuers' private keys.

Private key material is encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``)
under key-encryption keys taken from ``MICROCRED_KEY_ENCRYPTION_KEYS``. The first key encrypts;
every listed key decrypts, so the key-encryption key can be rotated with :func:`reencrypt`.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class KeyDecryptionError(Exception):
    """The stored key cannot be decrypted with the configured key-encryption keys."""


def _cipher() -> MultiFernet:
    keys = list(getattr(settings, "KEY_ENCRYPTION_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured(
            "MICROCRED_KEY_ENCRYPTION_KEYS is not set: issuers' signing keys cannot be stored or used. Generate one "
            "with: python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("MICROCRED_KEY_ENCRYPTION_KEYS holds a malformed Fernet key.") from exc


def encrypt_secret(secret: bytes) -> bytes:
    return _cipher().encrypt(secret)


def decrypt_secret(token: bytes) -> bytes:
    try:
        return _cipher().decrypt(bytes(token))
    except InvalidToken as exc:
        raise KeyDecryptionError("A signing key could not be decrypted with the configured keys.") from exc


def reencrypt(token: bytes) -> bytes:
    """The same secret under the first (current) key-encryption key."""
    try:
        return _cipher().rotate(bytes(token))
    except InvalidToken as exc:
        raise KeyDecryptionError("A signing key could not be decrypted with the configured keys.") from exc
