"""State changes of providers' trust lists and of recognition agreements between providers.

Trust list: the issuers (a DID, or an organization registered here) whose credentials, imported into a learner's
wallet, a provider counts in ``holds`` and its pathways. A provider's own credentials are always trusted.

Recognition agreement: "A (recognising) counts B's (recognised) achievement X as its micro-credential Y".
proposed → approved (both sides approved; the proposal is the proposer's approval) | rejected (by the other side) |
withdrawn (a proposal by its proposer, an agreement in force by either side). New terms make a new version that needs
both approvals again; the version it replaces stays in force until then, and is *superseded* once it is approved.
Every change is one transaction with one audit entry and needs ``catalog.trust`` in the side that acts.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization, OrganizationKind
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.catalog import typology
from microcred.catalog.models import AgreementStatus, MicroCredential, RecognitionAgreement, TrustedIssuer
from microcred.errors import Conflict, ErrorList, ValidationFailed

MAX_ID = 500

# Called with the provider once its trust list grew or an agreement it is party to came into force (after the commit):
# assessment registers the re-check of that provider's learners (catalog never imports assessment).
TRUST_CHANGED: list[Callable[[Organization], None]] = []


def add_trust_listener(listener: Callable[[Organization], None]) -> None:
    if listener not in TRUST_CHANGED:
        TRUST_CHANGED.append(listener)


def _trust_changed(*providers: Organization) -> None:
    def tell() -> None:
        for provider in providers:
            for listener in TRUST_CHANGED:
                listener(provider)

    transaction.on_commit(tell)


def add_trusted_issuer(
    *,
    actor: Any,
    provider: Organization,
    issuer_did: str = "",
    organization: Organization | None = None,
    name: str = "",
) -> TrustedIssuer:
    """Trust an issuer DID (``did:…`` or an https issuer URL) or a registered organization."""
    require(actor, "catalog.trust", provider)
    issuer_did = issuer_did.strip() if isinstance(issuer_did, str) else ""
    name = name.strip()[:300] if isinstance(name, str) else ""
    if bool(issuer_did) == (organization is not None):
        raise ValidationFailed.single("issuer_did", "required", _("Give either an issuer's DID or an organization."))
    if issuer_did and (len(issuer_did) > MAX_ID or not issuer_did.startswith(("did:", "https://"))):
        raise ValidationFailed.single(
            "issuer_did", "invalid", _("An issuer is a DID (did:…) or an https address of at most 500 characters.")
        )
    if organization is not None and organization.pk == provider.pk:
        raise ValidationFailed.single("organization", "self", _("Your own credentials are always trusted."))
    taken = TrustedIssuer.objects.filter(provider=provider)
    if (issuer_did and taken.filter(issuer_did=issuer_did).exists()) or (
        organization is not None and taken.filter(organization=organization).exists()
    ):
        raise Conflict(_("This issuer is already on your trust list."), code="already_trusted")
    with transaction.atomic():
        entry = TrustedIssuer.objects.create(
            provider=provider,
            issuer_did=issuer_did,
            organization=organization,
            name=name or (organization.name if organization is not None else ""),
        )
        record(
            actor=actor,
            action="catalog.trust_issuer",
            target=entry,
            organization=provider,
            after={"issuer_did": issuer_did, "organization": organization.slug if organization else None},
        )
        _trust_changed(provider)
    return entry


def remove_trusted_issuer(*, actor: Any, entry: TrustedIssuer) -> None:
    require(actor, "catalog.trust", entry.provider)
    with transaction.atomic():
        record(
            actor=actor,
            action="catalog.distrust_issuer",
            target=entry,
            organization=entry.provider,
            before={"issuer_did": entry.issuer_did, "organization": entry.organization_id},
        )
        entry.delete()


# ---------------------------------------------------------------- recognition agreements


def _terms(agreement: RecognitionAgreement) -> dict[str, Any]:
    return {
        "recognising": agreement.recognising.slug,
        "recognised": agreement.recognised.slug,
        "achievement": agreement.achievement,
        "satisfies": agreement.satisfies_id,
        "credits": str(agreement.credits) if agreement.credits is not None else None,
        "version": agreement.version,
        "status": agreement.status,
    }


def _clean_terms(
    recognising: Organization, recognised: Organization, achievement: Any, satisfies: MicroCredential, credits: Any
) -> tuple[str, Decimal | None]:
    errors = ErrorList()
    if recognising.pk == recognised.pk:
        errors.add("recognised", "self", _("An agreement is between two different providers."))
    for field, organization in (("recognising", recognising), ("recognised", recognised)):
        if organization.kind != OrganizationKind.PROVIDER:
            errors.add(field, "not_provider", _("Agreements are between providers."))
    achievement = achievement.strip() if isinstance(achievement, str) else ""
    if not achievement or len(achievement) > MAX_ID:
        errors.add("achievement", "required", _("Name the recognised achievement by its id or CTID."))
    if satisfies.provider_id != recognising.pk:
        errors.add("satisfies", "not_yours", _("The recognised achievement must count as one of your own."))
    value = None
    if credits not in (None, ""):
        value = typology.decimal_value(errors, "credits", credits, typology.DECIMALS["credit_value"])
        if value is not None and value < 0:
            errors.add("credits", "out_of_range", _("Credits cannot be negative."))
    errors.raise_if_any()
    return achievement, value


def _side(agreement: RecognitionAgreement, organization: Organization) -> str:
    if organization.pk == agreement.recognising_id:
        return "recognising"
    if organization.pk == agreement.recognised_id:
        return "recognised"
    raise ValidationFailed.single("organization", "not_a_party", _("This organization is not a party to it."))


def propose_agreement(
    *,
    actor: Any,
    proposer: Organization,
    recognising: Organization,
    recognised: Organization,
    achievement: str,
    satisfies: MicroCredential,
    achievement_name: str = "",
    credits: Any = None,
    previous: RecognitionAgreement | None = None,
) -> RecognitionAgreement:
    """Propose an agreement, or (``previous``) new terms for one: a new version, approved by the proposer."""
    require(actor, "catalog.trust", proposer)
    if proposer.pk not in (recognising.pk, recognised.pk):
        raise ValidationFailed.single("proposer", "not_a_party", _("Only a party to an agreement may propose it."))
    achievement, value = _clean_terms(recognising, recognised, achievement, satisfies, credits)
    with transaction.atomic():
        if previous is not None:
            previous = RecognitionAgreement.objects.select_for_update().get(pk=previous.pk)
            if {previous.recognising_id, previous.recognised_id} != {recognising.pk, recognised.pk}:
                raise Conflict(_("New terms are between the same providers."), code="other_parties")
            if RecognitionAgreement.objects.filter(previous=previous, status=AgreementStatus.PROPOSED).exists():
                raise Conflict(_("New terms for this agreement are already proposed."), code="already_proposed")
            if previous.status not in (AgreementStatus.APPROVED, AgreementStatus.PROPOSED):
                raise Conflict(_("This agreement is no longer open to new terms."), code="wrong_status")
        now = timezone.now()
        agreement = RecognitionAgreement.objects.create(
            recognising=recognising,
            recognised=recognised,
            achievement=achievement,
            achievement_name=(achievement_name or "").strip()[:300] if isinstance(achievement_name, str) else "",
            satisfies=satisfies,
            credits=value,
            version=previous.version + 1 if previous is not None else 1,
            previous=previous,
            proposed_by=proposer,
            recognising_approved_at=now if proposer.pk == recognising.pk else None,
            recognised_approved_at=now if proposer.pk == recognised.pk else None,
        )
        if previous is not None and previous.status == AgreementStatus.PROPOSED:
            previous.status = AgreementStatus.SUPERSEDED  # a proposal replaced before anyone approved it
            previous.save(update_fields=["status"])
        record(
            actor=actor,
            action="catalog.propose_agreement",
            target=agreement,
            organization=proposer,
            after=_terms(agreement),
        )
    return agreement


def approve_agreement(
    *, actor: Any, agreement: RecognitionAgreement, organization: Organization
) -> RecognitionAgreement:
    """``organization``'s approval; with both, the agreement is in force (and the version it replaces superseded)."""
    require(actor, "catalog.trust", organization)
    with transaction.atomic():
        agreement = (
            RecognitionAgreement.objects.select_for_update()
            .select_related("recognising", "recognised")
            .get(pk=agreement.pk)
        )
        side = _side(agreement, organization)
        if agreement.status != AgreementStatus.PROPOSED:
            raise Conflict(_("Only a proposed agreement can be approved."), code="wrong_status")
        if getattr(agreement, f"{side}_approved_at") is not None:
            raise Conflict(_("Your organization has already approved it."), code="already_approved")
        setattr(agreement, f"{side}_approved_at", timezone.now())
        if agreement.recognising_approved_at and agreement.recognised_approved_at:
            agreement.status = AgreementStatus.APPROVED
            if agreement.previous_id:
                RecognitionAgreement.objects.filter(pk=agreement.previous_id, status=AgreementStatus.APPROVED).update(
                    status=AgreementStatus.SUPERSEDED
                )
        agreement.save()
        if agreement.status == AgreementStatus.APPROVED:
            _trust_changed(agreement.recognising)
        record(
            actor=actor,
            action="catalog.approve_agreement",
            target=agreement,
            organization=organization,
            after=_terms(agreement),
        )
    return agreement


def close_agreement(
    *, actor: Any, agreement: RecognitionAgreement, organization: Organization, reject: bool = False
) -> RecognitionAgreement:
    """Reject a proposal (the side that did not propose it) or withdraw (a proposal by its proposer, or an agreement
    in force by either side)."""
    require(actor, "catalog.trust", organization)
    with transaction.atomic():
        agreement = (
            RecognitionAgreement.objects.select_for_update()
            .select_related("recognising", "recognised")
            .get(pk=agreement.pk)
        )
        _side(agreement, organization)
        proposer = agreement.proposed_by_id == organization.pk
        if reject and (agreement.status != AgreementStatus.PROPOSED or proposer):
            raise Conflict(_("Only the other side can reject a proposal."), code="wrong_status")
        if not reject and not (
            agreement.status == AgreementStatus.APPROVED or (agreement.status == AgreementStatus.PROPOSED and proposer)
        ):
            raise Conflict(_("This agreement cannot be withdrawn by you now."), code="wrong_status")
        before = _terms(agreement)
        agreement.status = AgreementStatus.REJECTED if reject else AgreementStatus.WITHDRAWN
        agreement.save(update_fields=["status"])
        record(
            actor=actor,
            action="catalog.reject_agreement" if reject else "catalog.withdraw_agreement",
            target=agreement,
            organization=organization,
            before=before,
            after=_terms(agreement),
        )
    return agreement
