"""What employers do: endorse a micro-credential or a provider (signed with their own key), take part in
co-design, and have their verifiers' verifications counted.

An endorsement is an Open Badges 3.0 ``EndorsementCredential`` issued by the employer's did:web, signed
``eddsa-rdfc-2022`` with the employer's key (created on first use), about the achievement's id (a
micro-credential's version) or the provider's DID (the issuer id its credentials carry).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import Membership, Organization, OrganizationKind, Role
from microcred.accounts.permissions import SystemActor, can, require
from microcred.audit.services import record
from microcred.catalog import formats
from microcred.catalog.models import MicroCredential, Status
from microcred.employers.models import (
    CoDesignComment,
    CoDesignInvitation,
    CoDesignStatus,
    Endorsement,
    EndorsementTarget,
    Verification,
)
from microcred.errors import Conflict, ErrorList, PermissionDenied, ValidationFailed
from microcred.issuing import identity
from microcred.issuing.models import IssuedCredential, ProofFormat, StatusPurpose
from microcred.issuing.services import allocate_status_index, revoke_credential, signing_key
from microcred.notifications.models import Kind
from microcred.notifications.services import notify
from microcred.vc import compose, data_integrity, status
from microcred.vc.dates import format_date_time

MAX_COMMENT = 2000
CODESIGN_OPEN = (Status.DRAFT, Status.CHANGES_REQUESTED, Status.IN_REVIEW, Status.APPROVED)


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None


def _comment(value: Any, errors: ErrorList, *, required: bool = False, field: str = "comment") -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors.add(field, "invalid_type", _("This must be text."))
    elif len(text) > MAX_COMMENT:
        errors.add(field, "too_long", _("Use at most %(n)s characters.") % {"n": MAX_COMMENT})
    elif required and not text:
        errors.add(field, "required", _("This field is required."))
    return text


def _require_employer(organization: Organization) -> None:
    if organization.kind != OrganizationKind.EMPLOYER:
        raise ValidationFailed.single("employer", "not_an_employer", _("Only an employer can do this."))


# --- endorsements ---------------------------------------------------------------------------------------


def _issue_endorsement(
    employer: Organization, public_id: uuid.UUID, subject_id: str, name: str, comment: str
) -> IssuedCredential:
    """Sign the EndorsementCredential (with a revocation entry in the employer's status list) and register it
    with the employer's issued credentials. Call inside a transaction."""
    pair, key = signing_key(employer)
    status_list, index = allocate_status_index(employer, StatusPurpose.REVOCATION)
    entry = status.status_entry(
        list_url=identity.status_list_url(status_list.public_id), index=index, purpose=StatusPurpose.REVOCATION
    )
    unsigned = compose.endorsement_credential(
        id=f"urn:uuid:{public_id}",
        issuer=identity.issuer_profile(employer, key),
        subject_id=subject_id,
        name=name,
        valid_from=format_date_time(timezone.now()),
        comment=comment or None,
        credential_status=[entry],
    )
    document = data_integrity.sign(unsigned, pair, verification_method=identity.signing_method_id(employer, key))
    return IssuedCredential.objects.create(
        public_id=public_id,
        organization=employer,
        recipient=None,
        recipient_identifier="",
        achievement_id=subject_id[:500],
        achievement_name=name[:300],
        credential_type="EndorsementCredential",
        proof_format=ProofFormat.DATA_INTEGRITY_RDFC,
        document=document,
        revocation_list=status_list,
        revocation_index=index,
    )


def endorse(
    *,
    actor: Any,
    employer: Organization,
    credential: MicroCredential | None = None,
    provider: Organization | None = None,
    comment: str = "",
) -> Endorsement:
    """The employer endorses a published micro-credential (this version) or a provider; signed now, stored."""
    require(actor, "employers.endorse", employer)
    _require_employer(employer)
    errors = ErrorList()
    text = _comment(comment, errors)
    if (credential is None) == (provider is None):
        errors.add("target", "required", _("Endorse either a micro-credential or a provider."))
    if credential is not None and credential.status != Status.PUBLISHED:
        errors.add("credential", "not_published", _("Only a published micro-credential can be endorsed."))
    if provider is not None and provider.kind != OrganizationKind.PROVIDER:
        errors.add("provider", "not_a_provider", _("Only a provider can be endorsed."))
    errors.raise_if_any()
    if credential is not None:
        target, subject_id, title = EndorsementTarget.CREDENTIAL, formats.achievement_url(credential), credential.title
    else:
        assert provider is not None
        target, subject_id, title = EndorsementTarget.PROVIDER, identity.organization_did(provider), provider.name
    public_id = uuid.uuid4()
    try:
        with transaction.atomic():
            issued = _issue_endorsement(employer, public_id, subject_id, f"{employer.name}: {title}"[:300], text)
            endorsement = Endorsement.objects.create(
                public_id=public_id,
                employer=employer,
                target=target,
                credential=credential,
                provider=provider,
                subject_id=subject_id,
                comment=text,
                document=issued.document,
                issued=issued,
                created_by=_user_or_none(actor),
            )
            record(
                actor=actor,
                action="employers.endorse",
                target=endorsement,
                organization=employer,
                after={"subject": subject_id, "comment": text, "endorsement": endorsement.endorsement_id},
            )
    except IntegrityError as error:
        raise Conflict(_("Your organization already endorses this."), code="already_endorsed") from error
    return endorsement


def withdraw_endorsement(*, actor: Any, endorsement: Endorsement) -> Endorsement:
    """The endorsement stops being shown and exported, and its revocation bit is set: copies of it no longer verify."""
    require(actor, "employers.endorse", endorsement.employer)
    with transaction.atomic():
        endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
        if endorsement.withdrawn_at is not None:
            raise Conflict(_("This endorsement was already withdrawn."), code="already_withdrawn")
        endorsement.withdrawn_at = timezone.now()
        endorsement.save(update_fields=["withdrawn_at"])
        if endorsement.issued is not None:  # the employer's own permission was checked above
            revoke_credential(actor=None, credential=endorsement.issued, reason="Endorsement withdrawn by the employer")
        record(
            actor=actor,
            action="employers.withdraw_endorsement",
            target=endorsement,
            organization=endorsement.employer,
            before={"withdrawn_at": None},
            after={"withdrawn_at": endorsement.withdrawn_at.isoformat()},
        )
    return endorsement


# --- co-design ------------------------------------------------------------------------------------------


def invite_codesigner(
    *, actor: Any, credential: MicroCredential, employer: Organization, message: str = ""
) -> CoDesignInvitation:
    """The provider invites an employer to review a design's competencies and assessment plan."""
    require(actor, "catalog.edit", credential)
    _require_employer(employer)
    errors = ErrorList()
    text = _comment(message, errors, field="message")
    errors.raise_if_any()
    if credential.status not in CODESIGN_OPEN:
        raise Conflict(_("Only a design that is not yet published can be co-designed."), code="wrong_status")
    try:
        with transaction.atomic():
            invitation = CoDesignInvitation.objects.create(
                credential=credential, employer=employer, message=text, invited_by=_user_or_none(actor)
            )
            record(
                actor=actor,
                action="employers.invite_codesigner",
                target=invitation,
                organization=credential.provider,
                after={"credential": credential.pk, "employer": employer.slug, "message": text},
            )
            for membership in Membership.objects.filter(organization=employer, role=Role.ADMIN).select_related("user"):
                notify(
                    recipient=membership.user,
                    kind=Kind.CODESIGN_INVITATION,
                    title=gettext_lazy("%(provider)s invites %(employer)s to co-design “%(title)s”"),
                    body=text,
                    url=reverse("employers:invitation", args=[invitation.pk]),
                    params={"provider": credential.provider.name, "employer": employer.name, "title": credential.title},
                )
    except IntegrityError as error:
        raise Conflict(_("This employer is already invited."), code="already_invited") from error
    return invitation


def _codesign_side(actor: Any, invitation: CoDesignInvitation) -> Organization:
    """The organization ``actor`` speaks for in this co-design: the employer, or the provider."""
    if isinstance(actor, SystemActor) or can(actor, "employers.codesign", invitation.employer):
        return invitation.employer
    if can(actor, "catalog.edit", invitation.credential):
        return invitation.credential.provider
    raise PermissionDenied(_("You are not allowed to do this."), code="permission_denied")


def comment_on_codesign(*, actor: Any, invitation: CoDesignInvitation, text: str) -> CoDesignComment:
    """The employer (or the provider, answering) comments on the design."""
    side = _codesign_side(actor, invitation)
    errors = ErrorList()
    cleaned = _comment(text, errors, required=True, field="text")
    errors.raise_if_any()
    with transaction.atomic():
        comment = CoDesignComment.objects.create(
            invitation=invitation, author=_user_or_none(actor), organization=side, text=cleaned
        )
        record(
            actor=actor,
            action="employers.comment_codesign",
            target=invitation,
            organization=side,
            after={"comment": cleaned},
        )
    return comment


def approve_codesign(*, actor: Any, invitation: CoDesignInvitation, comment: str = "") -> CoDesignInvitation:
    """The employer approves the design: it becomes "co-designed with" the employer (a quality marker)."""
    require(actor, "employers.codesign", invitation.employer)
    errors = ErrorList()
    text = _comment(comment, errors)
    errors.raise_if_any()
    with transaction.atomic():
        invitation = CoDesignInvitation.objects.select_for_update().get(pk=invitation.pk)
        credential = MicroCredential.objects.select_for_update().get(pk=invitation.credential_id)
        if invitation.status == CoDesignStatus.APPROVED:
            raise Conflict(_("This design was already approved."), code="already_approved")
        if credential.status not in CODESIGN_OPEN:
            raise Conflict(_("Only a design that is not yet published can be co-designed."), code="wrong_status")
        if text:
            CoDesignComment.objects.create(
                invitation=invitation, author=_user_or_none(actor), organization=invitation.employer, text=text
            )
        invitation.status = CoDesignStatus.APPROVED
        invitation.approved_by = _user_or_none(actor)
        invitation.approved_at = timezone.now()
        invitation.save(update_fields=["status", "approved_by", "approved_at"])
        credential.co_designed_with.add(invitation.employer)
        record(
            actor=actor,
            action="employers.approve_codesign",
            target=invitation,
            organization=invitation.employer,
            before={"status": CoDesignStatus.INVITED},
            after={"status": CoDesignStatus.APPROVED, "credential": credential.pk, "comment": text},
        )
    return invitation


# --- verifications ---------------------------------------------------------------------------------------


def record_verification(event: Any) -> None:
    """Listener of ``issuing.verifying``: a signed-in employer verifier's verification counts for the employer."""
    viewer = event.viewer
    if viewer is None:
        return
    employers = Membership.objects.filter(
        user=viewer, organization__kind=OrganizationKind.EMPLOYER, role__in=(Role.VERIFIER, Role.ADMIN)
    ).values_list("organization_id", flat=True)
    Verification.objects.bulk_create(
        Verification(
            employer_id=organization_id,
            verifier=viewer,
            channel=event.channel[:16],
            verified=bool(event.verified),
            credential_id=event.credential_id[:500],
            issuer=event.issuer[:500],
            achievement=event.achievement[:300],
        )
        for organization_id in set(employers)
    )
