"""Employers ask candidates' wallets for credentials: presentation requests, the exchanges that carry them (VC-API
QueryByExample + DID authentication, or OpenID4VP 1.0: see ``oid4vp.py``), and what the wallets presented with the
verification report of each credential (challenge/domain or nonce, holder bound to the subject, signature, status,
issuer registered here or not, whether it is what was asked for).

Writes take keyword-only arguments, run in one transaction, append one audit entry and check
``employers.request_presentations`` on the employer."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.delivery.exchanges import ExchangeError, new_exchange
from microcred.delivery.models import Exchange, ExchangeKind, PresentationRequest, PresentationResponse
from microcred.errors import NotFound, ValidationFailed
from microcred.issuing import verification
from microcred.vc import did
from microcred.vc import presentation as vp
from microcred.vc.errors import VCError

PERMISSION = "employers.request_presentations"


def _clean_uri(field: str, value: Any) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if value and (len(value) > 2000 or ":" not in value or any(ch.isspace() for ch in value)):
        raise ValidationFailed.single(field, "invalid", _("Enter a URL or a DID, or leave it empty."))
    return value


def create_request(
    *, actor: Any, organization: Organization, purpose: str, achievement_id: str = "", issuer_id: str = ""
) -> PresentationRequest:
    """A new request for Open Badges credentials (of one achievement or issuer when they are given)."""
    require(actor, PERMISSION, organization)
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 200:
        raise ValidationFailed.single("purpose", "invalid", _("Say in 1 to 200 characters why you ask."))
    achievement_id = _clean_uri("achievement_id", achievement_id)
    issuer_id = _clean_uri("issuer_id", issuer_id)
    with transaction.atomic():
        request = PresentationRequest.objects.create(
            organization=organization,
            created_by=actor,
            purpose=purpose,
            achievement_id=achievement_id,
            issuer_id=issuer_id,
        )
        record(
            actor=actor,
            action="delivery.presentation_request",
            target=request,
            organization=organization,
            after={"purpose": purpose, "achievement_id": achievement_id, "issuer_id": issuer_id},
        )
    return request


def requests_of(*, actor: Any, organization: Organization) -> QuerySet[PresentationRequest]:
    require(actor, PERMISSION, organization)
    return PresentationRequest.objects.filter(organization=organization).order_by("-created_at")


def request_of(*, actor: Any, organization: Organization, public_id: Any) -> PresentationRequest:
    require(actor, PERMISSION, organization)
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    found = PresentationRequest.objects.filter(organization=organization, public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such presentation request."), code="presentation_request_not_found")
    return found


def responses_of(request: PresentationRequest) -> QuerySet[PresentationResponse]:
    return PresentationResponse.objects.filter(request=request).order_by("-received_at")


def start_exchange(*, actor: Any, request: PresentationRequest, kind: str) -> Exchange:
    """A new single-use exchange of ``request`` to show one candidate (VC-API or OpenID4VP)."""
    require(actor, PERMISSION, request.organization)
    if kind not in (ExchangeKind.PRESENTATION, ExchangeKind.OID4VP):
        raise ValidationFailed.single("kind", "invalid_choice", _("Choose VC-API or OpenID4VP."))
    with transaction.atomic():
        exchange = new_exchange(kind=kind, request=request)
        record(
            actor=actor,
            action="delivery.presentation_exchange",
            target=exchange,
            organization=request.organization,
            after={"request": str(request.public_id), "kind": kind, "expires_at": exchange.expires_at.isoformat()},
        )
    return exchange


def shown_exchange(*, request: PresentationRequest, public_id: Any) -> Exchange | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    exchange = Exchange.objects.filter(request=request, public_id=key).first()
    if exchange is None or exchange.expires_at <= timezone.now():
        return None
    return exchange


# ---------------------------------------------------------------- what the wallet presented


def issuer_registered(issuer_id: str | None) -> bool:
    """True when the issuer is an organization of this platform (its did:web document is published here)."""
    if not isinstance(issuer_id, str) or not issuer_id.startswith("did:web:"):
        return False
    try:
        return verification.own_document(did.did_web_url(issuer_id)) is not None
    except VCError:
        return False


def _issuer_of(credential: dict[str, Any]) -> tuple[str | None, str | None]:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        name = issuer.get("name")
        return issuer.get("id"), name if isinstance(name, str) else None
    return (issuer, None) if isinstance(issuer, str) else (None, None)


def _achievement_of(credential: dict[str, Any]) -> tuple[str | None, str | None]:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict):
        return None, None
    name = achievement.get("name")
    return achievement.get("id"), name if isinstance(name, str) else None


def _summary(request: PresentationRequest, item: vp.PresentedCredential) -> dict[str, Any]:
    credential = item.report.credential or {}
    issuer_id, issuer_name = _issuer_of(credential)
    achievement_id, achievement_name = _achievement_of(credential)
    types = credential.get("type") if isinstance(credential.get("type"), list) else [credential.get("type")]
    matches = "OpenBadgeCredential" in types or "AchievementCredential" in types
    matches = matches and (not request.achievement_id or achievement_id == request.achievement_id)
    matches = matches and (not request.issuer_id or issuer_id == request.issuer_id)
    status = item.report.check("status")
    proof = item.report.check("proof")
    issuer_key = item.report.check("issuer_key")
    return {
        "index": item.index,
        "valid": item.report.valid,
        "holder_bound": item.holder_bound,
        "matches_request": bool(matches),
        "issuer_id": issuer_id,
        "issuer_name": issuer_name,
        "issuer_registered": issuer_registered(issuer_id),
        "achievement_id": achievement_id,
        "achievement_name": achievement_name,
        "status": status.outcome if status is not None else "skip",
        "signature": "pass"
        if proof and proof.outcome == "pass" and issuer_key and issuer_key.outcome == "pass"
        else "fail",
        "first_failure": (item.report.first_failure.reason or item.report.first_failure.code)
        if item.report.first_failure
        else None,
        "checks": [check.to_json() for check in item.report.checks],
    }


def record_response(*, exchange: Exchange, protocol: str, presented: Any, report: vp.PresentationReport) -> None:
    """Record what a wallet presented to an employer's exchange (verified already: ``report.valid``), and use the
    exchange up. A presentation without credentials is refused (nothing recorded)."""
    if not report.credentials:
        raise ExchangeError("credentials_missing", "The presentation holds no credential.")
    request = exchange.request
    if request is None:
        raise ExchangeError("exchange_not_found", "There is no such exchange.", 404)
    summaries = [_summary(request, item) for item in report.credentials]
    all_valid = all(item["valid"] and item["holder_bound"] and item["matches_request"] for item in summaries)
    stored = {
        "presentation": [check.to_json() for check in report.checks],
        "credentials": summaries,
        "held": vp.held_count(presented),
    }
    now = timezone.now()
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if locked.used_at is not None:
            raise ExchangeError("exchange_used", "This exchange has been completed already.", 410)
        if locked.expires_at <= now:
            raise ExchangeError("exchange_expired", "This exchange has expired.", 410)
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        response = PresentationResponse.objects.create(
            request=request,
            exchange=locked,
            protocol=protocol,
            holder_id=report.holder or "",
            all_valid=all_valid,
            report=stored,
        )
        record(
            actor=None,
            action="delivery.presentation_received",
            target=response,
            organization=request.organization,
            after={"holder": report.holder, "protocol": protocol, "credentials": len(summaries), "valid": all_valid},
        )
