"""Credential status: W3C Bitstring Status List v1.0, and 1EdTech's ``1EdTechRevocationList``.

A bitstring status list is a long run of bits, one (or ``statusSize``) per issued credential; a set bit
means revoked (or suspended, by the list's purpose). Index 0 is the left-most, most significant bit of the
first byte, as the spec says. The list is published as ``encodedList``: the multibase base64url (``u``,
no padding) of the GZIP of the bitstring, inside a ``BitstringStatusListCredential`` that the issuer signs.

Decoding untrusted lists is bounded: a few kilobytes of gzip can expand to gigabytes, so decompression
is streamed with a cap on the output (:class:`LimitExceeded`).

This module does not fetch or verify the list credential: the verifier dereferences
``statusListCredential``, checks its proof and dates, then calls :func:`check_entry`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Mapping
from typing import Any

from microcred.vc.errors import LimitExceeded, VCError
from microcred.vc.loader import CREDENTIALS_V2

MIN_ENTRIES = 131_072  # the spec's minimum list length (16 KiB of bits): herd privacy
MAX_DECODED_BYTES = 16 * 1024 * 1024
MAX_ENCODED_LENGTH = 24 * 1024 * 1024
MAX_STATUS_SIZE = 8  # bits per entry; the spec's examples use 1 or 2, a byte is plenty
PURPOSES = ("revocation", "suspension", "refresh", "message")
ENTRY_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry")
LIST_CREDENTIAL_TYPES = ("BitstringStatusListCredential", "StatusList2021Credential")
LIST_TYPES = ("BitstringStatusList", "StatusList2021")
REVOCATION_LIST_TYPE = "1EdTechRevocationList"
MAX_REVOKED_CREDENTIALS = 1_000_000


def _malformed(message: str, code: str) -> VCError:
    return VCError(message, code=code)


# ---------------------------------------------------------------- the bitstring


def encode_bitstring(bits: bytes) -> str:
    """``u`` + base64url (no padding) of the GZIP-compressed bitstring (mtime 0, so the output is stable)."""
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bitstring(encoded: str, *, max_bytes: int = MAX_DECODED_BYTES) -> bytes:
    """The bitstring an ``encodedList`` holds; at most ``max_bytes`` once decompressed.

    Accepts the multibase ``u`` form the spec requires, and (leniently, as StatusList2021 lists did) a bare
    base64url string. Raises ``VCError(code="status_list_malformed")`` or :class:`LimitExceeded`.
    """
    if not isinstance(encoded, str) or not encoded:
        raise _malformed("The encoded status list is not a string.", "status_list_malformed")
    if len(encoded) > MAX_ENCODED_LENGTH:
        raise LimitExceeded("The encoded status list is too long.")
    text = encoded[1:] if encoded.startswith("u") else encoded
    if not text.isascii() or any(c in "+/=" for c in text.rstrip("=")):
        raise _malformed("The encoded status list is not base64url.", "status_list_malformed")
    text = text.rstrip("=")
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _malformed("The encoded status list is not base64url.", "status_list_malformed") from exc
    return _gunzip_bounded(compressed, max_bytes)


def _gunzip_bounded(compressed: bytes, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing only
    try:
        output = decompressor.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise _malformed("The status list is not GZIP data.", "status_list_malformed") from exc
    if len(output) > max_bytes or decompressor.unconsumed_tail:
        raise LimitExceeded(f"The status list expands beyond {max_bytes} bytes.")
    if not decompressor.eof:
        raise _malformed("The status list's GZIP data is truncated.", "status_list_malformed")
    if decompressor.unused_data:
        raise _malformed("The status list has data after its GZIP stream.", "status_list_malformed")
    return output


def bit_at(bits: bytes, index: int) -> bool:
    """The bit at ``index``; index 0 is the most significant bit of the first byte."""
    if not isinstance(index, int) or isinstance(index, bool) or index < 0 or index >= len(bits) * 8:
        raise _malformed(f"Index {index!r} is outside a list of {len(bits) * 8} entries.", "status_index_out_of_range")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def with_bit(bits: bytes, index: int, value: bool) -> bytes:
    """A copy of ``bits`` with the bit at ``index`` set or cleared."""
    bit_at(bits, index)  # validates the index
    out = bytearray(bits)
    mask = 0x80 >> (index % 8)
    out[index // 8] = (out[index // 8] | mask) if value else (out[index // 8] & ~mask)
    return bytes(out)


def _value_at(bits: bytes, index: int, size: int) -> int:
    value = 0
    for position in range(index * size, index * size + size):
        value = (value << 1) | int(bit_at(bits, position))
    return value


# ---------------------------------------------------------------- issuing


def status_entry(*, list_url: str, index: int, purpose: str) -> dict[str, Any]:
    """The ``credentialStatus`` entry naming one index of a list."""
    if purpose not in PURPOSES:
        raise _malformed(f"Unknown status purpose {purpose!r}.", "status_entry_malformed")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise _malformed("A status list index is a non-negative integer.", "status_entry_malformed")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *,
    id: str,
    issuer: str | dict[str, Any],
    bits: bytes,
    purpose: str,
    valid_from: str | None = None,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (VC 2.0, whose context defines the status terms)."""
    if purpose not in PURPOSES:
        raise _malformed(f"Unknown status purpose {purpose!r}.", "status_list_malformed")
    if len(bits) * 8 < MIN_ENTRIES:
        raise _malformed(
            f"A status list has at least {MIN_ENTRIES} entries ({MIN_ENTRIES // 8} bytes).", "status_list_malformed"
        )
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if valid_from is not None:
        credential["validFrom"] = valid_from
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode_bitstring(bits),
    }
    return credential


# ---------------------------------------------------------------- verifying


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _entry_index(entry: Mapping[str, Any]) -> int:
    raw = entry.get("statusListIndex")
    # The spec says a string of digits; some issuers wrote a JSON integer, which means the same.
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise _malformed("statusListIndex is not a non-negative integer string.", "status_entry_malformed")
    return int(raw)


def _status_size(value: Any, code: str) -> int:
    if value is None:
        return 1
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 2:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_STATUS_SIZE:
        raise _malformed(f"statusSize must be an integer from 1 to {MAX_STATUS_SIZE}.", code)
    return value


def status_value(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> int:
    """The status value (``statusSize`` bits, most significant first) an entry points at in a list credential.

    Checks the entry, the list credential's shape, that the purposes agree and that the entry names this
    list. Raises ``VCError`` with codes ``status_entry_malformed``, ``status_list_malformed``,
    ``status_list_mismatch``, ``status_purpose_mismatch``, ``status_index_out_of_range``, or
    :class:`LimitExceeded`.
    """
    if not isinstance(entry, Mapping):
        raise _malformed("The credentialStatus entry is not an object.", "status_entry_malformed")
    if not set(_types(entry.get("type"))) & set(ENTRY_TYPES):
        raise _malformed("The credentialStatus entry is not a BitstringStatusListEntry.", "status_entry_malformed")
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise _malformed("The credentialStatus entry has no statusPurpose.", "status_entry_malformed")
    list_url = entry.get("statusListCredential")
    if not isinstance(list_url, str) or not list_url:
        raise _malformed("The credentialStatus entry has no statusListCredential.", "status_entry_malformed")
    index = _entry_index(entry)
    entry_size = _status_size(entry.get("statusSize"), "status_entry_malformed")

    if not isinstance(list_credential, Mapping):
        raise _malformed("The status list credential is not an object.", "status_list_malformed")
    if not set(_types(list_credential.get("type"))) & set(LIST_CREDENTIAL_TYPES):
        raise _malformed("The document is not a BitstringStatusListCredential.", "status_list_malformed")
    list_id = list_credential.get("id")
    if list_id is not None and list_id != list_url:
        raise _malformed(
            f"The status list credential is {list_id!r}, not the {list_url!r} the entry names.", "status_list_mismatch"
        )
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or not set(_types(subject.get("type"))) & set(LIST_TYPES):
        raise _malformed("The status list credential's subject is not a BitstringStatusList.", "status_list_malformed")
    list_purposes = _types(subject.get("statusPurpose"))  # a string, or an array for a multi-purpose list
    if not list_purposes:
        raise _malformed("The status list has no statusPurpose.", "status_list_malformed")
    if purpose not in list_purposes:
        raise _malformed(
            f"The entry's purpose {purpose!r} is not the list's ({', '.join(list_purposes)}).",
            "status_purpose_mismatch",
        )
    list_size = _status_size(subject.get("statusSize"), "status_list_malformed")
    if "statusSize" in subject and entry_size != list_size:
        raise _malformed("The entry's statusSize differs from the list's.", "status_entry_malformed")
    bits = decode_bitstring(subject.get("encodedList"))  # type: ignore[arg-type]
    if (index + 1) * entry_size > len(bits) * 8:
        raise _malformed(
            f"Index {index} is outside the list's {len(bits) * 8 // entry_size} entries.", "status_index_out_of_range"
        )
    return _value_at(bits, index, entry_size)


def check_entry(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> bool:
    """True when the entry's status is set (revoked, or suspended, by the purpose). See :func:`status_value`."""
    return status_value(entry, list_credential) != 0


def is_revocation_list_entry(entry: Any) -> bool:
    return isinstance(entry, Mapping) and REVOCATION_LIST_TYPE in _types(entry.get("type"))


def check_revocation_list(entry: Mapping[str, Any], list_document: Mapping[str, Any], credential_id: str) -> bool:
    """True when a ``1EdTechRevocationList`` lists ``credential_id`` among its ``revokedCredentials``.

    The entry is ``{"id": <list URL>, "type": "1EdTechRevocationList"}``; the list document is
    ``{"id": <list URL>, "revokedCredentials": [{"id": <credential id>, "revocationReason"?: …}, …]}``.
    """
    if not is_revocation_list_entry(entry) or not isinstance(entry.get("id"), str):
        raise _malformed("The credentialStatus entry is not a 1EdTechRevocationList.", "status_entry_malformed")
    if not isinstance(list_document, Mapping):
        raise _malformed("The revocation list is not an object.", "status_list_malformed")
    list_id = list_document.get("id")
    if list_id is not None and list_id != entry["id"]:
        raise _malformed("The revocation list is not the one the entry names.", "status_list_mismatch")
    revoked = list_document.get("revokedCredentials", [])
    if not isinstance(revoked, list):
        raise _malformed("revokedCredentials is not an array.", "status_list_malformed")
    if len(revoked) > MAX_REVOKED_CREDENTIALS:
        raise LimitExceeded("The revocation list is too long.")
    for item in revoked:
        revoked_id = item.get("id") if isinstance(item, Mapping) else item
        if not isinstance(revoked_id, str):
            raise _malformed("A revoked credential has no id.", "status_list_malformed")
        if revoked_id == credential_id:
            return True
    return False


def revocation_reason(list_document: Mapping[str, Any], credential_id: str) -> str | None:
    """The ``revocationReason`` a revocation list gives for a credential, if any."""
    revoked = list_document.get("revokedCredentials") if isinstance(list_document, Mapping) else None
    for item in revoked if isinstance(revoked, list) else []:
        if isinstance(item, Mapping) and item.get("id") == credential_id:
            reason = item.get("revocationReason")
            return reason if isinstance(reason, str) else None
    return None
