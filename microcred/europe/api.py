"""The European standard elements in the API: a design's elements, its European details, its ELM 3 export, and ELM
imports as drafts. Thin: parse, call one selector or service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

from microcred.accounts.permissions import require
from microcred.catalog import selectors
from microcred.catalog.models import MicroCredential
from microcred.europe import services
from microcred.europe.elements import details_of, element_states
from microcred.europe.elm import to_elm

router = Router(tags=["europe"])
BASE = "europe/credentials/{provider}/{slug}/versions/{version}"


def _elements(credential: MicroCredential) -> dict[str, Any]:
    details = details_of(credential)
    return {
        "european_profile": details.european_profile,
        "details": {name: getattr(details, name) for name in services.EDITABLE},
        "elements": [
            {
                "key": state.element.key,
                "label": str(state.element.label),
                "mandatory": state.element.mandatory,
                "held_in": state.element.place,
                "fields": str(state.element.fields),
                "stated": state.stated,
                "value": state.value,
            }
            for state in element_states(credential, details)
        ],
        "missing": [error.to_json() for error in services.missing_element_errors(credential)],
    }


@router.get(f"{BASE}/elements", summary="The European standard elements: where each is held, whether it is stated")
def elements(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    found = selectors.credential_version(request.user, provider, slug, version)
    require(request.user, "organization.view", found.provider)
    return _elements(found)


@router.patch(f"{BASE}/details", summary="Change a draft's European details and profile")
def details(
    request: HttpRequest, provider: str, slug: str, version: int, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    found = selectors.credential_version(request.user, provider, slug, version)
    services.set_european_details(actor=request.user, credential=found, changes=payload)
    return _elements(found)


@router.get(f"{BASE}/elm", auth=None, summary="European Learning Model (ELM 3) LearningAchievementSpecification")
def elm(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    return to_elm(selectors.credential_version(request.user, provider, slug, version))


@router.post("europe/providers/{provider}/elm-imports", response={201: dict},
             summary="Import an ELM specification as a draft, with what could not be mapped")
def import_elm(request: HttpRequest, provider: str, payload: Body[Any]) -> Status:
    organization = selectors.provider_by_slug(provider)
    result = services.import_elm(actor=request.user, provider=organization, document=payload)
    made = result.credential
    return Status(201, {
        "provider": organization.slug,
        "slug": made.slug,
        "version": made.version,
        "status": made.status,
        "title": made.title,
        "unmapped": [str(line) for line in result.unmapped],
    })
