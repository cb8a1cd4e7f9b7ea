"""The platform's own issuing API (``/api/v1/``): issue for an organization, revoke, suspend, reinstate; keys."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.accounts.models import Organization, User
from microcred.accounts.selectors import organization_by_slug
from microcred.errors import ValidationFailed
from microcred.issuing import identity, selectors, services
from microcred.issuing.models import IssuedCredential, IssuerKey, ProofFormat
from microcred.vc.dates import parse_date_time

router = Router(tags=["issuing"])


def _detail(credential: IssuedCredential) -> dict[str, Any]:
    return {
        "id": credential.credential_id,
        "url": f"{identity.public_base_url()}/credentials/{credential.public_id}",
        "organization": credential.organization.slug,
        "achievement": credential.achievement_id,
        "recipient": credential.recipient_identifier,
        "proof_format": credential.proof_format,
        "issued_at": credential.issued_at.isoformat(),
        "revoked_at": credential.revoked_at.isoformat() if credential.revoked_at else None,
        "suspended_at": credential.suspended_at.isoformat() if credential.suspended_at else None,
        "credential": credential.jwt if credential.proof_format == ProofFormat.VC_JWT else credential.document,
    }


def _string(payload: dict[str, Any], name: str, default: str = "") -> str:
    value = payload.get(name, default)
    if not isinstance(value, str):
        raise ValidationFailed.single(name, "invalid_type", _("This must be text."))
    return value


@router.post("organizations/{slug}/credentials", response={201: dict}, summary="Issue an Open Badges 3.0 credential")
def issue(request: HttpRequest, slug: str, payload: Body[dict[str, Any]]) -> Status:
    organization = organization_by_slug(slug)
    identifier = _string(payload, "recipient_identifier")
    valid_until = None
    if payload.get("valid_until") is not None:
        valid_until = parse_date_time(payload["valid_until"]) if isinstance(payload["valid_until"], str) else None
        if valid_until is None:
            raise ValidationFailed.single(
                "valid_until", "invalid_date", _("This must be a date and time such as 2026-01-31T12:00:00Z.")
            )
    recipient = User.objects.filter(email=identifier.strip().lower()).first() if "@" in identifier else None
    credential = services.issue_credential(
        actor=request.auth,
        organization=organization,
        achievement=payload.get("achievement"),  # type: ignore[arg-type]
        recipient=recipient,
        recipient_identifier=identifier,
        results=payload.get("results", []),
        evidence=payload.get("evidence", []),
        proof_format=_string(payload, "proof_format", ProofFormat.DATA_INTEGRITY_RDFC),
        valid_until=valid_until,
    )
    return Status(201, _detail(credential))


@router.post("credentials/{public_id}/revoke", response=dict, summary="Revoke an issued credential")
def revoke(request: HttpRequest, public_id: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    credential = selectors.credential_by_public_id(public_id)
    reason = _string(payload, "reason")
    return _detail(services.revoke_credential(actor=request.auth, credential=credential, reason=reason))


@router.post("credentials/{public_id}/suspend", response=dict, summary="Suspend an issued credential")
def suspend(request: HttpRequest, public_id: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    credential = selectors.credential_by_public_id(public_id)
    reason = _string(payload, "reason")
    return _detail(services.set_suspension(actor=request.auth, credential=credential, suspended=True, reason=reason))


@router.post("credentials/{public_id}/unsuspend", response=dict, summary="Reinstate a suspended credential")
def unsuspend(request: HttpRequest, public_id: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    credential = selectors.credential_by_public_id(public_id)
    reason = _string(payload, "reason")
    return _detail(services.set_suspension(actor=request.auth, credential=credential, suspended=False, reason=reason))


def _key(organization: Organization, key: IssuerKey) -> dict[str, Any]:
    """The public parts of a signing key: never its private half, not even encrypted."""
    state = "withdrawn" if key.withdrawn_at else "retired" if key.retired_at else "active"
    return {
        "public_key_multibase": key.public_key_multibase,
        "verification_method": identity.verification_method_id(organization, key),
        "state": state,
        "created_at": key.created_at.isoformat(),
        "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        "withdrawn_at": key.withdrawn_at.isoformat() if key.withdrawn_at else None,
    }


@router.get("organizations/{slug}/keys", response=list[dict], summary="The organization's signing keys (public parts)")
def keys(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    organization = organization_by_slug(slug)
    return [_key(organization, key) for key in selectors.keys_of(actor=request.auth, organization=organization)]


@router.post("organizations/{slug}/keys/rotate", response={201: dict}, summary="Sign with a new key from now on")
def rotate_key(request: HttpRequest, slug: str) -> Status:
    organization = organization_by_slug(slug)
    return Status(201, _key(organization, services.rotate_issuer_key(actor=request.auth, organization=organization)))


@router.post(
    "organizations/{slug}/keys/{public_key_multibase}/withdraw",
    response=dict,
    summary="Withdraw a retired key from the DID document: what it signed stops verifying",
)
def withdraw_key(request: HttpRequest, slug: str, public_key_multibase: str) -> dict[str, Any]:
    organization = organization_by_slug(slug)
    key = selectors.key_by_multibase(organization, public_key_multibase)
    services.withdraw_issuer_key(actor=request.auth, key=key)
    key.refresh_from_db()
    return _key(organization, key)
