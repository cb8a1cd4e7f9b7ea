"""JSON Schema validation of credentials against the bundled 1EdTech schemas, without the network.

Which schema applies depends on the credential's type and on its first context:

- VC 2.0 form (``https://www.w3.org/ns/credentials/v2``): the draft 2019-09 OB 3.0 schemas
  (``achievementcredential``, ``endorsementcredential``).
- VC 1.1 form (``https://www.w3.org/2018/credentials/v1``): the draft-04 OB 3.0 schema (and its
  ``EndorsementCredential`` definition for endorsements).
- ``ClrCredential``: the draft-04 CLR 2.0 schema is the only one 1EdTech publishes. It was written for
  the VC 1.1 form, so a VC 2.0 form CLR is checked with ``validFrom``/``validUntil`` read as
  ``issuanceDate``/``expirationDate`` (everything else is checked as it is).

Many issuers emit ``proof`` as one object where the strict OB 3.0 schema wants an array: a single
object is accepted (wrapped in an array before validation, in the credential and in everything it embeds).
VC 2.0 allows several ``credentialStatus`` entries (revocation and suspension) where the OB 3.0 schema
describes one: each entry is checked on its own against the OB 3.0 ``CredentialStatus`` definition.

Validators are compiled once. A credential is first checked by a fastjsonschema-compiled copy of the
schema (valid or not, in tens of microseconds); only a refused one goes through ``jsonschema``, which
lists every problem with its path. A test checks that both always agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT201909

from microcred.vc.dates import parse_date_time
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2

ACHIEVEMENT_CREDENTIAL = "achievementcredential.schema.json"
ENDORSEMENT_CREDENTIAL = "endorsementcredential.schema.json"
PROFILE = "profile.schema.json"
ACHIEVEMENT_CREDENTIAL_V1 = "ob_v3p0_achievementcredential_schema_draft4.json"
CLR_CREDENTIAL = "clr_v2p0_clrcredential_schema_draft4.json"

_DRAFT4_FILES = (ACHIEVEMENT_CREDENTIAL_V1, CLR_CREDENTIAL)
_ALL_FILES = (ACHIEVEMENT_CREDENTIAL, ENDORSEMENT_CREDENTIAL, PROFILE, ACHIEVEMENT_CREDENTIAL_V1, CLR_CREDENTIAL)

# The keys under which a credential embeds other credentials whose ``proof`` the schemas constrain.
_EMBEDDING_KEYS = ("endorsement", "verifiableCredential", "credentialSubject", "achievement", "issuer")


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation: a JSON-Pointer-like path into the credential and an English sentence."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("microcred.vc").joinpath("schemas", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _registry() -> Registry:
    resources_ = []
    for name in _ALL_FILES:
        document = _schema(name)
        specification = DRAFT4 if name in _DRAFT4_FILES else DRAFT201909
        resource = Resource.from_contents(document, default_specification=specification)
        resources_.append((document["$id"], resource))
    return Registry().with_resources(resources_)


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return parse_date_time(value) is not None


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("date-time")(_is_date_time)
_FORMATS.checks("date")(_is_date)


def _refuse_remote(uri: str) -> Any:
    raise ValueError(f"schema validation does not fetch {uri}")


@cache
def _fast(name: str, pointer: str = "") -> Callable[[Any], Any]:
    """The same check compiled to Python by fastjsonschema: it only says valid or not, about 20 times faster.

    The bundled schemas use only keywords that mean the same in draft-07 as in 2019-09 (no ``$ref``
    siblings, no ``unevaluated*``), so the 2019-09 ones are compiled as draft-07; the formats are checked
    by the same functions as the full validator's. Any refusal is explained by the full validator.
    """
    document = _schema(name)
    if pointer:
        defs_key = "$defs" if "$defs" in document else "definitions"
        schema: dict[str, Any] = {"$ref": "#" + pointer, defs_key: document[defs_key]}
    else:
        schema = {key: value for key, value in document.items() if key not in ("$id", "$schema")}
    schema["$schema"] = (
        "http://json-schema.org/draft-04/schema#" if name in _DRAFT4_FILES else "http://json-schema.org/draft-07/schema#"
    )
    handlers = {"http": _refuse_remote, "https": _refuse_remote}
    return fastjsonschema.compile(
        schema, handlers=handlers, formats={"date-time": _is_date_time, "date": _is_date}, use_default=False
    )


def _fast_valid(name: str, pointer: str, document: Any) -> bool:
    try:
        _fast(name, pointer)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _validator(name: str, pointer: str = "") -> jsonschema.protocols.Validator:
    """A compiled validator for a bundled schema, or for one of its definitions (``pointer``)."""
    document = _schema(name)
    cls = jsonschema.Draft4Validator if name in _DRAFT4_FILES else jsonschema.Draft201909Validator
    schema: dict[str, Any] = {"$ref": document["$id"] + "#" + pointer} if pointer else document
    if pointer and cls is jsonschema.Draft201909Validator:
        schema = {"$schema": document["$schema"], **schema}
    return cls(schema, registry=_registry(), format_checker=_FORMATS)


def _types(document: dict[str, Any]) -> list[str]:
    value = document.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _first_context(document: dict[str, Any]) -> Any:
    context = document.get("@context")
    if isinstance(context, list) and context:
        return context[0]
    return context


def schema_for(credential: dict[str, Any]) -> tuple[str, str] | None:
    """``(schema file, definition pointer)`` that applies to ``credential``, or None when no bundled schema does."""
    if not isinstance(credential, dict):
        return None
    types = _types(credential)
    first = _first_context(credential)
    if first not in (CREDENTIALS_V1, CREDENTIALS_V2):
        return None
    if "ClrCredential" in types:
        return CLR_CREDENTIAL, ""
    if "EndorsementCredential" in types:
        return (ENDORSEMENT_CREDENTIAL, "") if first == CREDENTIALS_V2 else (
            ACHIEVEMENT_CREDENTIAL_V1,
            "/$defs/EndorsementCredential",
        )
    if "AchievementCredential" in types or "OpenBadgeCredential" in types:
        return (ACHIEVEMENT_CREDENTIAL, "") if first == CREDENTIALS_V2 else (ACHIEVEMENT_CREDENTIAL_V1, "")
    return None


def _normalize(value: Any, path: str, statuses: list[tuple[str, Any]], depth: int = 0) -> Any:
    """Wrap single ``proof`` objects in arrays and take ``credentialStatus`` entries out, at every embedding level.

    VC 2.0 allows several status entries (revocation and suspension) where the OB 3.0 schemas
    describe one, and the draft-04 schemas describe VC 1.1 entries with ``id`` and ``type`` only: every
    entry goes to ``statuses`` and is checked on its own against the OB 3.0 ``CredentialStatus``
    definition (which allows the entry's own properties).
    """
    if depth > 32:
        return value
    if isinstance(value, list):
        return [_normalize(item, f"{path}/{index}", statuses, depth + 1) for index, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "proof" and isinstance(item, dict):
            out[key] = [item]
        elif key == "credentialStatus":
            if isinstance(item, list):
                statuses.extend((f"{path}/{key}/{index}", entry) for index, entry in enumerate(item))
            else:
                statuses.append((f"{path}/{key}", item))
        elif key in _EMBEDDING_KEYS:
            out[key] = _normalize(item, f"{path}/{key}", statuses, depth + 1)
        else:
            out[key] = item
    return out


def _with_v1_dates(value: Any, depth: int = 0) -> Any:
    """A VC 2.0 form CLR (and the credentials it embeds) with dates under the VC 1.1 names of the draft-04 schema."""
    if depth > 32:
        return value
    if isinstance(value, list):
        return [_with_v1_dates(item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    shimmed = {
        key: (_with_v1_dates(item, depth + 1) if key in _EMBEDDING_KEYS else item) for key, item in value.items()
    }
    if _first_context(value) == CREDENTIALS_V2:
        if "validFrom" in shimmed and "issuanceDate" not in shimmed:
            shimmed["issuanceDate"] = shimmed.pop("validFrom")
        if "validUntil" in shimmed and "expirationDate" not in shimmed:
            shimmed["expirationDate"] = shimmed.pop("validUntil")
    return shimmed


def _path(error: jsonschema.ValidationError) -> str:
    return "/" + "/".join(str(part) for part in error.absolute_path)


def _message(error: jsonschema.ValidationError) -> str:
    message = error.message
    return message if len(message) <= 300 else message[:297] + "..."


def validate(credential: dict[str, Any]) -> list[SchemaProblem]:
    """The schema violations of ``credential`` (empty when it is valid, or when no bundled schema applies).

    Use :func:`schema_for` to know whether a schema applied at all.
    """
    if not isinstance(credential, dict):
        return [SchemaProblem("/", "A credential must be a JSON object.")]
    chosen = schema_for(credential)
    if chosen is None:
        return []
    name, pointer = chosen
    statuses: list[tuple[str, Any]] = []
    document = _normalize(credential, "", statuses)
    if name == CLR_CREDENTIAL:
        document = _with_v1_dates(document)
    status_pointer = "/$defs/CredentialStatus"
    if _fast_valid(name, pointer, document) and all(
        _fast_valid(ACHIEVEMENT_CREDENTIAL, status_pointer, entry) for _, entry in statuses
    ):
        return []
    problems = _problems(_validator(name, pointer), document, "")
    for path, entry in statuses:
        problems += _problems(_validator(ACHIEVEMENT_CREDENTIAL, "/$defs/CredentialStatus"), entry, path)
    return problems


def _problems(validator: jsonschema.protocols.Validator, document: Any, prefix: str) -> list[SchemaProblem]:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [SchemaProblem((prefix + _path(error)).rstrip("/") or "/", _message(error)) for error in errors]
