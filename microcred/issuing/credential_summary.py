"""What a verified credential says, read defensively for display: the achievement, its competencies, the evidence.

The credential may come from anyone: every value is coerced to short text, links are kept only when they
are http(s), and lists are capped. Images are not shown (a remote image would tell its host who looks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    subject_name: str = ""
    alignments: list[Alignment] = field(default_factory=list)
    evidence: list[EvidenceEntry] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)


def _issuer(credential: dict[str, Any]) -> tuple[str, str]:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        return text(issuer.get("id"), 500), text(issuer.get("name"), 300)
    return text(issuer, 500), ""


def _endorsements(holder: Any) -> list[Endorsement]:
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
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if isinstance(subject, dict):
        summary.subject_name = text(subject.get("name"), 300)
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            summary.achievement_name = text(achievement.get("name"), 300)
            summary.achievement_type = text(achievement.get("achievementType"), 100)
            summary.achievement_url = link(achievement.get("id"))
            summary.description = text(achievement.get("description"))
            criteria = achievement.get("criteria")
            if isinstance(criteria, dict):
                summary.criteria = text(criteria.get("narrative"))
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
            summary.endorsements = _endorsements(achievement) + _endorsements(achievement.get("creator"))
        for result in _items(subject.get("result")):
            value = text(result.get("value") or result.get("achievedLevel") or result.get("status"), 200)
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
    summary.endorsements = _endorsements(credential) + summary.endorsements
    return summary
