"""Reading a CTDL credential (one node, a registry ``@graph``, or a registry envelope's ``decoded_resource``) back into
typology fields, translations, alignments and codes, with a list of what could not be carried over.

Pure reading: nothing is written here (``services.import_ctdl`` writes the draft). Unknown or unreadable parts are
never an error: they go to the report. Only a document that is no CTDL credential at all is refused (400).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from microcred.catalog.models import (
    AccreditationStatus,
    AssessmentMethod,
    CreditType,
    CreditUnit,
    DeliveryMode,
    Language,
    Level,
    Pace,
    Region,
)
from microcred.errors import ValidationFailed
from microcred.registry import vocabulary
from microcred.registry.ctdl import AWARD, ID_TYPES, PREREQUISITES, terms
from microcred.registry.models import SCHEME_FRAMEWORKS
from microcred.translations import bcp47

# Keys read into the record, or known to carry nothing a draft keeps (its identifiers, its status, its owner).
READ = {
    "@id",
    "@type",
    "@context",
    "ceterms:ctid",
    "ceterms:name",
    "ceterms:description",
    "ceterms:subjectWebpage",
    "ceterms:inLanguage",
    "ceterms:ownedBy",
    "ceterms:offeredBy",
    "ceterms:credentialStatusType",
    "ceterms:isNonCredit",
    "ceterms:learningDeliveryType",
    "ceterms:assessmentDeliveryType",
    "ceterms:estimatedDuration",
    "ceterms:estimatedCost",
    "ceterms:requires",
    "ceterms:identifier",
    "ceterms:versionIdentifier",
    "ceterms:audienceLevelType",
    "ceterms:availableAt",
    "ceterms:accreditedBy",
    "ceterms:renewalFrequency",
    "ceterms:isPreparationFor",
    "ceterms:occupationType",
    "ceterms:industryType",
    "ceterms:developmentProcess",
    "ceterms:dateEffective",
}
_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


@dataclass
class ImportedCredential:
    fields: dict[str, Any]
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    outcome_translations: dict[str, list[str]] = field(default_factory=dict)
    competencies: list[dict[str, str]] = field(default_factory=list)  # targetNode, name, code, framework, outcome
    codes: list[dict[str, str]] = field(default_factory=list)  # scheme, code, label, uri
    co_designer_ctids: list[str] = field(default_factory=list)
    source_ctid: str = ""
    notes: list[str] = field(default_factory=list)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _credential_classes() -> set[str]:
    classes = terms()["classes"]
    found = {"ceterms:Credential"}
    changed = True
    while changed:
        changed = False
        for name, info in classes.items():
            if name not in found and any(parent in found for parent in info.get("subClassOf", [])):
                found.add(name)
                changed = True
    return found


def _find_credential(document: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    if isinstance(document, dict) and isinstance(document.get("decoded_resource"), dict):
        document = document["decoded_resource"]  # a registry envelope
    if not isinstance(document, dict):
        raise ValidationFailed.single("document", "invalid_type", _("Send a JSON object."))
    nodes = [n for n in _list(document.get("@graph")) if isinstance(n, dict)] or [document]
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    classes = _credential_classes()
    for node in nodes:
        if any(t in classes for t in _list(node.get("@type")) if isinstance(t, str)):
            return node, by_id
    raise ValidationFailed.single("@type", "unsupported_type", _("Send a CTDL credential (JSON-LD)."))


def _language_values(value: Any) -> dict[str, Any]:
    """A language map's values by BCP 47 code; a plain string is in no language (key "")."""
    if isinstance(value, dict):
        return {bcp47(str(code)): text for code, text in value.items() if isinstance(text, (str, list))}
    if isinstance(value, (str, list)):
        return {"": value}
    return {}


def _pick(values: dict[str, Any], primary: str) -> tuple[Any, dict[str, Any]]:
    """The primary language's value (or the only one) and the others by language."""
    if not values:
        return None, {}
    base = primary.split("-")[0]
    key = (
        next((k for k in values if k == primary), None)
        or next((k for k in values if k.split("-")[0] == base or k == ""), None)
        or next(iter(values))
    )
    others = {k: v for k, v in values.items() if k != key and k}
    return values[key], others


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = "\n".join(v for v in value if isinstance(v, str))
    return value.strip() if isinstance(value, str) else ""


def _split(text: str) -> tuple[str, str]:
    """CTDL has no summary: microcred's exports write it as the description's first paragraph."""
    first, _sep, rest = text.partition("\n\n")
    if len(first) <= 500:
        return first.strip(), rest.strip()
    return "", text


def _language_of(node: dict[str, Any], names: dict[str, Any]) -> tuple[str, str]:
    """(typology language code, BCP 47 code of the primary texts)."""
    codes = [bcp47(c).split("-")[0] for c in _list(node.get("ceterms:inLanguage")) if isinstance(c, str)]
    if codes[:2] == ["en", "fr"]:
        return Language.BILINGUAL, "en"
    if codes and codes[0] in ("en", "fr", "es"):
        return codes[0], codes[0]
    first = next((k for k in names if k), "en")
    base = first.split("-")[0]
    if not codes and base in ("en", "fr", "es"):
        return base, base
    return Language.OTHER, first


def _code(cao: Any, vocabulary_values: list[str], concepts: dict[str, str]) -> str:
    if not isinstance(cao, dict):
        return concepts.get(vocabulary.concept_of(cao), "")
    coded = cao.get("ceterms:codedNotation")
    if isinstance(coded, str) and coded in vocabulary_values:
        return coded
    return concepts.get(vocabulary.concept_of(cao), "")


def _duration(value: Any) -> dict[str, Decimal] | None:
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or value in ("P", "PT"):
        return None
    years, months, weeks, days, hours, minutes, _seconds = (Decimal(g) if g else Decimal(0) for g in match.groups())
    return {"months": years * 12 + months, "days": weeks * 7 + days, "hours": hours + minutes / 60}


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return str(Decimal(str(value)).normalize())
    except InvalidOperation:
        return None


def _condition_kind(profile: dict[str, Any]) -> str:
    page = profile.get("ceterms:subjectWebpage")
    if isinstance(page, str) and page.endswith(f"#{PREREQUISITES}"):
        return PREREQUISITES
    if isinstance(page, str) and page.endswith(f"#{AWARD}"):
        return AWARD
    return ""


def _identifier(node: dict[str, Any], kind: str) -> str:
    for value in _list(node.get("ceterms:identifier")):
        if isinstance(value, dict) and value.get("ceterms:identifierType") == ID_TYPES[kind]:
            code = value.get("ceterms:identifierValueCode")
            if isinstance(code, str):
                return code
    return ""


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    return by_id.get(value, value) if isinstance(value, str) else value


def read_ctdl(document: Any) -> ImportedCredential:
    """The typology of a CTDL credential, and what could not be carried over. Raises ``ValidationFailed``."""
    node, by_id = _find_credential(document)
    names = _language_values(node.get("ceterms:name"))
    language, primary = _language_of(node, names)
    title, other_titles = _pick(names, primary)
    title = _text(title)
    if not title:
        raise ValidationFailed.single("ceterms:name", "required", _("The credential has no name."))
    result = ImportedCredential(fields={"title": title[:200], "language": language})
    result.source_ctid = node.get("ceterms:ctid", "") if isinstance(node.get("ceterms:ctid"), str) else ""
    notes = result.notes
    for code, text in other_titles.items():
        result.translations.setdefault(code, {})["title"] = _text(text)[:200]
    described, other_descriptions = _pick(_language_values(node.get("ceterms:description")), primary)
    summary, description = _split(_text(described))
    result.fields.update(summary=summary, description=description[:20_000])
    for code, text in other_descriptions.items():
        other_summary, other_description = _split(_text(text))
        entry = result.translations.setdefault(code, {})
        entry.update({k: v for k, v in (("summary", other_summary), ("description", other_description)) if v})

    slug = _identifier(node, "slug")
    if slug:
        result.fields["slug"] = slug
    indicator = _identifier(node, "indicator")
    types = [t for t in _list(node.get("@type")) if isinstance(t, str)]
    result.fields["achievement_indicator"] = indicator or next(
        (vocabulary.INDICATOR_OF_CLASS[t] for t in types if t in vocabulary.INDICATOR_OF_CLASS), "digital_badge"
    )

    delivery = [c for c in _list(node.get("ceterms:learningDeliveryType"))]
    modes = [m for m in (_code(c, DeliveryMode.values, vocabulary.inverse(vocabulary.DELIVERY)) for c in delivery) if m]
    paces = [p for p in (_code(c, Pace.values, vocabulary.inverse(vocabulary.PACE)) for c in delivery) if p]
    if modes:
        result.fields["delivery_mode"] = modes[0]
    else:
        result.fields["delivery_mode"] = DeliveryMode.ONLINE
        notes.append(_("The delivery mode was not stated: check it before review."))
    if paces:
        result.fields["pace"] = paces[0]
    levels = [
        _code(c, Level.values, vocabulary.inverse(vocabulary.LEVEL))
        for c in _list(node.get("ceterms:audienceLevelType"))
    ]
    if any(levels):
        result.fields["level"] = next(level for level in levels if level)

    workload = None
    for profile in _list(node.get("ceterms:estimatedDuration")):
        parsed = _duration(profile.get("ceterms:exactDuration")) if isinstance(profile, dict) else None
        if parsed is None:
            continue
        if parsed["hours"] and workload is None:
            workload = parsed["hours"]
        elif parsed["days"] and not parsed["hours"] and parsed["days"] % 7 == 0:
            result.fields["time_to_complete_weeks"] = int(parsed["days"] / 7)
    if workload is None:
        notes.append(_("The workload in hours was not stated: check it before review."))
    result.fields["workload_hours"] = str(workload or 0)

    costs = [c for c in _list(node.get("ceterms:estimatedCost")) if isinstance(c, dict)]
    if costs:
        price = _number(costs[0].get("ceterms:price"))
        if price is not None:
            result.fields["cost"] = price
        if isinstance(costs[0].get("ceterms:currency"), str):
            result.fields["currency"] = costs[0]["ceterms:currency"]
        if len(costs) > 1:
            notes.append(_("Only the first of %(n)s cost profiles was kept.") % {"n": len(costs)})

    places = [p for p in _list(node.get("ceterms:availableAt")) if isinstance(p, dict)]
    if places:
        for key, name in (
            ("ceterms:addressLocality", "city"),
            ("ceterms:addressRegion", "region"),
            ("ceterms:addressCountry", "country"),
        ):
            value, _others = _pick(_language_values(places[0].get(key)), primary)
            if _text(value):
                result.fields[name] = _text(value)
        _place(result)
    else:
        result.fields["country"] = ""

    non_credit = node.get("ceterms:isNonCredit")
    result.fields["credit_type"] = CreditType.CREDIT if non_credit is False else CreditType.NON_CREDIT
    _read_conditions(node, primary, result)

    accreditors = [_resolve(a, by_id) for a in _list(node.get("ceterms:accreditedBy"))]
    if accreditors and isinstance(accreditors[0], dict):
        body, _others = _pick(_language_values(accreditors[0].get("ceterms:name")), primary)
        if _text(body):
            result.fields.update(
                accrediting_body=_text(body)[:200], accreditation_status=AccreditationStatus.ACCREDITED
            )
    renewal = _duration(node.get("ceterms:renewalFrequency"))
    if renewal and renewal["months"]:
        result.fields["validity_months"] = int(renewal["months"])

    ladders, targets = [], 0
    for profile in _list(node.get("ceterms:isPreparationFor")):
        if not isinstance(profile, dict):
            continue
        if profile.get("ceterms:targetCredential"):
            targets += 1
            continue
        name, _others = _pick(_language_values(profile.get("ceterms:name")), primary)
        if _text(name):
            ladders.append(_text(name)[:200])
    result.fields["ladders_into"] = ladders[:20]
    if targets:
        notes.append(_("%(n)s credential(s) it prepares for were not linked: add the pathways here.") % {"n": targets})
    if node.get("ceterms:isPartOf"):
        notes.append(_("The pathways it is part of were not imported: add it to your pathways."))

    _read_codes(node, primary, result)
    partners: list[str] = []
    for process in _list(node.get("ceterms:developmentProcess")):
        for agent in _list(process.get("ceterms:processingAgent")) if isinstance(process, dict) else []:
            agent = _resolve(agent, by_id)
            if isinstance(agent, dict) and isinstance(agent.get("ceterms:ctid"), str):
                result.co_designer_ctids.append(agent["ceterms:ctid"])
            elif isinstance(agent, dict):
                name, _others = _pick(_language_values(agent.get("ceterms:name")), primary)
                if _text(name):
                    partners.append(_text(name)[:200])
    result.fields["industry_partners"] = partners[:20]
    if node.get("ceterms:image"):
        notes.append(_("The image was not fetched: upload it to the draft."))
    for key in sorted(set(node) - READ - {"ceterms:isPartOf", "ceterms:image"}):
        notes.append(_("Not imported: %(term)s.") % {"term": key[:80]})
    return result


def _place(result: ImportedCredential) -> None:
    """Registries write places in words ("Ontario", "Canada"); microcred keeps codes: match them, or say so."""
    fields = result.fields
    country = fields.get("country", "")
    if country and not (len(country) == 2 and country.isalpha()):
        by_name = {"canada": "CA", "united states": "US", "usa": "US", "france": "FR", "united kingdom": "GB"}
        fields["country"] = by_name.get(country.lower(), "")
        if not fields["country"]:
            result.notes.append(
                _("The country %(value)s was not recognized: choose it on the draft.") % {"value": country[:80]}
            )
    region = fields.get("region", "")
    if region and fields.get("country", "").upper() == "CA" and region.upper() not in Region.values:
        by_name = {str(label).lower(): code for code, label in Region.choices}
        with translation.override("en"):
            by_name.update({str(label).lower(): code for code, label in Region.choices})
        fields["region"] = by_name.get(region.lower(), "")
        if not fields["region"]:
            result.notes.append(
                _("The province %(value)s was not recognized: choose it on the draft.") % {"value": region[:80]}
            )
    elif len(region) > 8:
        fields["region"] = ""
        result.notes.append(
            _("The region %(value)s is too long for a code: enter it on the draft.") % {"value": region[:80]}
        )
    fields["city"] = fields.get("city", "")[:100]


def _read_conditions(node: dict[str, Any], primary: str, result: ImportedCredential) -> None:
    profiles = [p for p in _list(node.get("ceterms:requires")) if isinstance(p, dict)]
    award = next((p for p in profiles if _condition_kind(p) == AWARD), None)
    prerequisite = next((p for p in profiles if _condition_kind(p) == PREREQUISITES), None)
    if award is None:
        award = next((p for p in profiles if _condition_kind(p) == "" and p is not prerequisite), None)
    if prerequisite is None and len(profiles) > 1:
        prerequisite = next((p for p in profiles if p is not award and _condition_kind(p) == ""), None)
    if prerequisite is not None:
        text, others = _pick(_language_values(prerequisite.get("ceterms:description")), primary)
        result.fields["prerequisites"] = _text(text)[:5000]
        for code, value in others.items():
            result.translations.setdefault(code, {})["prerequisites"] = _text(value)
    if award is None:
        return
    text, others = _pick(_language_values(award.get("ceterms:description")), primary)
    result.fields["award_criteria"] = _text(text)[:5000]
    for code, value in others.items():
        result.translations.setdefault(code, {})["award_criteria"] = _text(value)
    outcomes, other_outcomes = _pick(_language_values(award.get("ceterms:condition")), primary)
    result.fields["learning_outcomes"] = [o[:2000] for o in _list(outcomes) if isinstance(o, str)][:50]
    result.outcome_translations = {
        code: [o for o in _list(texts) if isinstance(o, str)] for code, texts in other_outcomes.items()
    }
    for target in _list(award.get("ceterms:targetCompetency")):
        if not isinstance(target, dict):
            continue
        name, _others = _pick(_language_values(target.get("ceterms:targetNodeName")), primary)
        kind = target.get("ceterms:alignmentType")
        outcome = ""
        if isinstance(kind, str) and kind.startswith("learning-outcome-") and kind[17:].isdigit():
            outcome = str(int(kind[17:]) - 1)
        result.competencies.append(
            {
                "node": target.get("ceterms:targetNode") if isinstance(target.get("ceterms:targetNode"), str) else "",
                "name": _text(name),
                "code": target.get("ceterms:codedNotation")
                if isinstance(target.get("ceterms:codedNotation"), str)
                else "",
                "outcome": outcome,
            }
        )
    values = [v for v in _list(award.get("ceterms:creditValue")) if isinstance(v, dict)]
    if values:
        amount = _number(values[0].get("schema:value"))
        if amount is not None:
            result.fields.update(credit_type=CreditType.CREDIT, credit_value=amount)
        units = {vocabulary.concept_of(u) for u in _list(values[0].get("ceterms:creditUnitType"))}
        unit = next(
            (
                vocabulary.inverse(vocabulary.CREDIT_UNIT)[u]
                for u in units
                if u in vocabulary.inverse(vocabulary.CREDIT_UNIT)
            ),
            "",
        )
        if unit:
            result.fields["credit_unit"] = unit
        else:
            result.fields["credit_unit"] = CreditUnit.COURSE_CREDITS
            result.notes.append(_("The credit unit was not recognized: check it before review."))
    for assessment in _list(award.get("ceterms:targetAssessment")):
        if not isinstance(assessment, dict):
            continue
        methods = _list(assessment.get("ceterms:assessmentMethodType"))
        coded = {m.get("ceterms:codedNotation") for m in methods if isinstance(m, dict)}
        coded = {c for c in coded if c in AssessmentMethod.values}
        concepts = {vocabulary.concept_of(m) for m in methods}
        inverse = vocabulary.inverse(vocabulary.ASSESSMENT)
        if len(coded) == 1:
            result.fields["assessment_method"] = coded.pop()
        elif len(concepts) == 1 and next(iter(concepts)) in inverse:
            result.fields["assessment_method"] = inverse[next(iter(concepts))]
        elif concepts:
            result.fields["assessment_method"] = AssessmentMethod.MIXED
        break


def _read_codes(node: dict[str, Any], primary: str, result: ImportedCredential) -> None:
    schemes = {framework: scheme for scheme, (framework, _name) in SCHEME_FRAMEWORKS.items()}
    for key in ("ceterms:occupationType", "ceterms:industryType"):
        for target in _list(node.get(key)):
            if not isinstance(target, dict):
                continue
            scheme = schemes.get(target.get("ceterms:framework"))
            name, _others = _pick(_language_values(target.get("ceterms:targetNodeName")), primary)
            if scheme is None or not _text(name):
                result.notes.append(_("An occupation or industry code of an unknown scheme was not imported."))
                continue
            code = target.get("ceterms:codedNotation")
            uri = target.get("ceterms:targetNode")
            result.codes.append(
                {
                    "scheme": str(scheme),
                    "code": code[:40] if isinstance(code, str) else "",
                    "label": _text(name)[:300],
                    "uri": uri[:500] if isinstance(uri, str) else "",
                }
            )
