"""The stacking API: providers' trust lists and recognition agreements, editing a pathway, a learner's standing on a
pathway (the credit ladder with every credit's source) and a provider's preview of its learners' progress.

Thin: parse, call one selector or service (``catalog.recognition``, ``catalog.pathways``, ``assessment.ladder``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.assessment import ladder
from microcred.catalog import pathways, recognition, selectors
from microcred.catalog.models import MicroCredential, Pathway, PathwayRule, RecognitionAgreement, TrustedIssuer
from microcred.errors import NotFound, ValidationFailed

router = Router(tags=["stacking"])


def _id(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _organization(slug: Any, field: str) -> Organization:
    found = Organization.objects.filter(slug=str(slug)[:100]).first() if isinstance(slug, str) else None
    if found is None:
        raise ValidationFailed.single(field, "unknown", _("No such organization."))
    return found


def _credential(request: HttpRequest, key: Any, field: str) -> MicroCredential:
    """A catalog version named ``provider/slug/version`` (or ``provider/slug``: its latest the caller may see)."""
    if not isinstance(key, str) or key.count("/") not in (1, 2):
        raise ValidationFailed.single(field, "invalid", _("Name a micro-credential as provider/slug/version."))
    parts = key.split("/", 2)
    version = _id(parts[2]) if len(parts) == 3 else None
    if len(parts) == 3 and version is None:
        raise ValidationFailed.single(field, "invalid", _("Name a micro-credential as provider/slug/version."))
    try:
        return selectors.credential_version(request.user, parts[0], parts[1], version)
    except NotFound as exc:
        raise ValidationFailed.single(field, "unknown", _("No such micro-credential.")) from exc


def _trusted(entry: TrustedIssuer) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "issuerDid": entry.issuer_did or None,
        "organization": entry.organization.slug if entry.organization else None,
        "name": entry.name,
    }


def agreement_body(agreement: RecognitionAgreement) -> dict[str, Any]:
    satisfies = agreement.satisfies
    return {
        "id": agreement.pk,
        "version": agreement.version,
        "previous": agreement.previous_id,
        "status": agreement.status,
        "recognising": agreement.recognising.slug,
        "recognised": agreement.recognised.slug,
        "achievement": agreement.achievement,
        "achievementName": agreement.achievement_name,
        "satisfies": f"{satisfies.provider.slug}/{satisfies.slug}/{satisfies.version}",
        "credits": str(agreement.credits) if agreement.credits is not None else None,
        "proposedBy": agreement.proposed_by.slug,
        "recognisingApproved": agreement.recognising_approved_at is not None,
        "recognisedApproved": agreement.recognised_approved_at is not None,
    }


# ---------------------------------------------------------------- trust list


@router.get("catalog/providers/{provider}/trust")
def trust_list(request: HttpRequest, provider: str) -> list[dict[str, Any]]:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "catalog.trust", organization)
    return [_trusted(e) for e in organization.trusted_issuers.select_related("organization")]


@router.post("catalog/providers/{provider}/trust", response={201: dict})
def trust(request: HttpRequest, provider: str, payload: Body[dict[str, Any]]) -> Status:
    organization = selectors.provider_by_slug(provider)
    trusted_org = payload.get("organization")
    entry = recognition.add_trusted_issuer(
        actor=request.user,
        provider=organization,
        issuer_did=payload.get("issuer_did") or "",
        organization=_organization(trusted_org, "organization") if trusted_org else None,
        name=payload.get("name") or "",
    )
    return Status(201, _trusted(entry))


@router.delete("catalog/providers/{provider}/trust/{entry_id}", response={204: None})
def distrust(request: HttpRequest, provider: str, entry_id: str) -> Status:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "catalog.trust", organization)
    key = _id(entry_id)
    entry = organization.trusted_issuers.filter(pk=key).first() if key else None
    if entry is None:
        raise NotFound(_("No such issuer on the trust list."), code="trusted_issuer_not_found")
    recognition.remove_trusted_issuer(actor=request.user, entry=entry)
    return Status(204, None)


# ---------------------------------------------------------------- recognition agreements


def _agreements_of(organization: Organization) -> Any:
    return RecognitionAgreement.objects.filter(recognising=organization) | RecognitionAgreement.objects.filter(
        recognised=organization
    )


@router.get("catalog/providers/{provider}/agreements")
def agreements(request: HttpRequest, provider: str) -> list[dict[str, Any]]:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "catalog.trust", organization)
    found = _agreements_of(organization).select_related(
        "recognising", "recognised", "proposed_by", "satisfies__provider"
    )
    return [agreement_body(a) for a in found.order_by("-created_at", "-pk")]


@router.post("catalog/providers/{provider}/agreements", response={201: dict})
def propose(request: HttpRequest, provider: str, payload: Body[dict[str, Any]]) -> Status:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "catalog.trust", organization)
    previous = None
    if payload.get("previous") is not None:
        key = _id(payload["previous"])
        previous = _agreements_of(organization).filter(pk=key).first() if key else None
        if previous is None:
            raise ValidationFailed.single("previous", "unknown", _("No such agreement."))
    made = recognition.propose_agreement(
        actor=request.user,
        proposer=organization,
        recognising=_organization(payload.get("recognising"), "recognising"),
        recognised=_organization(payload.get("recognised"), "recognised"),
        achievement=payload.get("achievement", ""),
        achievement_name=payload.get("achievement_name", ""),
        satisfies=_credential(request, payload.get("satisfies"), "satisfies"),
        credits=payload.get("credits"),
        previous=previous,
    )
    return Status(201, agreement_body(made))


def _agreement(organization: Organization, agreement_id: str) -> RecognitionAgreement:
    key = _id(agreement_id)
    found = _agreements_of(organization).filter(pk=key).first() if key else None
    if found is None:
        raise NotFound(_("No such agreement."), code="agreement_not_found")
    return found


@router.post("catalog/providers/{provider}/agreements/{agreement_id}/{action}")
def decide(request: HttpRequest, provider: str, agreement_id: str, action: str) -> dict[str, Any]:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "catalog.trust", organization)
    agreement = _agreement(organization, agreement_id)
    if action == "approve":
        done = recognition.approve_agreement(actor=request.user, agreement=agreement, organization=organization)
    elif action in ("reject", "withdraw"):
        done = recognition.close_agreement(
            actor=request.user, agreement=agreement, organization=organization, reject=action == "reject"
        )
    else:
        raise NotFound(_("No such action."), code="not_found")
    return agreement_body(done)


# ---------------------------------------------------------------- pathways


def _pathway(slug: str) -> Pathway:
    return selectors.pathway_by_slug(slug)


@router.put("catalog/providers/{provider}/pathways/{slug}")
def edit_pathway(request: HttpRequest, provider: str, slug: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    found = _pathway(slug)
    if found.provider.slug != provider:
        raise NotFound(_("No such pathway."), code="pathway_not_found")
    require(request.user, "catalog.edit", found.provider)
    listed = payload.get("members") or []
    if not isinstance(listed, list):
        raise ValidationFailed.single("members", "invalid", _("Name a micro-credential as provider/slug/version."))
    members = [_credential(request, key, "members") for key in listed[:100]]
    resulting = payload.get("resulting_credential")
    saved = pathways.save_pathway(
        actor=request.user,
        provider=found.provider,
        pathway=found,
        title=payload.get("title", found.title),
        kind=payload.get("kind", found.kind),
        members=members,
        rule=payload.get("rule", PathwayRule.ALL),
        required_count=payload.get("required_count"),
        min_credits=payload.get("min_credits"),
        transfer_notes=payload.get("transfer_notes", ""),
        description=payload.get("description", ""),
        external_components=payload.get("external_components"),
        resulting_credential=_credential(request, resulting, "resulting_credential") if resulting else None,
    )
    return pathway_body(saved)


def pathway_body(found: Pathway) -> dict[str, Any]:
    resulting = found.resulting_credential
    return {
        "slug": found.slug,
        "title": found.title,
        "kind": found.kind,
        "provider": found.provider.slug,
        "rule": found.rule,
        "requiredCount": found.required_count,
        "minCredits": str(found.min_credits) if found.min_credits is not None else None,
        "members": [f"{m.provider.slug}/{m.slug}/{m.version}" for m in found.members.select_related("provider")],
        "externalComponents": found.external_components,
        "resultingCredential": (
            f"{resulting.provider.slug}/{resulting.slug}/{resulting.version}" if resulting is not None else None
        ),
    }


@router.get("catalog/pathways/{slug}/standing", summary="The caller's credit ladder on a pathway")
def standing(request: HttpRequest, slug: str) -> dict[str, Any]:
    return ladder.standing(_pathway(slug), request.auth).to_json()


@router.get("catalog/pathways/{pathway}/preview", summary="How many learners hold 0, 1, … N of the components")
def preview(request: HttpRequest, pathway: str) -> dict[str, Any]:
    found = _pathway(pathway)
    require(request.user, "catalog.edit", found.provider)
    counts = ladder.progress_preview(found)
    return {"pathway": found.slug, "learnersByComponentsHeld": {str(k): v for k, v in counts.items()}}
