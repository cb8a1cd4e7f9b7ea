"""Reads of the wallet: the learner's credentials with live status, imports, share links, pathway progress."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.assessment import ladder
from microcred.assessment.models import Award
from microcred.catalog import formats, stacking
from microcred.catalog.models import MicroCredential, Pathway
from microcred.errors import NotFound
from microcred.issuing.models import IssuedCredential, ProofFormat
from microcred.issuing.selectors import credentials_of
from microcred.vc.model import identity_matches
from microcred.wallet import services, summaries
from microcred.wallet.models import ImportedCredential, ShareLink, ShareView


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value).removeprefix("urn:uuid:")[:45])
    except ValueError:
        return None


@dataclass
class WalletItem:
    """One credential as the wallet shows it, issued here or imported."""

    source: str  # "issued" or "imported"
    public_id: str
    summary: summaries.Summary
    report: dict[str, Any]
    status: str
    proof_format: str = ""
    legacy: bool = False
    issued: IssuedCredential | None = None
    imported: ImportedCredential | None = None

    @property
    def status_label(self) -> str:
        return str(summaries.STATUS_LABELS.get(self.status, self.status))

    @property
    def checks(self) -> list[summaries.CheckLine]:
        return summaries.check_lines(self.report)

    @property
    def has_jwt(self) -> bool:
        return self.proof_format == ProofFormat.VC_JWT

    @property
    def signed(self) -> dict[str, Any] | str | None:
        """What a verifier is given: the signed JSON-LD document or the VC-JWT."""
        if self.issued is not None:
            return self.issued.jwt if self.has_jwt else self.issued.document
        return None


def signed_form(credential: IssuedCredential) -> dict[str, Any] | str:
    return credential.jwt if credential.proof_format == ProofFormat.VC_JWT else credential.document


def issued_item(credential: IssuedCredential) -> WalletItem:
    """A credential issued here, verified now (status lists and keys read from the database)."""
    report = services.verify_for_wallet(signed_form(credential))
    return WalletItem(
        source="issued",
        public_id=str(credential.public_id),
        summary=summaries.summarize(credential.document),
        report=report,
        status=summaries.status_from_report(report),
        proof_format=credential.proof_format,
        issued=credential,
    )


def imported_item(imported: ImportedCredential, *, live: bool = False) -> WalletItem:
    """An imported credential with the report stored at its last verification (``live``: verified now)."""
    report = imported.report or {}
    if live and not imported.legacy:
        report = services.verify_for_wallet(bytes(imported.raw))
    return WalletItem(
        source="imported",
        public_id=str(imported.public_id),
        summary=summaries.summarize(imported.credential),
        report=report,
        status=summaries.status_from_report(report),
        proof_format=imported.format,
        legacy=imported.legacy,
        imported=imported,
    )


def wallet_of(user: User) -> list[WalletItem]:
    items = [issued_item(credential) for credential in credentials_of(user)]
    items += [imported_item(imported) for imported in imports_of(user)]
    return items


def imports_of(user: User) -> QuerySet[ImportedCredential]:
    return ImportedCredential.objects.filter(owner=user)


def held_credential(user: User, public_id: Any) -> IssuedCredential:
    key = _uuid(public_id)
    credential = credentials_of(user).filter(public_id=key).first() if key else None
    if credential is None:
        raise NotFound(_("No such credential in your wallet."), code="credential_not_found")
    return credential


def held_import(user: User, public_id: Any) -> ImportedCredential:
    key = _uuid(public_id)
    imported = imports_of(user).filter(public_id=key).first() if key else None
    if imported is None:
        raise NotFound(_("No such credential in your wallet."), code="import_not_found")
    return imported


def share_links_of(user: User) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(owner=user).prefetch_related("credentials", "imported")


def share_link_of(user: User, public_id: Any) -> ShareLink:
    key = _uuid(public_id)
    link = share_links_of(user).filter(public_id=key).first() if key else None
    if link is None:
        raise NotFound(_("No such share link."), code="share_not_found")
    return link


def views_of(link: ShareLink, limit: int = 100) -> list[ShareView]:
    return list(link.views.all()[:limit])


# ---------------------------------------------------------------- what a shared page shows


@dataclass
class SharedItem:
    summary: summaries.Summary
    status: str
    status_label: str
    checks: list[summaries.CheckLine]
    evidence: list[summaries.EvidenceEntry]
    holder: str = ""  # who holds it, when the holder chose to be named and the credential is theirs


def names_owner(credential: dict[str, Any], email: str) -> bool:
    """Whether an imported credential's subject is identified by the owner's e-mail address (hashed or not)."""
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    subject = subject[0] if isinstance(subject, list) and subject else subject
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    identifiers = identifiers if isinstance(identifiers, list) else [identifiers]
    return any(
        isinstance(entry, dict) and entry.get("identityType") == "emailAddress" and identity_matches(entry, email)
        for entry in identifiers[:20]
    )


def shared_items(link: ShareLink, holder: str = "") -> list[SharedItem]:
    """The shared credentials, verified now, each with only the evidence the learner chose.

    ``holder``: the name the page may show (empty when the holder chose not to be named). A credential issued here
    was issued to the link's owner; an imported one is said to be theirs only when it names them itself or its
    recipient is their e-mail address.
    """
    chosen = set(link.evidence_ids or [])
    items = []
    wallet_items = [issued_item(credential) for credential in link.credentials.order_by("issued_at", "pk")]
    wallet_items += [imported_item(imported, live=True) for imported in link.imported.order_by("imported_at", "pk")]
    for item in wallet_items:
        item.summary.evidence = [entry for entry in item.summary.evidence if entry.id in chosen]
        stated = item.summary.holder_name
        if not holder:
            item.summary.holder_name = ""
        ours = item.issued is not None or (item.imported is not None and names_owner(item.imported.credential,
                                                                                     link.owner.email))  # fmt: skip
        name = (stated or holder if ours else stated) if holder else ""
        items.append(
            SharedItem(item.summary, item.status, item.status_label, item.checks, item.summary.evidence, name)
        )
    return items


def overall_status(items: list[SharedItem]) -> str:
    if items and all(item.status == summaries.VALID for item in items):
        return summaries.VALID
    return next((item.status for item in items if item.status != summaries.VALID), summaries.INVALID)


# ---------------------------------------------------------------- pathway progress


@dataclass
class PathwayStanding:
    pathway: Pathway
    progress: stacking.PathwayProgress
    ladder: ladder.Standing | None = None  # every component with the credential (and agreement) that fills it

    @property
    def started(self) -> bool:
        return bool(self.progress.earned) or bool(self.ladder and self.ladder.started)

    @property
    def credits(self) -> Decimal:
        return self.progress.credits


def earned_micro_credentials(user: User) -> list[MicroCredential]:
    """The micro-credentials the user holds through credentials issued here that are not revoked."""
    held = IssuedCredential.objects.filter(recipient=user, revoked_at__isnull=True)
    earned = {
        award.enrolment.credential.pk: award.enrolment.credential
        for award in Award.objects.filter(issued_credential__in=held).select_related("enrolment__credential__provider")
    }
    achievement_ids = set(held.values_list("achievement_id", flat=True))
    if achievement_ids:  # issued through the API rather than an award: matched by the catalog's achievement id
        candidates = MicroCredential.objects.filter(pathways__isnull=False).select_related("provider").distinct()
        for credential in candidates:
            if credential.pk not in earned and formats.achievement_url(credential) in achievement_ids:
                earned[credential.pk] = credential
    return list(earned.values())


def pathway_progress(user: User) -> list[PathwayStanding]:
    """Every pathway of the catalog with what the user holds (here, or imported and trusted by the pathway's
    provider, or recognised through an agreement), what is missing, why an import did not count, the credit that
    counts and where each credit comes from."""
    standings = []
    for found in ladder.standings(user):
        progress = stacking.PathwayProgress(
            found.complete,
            [c.credential for c in found.held if c.credential is not None],
            [c.credential for c in found.missing if c.credential is not None],
            found.still_needed,
            found.credits,
            found.credits_needed,
        )
        standings.append(PathwayStanding(found.pathway, progress, found))
    return standings
