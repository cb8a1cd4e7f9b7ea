"""What a verified credential says, read defensively for display: the achievement, its competencies, the evidence.

The credential may come from anyone: every value is coerced to short text, links are kept only when they
are http(s), and lists are capped. Images are not shown (a remote image would tell its host who looks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from microcred.translations import document_text

MAX_ITEMS = 50
MAX_TEXT = 2000


def text(value: Any, limit: int = MAX_TEXT) -> str:
    """Plain text from a string or a language map (``{"en": …}``); anything else is empty."""
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, str)), "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def link(value: Any) -> str:
    value = text(value, 2000)
    return value if value.lower().startswith(("https://", "http://")) else ""


def _items(value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    return [item for item in values[:MAX_ITEMS] if isinstance(item, dict)]


def _types(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, str)]


def when(value: Any) -> datetime | None:
    """An XML Schema date-time (or date) as an aware datetime for a page to write in the reader's words, or None."""
    raw = text(value, 40)
    try:
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.combine(day, time())
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.utc)
    return moment


def subject_name(subject: Any) -> str:
    """The holder's name as the credential states it: the subject's ``name``, or an ``IdentityObject`` of type
    ``name`` given in clear (never a hash)."""
    if not isinstance(subject, dict):
        return ""
    name = text(subject.get("name"), 300)
    if name:
        return name
    for entry in _items(subject.get("identifier")):
        if entry.get("identityType") == "name" and entry.get("hashed") is False:
            return text(entry.get("identityHash"), 300)
    return ""


def _number(value: Any) -> str:
    return text(value, 40) if isinstance(value, str) else (str(value) if isinstance(value, (int, float)) else "")


def result_descriptions(achievement: Any) -> dict[str, dict[str, Any]]:
    """The achievement's ``resultDescription`` entries by id."""
    if not isinstance(achievement, dict):
        return {}
    return {text(d.get("id"), 500): d for d in _items(achievement.get("resultDescription")) if text(d.get("id"), 500)}


def result_words(result: dict[str, Any], descriptions: dict[str, dict[str, Any]]) -> str:
    """A result as a person reads it: "communication: Superior", "PD course: 82 %" — the level's name from the
    achievement's ``rubricCriterionLevel``, a percent with its sign; never a level's URL when its name is known."""
    description = descriptions.get(text(result.get("resultDescription"), 500)) or {}
    name = text(description.get("name"), 300)
    value = ""
    achieved = text(result.get("achievedLevel"), 500)
    if achieved:
        rubric = _items(description.get("rubricCriterionLevel"))
        levels = {text(level.get("id"), 500): text(level.get("name"), 300) for level in rubric}
        value = levels.get(achieved) or achieved
    elif (number := _number(result.get("value"))) != "":
        kind = text(description.get("resultType"), 50)
        value = f"{number}\u00a0%" if kind == "Percent" else number
        maximum = _number(description.get("valueMax"))
        if kind not in ("Percent", "") and maximum:
            value = _("%(value)s of %(max)s") % {"value": number, "max": maximum}
    else:
        value = text(result.get("status"), 100)
    if not value:
        return ""
    return _("%(name)s: %(value)s") % {"name": name, "value": value} if name else value


@dataclass
class Alignment:
    name: str
    url: str
    code: str
    framework: str


@dataclass
class EvidenceEntry:
    name: str
    description: str
    narrative: str
    genre: str
    url: str


@dataclass
class Endorsement:
    issuer: str
    comment: str


@dataclass
class Summary:
    types: list[str] = field(default_factory=list)
    name: str = ""
    issuer_id: str = ""
    issuer_name: str = ""
    issuer_url: str = ""
    achievement_name: str = ""
    achievement_type: str = ""
    description: str = ""
    criteria: str = ""
    criteria_url: str = ""
    achievement_url: str = ""
    valid_from: str = ""
    valid_until: str = ""
    valid_from_at: datetime | None = None
    valid_until_at: datetime | None = None
    subject_name: str = ""
    image: str = ""  # the achievement's image URL (https only), shown only when this platform hosts it
    alignments: list[Alignment] = field(default_factory=list)
    evidence: list[EvidenceEntry] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)


def _issuer(credential: dict[str, Any]) -> tuple[str, str]:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        return text(issuer.get("id"), 500), text(issuer.get("name"), 300)
    return text(issuer, 500), ""


def endorsements_of(holder: Any) -> list[Endorsement]:
    """Who endorses (or attests) and what they say, from a holder's embedded ``endorsement`` documents."""
    if not isinstance(holder, dict):
        return []
    found = []
    for entry in _items(holder.get("endorsement")):
        issuer_id, issuer_name = _issuer(entry)
        subject = entry.get("credentialSubject")
        comment = text(subject.get("endorsementComment")) if isinstance(subject, dict) else ""
        found.append(Endorsement(issuer_name or issuer_id, comment))
    return found


def summarize(credential: dict[str, Any] | None) -> Summary | None:
    if not isinstance(credential, dict):
        return None
    summary = Summary(types=_types(credential.get("type"))[:10], name=text(credential.get("name"), 300))
    summary.issuer_id, summary.issuer_name = _issuer(credential)
    issuer = credential.get("issuer")
    summary.issuer_url = link(issuer.get("url")) if isinstance(issuer, dict) else ""
    summary.valid_from = text(credential.get("validFrom") or credential.get("issuanceDate"), 40)
    summary.valid_until = text(credential.get("validUntil") or credential.get("expirationDate"), 40)
    summary.valid_from_at, summary.valid_until_at = when(summary.valid_from), when(summary.valid_until)
    descriptions: dict[str, dict[str, Any]] = {}
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if isinstance(subject, dict):
        summary.subject_name = subject_name(subject)
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            # in the reader's language when the achievement carries microcred's language maps
            summary.achievement_name = text(document_text(achievement, "name"), 300)
            summary.achievement_type = text(achievement.get("achievementType"), 100)
            summary.achievement_url = link(achievement.get("id"))
            summary.description = text(document_text(achievement, "description"))
            image = achievement.get("image")
            image_url = text(image.get("id") if isinstance(image, dict) else image, 2000)
            summary.image = image_url if image_url.startswith("https://") else ""
            criteria = achievement.get("criteria")
            if isinstance(criteria, dict):
                summary.criteria = text(document_text(criteria, "narrative"))
                summary.criteria_url = link(criteria.get("id"))
            summary.alignments = [
                Alignment(
                    text(item.get("targetName"), 300),
                    link(item.get("targetUrl")),
                    text(item.get("targetCode"), 100),
                    text(item.get("targetFramework"), 300),
                )
                for item in _items(achievement.get("alignment"))
            ]
            summary.endorsements = endorsements_of(achievement) + endorsements_of(achievement.get("creator"))
            descriptions = result_descriptions(achievement)
        for result in _items(subject.get("result")):
            value = result_words(result, descriptions)
            if value:
                summary.results.append(value)
    summary.evidence = [
        EvidenceEntry(
            text(item.get("name"), 300),
            text(item.get("description")),
            text(item.get("narrative")),
            text(item.get("genre"), 100),
            link(item.get("id")),
        )
        for item in _items(credential.get("evidence"))
    ]
    summary.endorsements = endorsements_of(credential) + summary.endorsements
    return summary
