"""The platform's own issuing API (``/api/v1/``): issue for an organization, revoke, suspend, reinstate."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.accounts.models import User
from microcred.accounts.selectors import organization_by_slug
from microcred.errors import ValidationFailed
from microcred.issuing import identity, selectors, services
from microcred.issuing.models import IssuedCredential, ProofFormat
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
