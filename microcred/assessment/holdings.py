"""What a learner holds, wherever it was issued, and whether it counts for a provider (``holds``, pathways).

A *holding* is one credential reduced to what stacking needs: its achievement's identifiers, its issuer, its validity
and the levels its results reached. Credentials awarded here are read from ``issuing``; credentials imported into the
learner's wallet come from the sources registered with :func:`register_holdings_source` (``wallet`` registers its
own in ``WalletConfig.ready``: assessment never imports wallet).

A holding counts towards a provider's achievement Y when it is not revoked, suspended or expired and

* it is Y itself (any version of Y's design, by achievement id or CTID), awarded here or imported from an issuer the
  provider trusts (its own DID, an issuer DID on its trust list, or a registered organization on it), verified; or
* a recognition agreement approved by both sides says the provider counts organization B's achievement X as Y, and
  the holding is X issued by B (here, or imported with B's DID).

Each credential that was looked at and did not count is given with its reason, so a page can say why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.catalog import formats
from microcred.catalog.models import AgreementStatus, MicroCredential, RecognitionAgreement, TrustedIssuer
from microcred.issuing.identity import organization_did
from microcred.issuing.models import IssuedCredential
from microcred.registry import ctids
from microcred.vc.dates import parse_date_time

LOCAL, IMPORTED = "local", "imported"
# Why a credential did not count (stable codes; the pages translate them).
UNTRUSTED, UNVERIFIED, EXPIRED, REVOKED, LEVEL_TOO_LOW, OTHER_ISSUER = (
    "untrusted_issuer",
    "failed_verification",
    "expired",
    "revoked",
    "level_too_low",
    "other_issuer",
)


def reason_text(reason: str, provider_name: str) -> str:
    """Why a credential did not count, in words (the reader's language)."""
    texts = {
        UNTRUSTED: _("not from an issuer %(provider)s trusts"),
        UNVERIFIED: _("its verification failed"),
        EXPIRED: _("it has expired"),
        REVOKED: _("it was revoked or suspended"),
        LEVEL_TOO_LOW: _("the level it shows is too low"),
        OTHER_ISSUER: _("it is not from the issuer required"),
    }
    return str(texts.get(reason, reason)) % {"provider": provider_name}


@dataclass(frozen=True)
class Holding:
    """One credential a learner holds, as plain data (no model instance crosses the registry)."""

    source: str  # LOCAL or IMPORTED
    public_id: str
    name: str
    achievement_ids: tuple[str, ...]
    issuer: str  # the issuer's id (a DID or URL)
    issuer_name: str = ""
    organization_id: int | None = None  # the issuing organization, for a credential awarded here
    verified: bool = True
    revoked: bool = False
    valid_until: datetime | None = None
    levels: tuple[tuple[tuple[str, ...], str], ...] = ()  # (the scale's level names lowest first, the level reached)
    credits: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "id": self.public_id, "name": self.name, "issuer": self.issuer}


HoldingsSource = Callable[[int], list[Holding]]  # the learner's user id -> holdings
_SOURCES: list[HoldingsSource] = []


def register_holdings_source(source: HoldingsSource) -> None:
    """Add a function ``source(user_id) -> [Holding]`` (wallet registers the learner's imported credentials)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def levels_of(document: dict[str, Any]) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The levels an OB 3.0 credential's results reached, each with the scale it is on (from the achievement)."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        return ()
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    scales: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    for description in achievement.get("resultDescription") or []:
        levels = description.get("rubricCriterionLevel") if isinstance(description, dict) else None
        if not isinstance(levels, list):
            continue
        scale = tuple(str(level.get("name", "")) for level in levels if isinstance(level, dict))
        for level in levels:
            if isinstance(level, dict) and level.get("id"):
                scales[str(level["id"])] = scale
                names[str(level["id"])] = str(level.get("name", ""))
    reached = []
    for result in subject.get("result") or []:
        level_id = str(result.get("achievedLevel", "")) if isinstance(result, dict) else ""
        if level_id in scales:
            reached.append((scales[level_id], names[level_id]))
    return tuple(reached)


def achievement_ids_of(document: dict[str, Any]) -> tuple[str, ...]:
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict):
        return ()
    ids = [str(achievement.get("id", ""))]
    for other in achievement.get("otherIdentifier") or []:
        if isinstance(other, dict) and other.get("identifier"):
            ids.append(str(other["identifier"]))
    return tuple(i for i in ids if i)


def issuer_of(document: dict[str, Any]) -> tuple[str, str]:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        return str(issuer.get("id", "")), str(issuer.get("name", ""))
    return str(issuer or ""), ""


def valid_until_of(document: dict[str, Any]) -> datetime | None:
    text = document.get("validUntil") or document.get("expirationDate")
    try:
        return parse_date_time(str(text)) if text else None
    except ValueError:
        return None


def _local(user_id: int) -> list[Holding]:
    held = []
    for credential in IssuedCredential.objects.filter(recipient_id=user_id).only(
        "public_id", "achievement_id", "achievement_name", "document", "organization_id", "revoked_at", "suspended_at"
    ):
        document = credential.document or {}
        issuer, issuer_name = issuer_of(document)
        ids = {credential.achievement_id, *achievement_ids_of(document)}
        held.append(
            Holding(
                source=LOCAL,
                public_id=str(credential.public_id),
                name=credential.achievement_name,
                achievement_ids=tuple(sorted(i for i in ids if i)),
                issuer=issuer,
                issuer_name=issuer_name,
                organization_id=credential.organization_id,
                revoked=credential.revoked_at is not None or credential.suspended_at is not None,
                valid_until=valid_until_of(document),
                levels=levels_of(document),
            )
        )
    return held


def holdings_of(user: Any) -> list[Holding]:
    """Every credential ``user`` (a user or a user id) holds: awarded here, then the registered sources' (imports)."""
    user_id = getattr(user, "pk", user)
    if not isinstance(user_id, int):
        return []
    found = _local(user_id)
    for source in _SOURCES:
        found.extend(source(user_id))
    return found


# ---------------------------------------------------------------- what counts for a provider


def design_ids(credential: MicroCredential) -> set[str]:
    """The achievement ids and CTIDs of every version of ``credential``'s design: the CTIDs the registry keeps (the
    design's and each version's, bare or as registry resource URLs) and those the catalog derives."""
    versions = MicroCredential.objects.filter(provider_id=credential.provider_id, slug=credential.slug)
    ids: set[str] = ctids.kept_design_ctids(credential.provider_id, credential.slug)
    for version in versions.select_related("provider"):
        ids.update((formats.achievement_url(version), formats.ctid(version)))
    return ids


def catalog_credential(reference: str) -> MicroCredential | None:
    """The catalog micro-credential an achievement id or CTID names, if it names one here."""
    if (kept := ctids.credential_for_ctid(reference)) is not None:
        return kept
    for version in MicroCredential.objects.select_related("provider").filter(
        Q(slug__in=[part for part in reference.split("/") if part])
    ):
        if reference in (formats.achievement_url(version), formats.ctid(version)):
            return version
    if reference.startswith("ce-"):
        return next(
            (c for c in MicroCredential.objects.select_related("provider") if formats.ctid(c) == reference), None
        )
    return None


def ids_for(reference: str) -> set[str]:
    credential = catalog_credential(reference)
    return design_ids(credential) if credential is not None else {reference}


def organization_dids(organization: Organization) -> set[str]:
    return {organization_did(organization)}


class Trust:
    """A provider's trust list, read once."""

    def __init__(self, provider: Organization) -> None:
        self.provider = provider
        self.dids = organization_dids(provider)
        self.organizations = {provider.pk}
        for entry in TrustedIssuer.objects.filter(provider=provider).select_related("organization"):
            if entry.issuer_did:
                self.dids.add(entry.issuer_did)
            if entry.organization is not None:
                self.organizations.add(entry.organization.pk)
                self.dids |= organization_dids(entry.organization)

    def trusts(self, holding: Holding) -> bool:
        if holding.source == LOCAL:
            return True  # awarded on this platform: signed and recorded here
        return holding.issuer in self.dids


def agreements_for(credential: MicroCredential) -> list[RecognitionAgreement]:
    """The agreements in force by which another organization's achievement counts as ``credential``'s design."""
    return list(
        RecognitionAgreement.objects.filter(
            satisfies__provider_id=credential.provider_id,
            satisfies__slug=credential.slug,
            status=AgreementStatus.APPROVED,
        ).select_related("recognised", "satisfies")
    )


@dataclass
class Counted:
    holding: Holding
    agreement: RecognitionAgreement | None = None

    def to_json(self) -> dict[str, Any]:
        out = self.holding.to_json()
        if self.agreement is not None:
            out["agreement"] = {"id": self.agreement.pk, "version": self.agreement.version}
        return out


@dataclass
class Refused:
    holding: Holding
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {**self.holding.to_json(), "reason": self.reason}


@dataclass
class Match:
    counted: list[Counted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return bool(self.counted)

    def to_json(self) -> dict[str, Any]:
        return {
            "held": self.held,
            "counted": [c.to_json() for c in self.counted],
            "not_counted": [r.to_json() for r in self.refused],
        }


def _level_ok(holding: Holding, min_level: str) -> bool:
    wanted = " ".join(min_level.split()).casefold()
    for scale, reached in holding.levels:
        names = [" ".join(n.split()).casefold() for n in scale]
        have = " ".join(reached.split()).casefold()
        if wanted in names and have in names and names.index(have) >= names.index(wanted):
            return True
    return False


def _why_not(holding: Holding, trusted: bool, now: datetime, min_level: str) -> str | None:
    if holding.revoked:
        return REVOKED
    if holding.valid_until is not None and holding.valid_until <= now:
        return EXPIRED
    if not holding.verified:
        return UNVERIFIED
    if not trusted:
        return UNTRUSTED
    if min_level and not _level_ok(holding, min_level):
        return LEVEL_TOO_LOW
    return None


@dataclass
class Target:
    """What counts as one achievement for one provider: its ids (every version of a catalog design) and the ids of
    the achievements agreements in force recognise as it; resolved once, then matched against many learners."""

    wanted: set[str]
    by_agreement: list[tuple[set[str], RecognitionAgreement]]
    issuer_dids: set[str]


def resolve(provider: Organization, achievement: str | MicroCredential, issuer: str = "") -> Target:
    if isinstance(achievement, MicroCredential):
        target, wanted = achievement, design_ids(achievement)
    else:
        target = catalog_credential(achievement)
        wanted = design_ids(target) if target is not None else {achievement}
    by_agreement: list[tuple[set[str], RecognitionAgreement]] = []
    if target is not None and target.provider_id == provider.pk:
        by_agreement = [(ids_for(a.achievement), a) for a in agreements_for(target)]
    issuer_dids = {issuer} if issuer else set()
    if issuer:
        named = Organization.objects.filter(slug=issuer).first()
        if named is not None:
            issuer_dids |= organization_dids(named)
    return Target(wanted, by_agreement, issuer_dids)


def match(
    holdings: Iterable[Holding],
    *,
    provider: Organization,
    achievement: str | MicroCredential,
    issuer: str = "",
    min_level: str = "",
    trust: Trust | None = None,
    now: datetime | None = None,
    target: Target | None = None,
) -> Match:
    """Which of ``holdings`` count as ``achievement`` for ``provider``, and why each other candidate does not."""
    now = now or timezone.now()
    trust = trust or Trust(provider)
    target = target or resolve(provider, achievement, issuer)
    wanted, by_agreement, issuer_dids = target.wanted, target.by_agreement, target.issuer_dids
    result = Match()
    for holding in holdings:
        ids = set(holding.achievement_ids)
        agreement = None
        if ids & wanted:
            trusted = trust.trusts(holding)
        else:
            agreement = next((a for x, a in by_agreement if ids & x), None)
            if agreement is None:
                continue
            recognised = agreement.recognised
            trusted = holding.organization_id == recognised.pk or holding.issuer in organization_dids(recognised)
        if issuer_dids and holding.issuer not in issuer_dids:
            result.refused.append(Refused(holding, OTHER_ISSUER))
            continue
        reason = _why_not(holding, trusted, now, min_level)
        if reason is None:
            result.counted.append(Counted(holding, agreement))
        else:
            result.refused.append(Refused(holding, reason))
    return result


def resolver(
    user: Any, provider: Organization, shared: dict[Any, Any] | None = None
) -> Callable[[str, str, str], tuple[bool, Any]]:
    """``Facts.holds`` for one learner and provider: the learner's holdings are read on first use (a rule without
    ``holds`` costs nothing); the trust list and what each achievement means are read once per ``shared`` dict (one
    for all the learners of a bulk award)."""
    shared = {} if shared is None else shared
    held: list[Holding] = []
    read = False

    def holds(achievement: str, issuer: str = "", min_level: str = "") -> tuple[bool, Any]:
        nonlocal held, read
        if not read:
            held, read = holdings_of(user), True
        if "trust" not in shared:
            shared["trust"] = Trust(provider)
        key = ("target", achievement, issuer)
        if key not in shared:
            shared[key] = resolve(provider, achievement, issuer)
        found = match(
            held,
            provider=provider,
            achievement=achievement,
            issuer=issuer,
            min_level=min_level,
            trust=shared["trust"],
            target=shared[key],
        )
        return found.held, (found.to_json() if found.counted or found.refused else None)

    return holds
