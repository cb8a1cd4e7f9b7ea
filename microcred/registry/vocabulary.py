"""microcred's controlled vocabularies and their CTDL concepts, both ways.

Every typology choice becomes a ``ceterms:CredentialAlignmentObject`` whose ``targetNode`` is the CTDL concept
(``deliveryType:OnlineOnly``) and whose ``codedNotation`` is microcred's own code (``online``): a registry reads the
concept, an import back into microcred reads the code first, so two codes that share a concept (a project and a
portfolio are both ``assessMethod:Artifact``) come back as they left.
"""

from __future__ import annotations

from typing import Any

from microcred.catalog.models import (
    AchievementIndicator,
    AssessmentMethod,
    CreditUnit,
    DeliveryMode,
    Level,
    Pace,
    Status,
)

CTDL_TERMS = "https://credreg.net/ctdl/terms/"
VOCABS = "https://purl.org/ctdl/vocabs/"

# (concept scheme, its name) of each vocabulary
SCHEMES = {
    "deliveryType": ("Delivery", "Delivery Type"),
    "learnMethod": ("LearningMethod", "Learning Method"),
    "audLevel": ("AudienceLevel", "Audience Level"),
    "assessMethod": ("AssessmentMethod", "Assessment Method"),
    "credentialStat": ("CredentialStatus", "Credential Status"),
    "costType": ("CostType", "Cost Type"),
}

# One CTDL class per indicator of achievement: a micro-credential issued as a digital badge is a
# ``ceterms:MicroCredential``; a certificate a ``ceterms:Certificate``; a transcript entry is recorded as a
# generic micro-credential too, and told apart by its identifier value ``indicator`` (see ctdl.py).
CLASS_OF_INDICATOR = {
    AchievementIndicator.DIGITAL_BADGE: "ceterms:MicroCredential",
    AchievementIndicator.CERTIFICATE: "ceterms:Certificate",
    AchievementIndicator.TRANSCRIPT_ENTRY: "ceterms:MicroCredential",
}
INDICATOR_OF_CLASS = {
    "ceterms:MicroCredential": AchievementIndicator.DIGITAL_BADGE,
    "ceterms:DigitalBadge": AchievementIndicator.DIGITAL_BADGE,
    "ceterms:Badge": AchievementIndicator.DIGITAL_BADGE,
    "ceterms:OpenBadge": AchievementIndicator.DIGITAL_BADGE,
    "ceterms:Certificate": AchievementIndicator.CERTIFICATE,
    "ceterms:CertificateOfCompletion": AchievementIndicator.CERTIFICATE,
    "ceterms:ProfessionalCertificate": AchievementIndicator.CERTIFICATE,
}

DELIVERY = {
    DeliveryMode.ONLINE: "deliveryType:OnlineOnly",
    DeliveryMode.IN_PERSON: "deliveryType:InPerson",
    DeliveryMode.HYBRID: "deliveryType:BlendedDelivery",
}
PACE = {
    Pace.SELF_PACED: "learnMethod:SelfPaced",
    Pace.COHORT: "learnMethod:CohortBased",
    Pace.ON_DEMAND: "learnMethod:Prerecorded",
}
LEVEL = {
    Level.INTRODUCTORY: "audLevel:BeginnerLevel",
    Level.INTERMEDIATE: "audLevel:IntermediateLevel",
    Level.ADVANCED: "audLevel:AdvancedLevel",
    Level.PROFESSIONAL: "audLevel:ProfessionalLevel",
}
ASSESSMENT = {
    AssessmentMethod.EXAM: ["assessMethod:Exam"],
    AssessmentMethod.PROJECT: ["assessMethod:Artifact"],
    AssessmentMethod.PORTFOLIO: ["assessMethod:Artifact"],
    AssessmentMethod.PERFORMANCE: ["assessMethod:Performance"],
    AssessmentMethod.WORKPLACE: ["assessMethod:Performance"],
    AssessmentMethod.MIXED: ["assessMethod:Exam", "assessMethod:Artifact", "assessMethod:Performance"],
}
# ECTS has no concept of its own in CTDL: it is a time-based credit (25-30 hours of work each).
CREDIT_UNIT = {
    CreditUnit.COURSE_CREDITS: "creditUnit:DegreeCredit",
    CreditUnit.CREDIT_HOURS: "creditUnit:SemesterHour",
    CreditUnit.ECTS: "creditUnit:TimeBasedCredit",
    CreditUnit.CEU: "creditUnit:ContinuingEducationUnit",
}
STATUS = {
    Status.PUBLISHED: "credentialStat:Active",
    # The registry resource is the design: a superseded version's design is still offered, in a newer version.
    Status.SUPERSEDED: "credentialStat:Active",
    Status.RETIRED: "credentialStat:Deprecated",
}


def inverse(mapping: dict[Any, Any]) -> dict[str, str]:
    """Concept → code, the first code of a shared concept winning (the code travels in ``codedNotation``)."""
    out: dict[str, str] = {}
    for code, concepts in mapping.items():
        for concept in concepts if isinstance(concepts, list) else [concepts]:
            out.setdefault(concept, str(code))
    return out


def concept_iri(concept: str) -> str:
    prefix, _, name = concept.partition(":")
    return f"{VOCABS}{prefix}/{name}"


def alignment(concept: str, label: str, language: str, code: str = "") -> dict[str, Any]:
    """A ``CredentialAlignmentObject`` naming one concept of a CTDL concept scheme."""
    prefix = concept.split(":")[0]
    scheme, scheme_name = SCHEMES[prefix]
    node: dict[str, Any] = {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": f"{CTDL_TERMS}{scheme}",
        "ceterms:frameworkName": {language: scheme_name},
        "ceterms:targetNode": concept,
        "ceterms:targetNodeName": {language: label},
    }
    if code:
        node["ceterms:codedNotation"] = code
    return node


def concept_of(value: Any) -> str:
    """The concept an alignment object (or a bare IRI) names, compacted to ``prefix:Name`` when it is CTDL's."""
    target = value.get("ceterms:targetNode") if isinstance(value, dict) else value
    if not isinstance(target, str):
        return ""
    if target.startswith(VOCABS):
        prefix, _, name = target[len(VOCABS) :].partition("/")
        return f"{prefix}:{name}"
    return target
