"""Employers' API (``/api/v1/employers/…``): the dashboard, endorsements, co-design invitations.

Thin handlers: find the objects with selectors, call one service; domain errors become 4xx in ``microcred.api``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.accounts.selectors import organization_by_slug
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.models import MicroCredential
from microcred.employers import selectors, services
from microcred.employers.models import CoDesignInvitation, Endorsement
from microcred.errors import ValidationFailed

router = Router(tags=["employers"])


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed.single(name, "invalid_type", _("This must be text."))
    return value


def _credential(request: HttpRequest, value: Any, field: str = "credential") -> MicroCredential:
    """``{"provider": slug, "slug": slug, "version": n}``: one version of a micro-credential the caller may see."""
    if not isinstance(value, dict):
        raise ValidationFailed.single(field, "invalid_type", _("Name the provider, the slug and the version."))
    provider, slug, version = value.get("provider"), value.get("slug"), value.get("version")
    if not isinstance(provider, str) or not isinstance(slug, str) or type(version) is not int or version < 1:
        raise ValidationFailed.single(field, "invalid", _("Name the provider, the slug and the version."))
    return catalog_selectors.credential_version(request.auth, provider[:120], slug[:120], version)


def _endorsement(endorsement: Endorsement) -> dict[str, Any]:
    return {
        "id": endorsement.endorsement_id,
        "employer": endorsement.employer.slug,
        "target": endorsement.target,
        "subject": endorsement.subject_id,
        "comment": endorsement.comment,
        "created_at": endorsement.created_at.isoformat(),
        "withdrawn_at": endorsement.withdrawn_at.isoformat() if endorsement.withdrawn_at else None,
        "credential": endorsement.document,
    }


def _invitation(invitation: CoDesignInvitation) -> dict[str, Any]:
    credential = invitation.credential
    return {
        "id": invitation.pk,
        "credential": {"provider": credential.provider.slug, "slug": credential.slug, "version": credential.version},
        "employer": invitation.employer.slug,
        "status": invitation.status,
        "message": invitation.message,
        "approved_at": invitation.approved_at.isoformat() if invitation.approved_at else None,
        "comments": [
            {"organization": c.organization.slug, "text": c.text, "created_at": c.created_at.isoformat()}
            for c in invitation.comments.select_related("organization")
        ],
    }


@router.get("employers/{slug}/dashboard", response=dict, summary="An employer's verifications and endorsements")
def dashboard(request: HttpRequest, slug: str) -> dict[str, Any]:
    board = selectors.dashboard(actor=request.auth, employer=selectors.employer_by_slug(slug))
    return {
        "employer": slug,
        "verifications": {
            "total": board.verifications,
            "verified": board.verified,
            "not_verified": board.not_verified,
            "last_30_days": board.last_30_days,
            "credentials": board.credentials,
            "shared": board.shared,
        },
        "recent": [
            {
                "at": v.created_at.isoformat(),
                "verified": v.verified,
                "credential": v.credential_id,
                "issuer": v.issuer,
                "issuer_name": v.issuer_shown.name if v.issuer_shown.registered else None,
                "achievement": v.achievement,
                "channel": v.channel,
            }
            for v in board.recent
        ],
        "endorsements": [_endorsement(e) for e in board.endorsements],
        "invitations": [_invitation(i) for i in board.invitations],
    }


@router.get("employers/{slug}/endorsements", auth=None, response=list[dict], summary="An employer's endorsements")
def endorsements(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    employer = selectors.employer_by_slug(slug)
    return [_endorsement(e) for e in selectors.active_endorsements().filter(employer=employer)]


@router.post("employers/{slug}/endorsements", response={201: dict}, summary="Endorse a micro-credential or a provider")
def endorse(request: HttpRequest, slug: str, payload: Body[dict[str, Any]]) -> Status:
    employer = selectors.employer_by_slug(slug)
    credential = _credential(request, payload["credential"]) if payload.get("credential") is not None else None
    provider = None
    if payload.get("provider") is not None:
        if not isinstance(payload["provider"], str):
            raise ValidationFailed.single("provider", "invalid_type", _("This must be text."))
        provider = organization_by_slug(payload["provider"][:120])
    endorsement = services.endorse(
        actor=request.auth,
        employer=employer,
        credential=credential,
        provider=provider,
        comment=_text(payload, "comment"),
    )
    return Status(201, _endorsement(endorsement))


@router.post("employers/endorsements/{public_id}/withdraw", response=dict, summary="Withdraw an endorsement")
def withdraw(request: HttpRequest, public_id: str) -> dict[str, Any]:
    endorsement = services.withdraw_endorsement(
        actor=request.auth, endorsement=selectors.endorsement_by_public_id(public_id)
    )
    return _endorsement(endorsement)


@router.post("employers/codesign/invitations", response={201: dict}, summary="Invite an employer to co-design")
def invite(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status:
    credential = _credential(request, payload.get("credential"))
    employer = selectors.employer_by_slug(_text(payload, "employer")[:120])
    invitation = services.invite_codesigner(
        actor=request.auth, credential=credential, employer=employer, message=_text(payload, "message")
    )
    return Status(201, _invitation(invitation))


@router.get("employers/codesign/invitations/{invitation_id}", response=dict, summary="A co-design invitation")
def invitation(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    return _invitation(selectors.invitation_by_id(request.auth, invitation_id))


@router.post("employers/codesign/invitations/{invitation_id}/comments", response={201: dict}, summary="Comment")
def comment(request: HttpRequest, invitation_id: int, payload: Body[dict[str, Any]]) -> Status:
    found = selectors.invitation_by_id(request.auth, invitation_id)
    services.comment_on_codesign(actor=request.auth, invitation=found, text=_text(payload, "text"))
    return Status(201, _invitation(found))


@router.post("employers/codesign/invitations/{invitation_id}/approve", response=dict, summary="Approve the design")
def approve(request: HttpRequest, invitation_id: int, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    found = selectors.invitation_by_id(request.auth, invitation_id)
    approved = services.approve_codesign(actor=request.auth, invitation=found, comment=_text(payload, "comment"))
    return _invitation(approved)
