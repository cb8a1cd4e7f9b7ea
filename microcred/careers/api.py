"""The careers API: a learner's gap analysis; practitioners' clients, their gap and their shortlist.

Thin: parse, call selectors or one service. A client another organization advises is "not found".
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.careers import selectors, services
from microcred.careers.models import Client, ShortlistItem
from microcred.errors import NotFound, PermissionDenied, ValidationFailed

router = Router(tags=["careers"])


def _skill(skill: Any, analysis: selectors.Analysis) -> dict[str, Any]:
    return {
        "id": skill.skill,
        "label": skill.label,
        "essential": skill.essential,
        "sources": analysis.sources_of(skill.skill),
    }


def _recommendation(rec: selectors.Recommendation) -> dict[str, Any]:
    credential = rec.credential
    return {
        "id": credential.pk,
        "title": credential.title,
        "provider": credential.provider.slug,
        "slug": credential.slug,
        "version": credential.version,
        "value": rec.ranked.value,
        "valuePerHour": rec.ranked.per_hour,
        "valuePerDollar": rec.ranked.per_dollar,
        "essentialCovered": rec.essential_labels,
        "optionalCovered": rec.optional_labels,
        "workloadHours": float(credential.workload_hours),
        "cost": str(credential.cost),
        "currency": credential.currency,
        "deliveryMode": credential.delivery_mode,
        "region": credential.region,
    }


def analysis_body(analysis: selectors.Analysis) -> dict[str, Any]:
    gap = analysis.gap
    return {
        "target": {"kind": analysis.target.kind, "id": analysis.target.pk, "title": analysis.target.title},
        "coverage": gap.coverage,
        "essentialCoverage": gap.essential_coverage,
        "held": [_skill(s, analysis) for s in gap.held],
        "missingEssential": [_skill(s, analysis) for s in gap.missing_essential],
        "missingOptional": [_skill(s, analysis) for s in gap.missing_optional],
        "unlinked": analysis.target.unlinked,
        "recommendations": [_recommendation(r) for r in analysis.recommendations],
        "plan": {
            "credentials": [r.credential.pk for r in analysis.plan],
            "hours": analysis.plan_hours,
            "cost": analysis.plan_cost,
            "uncoveredEssential": analysis.uncovered,
        },
    }


def _target(occupation: str | None, posting: str | None) -> selectors.Target:
    if occupation:
        return selectors.occupation_target(selectors.occupation_by_id(occupation))
    if posting:
        return selectors.posting_target(selectors.posting_by_id(posting))
    raise ValidationFailed.single("occupation", "required", _("Give an occupation or a job posting."))


@router.get("careers/gap", summary="The signed-in learner's skills gap for an occupation or a job posting")
def learner_gap(
    request: HttpRequest,
    occupation: str | None = None,
    posting: str | None = None,
    region: str = "",
    mode: str = "",
    max_cost: str = "",
) -> dict[str, Any]:
    filters = selectors.parse_filters({"region": region, "mode": mode, "max_cost": max_cost})
    return analysis_body(selectors.learner_analysis(request.auth, _target(occupation, posting), filters))


def _client_body(client: Client) -> dict[str, Any]:
    return {
        "id": client.pk,
        "displayName": client.display_name,
        "notes": client.notes,
        "organization": client.organization.slug,
        "targetOccupation": client.target_occupation_id,
        "targetPosting": client.target_posting_id,
        "heldSkills": list(client.held_skills.values_list("pk", flat=True)),
    }


def _practitioner(request: HttpRequest) -> list[Any]:
    organizations = selectors.advising_organizations(request.auth)
    if not organizations:
        raise PermissionDenied(_("Only career practitioners advise clients."), code="permission_denied")
    return organizations


@router.get("careers/clients", summary="The clients of the organizations the user advises for")
def clients(request: HttpRequest) -> list[dict[str, Any]]:
    _practitioner(request)
    return [_client_body(c) for c in selectors.clients_for(request.auth)]


@router.post("careers/clients", response={201: dict}, summary="Add a client (organization: a slug)")
def create_client(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status:
    organizations = _practitioner(request)
    slug = payload.get("organization")
    organization = organizations[0] if slug is None and len(organizations) == 1 else None
    organization = organization or next((o for o in organizations if o.slug == slug), None)
    if organization is None:
        raise ValidationFailed.single("organization", "invalid_choice", _("Choose an organization."))
    client = services.create_client(
        actor=request.auth,
        organization=organization,
        display_name=payload.get("display_name"),
        notes=payload.get("notes", ""),
    )
    return Status(201, _client_body(client))


@router.get("careers/clients/{client_id}", summary="A client")
def client(request: HttpRequest, client_id: str) -> dict[str, Any]:
    return _client_body(selectors.client_for(request.auth, client_id))


@router.put("careers/clients/{client_id}/target", summary="Aim the client at an occupation or a job posting")
def set_target(request: HttpRequest, client_id: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    found = selectors.client_for(request.auth, client_id)
    occupation, posting = payload.get("occupation"), payload.get("posting")
    services.set_target(
        actor=request.auth,
        client=found,
        occupation=selectors.occupation_by_id(occupation) if occupation is not None else None,
        posting=selectors.posting_by_id(posting) if posting is not None else None,
    )
    return _client_body(found)


@router.get("careers/clients/{client_id}/gap", summary="The client's skills gap and the credentials that close it")
def client_gap(
    request: HttpRequest, client_id: str, region: str = "", mode: str = "", max_cost: str = ""
) -> dict[str, Any]:
    found = selectors.client_for(request.auth, client_id)
    target = selectors.target_of_client(found)
    if target is None:
        raise ValidationFailed.single("target", "required", _("Choose the client's target first."))
    filters = selectors.parse_filters({"region": region, "mode": mode, "max_cost": max_cost})
    return analysis_body(selectors.client_analysis(found, target, filters))


def _item_body(item: ShortlistItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "credential": item.credential_id,
        "title": item.credential.title,
        "note": item.note,
        "position": item.position,
        "addedBy": item.added_by.email if item.added_by else None,
        "createdAt": item.created_at.isoformat(),
    }


@router.get("careers/clients/{client_id}/shortlist", summary="The client's saved shortlist")
def shortlist(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    found = selectors.client_for(request.auth, client_id)
    return [_item_body(item) for item in selectors.shortlist_of(found)]


@router.post("careers/clients/{client_id}/shortlist", response={201: dict}, summary="Add a credential to the shortlist")
def add_to_shortlist(request: HttpRequest, client_id: str, payload: Body[dict[str, Any]]) -> Status:
    found = selectors.client_for(request.auth, client_id)
    try:
        credential = selectors.published_credential_by_id(payload.get("credential"))
    except NotFound as missing:  # a field of the body, not the resource addressed: 400 naming the field
        raise ValidationFailed.single(
            "credential", "not_published", _("Choose a published micro-credential.")
        ) from missing
    item = services.add_to_shortlist(
        actor=request.auth, client=found, credential=credential, note=payload.get("note", "")
    )
    return Status(201, _item_body(item))


@router.delete("careers/clients/{client_id}/shortlist/{item_id}", response={204: None}, summary="Remove an entry")
def remove_from_shortlist(request: HttpRequest, client_id: str, item_id: int) -> Status:
    found = selectors.client_for(request.auth, client_id)
    item = selectors.shortlist_item(found, item_id)
    services.remove_from_shortlist(actor=request.auth, item=item)
    return Status(204, None)
