"""What a person reads of a credential: its status from a verification report, its competencies and evidence.

Everything is read from the signed document (or the report of its verification), so a credential issued
here and one imported from elsewhere are shown the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.issuing import badge_image
from microcred.issuing.credential_summary import (
    Endorsement,
    endorsements_of,
    result_descriptions,
    result_words,
    subject_name,
    when,
)
from microcred.translations import document_text

VALID = "valid"
EXPIRED = "expired"
REVOKED = "revoked"
SUSPENDED = "suspended"
NOT_YET_VALID = "not_yet_valid"
INVALID = "invalid"
UNVERIFIED = "unverified"  # an Open Badges 2.0 assertion nobody could check

STATUS_LABELS = {
    VALID: gettext_lazy("Valid"),
    EXPIRED: gettext_lazy("Expired"),
    REVOKED: gettext_lazy("Revoked"),
    SUSPENDED: gettext_lazy("Suspended"),
    NOT_YET_VALID: gettext_lazy("Not yet valid"),
    INVALID: gettext_lazy("Failed verification"),
    UNVERIFIED: gettext_lazy("Unverified legacy badge"),
}

CHECK_LABELS = {
    "parse": gettext_lazy("Readable credential"),
    "contexts": gettext_lazy("Known vocabularies"),
    "schema": gettext_lazy("Open Badges structure"),
    "subject": gettext_lazy("Names its holder"),
    "proof": gettext_lazy("Signature"),
    "issuer_key": gettext_lazy("Issuer's key"),
    "validity": gettext_lazy("Dates"),
    "status": gettext_lazy("Revocation and suspension"),
    "endorsements": gettext_lazy("Endorsements"),
    "credentials": gettext_lazy("Credentials in the record"),
    "legacy_hosted": gettext_lazy("Hosted verification (Open Badges 2.0)"),
}

OUTCOME_LABELS = {
    "pass": gettext_lazy("passed"),
    "fail": gettext_lazy("failed"),
    "skip": gettext_lazy("not checked"),
}


def status_from_report(report: dict[str, Any]) -> str:
    """valid / expired / revoked / suspended / not_yet_valid / invalid / unverified, from a report's JSON."""
    if report.get("valid"):
        return VALID
    failures = [check for check in report.get("checks") or [] if check.get("outcome") == "fail"]
    for check in failures:
        reason = check.get("reason")
        if reason in (REVOKED, SUSPENDED, EXPIRED, NOT_YET_VALID):
            return reason
    if report.get("legacy") and not failures:
        return UNVERIFIED
    return INVALID


@dataclass
class CheckLine:
    code: str
    label: str
    outcome: str
    outcome_label: str
    reason: str


def check_lines(report: dict[str, Any]) -> list[CheckLine]:
    lines = []
    for check in report.get("checks") or []:
        code = str(check.get("code", ""))
        outcome = str(check.get("outcome", ""))
        lines.append(
            CheckLine(
                code=code,
                label=str(CHECK_LABELS.get(code, code)),
                outcome=outcome,
                outcome_label=str(OUTCOME_LABELS.get(outcome, outcome)),
                reason=str(check.get("reason") or ""),
            )
        )
    return lines


@dataclass
class Competency:
    name: str
    url: str = ""
    code: str = ""
    framework: str = ""


@dataclass
class EvidenceEntry:
    id: str
    name: str
    narrative: str = ""
    genre: str = ""
    description: str = ""

    @property
    def url(self) -> str:
        return _web_url(self.id)


@dataclass
class Summary:
    name: str
    description: str = ""
    issuer_name: str = ""
    issuer_id: str = ""
    holder_name: str = ""  # as the credential states it ("" when it names its holder by a hash only)
    valid_from: str = ""
    valid_until: str = ""
    image: str = ""
    valid_from_at: datetime | None = None
    valid_until_at: datetime | None = None
    criteria: str = ""
    competencies: list[Competency] = field(default_factory=list)
    evidence: list[EvidenceEntry] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    attestations: list[Endorsement] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)

    @property
    def badge_image(self) -> str:
        """The achievement's image when this platform hosts it, else the badge baked into the downloads."""
        return badge_image.shown_image(self.image, self.name)


def _text(value: Any, limit: int = 5000) -> str:
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, dict):  # a language map or a typed value
        for key in ("@value", "en", "fr"):
            if isinstance(value.get(key), str):
                return value[key][:limit]
    return ""


def _web_url(value: Any) -> str:
    """An http(s) URL to link to, or "" (a credential from elsewhere may carry ``javascript:`` or ``data:`` URLs)."""
    text = _text(value, 2000)
    return text if text.lower().startswith(("https://", "http://")) else ""


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _subject(credential: dict[str, Any]) -> dict[str, Any]:
    subject = _list(credential.get("credentialSubject"))
    return subject[0] if subject and isinstance(subject[0], dict) else {}


def achievement_of(credential: dict[str, Any]) -> dict[str, Any]:
    achievement = _subject(credential).get("achievement")
    return achievement if isinstance(achievement, dict) else {}


def evidence_of(credential: dict[str, Any]) -> list[EvidenceEntry]:
    entries = []
    for item in _list(credential.get("evidence"))[:100]:
        if not isinstance(item, dict):
            continue
        identifier = _text(item.get("id"), 2000)
        entries.append(
            EvidenceEntry(
                id=identifier,
                name=_text(item.get("name"), 300) or identifier or _("Evidence"),
                narrative=_text(item.get("narrative")),
                genre=_text(item.get("genre"), 100),
                description=_text(item.get("description")),
            )
        )
    return entries


def summarize(credential: dict[str, Any]) -> Summary:
    """The parts of an Open Badges 3.0 (or 2.0) credential a person reads; unknown shapes read as empty."""
    if not isinstance(credential, dict):
        return Summary(name=_("Unreadable credential"))
    if "badge" in credential and "recipient" in credential:  # Open Badges 2.0 assertion
        return _summarize_ob2(credential)
    achievement = achievement_of(credential)
    issuer = credential.get("issuer")
    issuer_name = _text(issuer.get("name"), 300) if isinstance(issuer, dict) else ""
    issuer_id = _text(issuer.get("id") if isinstance(issuer, dict) else issuer, 500)
    competencies = []
    for alignment in _list(achievement.get("alignment"))[:100]:
        if isinstance(alignment, dict):
            competencies.append(
                Competency(
                    name=_text(alignment.get("targetName"), 300) or _text(alignment.get("targetUrl"), 500),
                    url=_web_url(alignment.get("targetUrl")),
                    code=_text(alignment.get("targetCode"), 100),
                    framework=_text(alignment.get("targetFramework"), 300),
                )
            )
    results = []
    descriptions = result_descriptions(achievement)
    for result in _list(_subject(credential).get("result"))[:100]:
        if isinstance(result, dict):
            value = result_words(result, descriptions)
            if value:
                results.append(value)
    image = achievement.get("image")
    image_url = _text(image.get("id") if isinstance(image, dict) else image, 2000)
    criteria = achievement.get("criteria")
    return Summary(
        # the achievement's texts in the reader's language when it carries microcred's language maps
        name=_text(document_text(achievement, "name"), 300)
        or _text(credential.get("name"), 300)
        or _("Untitled credential"),
        description=_text(document_text(achievement, "description")),
        issuer_name=issuer_name or issuer_id,
        issuer_id=issuer_id,
        holder_name=subject_name(_subject(credential)),
        valid_from=_text(credential.get("validFrom") or credential.get("issuanceDate"), 40),
        valid_until=_text(credential.get("validUntil") or credential.get("expirationDate"), 40),
        valid_from_at=when(credential.get("validFrom") or credential.get("issuanceDate")),
        valid_until_at=when(credential.get("validUntil") or credential.get("expirationDate")),
        image=image_url if image_url.startswith("https://") else "",
        criteria=_text(document_text(criteria, "narrative")) if isinstance(criteria, dict) else "",
        competencies=competencies,
        evidence=evidence_of(credential),
        results=results,
        attestations=endorsements_of(credential),
        endorsements=endorsements_of(achievement) + endorsements_of(achievement.get("creator")),
    )


def _summarize_ob2(assertion: dict[str, Any]) -> Summary:
    badge = assertion.get("badge") if isinstance(assertion.get("badge"), dict) else {}
    issuer = badge.get("issuer") if isinstance(badge.get("issuer"), dict) else {}
    competencies = [
        Competency(name=_text(item.get("targetName"), 300), url=_web_url(item.get("targetUrl")))
        for item in _list(badge.get("alignment"))[:100]
        if isinstance(item, dict)
    ]
    evidence = []
    for item in _list(assertion.get("evidence"))[:100]:
        if isinstance(item, dict):
            evidence.append(EvidenceEntry(id=_text(item.get("id"), 2000), name=_text(item.get("name"), 300)))
        elif isinstance(item, str):
            evidence.append(EvidenceEntry(id=item[:2000], name=item[:300]))
    return Summary(
        name=_text(badge.get("name"), 300) or _("Untitled badge"),
        description=_text(badge.get("description")),
        issuer_name=_text(issuer.get("name"), 300),
        issuer_id=_text(issuer.get("id"), 500),
        valid_from=_text(assertion.get("issuedOn"), 40),
        valid_until=_text(assertion.get("expires"), 40),
        valid_from_at=when(assertion.get("issuedOn")),
        valid_until_at=when(assertion.get("expires")),
        competencies=competencies,
        evidence=evidence,
    )
