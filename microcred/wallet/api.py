"""The wallet API (``/api/v1/wallet/…``): the caller's credentials, imports, share links, CLR, pathway progress."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.errors import ValidationFailed
from microcred.issuing import bundles
from microcred.issuing.models import IssuedCredential
from microcred.vc.dates import parse_date_time
from microcred.wallet import selectors, services
from microcred.wallet.models import ImportedCredential, ShareLink

router = Router(tags=["wallet"])


def _item(item: selectors.WalletItem) -> dict[str, Any]:
    return {
        "id": item.public_id,
        "source": item.source,
        "name": item.summary.name,
        "issuer": item.summary.issuer_name,
        "status": item.status,
        "format": item.proof_format,
        "competencies": [competency.name for competency in item.summary.competencies],
        "evidence": [{"id": entry.id, "name": entry.name} for entry in item.summary.evidence],
    }


def _import(imported: ImportedCredential) -> dict[str, Any]:
    return {**_item(selectors.imported_item(imported)), "verified": imported.verified, "legacy": imported.legacy,
            "imported_at": imported.imported_at.isoformat(), "report": imported.report}  # fmt: skip


def _link(link: ShareLink) -> dict[str, Any]:
    return {
        "id": str(link.public_id),
        "kind": link.kind,
        "label": link.label,
        "credentials": [f"urn:uuid:{credential.public_id}" for credential in link.credentials.all()],
        "imports": [str(imported.public_id) for imported in link.imported.all()],
        "evidence": link.evidence_ids,
        "expires_at": link.expires_at.isoformat() if link.expires_at else None,  # None: permanent
        "show_name": link.show_name,
        "password": link.has_password,
        "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
        "view_count": link.view_count,
    }


@router.get("wallet/credentials", summary="The caller's credentials, issued here (checked now) and imported")
def credentials(request: HttpRequest) -> list[dict[str, Any]]:
    return [_item(item) for item in selectors.wallet_of(request.auth)]


@router.post("wallet/imports", response={201: dict}, summary="Verify and import a credential issued elsewhere")
def import_credential(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status:
    """One of ``credential`` (an object, a VC-JWT or SVG text), ``png_base64`` (a baked PNG) or ``url``."""
    given = [name for name in ("credential", "png_base64", "url") if payload.get(name) not in (None, "")]
    if len(given) != 1:
        raise ValidationFailed.single("credential", "required", _("Give exactly one of credential, png_base64 or url."))
    name = given[0]
    value = payload[name]
    if name == "url":
        if not isinstance(value, str):
            raise ValidationFailed.single("url", "invalid_type", _("This must be text."))
        imported = services.import_from_url(owner=request.auth, url=value)
    elif name == "png_base64":
        if not isinstance(value, str) or len(value) > services.MAX_IMPORT_BYTES * 4 // 3 + 4:
            raise ValidationFailed.single("png_base64", "too_large", _("The file is too large."))
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed.single("png_base64", "invalid_base64", _("This is not base64.")) from exc
        imported = services.import_credential(owner=request.auth, data=data)
    else:
        data = json.dumps(value) if isinstance(value, dict) else value
        if not isinstance(data, str):
            raise ValidationFailed.single("credential", "invalid_type", _("Give a JSON object or text."))
        imported = services.import_credential(owner=request.auth, data=data)
    return Status(201, _import(imported))


@router.get("wallet/imports/{public_id}", summary="An imported credential and its report")
def imported(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return _import(selectors.held_import(request.auth, public_id))


@router.post("wallet/imports/{public_id}/verify", summary="Verify an imported credential again")
def reverify(request: HttpRequest, public_id: str) -> dict[str, Any]:
    held = selectors.held_import(request.auth, public_id)
    return _import(services.reverify_import(actor=request.auth, imported=held))


@router.delete("wallet/imports/{public_id}", response={204: None}, summary="Remove an imported credential")
def delete_import(request: HttpRequest, public_id: str) -> Status:
    services.delete_import(actor=request.auth, imported=selectors.held_import(request.auth, public_id))
    return Status(204, None)


def _held(request: HttpRequest, ids: Any) -> list[IssuedCredential]:
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids) or len(ids) > 256:
        raise ValidationFailed.single("credentials", "invalid_type", _("This must be a list of credential ids."))
    return [selectors.held_credential(request.auth, item) for item in ids]


def _held_imports(request: HttpRequest, ids: Any) -> list[ImportedCredential]:
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids) or len(ids) > 256:
        raise ValidationFailed.single("imports", "invalid_type", _("This must be a list of credential ids."))
    return [selectors.held_import(request.auth, item) for item in ids]


@router.get("wallet/shares", summary="The caller's share links, with their view counts")
def shares(request: HttpRequest) -> list[dict[str, Any]]:
    return [_link(link) for link in selectors.share_links_of(request.auth)]


@router.post(
    "wallet/shares",
    response={201: dict},
    summary="Create a share link (its URL is returned once); permanent: true and no expires_at for a public page",
)
def create_share(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status:
    for name in ("permanent", "show_name"):
        if not isinstance(payload.get(name, False), bool):
            raise ValidationFailed.single(name, "invalid_type", _("This must be true or false."))
    permanent = payload.get("permanent", False)
    expires = payload.get("expires_at")
    expires_at = parse_date_time(expires) if isinstance(expires, str) else None
    if expires_at is None and not (permanent and expires is None):
        message = _("This must be a date and time such as 2026-01-31T12:00:00Z.")
        raise ValidationFailed.single("expires_at", "invalid_date", message)
    evidence = payload.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(item, str) for item in evidence):
        raise ValidationFailed.single("evidence", "invalid_type", _("This must be a list of evidence ids."))
    for name in ("kind", "password", "label"):
        if not isinstance(payload.get(name, ""), str):
            raise ValidationFailed.single(name, "invalid_type", _("This must be text."))
    link, token = services.create_share_link(
        owner=request.auth,
        kind=payload.get("kind", ""),
        credentials=_held(request, payload.get("credentials", [])),
        imported=_held_imports(request, payload.get("imports", [])),
        evidence_ids=evidence,
        expires_at=expires_at,
        password=payload.get("password", ""),
        label=payload.get("label", ""),
        permanent=permanent,
        show_name=payload.get("show_name", False),
    )
    url = request.build_absolute_uri(reverse("wallet:shared", args=[token]))
    qr = request.build_absolute_uri(reverse("wallet:shared_qr", args=[token]))
    return Status(201, {**_link(link), "url": url, "qr": qr})


@router.post("wallet/shares/{public_id}/revoke", summary="Revoke a share link")
def revoke_share(request: HttpRequest, public_id: str) -> dict[str, Any]:
    link = services.revoke_share_link(actor=request.auth, link=selectors.share_link_of(request.auth, public_id))
    return _link(link)


@router.post("wallet/clr", summary="The caller's record (or the chosen credentials) as a signed CLR 2.0 credential")
def clr(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    chosen = _held(request, payload["credentials"]) if payload.get("credentials") is not None else None
    return services.export_clr(owner=request.auth, credentials=chosen)


@router.get(
    "wallet/credentials/{public_id}/bundle",
    summary="A credential's signed verification bundle (credential, DID document, status lists, as of now)",
)
def bundle(request: HttpRequest, public_id: str) -> dict[str, Any]:
    return bundles.build_bundle(selectors.held_credential(request.auth, public_id))


@router.get("wallet/pathways", summary="Progress towards each pathway of the catalog")
def pathways(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "pathway": standing.pathway.slug,
            "title": standing.pathway.title,
            "complete": standing.progress.complete,
            "held": [credential.slug for credential in standing.progress.earned],
            "missing": [credential.slug for credential in standing.progress.missing],
            "still_needed": standing.progress.still_needed,
            "credits": str(standing.progress.credits),
            "credits_needed": str(standing.progress.credits_needed),
            # the ladder: each credit's source (credential, agreement), what did not count and why, what would fill it
            "ladder": standing.ladder.to_json() if standing.ladder is not None else None,
        }
        for standing in selectors.pathway_progress(request.auth)
    ]
