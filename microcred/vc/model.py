# The models' fields are the JSON property names (camelCase), so that what is read is written back as it was.
# ruff: noqa: N815
"""Typed models of VC Data Model 2.0 (and 1.1), Open Badges 3.0 and CLR 2.0 credentials.

The models read what issuers publish and write it back unchanged: every model keeps the properties
it does not declare (``extra="allow"``), single values stay single and arrays stay arrays (a signed
credential must keep its exact JSON for ``eddsa-jcs-2022``), and ``to_json`` drops nulls. What
microcred composes itself always uses arrays for ``type`` and the multi-valued properties
(see :mod:`microcred.vc.compose`).

``parse_credential(dict)`` picks the class from ``type``; ``to_json(model)`` gives the dict back.
Both VC forms are read: VC 2.0 (``validFrom``/``validUntil``) and VC 1.1 (``issuanceDate``/
``expirationDate``, OB contexts 3.0.0–3.0.2).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from microcred.vc.dates import parse_date_time
from microcred.vc.errors import VCError
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2

ACHIEVEMENT_TYPES = (
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award", "Badge",
    "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification", "CommunityService", "Competency",
    "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
    "JourneymanCertificate", "LearningProgram", "License", "Membership", "ProfessionalDoctorate",
    "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential", "ResearchDoctorate",
    "SecondarySchoolDiploma",
)  # fmt: skip
"""The OB 3.0 ``AchievementType`` vocabulary; any ``ext:``-prefixed value is allowed too."""

OneOrMany = str | list[str]


class Model(BaseModel):
    """Base of every model: unknown properties kept, ``@context`` spelled as JSON-LD spells it."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    id: str | None = None
    type: OneOrMany | None = None

    @property
    def types(self) -> list[str]:
        if self.type is None:
            return []
        return [self.type] if isinstance(self.type, str) else list(self.type)

    def to_json(self) -> dict[str, Any]:
        return to_json(self)


class IdentityObject(Model):
    type: OneOrMany = "IdentityObject"
    hashed: bool
    identityHash: str
    identityType: str
    salt: str | None = None


class Image(Model):
    id: str
    caption: str | None = None


class Criteria(Model):
    narrative: str | None = None


class Alignment(Model):
    type: OneOrMany = "Alignment"
    targetName: str
    targetUrl: str
    targetDescription: str | None = None
    targetCode: str | None = None
    targetFramework: str | None = None
    targetType: str | None = None


class IdentifierEntry(Model):
    identifier: str
    identifierType: str


class RubricCriterionLevel(Model):
    id: str
    type: OneOrMany = "RubricCriterionLevel"
    name: str
    description: str | None = None
    level: str | None = None
    points: str | None = None
    alignment: list[Alignment] | None = None


class ResultDescription(Model):
    id: str
    type: OneOrMany = "ResultDescription"
    name: str
    resultType: str
    allowedValue: list[str] | None = None
    requiredLevel: str | None = None
    requiredValue: str | None = None
    rubricCriterionLevel: list[RubricCriterionLevel] | None = None
    valueMax: str | None = None
    valueMin: str | None = None
    alignment: list[Alignment] | None = None


class Result(Model):
    type: OneOrMany = "Result"
    achievedLevel: str | None = None
    alignment: list[Alignment] | None = None
    resultDescription: str | None = None
    status: str | None = None
    value: str | None = None


class Evidence(Model):
    type: OneOrMany = "Evidence"
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None


class Profile(Model):
    type: OneOrMany = "Profile"
    name: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None
    image: Image | str | None = None
    otherIdentifier: list[IdentifierEntry] | None = None
    endorsement: list[dict[str, Any]] | None = None
    parentOrg: Profile | None = None


class Achievement(Model):
    type: OneOrMany = "Achievement"
    achievementType: str | None = None
    name: str
    description: str | None = None
    criteria: Criteria | None = None
    image: Image | str | None = None
    alignment: list[Alignment] | None = None
    resultDescription: list[ResultDescription] | None = None
    creditsAvailable: int | float | None = None
    creator: Profile | None = None
    fieldOfStudy: str | None = None
    humanCode: str | None = None
    specialization: str | None = None
    tag: list[str] | None = None
    version: str | None = None
    inLanguage: str | None = None
    otherIdentifier: list[IdentifierEntry] | None = None
    endorsement: list[dict[str, Any]] | None = None

    @field_validator("achievementType")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in ACHIEVEMENT_TYPES and not value.startswith("ext:"):
            raise ValueError(f"achievementType {value!r} is neither an OB 3.0 AchievementType nor an ext: extension")
        return value


class AchievementSubject(Model):
    type: OneOrMany = "AchievementSubject"
    identifier: list[IdentityObject] | None = None
    achievement: Achievement
    result: list[Result] | None = None
    creditsEarned: int | float | None = None
    activityStartDate: str | None = None
    activityEndDate: str | None = None
    licenseNumber: str | None = None
    role: str | None = None
    term: str | None = None

    def has_identity(self) -> bool:
        """OB 3.0: the subject has an ``id`` or at least one ``identifier``."""
        return bool(self.id) or bool(self.identifier)


class EndorsementSubject(Model):
    id: str
    type: OneOrMany = "EndorsementSubject"
    endorsementComment: str | None = None


class CredentialStatus(Model):
    id: str | None = None
    type: OneOrMany


class Proof(Model):
    type: OneOrMany
    cryptosuite: str | None = None
    created: str | None = None
    verificationMethod: str | None = None
    proofPurpose: str | None = None
    proofValue: str | None = None


class Credential(Model):
    """A verifiable credential in either VC form; subclasses type ``credentialSubject``."""

    credential_types: ClassVar[tuple[str, ...]] = ()

    context: list[str | dict[str, Any]] = Field(alias="@context")
    id: str | None = None
    type: OneOrMany
    issuer: Profile | str
    name: str | None = None
    description: str | None = None
    image: Image | str | None = None
    validFrom: str | None = None
    validUntil: str | None = None
    issuanceDate: str | None = None
    expirationDate: str | None = None
    awardedDate: str | None = None
    credentialSubject: Any
    credentialStatus: CredentialStatus | list[CredentialStatus] | None = None
    proof: Proof | list[Proof] | None = None
    evidence: list[Evidence] | None = None
    endorsement: list[dict[str, Any]] | None = None
    endorsementJwt: list[str] | None = None

    @field_validator("validFrom", "validUntil", "issuanceDate", "expirationDate", "awardedDate")
    @classmethod
    def _date_time(cls, value: str | None) -> str | None:
        if value is not None and parse_date_time(value) is None:
            raise ValueError(f"{value!r} is not an xsd:dateTime")
        return value

    @field_validator("context")
    @classmethod
    def _first_context(cls, value: list[str | dict[str, Any]]) -> list[str | dict[str, Any]]:
        if not value or value[0] not in (CREDENTIALS_V1, CREDENTIALS_V2):
            raise ValueError(f"the first context must be {CREDENTIALS_V2} or {CREDENTIALS_V1}")
        return value

    @property
    def vc_version(self) -> Literal["1.1", "2.0"]:
        return "2.0" if self.context[0] == CREDENTIALS_V2 else "1.1"

    @property
    def issuer_id(self) -> str | None:
        return self.issuer if isinstance(self.issuer, str) else self.issuer.id

    @property
    def proofs(self) -> list[Proof]:
        if self.proof is None:
            return []
        return [self.proof] if isinstance(self.proof, Proof) else list(self.proof)

    @property
    def valid_from(self) -> datetime | None:
        value = self.validFrom if self.validFrom is not None else self.issuanceDate
        return parse_date_time(value) if value is not None else None

    @property
    def valid_until(self) -> datetime | None:
        value = self.validUntil if self.validUntil is not None else self.expirationDate
        return parse_date_time(value) if value is not None else None

    @property
    def subjects(self) -> list[Any]:
        subject = self.credentialSubject
        return list(subject) if isinstance(subject, list) else [subject]


class VerifiableCredential(Credential):
    """Any other credential (e.g. a ``BitstringStatusListCredential``)."""

    credentialSubject: dict[str, Any] | list[dict[str, Any]]


class AchievementCredential(Credential):
    credential_types: ClassVar[tuple[str, ...]] = ("AchievementCredential", "OpenBadgeCredential")
    credentialSubject: AchievementSubject


class OpenBadgeCredential(AchievementCredential):
    """OB 3.0 allows ``OpenBadgeCredential`` as another name of ``AchievementCredential``."""


class EndorsementCredential(Credential):
    credential_types: ClassVar[tuple[str, ...]] = ("EndorsementCredential",)
    credentialSubject: EndorsementSubject


class Association(Model):
    type: OneOrMany = "Association"
    associationType: str
    sourceId: str
    targetId: str


class ClrSubject(Model):
    type: OneOrMany = "ClrSubject"
    identifier: list[IdentityObject] | None = None
    verifiableCredential: list[dict[str, Any]]
    achievement: list[Achievement] | None = None
    association: list[Association] | None = None

    def credentials(self) -> list[Credential]:
        """The embedded credentials, parsed."""
        return [parse_credential(item) for item in self.verifiableCredential]


class ClrCredential(Credential):
    credential_types: ClassVar[tuple[str, ...]] = ("ClrCredential",)
    credentialSubject: ClrSubject
    partial: bool | None = None


def _credential_class(types: list[str]) -> type[Credential]:
    if "ClrCredential" in types:
        return ClrCredential
    if "EndorsementCredential" in types:
        return EndorsementCredential
    if "OpenBadgeCredential" in types:
        return OpenBadgeCredential
    if "AchievementCredential" in types:
        return AchievementCredential
    return VerifiableCredential


def parse_credential(document: dict[str, Any]) -> Credential:
    """The typed model of a credential; :class:`VCError` (code ``model_invalid``) when it does not fit."""
    if not isinstance(document, dict):
        raise VCError("A credential must be a JSON object.", code="model_invalid")
    raw_type = document.get("type")
    types = [raw_type] if isinstance(raw_type, str) else [t for t in raw_type or () if isinstance(t, str)]
    cls = _credential_class(types)
    try:
        return cls.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(part) for part in first["loc"])
        raise VCError(
            f"The {cls.__name__} does not fit the data model at {where or '/'}: {first['msg']}.", code="model_invalid"
        ) from None
    except RecursionError:
        raise VCError("The credential is nested too deeply.", code="model_invalid") from None


def to_json(model: BaseModel) -> dict[str, Any]:
    """The JSON object of a model: the properties it was given (known and unknown), nulls dropped."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)


def hashed_identity(email: str, salt: str) -> dict[str, Any]:
    """An OB 3.0 ``IdentityObject`` for an email address: ``sha256$`` + hex(sha256(email + salt))."""
    digest = hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": "sha256$" + digest,
        "identityType": "emailAddress",
        "salt": salt,
    }


def identity_matches(identity: dict[str, Any], email: str) -> bool:
    """Whether an ``IdentityObject`` (hashed with sha256 or md5, or plain) names ``email``."""
    value = identity.get("identityHash")
    if not isinstance(value, str):
        return False
    salt = identity.get("salt") or ""
    if not identity.get("hashed"):
        return value == email
    algorithm, _, digest = value.partition("$")
    if algorithm not in ("sha256", "md5"):
        return False
    return hashlib.new(algorithm, (email + salt).encode("utf-8")).hexdigest() == digest.lower()
