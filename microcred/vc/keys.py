"""Ed25519 keys as Multikey (``z6Mk…`` public, ``z3u2…`` secret) and ``did:key`` identifiers.

The curve arithmetic is ``cryptography``'s; this module only encodes and decodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from microcred.vc.errors import InvalidKey

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub (0xed), varint
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300), varint
MAX_MULTIBASE_LENGTH = 128


def _decode_base58btc(value: str, what: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z") or len(value) > MAX_MULTIBASE_LENGTH:
        raise InvalidKey(f"{what} is not a base58-btc multibase string (it must start with 'z').")
    try:
        return base58.b58decode(value[1:])
    except ValueError as exc:
        raise InvalidKey(f"{what} is not valid base58-btc.") from exc


def encode_multibase_base58btc(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase_base58btc(value: str) -> bytes:
    return _decode_base58btc(value, "The value")


def public_key_from_multibase(value: str) -> bytes:
    """The 32 raw bytes of an Ed25519 Multikey public key (``z6Mk…``)."""
    raw = _decode_base58btc(value, "The public key")
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_PREFIX):
        raise InvalidKey("The public key is not an Ed25519 Multikey (0xed01 followed by 32 bytes).")
    return raw[2:]


def public_key_to_multibase(public_bytes: bytes) -> str:
    if len(public_bytes) != 32:
        raise InvalidKey("An Ed25519 public key has 32 bytes.")
    return encode_multibase_base58btc(ED25519_PUB_PREFIX + public_bytes)


def verify_signature(public_bytes: bytes, signature: bytes, data: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``data`` by the key."""
    if len(public_bytes) != 32 or len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_bytes).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Ed25519KeyPair:
    """An Ed25519 signing key. ``repr`` never shows the secret."""

    private_bytes: bytes = field(repr=False)  # the 32-byte seed
    public_bytes: bytes

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        return cls._from_private(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        if len(seed) != 32:
            raise InvalidKey("An Ed25519 seed has 32 bytes.")
        return cls._from_private(Ed25519PrivateKey.from_private_bytes(bytes(seed)))

    @classmethod
    def from_multibase(cls, secret_key_multibase: str) -> Ed25519KeyPair:
        """From a Multikey secret key (``z3u2…``: 0x8026 followed by the 32-byte seed)."""
        raw = _decode_base58btc(secret_key_multibase, "The secret key")
        if len(raw) != 34 or not raw.startswith(ED25519_PRIV_PREFIX):
            raise InvalidKey("The secret key is not an Ed25519 Multikey (0x8026 followed by 32 bytes).")
        return cls.from_seed(raw[2:])

    @classmethod
    def _from_private(cls, private: Ed25519PrivateKey) -> Ed25519KeyPair:
        return cls(
            private_bytes=private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
            public_bytes=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        )

    @property
    def public_key_multibase(self) -> str:
        return public_key_to_multibase(self.public_bytes)

    @property
    def secret_key_multibase(self) -> str:
        return encode_multibase_base58btc(ED25519_PRIV_PREFIX + self.private_bytes)

    @property
    def did_key(self) -> str:
        return did_key_from_public_multibase(self.public_key_multibase)

    @property
    def did_key_verification_method(self) -> str:
        return f"{self.did_key}#{self.public_key_multibase}"

    def sign(self, data: bytes) -> bytes:
        return self._private_key().sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        return verify_signature(self.public_bytes, signature, data)

    def _private_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.private_bytes)


def did_key_from_public_multibase(public_key_multibase: str) -> str:
    public_key_from_multibase(public_key_multibase)  # validates
    return f"did:key:{public_key_multibase}"


def public_key_from_did_key(did: str) -> bytes:
    """The raw public key named by a ``did:key:z6Mk…`` (with or without a ``#fragment``)."""
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise InvalidKey("Not a did:key identifier.")
    identifier, _, fragment = did[len("did:key:") :].partition("#")
    if fragment and fragment != identifier:
        raise InvalidKey("A did:key verification method's fragment must repeat the key.")
    return public_key_from_multibase(identifier)
