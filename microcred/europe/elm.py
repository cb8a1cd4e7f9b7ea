"""A micro-credential as a European Learning Model (ELM 3) ``LearningAchievementSpecification`` in JSON-LD, and an
ELM specification read back into the catalog's typology with a report of what could not be mapped.

The shape followed is the Learning Opportunity and Qualification application profile of ELM 3 (the SHACL shapes
``LOQ-constraints.ttl`` of the European Commission's ELM repository, which the tests validate every export
against) written with the EDC application-profile JSON-LD context (``contexts/edc-ap-context.jsonld``, bundled).
Texts are language maps: the record's own language and its ``translations``.

Exports read the database; :func:`read_elm` is a pure function of a parsed JSON document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.catalog import formats
from microcred.catalog.models import AssessmentMethod, Language, MicroCredential
from microcred.errors import ValidationFailed
from microcred.europe import vocabularies as v
from microcred.europe.elements import details_of
from microcred.europe.models import EuropeanDetails, Supervision
from microcred.translations import bcp47, language_map, primary_language

EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
CONTEXT = [EDC_CONTEXT, {"id": "@id", "type": "@type"}]
IDENTIFIER_SCHEME = "microcred"
NOTE_PREFIX = "urn:microcred:note:"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ESCO_SKILLS_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
# The notes microcred writes, by the subject concept that names them, and the English label of that concept.
NOTES = {
    "summary": "Summary",
    "quality_assurance": "Type of quality assurance",
    "stackability": "Integration and stackability",
    "ladders_into": "Programmes it ladders into",
    "further_information": "Further information",
    "supervision": "Supervision and identity verification",
    "grade": "Grade",
}
MAX_OUTCOMES = 50
_DURATION = re.compile(r"^P(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?)?$")


# --- export -------------------------------------------------------------------------------------------------------


def _hours(value: Decimal) -> str:
    minutes = int((Decimal(value) * 60).to_integral_value())
    hours, rest = divmod(minutes, 60)
    return f"PT{hours}H{rest}M" if rest else f"PT{hours}H"


def _note(base: str, kind: str, texts: dict[str, str]) -> dict[str, Any]:
    return {
        "id": f"{base}#note-{kind.replace('_', '-')}",
        "type": "Note",
        "subject": v.concept(NOTE_PREFIX + kind, NOTES[kind]),
        "noteLiteral": texts,
    }


def _organisation(credential: MicroCredential, base: str) -> dict[str, Any]:
    provider = credential.provider
    names = language_map(provider, "name") or {primary_language(provider): provider.slug}
    organisation: dict[str, Any] = {
        "id": f"{base}#awarding-body",
        "type": "Organisation",
        "legalName": names,
        "homepage": [{"id": f"{base}#awarding-body-homepage", "type": "WebResource",
                      "contentURL": formats.provider_url(credential)}],
        "identifier": [{"id": f"{base}#awarding-body-identifier", "type": "Identifier",
                        "notation": provider.slug, "schemeName": IDENTIFIER_SCHEME}],
    }
    location = _location(credential, f"{base}#awarding-body-location")
    if location:
        organisation["location"] = [location]
    return organisation


def _location(credential: MicroCredential, node: str) -> dict[str, Any] | None:
    alpha3 = v.COUNTRIES.get(credential.country.upper()) if credential.country else None
    if not alpha3:
        return None
    return {
        "id": node,
        "type": "Location",
        "address": [{
            "id": f"{node}-address",
            "type": "Address",
            "countryCode": v.concept(v.COUNTRY + alpha3, credential.country.upper(), v.COUNTRY_SCHEME),
        }],
    }


def _assessment(credential: MicroCredential, details: EuropeanDetails, base: str, lang: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": f"{base}#assessment",
        "type": "LearningAssessmentSpecification",
        "title": language_map(credential, "title"),
    }
    criteria = language_map(credential, "award_criteria")
    if criteria:
        spec["description"] = criteria
    if credential.assessment_method:
        iri, label = v.ASSESSMENT_TYPES[credential.assessment_method]
        scheme = v.ASSESSMENT_SCHEME if iri.startswith("http") else v.MICROCRED_SCHEME
        spec["dcType"] = [v.concept(iri, label, scheme)]
        if credential.assessment_method == AssessmentMethod.WORKPLACE:
            spec["mode"] = [v.concept(*v.WORK_BASED, v.MODE_SCHEME)]
    notes = []
    if details.supervision:
        with translation.override("en"):
            label = str(Supervision(details.supervision).label)
        notes.append(_note(base, "supervision", {"en": label}))
    grading = language_map(details, "grading")
    if grading:
        notes.append(_note(base, "grade", grading))
    if notes:
        spec["additionalNote"] = notes
    return spec


def to_elm(credential: MicroCredential) -> dict[str, Any]:
    """The design as an ELM 3 ``LearningAchievementSpecification`` (JSON-LD, EDC context)."""
    details = details_of(credential)
    lang = primary_language(credential)
    base = formats.page_url(credential)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": base,
        "type": "LearningAchievementSpecification",
        "identifier": [{
            "id": f"{base}#identifier",
            "type": "Identifier",
            "notation": f"{credential.provider.slug}/{credential.slug}/v{credential.version}",
            "schemeName": IDENTIFIER_SCHEME,
        }],
        "title": language_map(credential, "title"),
        "homepage": [{"id": f"{base}#homepage", "type": "WebResource", "contentURL": base}],
    }
    description = language_map(credential, "description")
    if description:
        document["description"] = description
    notes = []
    summary = language_map(credential, "summary")
    if summary:
        notes.append(_note(base, "summary", summary))
    for kind in ("quality_assurance", "stackability", "further_information"):
        texts = language_map(details, kind)
        if texts:
            notes.append(_note(base, kind, texts))
    if credential.ladders_into:
        notes.append(_note(base, "ladders_into", {lang: "\n".join(credential.ladders_into)}))
    if notes:
        document["additionalNote"] = notes
    if details.isced_f_code:
        label = v.ISCED_F_FIELDS.get(details.isced_f_code, details.isced_f_code)
        document["thematicArea"] = [v.concept(v.ISCED_F + details.isced_f_code, label, v.ISCED_F_SCHEME)]
    document["volumeOfLearning"] = _hours(credential.workload_hours)
    if credential.time_to_complete_weeks:
        document["maximumDuration"] = f"P{credential.time_to_complete_weeks * 7}D"
    if credential.credit_value is not None and credential.credit_unit:
        iri, label = v.CREDIT_SYSTEMS[credential.credit_unit]
        document["creditPoint"] = [{
            "id": f"{base}#credit",
            "type": "CreditPoint",
            "framework": v.concept(iri, label, v.CREDIT_SCHEME if iri.startswith("http") else v.MICROCRED_SCHEME),
            "point": format(credential.credit_value.normalize(), "f"),
        }]
    levels = []
    if details.eqf_level:
        levels.append(v.concept(f"{v.EQF}{details.eqf_level}", f"Level {details.eqf_level}", v.EQF_SCHEME))
    if details.nqf_level:
        levels.append(v.concept(f"{base}#nqf-level", details.nqf_level, f"{v.MICROCRED_SCHEME}:nqf"))
    if levels:
        document["educationLevel"] = levels
    document["language"] = [
        v.concept(v.LANGUAGE + code, v.LANGUAGE_LABELS[code], v.LANGUAGE_SCHEME)
        for code in v.LANGUAGES.get(credential.language, ["MUL"])
    ]
    iri, label = v.MODES[credential.delivery_mode]
    document["mode"] = [v.concept(iri, label, v.MODE_SCHEME)]
    iri, label = v.SETTINGS[credential.credit_type]
    document["learningSetting"] = v.concept(iri, label, v.SETTING_SCHEME)
    prerequisites = language_map(credential, "prerequisites")
    if prerequisites:
        document["entryRequirement"] = {"id": f"{base}#entry-requirement", "type": "Note",
                                        "noteLiteral": prerequisites}
    skills = _skills_by_outcome(credential)
    document["learningOutcome"] = []
    for outcome in credential.outcomes.order_by("position"):
        node: dict[str, Any] = {"id": f"{base}#outcome-{outcome.position + 1}", "type": "LearningOutcome",
                                "title": language_map(outcome, "text")}
        for competency in skills.get(outcome.position, []):
            key = "relatedESCOSkill" if competency.uri.startswith(ESCO_SKILL) else "relatedSkill"
            scheme = ESCO_SKILLS_SCHEME if key == "relatedESCOSkill" else f"{v.MICROCRED_SCHEME}:framework"
            labels = language_map(competency, "short_name") or language_map(competency, "statement")
            node.setdefault(key, []).append({"id": competency.uri, "type": "Concept",
                                             "inScheme": {"id": scheme, "type": "ConceptScheme"},
                                             "prefLabel": labels})
        document["learningOutcome"].append(node)
    document["provenBy"] = [_assessment(credential, details, base, lang)]
    opportunity: dict[str, Any] = {
        "id": f"{base}#awarding-opportunity",
        "type": "AwardingOpportunity",
        "awardingBody": [_organisation(credential, base)],
        "learningAchievementSpecification": base,
    }
    location = _location(credential, f"{base}#location")
    if location:
        opportunity["location"] = location
    document["awardingOpportunity"] = [opportunity]
    return document


def _skills_by_outcome(credential: MicroCredential) -> dict[int, list[Any]]:
    """The competencies each outcome is aligned to that have a URI (ESCO's, or a framework's own)."""
    out: dict[int, list[Any]] = {}
    alignments = credential.alignments.select_related("competency").order_by("outcome_position", "pk")
    for alignment in alignments:
        uri = alignment.competency.uri
        if alignment.outcome_position is not None and uri.startswith(("http://", "https://", "urn:")):
            out.setdefault(alignment.outcome_position, []).append(alignment.competency)
    return out


# --- import -------------------------------------------------------------------------------------------------------


@dataclass
class ElmReading:
    """What an ELM specification says, as ``create_draft`` arguments and European details, and what was left out."""

    fields: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    slug: str = ""
    awarding_bodies: list[tuple[str, str]] = field(default_factory=list)  # (microcred slug or "", name)
    skills: list[tuple[int, str, str]] = field(default_factory=list)  # (outcome position, competency IRI, label)
    unmapped: list[str] = field(default_factory=list)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _iri(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        value = node.get("id") or node.get("@id") or ""
        return value if isinstance(value, str) else ""
    return ""


def _types(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    return [t for t in _list(node.get("type", node.get("@type"))) if isinstance(t, str)]


def _language_map(value: Any, name: str) -> dict[str, str]:
    """A JSON-LD language map (``{"en": "…"}``; a value may be a list, whose first text is kept)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"": value}
    if not isinstance(value, dict):
        raise ValidationFailed.single(name, "invalid_type", _("Expected a language map such as {\"en\": \"…\"}."))
    out = {}
    for code, text in value.items():
        if isinstance(text, list):
            text = next((item for item in text if isinstance(item, str)), "")
        if not isinstance(code, str) or not isinstance(text, str):
            raise ValidationFailed.single(name, "invalid_type", _("Expected a language map such as {\"en\": \"…\"}."))
        if text.strip():
            out[bcp47(code) if code else ""] = text
    return out


def _label(node: Any) -> str:
    labels = node.get("prefLabel") if isinstance(node, dict) else None
    if isinstance(labels, dict):
        for text in labels.values():
            if isinstance(text, str):
                return text
            if isinstance(text, list) and text and isinstance(text[0], str):
                return text[0]
    return _iri(node)


def _split(texts: dict[str, str], primary: str) -> tuple[str, dict[str, str]]:
    """The primary language's text (or, failing that, the first given) and the others by language."""
    if not texts:
        return "", {}
    key = primary if primary in texts else ("" if "" in texts else next(iter(texts)))
    return texts[key], {code: text for code, text in texts.items() if code != key and code}


def _duration_hours(value: Any) -> Decimal | None:
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        return None
    days, hours, minutes = (int(group or 0) for group in match.groups())
    return (Decimal(days * 24 * 60 + hours * 60 + minutes) / 60).quantize(Decimal("0.1"))


def _specification(document: Any, reading: ElmReading) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise ValidationFailed.single("document", "invalid_type", _("Send an ELM specification as a JSON object."))
    types = _types(document)
    if "EuropeanDigitalCredential" in types:
        subject = document.get("credentialSubject")
        claims = _list(subject.get("hasClaim")) if isinstance(subject, dict) else []
        spec = next((c.get("specifiedBy") for c in claims if isinstance(c, dict) and c.get("specifiedBy")), None)
        if not isinstance(spec, dict):
            raise ValidationFailed.single(
                "document",
                "no_specification",
                _("This credential's claims name no learning-achievement specification."),
            )
        reading.unmapped.append(_("The credential itself (its learner, issuer and claims): only the specification "
                                  "of its first claim was read."))
        return spec
    if not {"LearningAchievementSpecification", "Qualification"} & set(types):
        raise ValidationFailed.single(
            "type", "not_a_specification",
            _("Expected a LearningAchievementSpecification or Qualification (or a European digital credential)."),
        )
    return document


def _language(spec: dict[str, Any], reading: ElmReading) -> str:
    codes = [_iri(node).rsplit("/", 1)[-1] for node in _list(spec.get("language"))]
    known = [code for code in codes if code in v.LANGUAGE_LABELS]
    for code in codes:
        if code not in v.LANGUAGE_LABELS:
            reading.unmapped.append(_("Language %(code)s: recorded as “Other”.") % {"code": code or "?"})
    for value, wanted in v.LANGUAGES.items():
        if sorted(wanted) == sorted(known):
            return value
    if len(known) == 1:
        return {"ENG": Language.ENGLISH, "FRA": Language.FRENCH, "SPA": Language.SPANISH}.get(known[0], "other")
    return Language.OTHER if codes else Language.ENGLISH


def _notes(spec: dict[str, Any], reading: ElmReading, where: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for note in _list(spec.get("additionalNote")):
        kind = _iri(note.get("subject")).removeprefix(NOTE_PREFIX) if isinstance(note, dict) else ""
        texts = _language_map(note.get("noteLiteral"), f"{where}.additionalNote") if isinstance(note, dict) else {}
        if kind in NOTES and texts:
            found[kind] = texts
        else:
            reading.unmapped.append(_("A note (%(where)s): %(text)s") % {
                "where": where, "text": next(iter(texts.values()), "")[:200]})
    return found


def read_elm(document: Any) -> ElmReading:
    """Read an ELM 3 learning-achievement specification (or a qualification, or the first claim of a European
    digital credential) into typology fields; raises ``ValidationFailed`` when it is not one."""
    reading = ElmReading()
    spec = _specification(document, reading)
    fields = reading.fields
    language = _language(spec, reading)
    fields["language"] = language
    primary = primary_language(type("Record", (), {"language": language})())
    translations: dict[str, dict[str, Any]] = {}

    def take(name: str, texts: dict[str, str]) -> None:
        text, others = _split(texts, primary)
        if text:
            fields[name] = text
        for code, other in others.items():
            translations.setdefault(code, {})[name] = other

    title = _language_map(spec.get("title"), "title")
    if not title:
        raise ValidationFailed.single("title", "required", _("The specification has no title."))
    take("title", title)
    take("description", _language_map(spec.get("description"), "description"))
    entry = spec.get("entryRequirement")
    if isinstance(entry, dict):
        take("prerequisites", _language_map(entry.get("noteLiteral"), "entryRequirement"))
    notes = _notes(spec, reading, "specification")
    if "summary" in notes:
        take("summary", notes.pop("summary"))
    if "ladders_into" in notes:
        fields["ladders_into"] = [line for line in _split(notes.pop("ladders_into"), primary)[0].splitlines() if line]
    for kind in ("quality_assurance", "stackability", "further_information"):
        if kind in notes:
            _take_detail(reading, kind, notes.pop(kind), primary)
    for kind in notes:
        reading.unmapped.append(_("A note on %(kind)s belongs to the assessment.") % {"kind": NOTES[kind]})

    outcomes = [node for node in _list(spec.get("learningOutcome")) if isinstance(node, dict)]
    if len(outcomes) > MAX_OUTCOMES:
        raise ValidationFailed.single("learningOutcome", "too_many",
                                      _("Enter at most %(n)s items.") % {"n": MAX_OUTCOMES})
    lines: list[str] = []
    for i, node in enumerate(outcomes):
        text, others = _split(_language_map(node.get("title"), f"learningOutcome.{i}.title"), primary)
        if not text:
            reading.unmapped.append(_("Outcome %(n)s has no title.") % {"n": i + 1})
            continue
        for code, other in others.items():
            translated = translations.setdefault(code, {}).setdefault("learning_outcomes", [])
            translated.extend([""] * (len(lines) - len(translated)))
            translated.append(other)
        lines.append(text)
        for key in ("relatedESCOSkill", "relatedSkill"):
            for skill in _list(node.get(key)):
                if _iri(skill):
                    reading.skills.append((len(lines) - 1, _iri(skill)[:500], _label(skill)[:300]))
    fields["learning_outcomes"] = lines

    hours = _duration_hours(spec.get("volumeOfLearning"))
    if hours is None:
        reading.unmapped.append(_("No notional workload (volumeOfLearning): enter the workload in hours."))
    fields["workload_hours"] = hours if hours is not None else Decimal(0)
    days = _duration_hours(spec.get("maximumDuration"))
    if days is not None:
        fields["time_to_complete_weeks"] = max(1, int(days / 24 / 7))

    credits = [node for node in _list(spec.get("creditPoint")) if isinstance(node, dict)]
    if credits:
        framework = _iri(credits[0].get("framework"))
        unit = v.reverse(v.CREDIT_SYSTEMS).get(framework)
        try:
            point: Decimal | None = Decimal(str(credits[0].get("point")))
        except (InvalidOperation, ValueError):
            point = None
        if point is not None and not point.is_finite():
            point = None
        if unit and point is not None:
            fields.update(credit_value=point, credit_unit=unit)
        else:
            reading.unmapped.append(_("Credit points in %(system)s.") % {"system": _label(credits[0].get("framework"))})
        for extra in credits[1:]:
            reading.unmapped.append(_("Credit points in %(system)s.") % {"system": _label(extra.get("framework"))})

    for node in _list(spec.get("educationLevel")) + _list(spec.get("eqfLevel")) + _list(spec.get("nqfLevel")):
        iri = _iri(node)
        if iri.startswith(v.EQF) and iri[len(v.EQF):].isdigit() and 1 <= int(iri[len(v.EQF):]) <= 8:
            reading.details["eqf_level"] = int(iri[len(v.EQF):])
        else:
            reading.details["nqf_level"] = _label(node)[:100]
    for node in _list(spec.get("thematicArea")):
        code = _iri(node).removeprefix(v.ISCED_F)
        if code.isdigit() and 2 <= len(code) <= 4 and "isced_f_code" not in reading.details:
            reading.details["isced_f_code"] = code
        else:
            reading.unmapped.append(_("Thematic area %(label)s.") % {"label": _label(node)})

    modes = v.reverse(v.MODES)
    delivery = [modes[_iri(node)] for node in _list(spec.get("mode")) if _iri(node) in modes]
    if delivery:
        fields["delivery_mode"] = delivery[0]
    else:
        fields["delivery_mode"] = "online"
        reading.unmapped.append(_("No form of participation online, on site or blended: recorded as online."))
    for node in _list(spec.get("mode")):
        if _iri(node) != v.MODES[fields["delivery_mode"]][0]:
            reading.unmapped.append(_("Mode %(label)s.") % {"label": _label(node)})
    setting = v.reverse(v.SETTINGS).get(_iri(spec.get("learningSetting")))
    if setting:
        fields["credit_type"] = setting

    assessments = [node for node in _list(spec.get("provenBy")) if isinstance(node, dict)]
    if assessments:
        _read_assessment(assessments[0], reading, primary, take)
    for extra in assessments[1:]:
        title = _label({"prefLabel": extra.get("title")})
        reading.unmapped.append(_("Another assessment: %(title)s.") % {"title": title})

    _read_awarding(spec, reading)
    for node in _list(spec.get("identifier")):
        if isinstance(node, dict) and node.get("schemeName") == IDENTIFIER_SCHEME:
            parts = str(node.get("notation", "")).split("/")
            if len(parts) == 3:
                reading.slug = slugify(parts[1])[:110]
    handled = {"@context", "id", "@id", "type", "@type", "identifier", "title", "description", "homepage",
               "additionalNote", "thematicArea", "volumeOfLearning", "maximumDuration", "creditPoint",
               "educationLevel", "eqfLevel", "nqfLevel", "language", "mode", "learningSetting", "entryRequirement",
               "learningOutcome", "provenBy", "awardingOpportunity"}
    for key in spec:
        if key not in handled:
            reading.unmapped.append(_("Property %(name)s.") % {"name": str(key)[:80]})
    if translations:
        fields["translations"] = translations
    return reading


def _take_detail(reading: ElmReading, name: str, texts: dict[str, str], primary: str) -> None:
    text, others = _split(texts, primary)
    reading.details[name] = text
    for code, other in others.items():
        reading.details.setdefault("translations", {}).setdefault(code, {})[name] = other


def _read_assessment(spec: dict[str, Any], reading: ElmReading, primary: str, take: Any) -> None:
    take("award_criteria", _language_map(spec.get("description"), "provenBy.description"))
    methods = v.reverse(v.ASSESSMENT_TYPES)
    types = [_iri(node) for node in _list(spec.get("dcType"))]
    found = [methods[iri] for iri in types if iri in methods]
    work_based = any(_iri(node) == v.WORK_BASED[0] for node in _list(spec.get("mode")))
    if len(found) > 1:
        reading.fields["assessment_method"] = AssessmentMethod.MIXED
    elif found:
        reading.fields["assessment_method"] = (
            AssessmentMethod.WORKPLACE if found[0] == AssessmentMethod.PERFORMANCE and work_based else found[0]
        )
    for node in _list(spec.get("dcType")):
        if _iri(node) not in methods:
            reading.unmapped.append(_("Assessment type %(label)s.") % {"label": _label(node)})
    notes = _notes(spec, reading, "assessment")
    if "supervision" in notes:
        text = _split(notes.pop("supervision"), "en")[0]
        with translation.override("en"):
            codes = {str(choice.label): choice.value for choice in Supervision}
        if text in codes:
            reading.details["supervision"] = codes[text]
        else:
            reading.unmapped.append(_("Supervision: %(text)s") % {"text": text[:200]})
    if "grade" in notes:
        _take_detail(reading, "grading", notes.pop("grade"), primary)
    if spec.get("gradingScheme"):
        reading.unmapped.append(_("The grading scheme of the assessment (enter it under Grade)."))


def _read_awarding(spec: dict[str, Any], reading: ElmReading) -> None:
    reading.fields["country"] = ""
    for opportunity in _list(spec.get("awardingOpportunity")):
        if not isinstance(opportunity, dict):
            continue
        location = opportunity.get("location")
        addresses = _list(location.get("address")) if isinstance(location, dict) else []
        for address in addresses:
            alpha3 = _iri(address.get("countryCode") if isinstance(address, dict) else None).rsplit("/", 1)[-1]
            if alpha3 in v.COUNTRIES_BACK:
                reading.fields["country"] = reading.fields["country"] or v.COUNTRIES_BACK[alpha3]
            elif alpha3:
                reading.unmapped.append(_("Country %(code)s.") % {"code": alpha3[:10]})
        for body in _list(opportunity.get("awardingBody")):
            names = _language_map(body.get("legalName"), "awardingBody.legalName") if isinstance(body, dict) else {}
            slugs = [node.get("notation") for node in _list(body.get("identifier") if isinstance(body, dict) else None)
                     if isinstance(node, dict) and node.get("schemeName") == IDENTIFIER_SCHEME]
            reading.awarding_bodies.append((slugs[0] if slugs else "", next(iter(names.values()), _iri(body))[:200]))
