"""The VC Data Model 2.0 rules for the typed structures a credential may carry, checked before it is signed.

JSON-LD gives none of these rules: a ``credentialStatus`` without ``type`` expands to RDF just fine. VC DM 2.0
says (§4.10–4.12, §5.3–5.6):

* ``credentialStatus``: each entry is an object with a ``type``; its ``id``, if any, is one URL;
* ``credentialSchema``: each entry is an object with an ``id`` (a URL) and a ``type``;
* ``refreshService``, ``termsOfUse``, ``evidence``: each entry is an object with a ``type``;
* ``relatedResource``: each entry is an object with an ``id`` (a URL, no two the same) and a ``digestSRI``
  (Subresource Integrity hash expressions) and/or a ``digestMultibase`` (a multibase-encoded digest or multihash).

A digest is checked for its form only: checking it against the resource would mean fetching the resource, and
nothing here uses the network.

:func:`problems` lists what is wrong as :class:`Problem` values, each with the JSON path of the property, a stable
``code`` and an English sentence (the Django layer translates by code).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

import base58

TYPE_MISSING = "type_missing"
NOT_AN_OBJECT = "not_an_object"
ID_MISSING = "id_missing"
ID_INVALID = "id_invalid"
ID_DUPLICATE = "id_duplicate"
DIGEST_MISSING = "digest_missing"
DIGEST_MALFORMED = "digest_malformed"
CODES = (TYPE_MISSING, NOT_AN_OBJECT, ID_MISSING, ID_INVALID, ID_DUPLICATE, DIGEST_MISSING, DIGEST_MALFORMED)

TYPED = ("credentialStatus", "credentialSchema", "refreshService", "termsOfUse", "evidence")
MAX_ENTRIES = 100

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
_SRI = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$")
_SRI_BYTES = {"sha256": 32, "sha384": 48, "sha512": 64}
# multihash codes of the SHA-2 and SHA-3 digests, with their lengths
_MULTIHASH = {0x12: 32, 0x20: 48, 0x13: 64, 0x16: 32, 0x15: 48, 0x14: 64}
_DIGEST_BYTES = (32, 48, 64)


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def is_url(value: Any) -> bool:
    """An absolute URL (any scheme, no white space), as VC DM 2.0 means by "URL"."""
    return isinstance(value, str) and len(value) <= 4096 and _URL.fullmatch(value) is not None


def _has_type(entry: dict[str, Any]) -> bool:
    kind = entry.get("type")
    if isinstance(kind, str):
        return bool(kind)
    return isinstance(kind, list) and bool(kind) and all(isinstance(item, str) and item for item in kind)


def _entries(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _decode_multibase(value: str) -> bytes | None:
    prefix, body = value[:1], value[1:]
    if not body:
        return None
    try:
        if prefix == "z":
            return base58.b58decode(body)
        if prefix in ("u", "U"):
            if re.fullmatch(r"[A-Za-z0-9_-]+", body) is None:
                return None
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        if prefix in ("m", "M"):
            if re.fullmatch(r"[A-Za-z0-9+/]+", body) is None:
                return None
            return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        if prefix == "f":
            return bytes.fromhex(body)
    except (ValueError, binascii.Error):
        return None
    return None


def digest_multibase_ok(value: Any) -> bool:
    """A multibase (base58-btc, base64url, base64 or hex) string holding a SHA-2/SHA-3 digest or its multihash."""
    if not isinstance(value, str) or len(value) > 200:
        return False
    data = _decode_multibase(value)
    if data is None:
        return False
    if len(data) in _DIGEST_BYTES:
        return True
    return len(data) >= 2 and _MULTIHASH.get(data[0]) == data[1] == len(data) - 2


def digest_sri_ok(value: Any) -> bool:
    """One or more Subresource Integrity hash expressions (``sha384-<base64>``), separated by spaces."""
    if not isinstance(value, str) or not value.strip() or len(value) > 1000:
        return False
    for expression in value.split():
        match = _SRI.fullmatch(expression.split("?", 1)[0])
        if match is None:
            return False
        try:
            digest = base64.b64decode(match[2], validate=True)
        except (ValueError, binascii.Error):
            return False
        if len(digest) != _SRI_BYTES[match[1]]:
            return False
    return True


def _typed(credential: dict[str, Any], name: str, found: list[Problem]) -> None:
    if name not in credential:
        return
    entries = _entries(credential[name])
    if len(entries) > MAX_ENTRIES:
        found.append(Problem(name, NOT_AN_OBJECT, f"{name} has more than {MAX_ENTRIES} entries."))
        return
    for position, entry in enumerate(entries):
        where = name if not isinstance(credential[name], list) else f"{name}.{position}"
        if not isinstance(entry, dict):
            found.append(Problem(where, NOT_AN_OBJECT, f"Each {name} value must be an object with a type."))
            continue
        if not _has_type(entry):
            found.append(Problem(f"{where}.type", TYPE_MISSING, f"Each {name} value must name its type."))
        if name == "credentialSchema" and "id" not in entry:
            found.append(Problem(f"{where}.id", ID_MISSING, "Each credentialSchema value must have an id (a URL)."))
        elif "id" in entry and not is_url(entry["id"]):
            found.append(Problem(f"{where}.id", ID_INVALID, f"The id of a {name} value must be one URL."))


def _related_resources(credential: dict[str, Any], found: list[Problem]) -> None:
    if "relatedResource" not in credential:
        return
    value = credential["relatedResource"]
    entries = _entries(value)
    if len(entries) > MAX_ENTRIES:
        found.append(Problem("relatedResource", NOT_AN_OBJECT, f"relatedResource has over {MAX_ENTRIES} entries."))
        return
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        where = "relatedResource" if not isinstance(value, list) else f"relatedResource.{position}"
        if not isinstance(entry, dict):
            found.append(Problem(where, NOT_AN_OBJECT, "Each relatedResource value must be an object with an id."))
            continue
        identifier = entry.get("id")
        if identifier is None:
            found.append(Problem(f"{where}.id", ID_MISSING, "Each relatedResource value must have an id (a URL)."))
        elif not is_url(identifier):
            found.append(Problem(f"{where}.id", ID_INVALID, "The id of a relatedResource value must be one URL."))
        elif identifier in seen:
            found.append(Problem(f"{where}.id", ID_DUPLICATE, "Two relatedResource values have the same id."))
        else:
            seen.add(identifier)
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            found.append(
                Problem(where, DIGEST_MISSING, "Each relatedResource value needs a digestSRI or a digestMultibase.")
            )
        if "digestSRI" in entry and not digest_sri_ok(entry["digestSRI"]):
            found.append(
                Problem(f"{where}.digestSRI", DIGEST_MALFORMED, "digestSRI is not a Subresource Integrity hash.")
            )
        if "digestMultibase" in entry and not digest_multibase_ok(entry["digestMultibase"]):
            found.append(
                Problem(f"{where}.digestMultibase", DIGEST_MALFORMED, "digestMultibase is not a multibase digest.")
            )


def problems(credential: dict[str, Any]) -> list[Problem]:
    """What in ``credential`` breaks the VC DM 2.0 rules above (an empty list: nothing)."""
    found: list[Problem] = []
    if not isinstance(credential, dict):
        return found
    for name in TYPED:
        _typed(credential, name, found)
    _related_resources(credential, found)
    return found
