"""A version of a micro-credential as Credential Engine CTDL (JSON-LD), complete enough to come back unchanged.

Every typology field has its CTDL term (README "CTDL mapping"); texts are language maps with every translation
(``microcred.translations.language_map``). The node's ``@id`` is the registry resource of the *design* (its CTID,
the same for every version, so that publishing version 2 updates the registry record), and the version's own
CTID is an ``IdentifierValue``. Keys are compact IRIs of the bundled context (``contexts/ctdl-context.json``,
derived from CTDL's published schema), checked in the tests against CTDL's term list (``contexts/ctdl-terms.json``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from microcred.catalog.models import AccreditationStatus, CreditType, Language, MicroCredential
from microcred.catalog.sanitizing import plain_text
from microcred.registry import ctids, vocabulary
from microcred.registry.models import INDUSTRY_SCHEMES, SCHEME_FRAMEWORKS, ClassificationCode, RegistrySettings
from microcred.translations import language_map, primary_language

CTDL_CONTEXT_URL = "https://credreg.net/ctdl/schema/context/json"
CONTEXTS = Path(__file__).parent / "contexts"
# identifierType of the identifier values microcred adds (its own short name, the version's CTID, the indicator)
ID_TYPES = {
    "slug": "https://credreg.net/ctdl/terms/identifier#microcred-short-name",
    "version_ctid": "https://credreg.net/ctdl/terms/ctid",
    "indicator": "https://credreg.net/ctdl/terms/identifier#microcred-indicator",
}
LANGUAGES = {
    Language.ENGLISH: ["en"],
    Language.FRENCH: ["fr"],
    Language.BILINGUAL: ["en", "fr"],
    Language.SPANISH: ["es"],
    Language.OTHER: ["und"],
}
# subjectWebpage fragments that tell microcred's own condition profiles apart on import
AWARD, PREREQUISITES = "award-requirements", "prerequisites"


@cache
def context() -> dict[str, Any]:
    """The bundled CTDL context, for offline JSON-LD processing (pyld) of the exports."""
    return json.loads((CONTEXTS / "ctdl-context.json").read_text())


@cache
def terms() -> dict[str, Any]:
    """CTDL's classes (with the properties each may carry), properties (with their ranges) and concepts."""
    return json.loads((CONTEXTS / "ctdl-terms.json").read_text())


def _absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


def page_url(credential: MicroCredential) -> str:
    args = [credential.provider.slug, credential.slug, credential.version]
    return _absolute(reverse("catalog:credential_version", args=args))


def _map(obj: Any, field: str) -> dict[str, str]:
    return {code: text for code, text in language_map(obj, field).items() if text}


def _texts(credential: MicroCredential) -> dict[str, str]:
    """Summary and description as one CTDL description per language: the summary is its first paragraph."""
    summaries = _map(credential, "summary")
    descriptions = {code: plain_text(text).strip() for code, text in _map(credential, "description").items()}
    out = {}
    for code in list(dict.fromkeys([*summaries, *descriptions])):
        parts = [summaries.get(code, "").strip(), descriptions.get(code, "")]
        text = "\n\n".join(part for part in parts if part)
        if text:
            out[code] = text
    return out or {primary_language(credential): credential.title}


def organization_node(organization: Any, resource_base: str = ctids.REGISTRY_RESOURCES) -> dict[str, Any]:
    ctid = ctids.organization_ctid(organization)
    node: dict[str, Any] = {
        "@id": ctids.resource_url(ctid, resource_base),
        "@type": "ceterms:CredentialOrganization",
        "ceterms:ctid": ctid,
        "ceterms:name": _map(organization, "name") or {primary_language(organization): organization.name},
        "ceterms:subjectWebpage": organization.website
        or _absolute(f"{reverse('catalog:search')}?provider={organization.slug}"),
    }
    description = _map(organization, "description")
    if description:
        node["ceterms:description"] = description
    return node


def _named_organization(name: str, language: str) -> dict[str, Any]:
    return {"@type": "ceterms:CredentialOrganization", "ceterms:name": {language: name}}


def _identifier(kind: str, name: str, value: str, language: str) -> dict[str, Any]:
    return {
        "@type": "ceterms:IdentifierValue",
        "ceterms:identifierType": ID_TYPES[kind],
        "ceterms:identifierTypeName": {language: name},
        "ceterms:identifierValueCode": value,
    }


def _hours(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return f"PT{text}H"


def _competency(alignment: Any) -> dict[str, Any]:
    competency = alignment.competency
    framework = competency.framework
    language = primary_language(competency)
    names = {language: alignment.label}
    for code, text in _map(competency, "short_name").items():
        names.setdefault(code, text)
    node: dict[str, Any] = {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:targetNode": alignment.target_url or competency.uri,
        "ceterms:targetNodeName": names,
        "ceterms:frameworkName": {primary_language(framework): alignment.target_framework or framework.title},
    }
    framework_url = framework.uri or framework.source_uri
    if framework_url:
        node["ceterms:framework"] = framework_url
    if alignment.target_code or competency.code:
        node["ceterms:codedNotation"] = alignment.target_code or competency.code
    if alignment.outcome_position is not None:
        node["ceterms:alignmentType"] = f"learning-outcome-{alignment.outcome_position + 1}"
    return node


def _outcomes(credential: MicroCredential) -> dict[str, list[str]]:
    outcomes = list(credential.outcomes.all())
    by_language: dict[str, list[str]] = {}
    for outcome in outcomes:
        for code, text in _map(outcome, "text").items():
            by_language.setdefault(code, []).append(text)
    # a language is listed only when every outcome is in it, so positions stay aligned
    return {code: texts for code, texts in by_language.items() if len(texts) == len(outcomes)}


def _award_condition(credential: MicroCredential, language: str) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "@type": "ceterms:ConditionProfile",
        "ceterms:subjectWebpage": f"{page_url(credential)}#{AWARD}",
        "ceterms:description": _map(credential, "award_criteria") or {language: credential.title},
    }
    outcomes = _outcomes(credential)
    if outcomes:
        profile["ceterms:condition"] = outcomes
    alignments = list(credential.alignments.select_related("competency__framework"))
    if alignments:
        profile["ceterms:targetCompetency"] = [_competency(a) for a in alignments]
    if credential.credit_type == CreditType.CREDIT and credential.credit_value is not None:
        value: dict[str, Any] = {"@type": "ceterms:ValueProfile", "schema:value": float(credential.credit_value)}
        if credential.credit_unit:
            value["ceterms:creditUnitType"] = [vocabulary.CREDIT_UNIT[credential.credit_unit]]
            profile["ceterms:creditUnitTypeDescription"] = {language: str(credential.get_credit_unit_display())}
        profile["ceterms:creditValue"] = [value]
    if credential.assessment_method:
        label = str(credential.get_assessment_method_display())
        profile["ceterms:targetAssessment"] = [
            {
                "@type": "ceterms:AssessmentProfile",
                "ceterms:name": {language: label},
                "ceterms:assessmentMethodType": [
                    vocabulary.alignment(concept, label, language, credential.assessment_method)
                    for concept in vocabulary.ASSESSMENT[credential.assessment_method]
                ],
            }
        ]
    return profile


def _preparation(credential: MicroCredential, language: str, resource_base: str) -> list[dict[str, Any]]:
    """The programs it ladders into (named), and the credentials its pathways lead to (linked)."""
    profiles: list[dict[str, Any]] = [
        {"@type": "ceterms:ConditionProfile", "ceterms:name": {language: program}}
        for program in credential.ladders_into
    ]
    for pathway in credential.pathways.select_related("resulting_credential__provider").order_by("slug"):
        result = pathway.resulting_credential
        if result is None:
            continue
        profiles.append(
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": {language: pathway.title},
                "ceterms:targetCredential": [ctids.resource_url(ctids.design_ctid(result), resource_base)],
            }
        )
    return profiles


def _codes(credential: MicroCredential, language: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    occupations, industries = [], []
    for code in ClassificationCode.objects.filter(credential=credential):
        framework, framework_name = SCHEME_FRAMEWORKS[code.scheme]
        node: dict[str, Any] = {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:framework": framework,
            "ceterms:frameworkName": {"en": framework_name},
            "ceterms:targetNodeName": {language: code.label},
        }
        if code.uri:
            node["ceterms:targetNode"] = code.uri
        if code.code:
            node["ceterms:codedNotation"] = code.code
        (industries if code.scheme in INDUSTRY_SCHEMES else occupations).append(node)
    return occupations, industries


def credential_node(credential: MicroCredential, *, resource_base: str = ctids.REGISTRY_RESOURCES) -> dict[str, Any]:
    """The CTDL node of one version, without ``@context``."""
    language = primary_language(credential)
    provider = credential.provider
    design = ctids.design_ctid(credential)
    organization = organization_node(provider, resource_base)
    delivery = str(credential.get_delivery_mode_display())
    node: dict[str, Any] = {
        "@id": ctids.resource_url(design, resource_base),
        "@type": vocabulary.CLASS_OF_INDICATOR[credential.achievement_indicator],
        "ceterms:ctid": design,
        "ceterms:name": _map(credential, "title") or {language: credential.title},
        "ceterms:description": _texts(credential),
        "ceterms:subjectWebpage": page_url(credential),
        "ceterms:inLanguage": LANGUAGES.get(credential.language, [language]),
        "ceterms:ownedBy": [organization],
        "ceterms:offeredBy": [organization],
        "ceterms:credentialStatusType": vocabulary.alignment(
            vocabulary.STATUS.get(credential.status, "credentialStat:Active"),
            str(credential.get_status_display()),
            language,
        ),
        "ceterms:isNonCredit": credential.credit_type != CreditType.CREDIT,
        "ceterms:learningDeliveryType": [
            vocabulary.alignment(
                vocabulary.DELIVERY[credential.delivery_mode], delivery, language, credential.delivery_mode
            ),
            vocabulary.alignment(
                vocabulary.PACE[credential.pace], str(credential.get_pace_display()), language, credential.pace
            ),
        ],
        "ceterms:assessmentDeliveryType": [
            vocabulary.alignment(vocabulary.DELIVERY[credential.delivery_mode], delivery, language)
        ],
        "ceterms:estimatedDuration": [
            {
                "@type": "ceterms:DurationProfile",
                "ceterms:description": {language: "workload"},
                "ceterms:exactDuration": _hours(credential.workload_hours),
            }
        ],
        "ceterms:estimatedCost": [
            {
                "@type": "ceterms:CostProfile",
                "ceterms:costDetails": page_url(credential),
                "ceterms:currency": credential.currency,
                "ceterms:price": float(credential.cost),
                "ceterms:directCostType": [vocabulary.alignment("costType:Tuition", "Tuition", language)],
                "ceterms:description": {language: "tuition"},
            }
        ],
        "ceterms:requires": [_award_condition(credential, language)],
        "ceterms:identifier": [
            _identifier("slug", "microcred short name", credential.slug, language),
            _identifier("version_ctid", "CTID of this version", ctids.version_ctid(credential), language),
            _identifier("indicator", "indicator of achievement", credential.achievement_indicator, language),
        ],
        "ceterms:versionIdentifier": [
            {
                "@type": "ceterms:IdentifierValue",
                "ceterms:identifierTypeName": {language: "version"},
                "ceterms:identifierValueCode": str(credential.version),
            }
        ],
    }
    if credential.time_to_complete_weeks:
        node["ceterms:estimatedDuration"].append(
            {
                "@type": "ceterms:DurationProfile",
                "ceterms:description": {language: "time to complete"},
                "ceterms:exactDuration": f"P{credential.time_to_complete_weeks * 7}D",
            }
        )
    if credential.prerequisites:
        node["ceterms:requires"].append(
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:subjectWebpage": f"{page_url(credential)}#{PREREQUISITES}",
                "ceterms:description": _map(credential, "prerequisites"),
            }
        )
    if credential.level:
        node["ceterms:audienceLevelType"] = [
            vocabulary.alignment(
                vocabulary.LEVEL[credential.level], str(credential.get_level_display()), language, credential.level
            )
        ]
    place = {
        key: {language: value}
        for key, value in (
            ("ceterms:addressLocality", credential.city),
            ("ceterms:addressRegion", credential.region),
            ("ceterms:addressCountry", credential.country),
        )
        if value
    }
    if place:
        node["ceterms:availableAt"] = [{"@type": "ceterms:Place", **place}]
    if credential.accreditation_status == AccreditationStatus.ACCREDITED and credential.accrediting_body:
        node["ceterms:accreditedBy"] = [_named_organization(credential.accrediting_body, language)]
    if credential.validity_months:
        node["ceterms:renewalFrequency"] = f"P{credential.validity_months}M"
    preparation = _preparation(credential, language, resource_base)
    if preparation:
        node["ceterms:isPreparationFor"] = preparation
    pathways = list(credential.pathways.order_by("slug"))
    if pathways:
        node["ceterms:isPartOf"] = [ctids.resource_url(ctids.pathway_ctid(p), resource_base) for p in pathways]
    occupations, industries = _codes(credential, language)
    if occupations:
        node["ceterms:occupationType"] = occupations
    if industries:
        node["ceterms:industryType"] = industries
    agents = [organization_node(o, resource_base) for o in credential.co_designed_with.order_by("slug")]
    agents += [_named_organization(name, language) for name in credential.industry_partners]
    if agents:
        node["ceterms:developmentProcess"] = [
            {
                "@type": "ceterms:ProcessProfile",
                "ceterms:description": {language: "co-designed with its partners"},
                "ceterms:processingAgent": agents,
            }
        ]
    if credential.published_at:
        node["ceterms:dateEffective"] = credential.published_at.date().isoformat()
    if credential.image:
        node["ceterms:image"] = _absolute(credential.image.url)
    return node


def to_ctdl(credential: MicroCredential, *, resource_base: str = ctids.REGISTRY_RESOURCES) -> dict[str, Any]:
    """The CTDL JSON-LD document of one version (what ``/ctdl.json`` serves)."""
    return {"@context": CTDL_CONTEXT_URL, **credential_node(credential, resource_base=resource_base)}


def to_graph(credential: MicroCredential, *, resource_base: str = ctids.REGISTRY_RESOURCES) -> dict[str, Any]:
    """The version as the Registry Assistant's ``GraphInput``: the credential first in ``@graph``."""
    node = credential_node(credential, resource_base=resource_base)
    graph_id = node["@id"].replace("/resources/", "/graph/")
    return {"@context": CTDL_CONTEXT_URL, "@id": graph_id, "@graph": [node]}


def catalog_export(credential: MicroCredential) -> dict[str, Any]:
    """``to_ctdl`` with the provider's registry resources URL (the catalog's ``/ctdl.json`` and API call this)."""
    base = (
        RegistrySettings.objects.filter(organization_id=credential.provider_id)
        .values_list("resource_base", flat=True)
        .first()
    )
    return to_ctdl(credential, resource_base=base or ctids.REGISTRY_RESOURCES)
