"""Unsigned credentials as microcred issues them: OB 3.0 in the VC 2.0 form, endorsements, CLR 2.0, presentations.

What comes out follows the strict OB 3.0 JSON rules (``type`` and multi-valued properties as arrays,
no nulls), passes :func:`microcred.vc.schema.validate`, and uses only terms the bundled contexts
define, so canonicalization drops nothing. Sign it with :mod:`microcred.vc.data_integrity` or
:mod:`microcred.vc.jwt`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from microcred.vc.dates import format_date_time, parse_date_time
from microcred.vc.errors import VCError
from microcred.vc.loader import CLR_V2P0, CREDENTIALS_V2, OB_V3P0

CREDENTIAL_CONTEXTS = (CREDENTIALS_V2, OB_V3P0)
CLR_CONTEXTS = (CREDENTIALS_V2, CLR_V2P0, OB_V3P0)


def _date(value: str | datetime | None, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return format_date_time(value)
    if parse_date_time(value) is None:
        raise VCError(f"{what} {value!r} is not a date and time such as 2026-01-31T12:00:00Z.", code="date_invalid")
    return value


def _typed(value: Mapping[str, Any], type_name: str) -> dict[str, Any]:
    """A copy of ``value`` whose ``type`` is an array containing ``type_name`` (nulls dropped)."""
    out = {key: item for key, item in value.items() if item is not None}
    current = out.get("type")
    types = [current] if isinstance(current, str) else list(current or [])
    if type_name not in types:
        types.insert(0, type_name)
    out["type"] = types
    return out


def _image(value: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {"id": value, "type": "Image"}
    return {"type": "Image", **{key: item for key, item in value.items() if item is not None}}


def _profile(issuer: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(issuer, Mapping) or not isinstance(issuer.get("id"), str):
        raise VCError("The issuer must be a profile with an id.", code="issuer_invalid")
    profile = _typed(issuer, "Profile")
    if "image" in profile:
        profile["image"] = _image(profile["image"])
    return profile


def _achievement(achievement: Mapping[str, Any]) -> dict[str, Any]:
    for required in ("id", "name", "description", "criteria"):
        if not achievement.get(required):
            raise VCError(f"The achievement has no {required}.", code="achievement_invalid")
    out = _typed(achievement, "Achievement")
    if "image" in out:
        out["image"] = _image(out["image"])
    if "alignment" in out:
        out["alignment"] = [_typed(item, "Alignment") for item in out["alignment"]]
    if "resultDescription" in out:
        descriptions = []
        for item in out["resultDescription"]:
            description = _typed(item, "ResultDescription")
            if "rubricCriterionLevel" in description:
                description["rubricCriterionLevel"] = [
                    _typed(level, "RubricCriterionLevel") for level in description["rubricCriterionLevel"]
                ]
            if "alignment" in description:
                description["alignment"] = [_typed(a, "Alignment") for a in description["alignment"]]
            descriptions.append(description)
        out["resultDescription"] = descriptions
    if isinstance(out.get("creator"), Mapping):
        out["creator"] = _profile(out["creator"])
    return out


def _identifiers(subject_identifier: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    if subject_identifier is None:
        return []
    items = [subject_identifier] if isinstance(subject_identifier, Mapping) else list(subject_identifier)
    return [{"type": "IdentityObject", **{k: v for k, v in item.items() if v is not None}} for item in items]


def _status(credential_status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None) -> Any:
    """One entry as an object (what the OB 3.0 schema wants), several as an array (VC 2.0)."""
    if credential_status is None:
        return None
    if isinstance(credential_status, Mapping):
        credential_status = [credential_status]
    entries = [dict(entry) for entry in credential_status]
    if not entries:
        return None
    return entries[0] if len(entries) == 1 else entries


def _drop_none(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None and value != []}


def _fresh(document: dict[str, Any]) -> dict[str, Any]:
    """The finished document, sharing no object with the caller's arguments (changing one never changes the other)."""
    return copy.deepcopy(_drop_none(document))


def open_badge_credential(
    *,
    id: str,
    issuer: Mapping[str, Any],
    achievement: Mapping[str, Any],
    subject_id: str | None = None,
    subject_identifier: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    results: Iterable[Mapping[str, Any]] = (),
    evidence: Iterable[Mapping[str, Any]] = (),
    valid_from: str | datetime,
    valid_until: str | datetime | None = None,
    name: str | None = None,
    credential_status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    image: str | Mapping[str, Any] | None = None,
    description: str | None = None,
    awarded_date: str | datetime | None = None,
    credits_earned: float | None = None,
    endorsements: Iterable[Mapping[str, Any]] = (),
    extra_contexts: Sequence[str | Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """An unsigned OB 3.0 ``OpenBadgeCredential`` in the VC 2.0 form.

    The subject is named by ``subject_id`` (a DID or URL) or ``subject_identifier`` (an
    ``IdentityObject``, e.g. :func:`microcred.vc.model.hashed_identity`), or both.
    """
    if not subject_id and not subject_identifier:
        raise VCError("The learner must be named by an id or an identifier.", code="subject_invalid")
    achievement_json = _achievement(achievement)
    subject = _drop_none(
        {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": _identifiers(subject_identifier),
            "achievement": achievement_json,
            "result": [_typed(result, "Result") for result in results],
            "creditsEarned": credits_earned,
        }
    )
    return _fresh(
        {
            "@context": [*CREDENTIAL_CONTEXTS, *extra_contexts],
            "id": id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": name if name is not None else achievement_json["name"],
            "description": description,
            "image": _image(image),
            "issuer": _profile(issuer),
            "validFrom": _date(valid_from, "validFrom"),
            "validUntil": _date(valid_until, "validUntil"),
            "awardedDate": _date(awarded_date, "awardedDate"),
            "credentialSubject": subject,
            "evidence": [_typed(item, "Evidence") for item in evidence],
            "endorsement": [dict(item) for item in endorsements],
            "credentialStatus": _status(credential_status),
        }
    )


def endorsement_credential(
    *,
    id: str,
    issuer: Mapping[str, Any],
    subject_id: str,
    name: str,
    valid_from: str | datetime,
    valid_until: str | datetime | None = None,
    comment: str | None = None,
    description: str | None = None,
    credential_status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """An unsigned OB 3.0 ``EndorsementCredential`` about ``subject_id`` (an achievement, profile or credential)."""
    return _fresh(
        {
            "@context": list(CREDENTIAL_CONTEXTS),
            "id": id,
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": name,
            "description": description,
            "issuer": _profile(issuer),
            "validFrom": _date(valid_from, "validFrom"),
            "validUntil": _date(valid_until, "validUntil"),
            "credentialSubject": _drop_none(
                {"id": subject_id, "type": ["EndorsementSubject"], "endorsementComment": comment}
            ),
            "credentialStatus": _status(credential_status),
        }
    )


def clr_credential(
    *,
    id: str,
    issuer: Mapping[str, Any],
    credentials: Sequence[Mapping[str, Any]],
    valid_from: str | datetime,
    name: str,
    subject_id: str | None = None,
    subject_identifier: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    valid_until: str | datetime | None = None,
    description: str | None = None,
    achievements: Iterable[Mapping[str, Any]] = (),
    associations: Iterable[Mapping[str, Any]] = (),
    partial: bool | None = None,
    credential_status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """An unsigned CLR 2.0 ``ClrCredential`` embedding signed ``credentials`` (each kept byte for byte)."""
    if not credentials:
        raise VCError("A CLR holds at least one verifiable credential.", code="clr_empty")
    if not subject_id and not subject_identifier:
        raise VCError("The learner must be named by an id or an identifier.", code="subject_invalid")
    subject = _drop_none(
        {
            "id": subject_id,
            "type": ["ClrSubject"],
            "identifier": _identifiers(subject_identifier),
            "verifiableCredential": [dict(item) for item in credentials],
            "achievement": [_achievement(item) for item in achievements],
            "association": [{"type": "Association", **dict(item)} for item in associations],
        }
    )
    return _fresh(
        {
            "@context": list(CLR_CONTEXTS),
            "id": id,
            "type": ["VerifiableCredential", "ClrCredential"],
            "name": name,
            "description": description,
            "partial": partial,
            "issuer": _profile(issuer),
            "validFrom": _date(valid_from, "validFrom"),
            "validUntil": _date(valid_until, "validUntil"),
            "credentialSubject": subject,
            "credentialStatus": _status(credential_status),
        }
    )


def presentation(
    *,
    credentials: Sequence[Mapping[str, Any] | str],
    holder: str | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    """An unsigned VC 2.0 ``VerifiablePresentation``; VC-JWT strings are enveloped as ``data:`` URLs."""
    items: list[dict[str, Any]] = []
    for credential in credentials:
        if isinstance(credential, str):
            items.append(
                {
                    "@context": CREDENTIALS_V2,
                    "id": "data:application/vc+jwt," + credential,
                    "type": "EnvelopedVerifiableCredential",
                }
            )
        else:
            items.append(dict(credential))
    return _fresh(
        {
            "@context": [CREDENTIALS_V2],
            "id": id,
            "type": ["VerifiablePresentation"],
            "holder": holder,
            "verifiableCredential": items,
        }
    )
