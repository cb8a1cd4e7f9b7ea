"""Standard formats of a micro-credential: Open Badges 3.0 ``Achievement`` and Credential Engine CTDL
(exports), and OB 3.0 ``Achievement`` / OB 2.0 ``BadgeClass`` JSON (imports, read into typology fields).

Exports are pure functions of a stored version; URLs are absolute on ``settings.PUBLIC_BASE_URL``
so that an Achievement's ``id`` never changes once version N is published.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.catalog.extensions import export_ctdl
from microcred.catalog.models import CreditType, CreditUnit, DeliveryMode, Language, MicroCredential, Status
from microcred.catalog.sanitizing import plain_text
from microcred.errors import ValidationFailed
from microcred.translations import language_map, languages, localized

OB3_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CTDL_CONTEXT = "https://credreg.net/ctdl/schema/context/json"
CTDL_MINIMAL_CONTEXT = Path(__file__).parent / "contexts" / "ctdl-minimal.json"
LANGUAGE_MAPS_CONTEXT = Path(__file__).parent / "contexts" / "language-maps-v1.json"
CTID_NAMESPACE = uuid.UUID("4f1c8a4e-5b8e-4c6a-9a59-2f8f6f0b6b11")
DELIVERY_TYPES = {
    DeliveryMode.ONLINE: ("deliveryType:OnlineOnly", "Online Only"),
    DeliveryMode.IN_PERSON: ("deliveryType:InPerson", "In Person Only"),
    DeliveryMode.HYBRID: ("deliveryType:BlendedDelivery", "Blended Delivery"),
}
CREDENTIAL_STATUS = {
    Status.PUBLISHED: ("credentialStat:Active", "Active"),
    Status.SUPERSEDED: ("credentialStat:Superseded", "Superseded"),
    Status.RETIRED: ("credentialStat:Deprecated", "Deprecated"),
}


def absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


def _args(credential: MicroCredential) -> list[Any]:
    return [credential.provider.slug, credential.slug, credential.version]


def page_url(credential: MicroCredential) -> str:
    return absolute(reverse("catalog:credential_version", args=_args(credential)))


def achievement_url(credential: MicroCredential) -> str:
    return absolute(reverse("catalog:achievement", args=_args(credential)))


def ctdl_url(credential: MicroCredential) -> str:
    return absolute(reverse("catalog:ctdl", args=_args(credential)))


def provider_url(credential: MicroCredential) -> str:
    return absolute(f"{reverse('catalog:search')}?provider={credential.provider.slug}")


def ctid(credential: MicroCredential) -> str:
    return "ce-" + str(uuid.uuid5(CTID_NAMESPACE, f"{credential.provider.slug}/{credential.slug}/{credential.version}"))


def _alignments(credential: MicroCredential) -> list[Any]:
    related = getattr(credential, "alignments", None)
    return list(related.select_related("competency__framework").all()) if related is not None else []


def _criteria_narrative(credential: MicroCredential, language: str | None = None) -> str:
    """The criteria in words; in ``language`` (the design's translation and microcred's own words), or as
    stored and in the active language when none is named."""
    if language is not None:
        with translation.override(language):
            return _criteria_narrative_in(credential, lambda obj, field: localized(obj, field, language))
    return _criteria_narrative_in(credential, lambda obj, field: getattr(obj, field))


def _criteria_narrative_in(credential: MicroCredential, text: Any) -> str:
    criteria = text(credential, "award_criteria")
    lines = [criteria] if criteria else []
    outcomes = [text(o, "text") for o in credential.outcomes.all()]
    if outcomes:
        lines.append(_("Learning outcomes:"))
        lines += [f"- {line}" for line in outcomes]
    return "\n".join(lines) or text(credential, "title")


@cache
def _language_maps_context() -> str:
    return json.dumps(json.loads(LANGUAGE_MAPS_CONTEXT.read_text(encoding="utf-8"))["@context"])


def language_maps_context() -> dict[str, Any]:
    """microcred's extension context (inline in a document's ``@context``): ``nameLanguageMap``,
    ``descriptionLanguageMap`` and ``narrativeLanguageMap``, JSON-LD language maps of schema:name,
    schema:description and OB 3.0's narrative, beside the plain strings the OB 3.0 schema requires.
    A fresh copy each time."""
    return json.loads(_language_maps_context())


def _description(credential: MicroCredential, language: str) -> str:
    summary = localized(credential, "summary", language)
    return (
        summary
        or plain_text(localized(credential, "description", language))[:1000]
        or localized(credential, "title", language)
    )


def add_language_maps(credential: MicroCredential, document: dict[str, Any]) -> dict[str, Any]:
    """The Achievement with its name, description and criteria in every language the design has, as language
    maps beside the primary-language strings; unchanged for a design in one language."""
    codes = languages(credential)
    if len(codes) < 2:
        return document
    document["@context"] = [*OB3_CONTEXT, language_maps_context()]
    document["nameLanguageMap"] = language_map(credential, "title")
    document["descriptionLanguageMap"] = {code: _description(credential, code) for code in codes}
    narratives = {code: _criteria_narrative(credential, code) for code in codes}
    document["criteria"]["narrative"] = narratives[codes[0]]  # the primary language's, whatever the page's
    document["criteria"]["narrativeLanguageMap"] = narratives
    creator_names = language_map(credential.provider, "name")
    if len(creator_names) > 1:
        document["creator"]["nameLanguageMap"] = creator_names
    return document


def to_achievement(credential: MicroCredential) -> dict[str, Any]:
    """The OB 3.0 ``Achievement`` of one version, as JSON-LD."""
    provider = credential.provider
    creator: dict[str, Any] = {"id": provider_url(credential), "type": ["Profile"], "name": provider.name}
    if provider.website:
        creator["url"] = provider.website
    if provider.description:
        creator["description"] = provider.description
    document: dict[str, Any] = {
        "@context": OB3_CONTEXT,
        "id": achievement_url(credential),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": credential.title,
        "description": credential.summary or plain_text(credential.description)[:1000] or credential.title,
        "criteria": {"id": page_url(credential), "narrative": _criteria_narrative(credential)},
        "creator": creator,
        "humanCode": credential.slug,
        "version": str(credential.version),
        "inLanguage": credential.language if credential.language in ("en", "fr", "es") else "en",
        "tag": [credential.get_delivery_mode_display(), credential.get_pace_display()]
        + ([credential.get_level_display()] if credential.level else []),
        "alignment": [],
        "resultDescription": [
            {
                "id": f"{achievement_url(credential)}#result-award",
                "type": ["ResultDescription"],
                "name": _("Award decision"),
                "resultType": "Status",
                "allowedValue": ["Completed"],
            }
        ],
    }
    if credential.credit_type == CreditType.CREDIT and credential.credit_value:
        document["creditsAvailable"] = float(credential.credit_value)
    if credential.image:
        document["image"] = {"id": absolute(credential.image.url), "type": "Image", "caption": credential.title}
    for alignment in _alignments(credential):
        competency = alignment.competency
        entry = {
            "type": ["Alignment"],
            "targetName": alignment.label,
            "targetUrl": alignment.target_url,
            "targetType": "ceasn:Competency",
            "targetFramework": competency.framework.title,
        }
        code = getattr(competency, "code", "") or ""
        if code:
            entry["targetCode"] = code
        document["alignment"].append(entry)
        document["resultDescription"].append(
            {
                "id": f"{achievement_url(credential)}#result-{competency.pk}",
                "type": ["ResultDescription"],
                "name": alignment.label,
                "resultType": "PerformanceLevel",
                "alignment": [entry],
            }
        )
    if not document["alignment"]:
        del document["alignment"]
    return add_language_maps(credential, document)


def _lang(text: str, language: str) -> dict[str, str]:
    return {language if language in ("en", "fr", "es") else "en": text}


def _alignment_object(framework: str, framework_name: str, node: str, node_name: str, lang: str) -> dict[str, Any]:
    return {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": framework,
        "ceterms:frameworkName": _lang(framework_name, lang),
        "ceterms:targetNode": node,
        "ceterms:targetNodeName": _lang(node_name, lang),
    }


def to_ctdl(credential: MicroCredential) -> dict[str, Any]:
    """The Credential Engine CTDL description of one version (``ceterms:MicroCredential``), as JSON-LD: the
    registry domain's complete one when it is installed (``extensions.set_ctdl_export``), else a minimal one."""
    complete = export_ctdl(credential)
    if complete is not None:
        return complete
    lang = credential.language if credential.language in ("en", "fr", "es") else "en"
    provider = credential.provider
    organization = {
        "@type": "ceterms:CredentialOrganization",
        "ceterms:name": _lang(provider.name, lang),
        "ceterms:subjectWebpage": provider.website or provider_url(credential),
    }
    status_node, status_name = CREDENTIAL_STATUS.get(credential.status, ("credentialStat:Active", "Active"))
    delivery_node, delivery_name = DELIVERY_TYPES[credential.delivery_mode]
    outcomes = [o.text for o in credential.outcomes.all()]
    requires: dict[str, Any] = {
        "@type": "ceterms:ConditionProfile",
        "ceterms:description": _lang(credential.award_criteria or _("Meet the award criteria."), lang),
    }
    if outcomes:
        requires["ceterms:condition"] = {lang: outcomes}
    competencies = [
        {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNode": alignment.target_url,
            "ceterms:targetNodeName": _lang(alignment.label, lang),
            "ceterms:frameworkName": _lang(alignment.competency.framework.title, lang),
        }
        for alignment in _alignments(credential)
    ]
    if competencies:
        requires["ceterms:targetCompetency"] = competencies
    duration: dict[str, Any] = {
        "@type": "ceterms:DurationProfile",
        "ceterms:description": _lang(_("%(hours)s hours of work") % {"hours": credential.workload_hours}, lang),
    }
    if credential.time_to_complete_weeks:
        duration["ceterms:exactDuration"] = f"P{credential.time_to_complete_weeks}W"
    else:
        duration["ceterms:exactDuration"] = f"PT{int(credential.workload_hours)}H"
    document: dict[str, Any] = {
        "@context": CTDL_CONTEXT,
        "@id": ctdl_url(credential),
        "@type": "ceterms:MicroCredential",
        "ceterms:ctid": ctid(credential),
        "ceterms:name": _lang(credential.title, lang),
        "ceterms:description": _lang(
            plain_text(credential.description) or credential.summary or credential.title, lang
        ),
        "ceterms:subjectWebpage": page_url(credential),
        "ceterms:ownedBy": [organization],
        "ceterms:offeredBy": [organization],
        "ceterms:credentialStatusType": _alignment_object(
            "https://credreg.net/ctdl/terms/CredentialStatus", "Credential Status", status_node, status_name, lang
        ),
        "ceterms:inLanguage": [lang],
        "ceterms:deliveryType": [
            _alignment_object(
                "https://credreg.net/ctdl/terms/Delivery", "Delivery Type", delivery_node, delivery_name, lang
            )
        ],
        "ceterms:estimatedDuration": [duration],
        "ceterms:estimatedCost": [
            {
                "@type": "ceterms:CostProfile",
                "ceterms:costDetails": page_url(credential),
                "ceterms:currency": credential.currency,
                "ceterms:price": float(credential.cost),
                "ceterms:description": _lang(_("Tuition and fees"), lang),
            }
        ],
        "ceterms:requires": [requires],
        "ceterms:versionIdentifier": [
            {"@type": "ceterms:IdentifierValue", "ceterms:identifierValueCode": str(credential.version)}
        ],
    }
    pathways = [absolute(reverse("catalog:pathway", args=[p.slug])) for p in credential.pathways.all()]
    if pathways:
        document["ceterms:isPartOf"] = pathways
    if credential.published_at:
        document["ceterms:dateEffective"] = credential.published_at.date().isoformat()
    if credential.image:
        document["ceterms:image"] = absolute(credential.image.url)
    if credential.credit_type == CreditType.CREDIT and credential.credit_value:
        document["ceterms:creditValue"] = [
            {
                "@type": "ceterms:ValueProfile",
                "ceterms:value": float(credential.credit_value),
                "ceterms:description": _lang(credential.get_credit_unit_display(), lang),
            }
        ]
    if credential.delivery_mode != DeliveryMode.ONLINE and (credential.city or credential.region):
        place = {"@type": "ceterms:Place"}
        for key, value in (
            ("ceterms:addressLocality", credential.city),
            ("ceterms:addressRegion", credential.region),
            ("ceterms:addressCountry", credential.country),
        ):
            if value:
                place[key] = _lang(value, lang)
        document["ceterms:availableAt"] = [place]
    return document


def ctdl_context() -> dict[str, Any]:
    """The minimal CTDL context bundled for offline JSON-LD processing of our own exports."""
    return json.loads(CTDL_MINIMAL_CONTEXT.read_text())


# --- imports -------------------------------------------------------------------------------------


def _string(value: Any, limit: int) -> str:
    if isinstance(value, dict):  # a language map
        value = next((v for v in value.values() if isinstance(v, str)), "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def _types(document: dict[str, Any]) -> list[str]:
    value = document.get("type", document.get("@type", []))
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def read_badge(document: Any) -> tuple[dict[str, Any], list[str]]:
    """Typology fields from an OB 3.0 ``Achievement`` (alone, or inside an ``OpenBadgeCredential``)
    or an OB 2.0 ``BadgeClass``; and notes on what was not carried over. Raises ``ValidationFailed``."""
    if not isinstance(document, dict):
        raise ValidationFailed.single("document", "invalid_type", _("Send a JSON object."))
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
        document = subject["achievement"]
    types = _types(document)
    if "Achievement" in types:
        kind = "ob3"
    elif "BadgeClass" in types:
        kind = "ob2"
    else:
        raise ValidationFailed.single(
            "type", "unsupported_type", _("Send an Open Badges 3.0 Achievement or an Open Badges 2.0 BadgeClass.")
        )
    name = _string(document.get("name"), 200)
    if not name:
        raise ValidationFailed.single("name", "required", _("The badge has no name."))
    description = _string(document.get("description"), 20_000)
    criteria = document.get("criteria")
    narrative = ""
    if isinstance(criteria, dict):
        narrative = _string(criteria.get("narrative"), 5_000)
    elif isinstance(criteria, str) and kind == "ob2":
        narrative = _("Criteria: %(url)s") % {"url": criteria[:1000]}
    fields: dict[str, Any] = {
        "title": name,
        "summary": description[:500],
        "description": description,
        "award_criteria": narrative,
        "delivery_mode": DeliveryMode.ONLINE,
        "workload_hours": "0",
    }
    language = document.get("inLanguage")
    if isinstance(language, str) and language in Language.values:
        fields["language"] = language
    credits = document.get("creditsAvailable")
    if isinstance(credits, (int, float)) and not isinstance(credits, bool) and credits > 0:
        fields.update(
            credit_type=CreditType.CREDIT, credit_value=str(Decimal(str(credits))), credit_unit=CreditUnit.CREDIT_HOURS
        )
    notes = [_("Delivery mode and workload are not part of the badge: check them before review.")]
    alignments = document.get("alignment")
    if isinstance(alignments, list) and alignments:
        notes.append(
            _("%(n)s alignment(s) were not imported: align the draft to your frameworks' competencies.")
            % {"n": len(alignments)}
        )
    if document.get("image"):
        notes.append(_("The image was not fetched: upload it to the draft."))
    return fields, notes
