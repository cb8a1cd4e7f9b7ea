"""Issuers' private keys are encrypted at rest, and the key-encryption key can be rotated."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from microcred.issuing import keystore


def test_round_trip_and_ciphertext_hides_the_secret(settings) -> None:
    settings.KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    secret = bytes(range(32))
    token = keystore.encrypt_secret(secret)
    assert secret not in token
    assert keystore.decrypt_secret(token) == secret


def test_rotation_of_the_key_encryption_key(settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KEY_ENCRYPTION_KEYS = [old]
    token = keystore.encrypt_secret(b"s" * 32)
    settings.KEY_ENCRYPTION_KEYS = [new, old]
    assert keystore.decrypt_secret(token) == b"s" * 32
    rotated = keystore.reencrypt(token)
    settings.KEY_ENCRYPTION_KEYS = [new]
    assert keystore.decrypt_secret(rotated) == b"s" * 32
    with pytest.raises(keystore.KeyDecryptionError):
        keystore.decrypt_secret(token)


def test_missing_or_malformed_key_encryption_keys_are_a_configuration_error(settings) -> None:
    settings.KEY_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="MICROCRED_KEY_ENCRYPTION_KEYS"):
        keystore.encrypt_secret(b"x")
    settings.KEY_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured):
        keystore.encrypt_secret(b"x")
