"""The catalog's API: public search, records, comparison, standard exports; designs, review, publication.

Thin: parse, call one selector or service. Reads of published records need no login.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.accounts.permissions import require
from microcred.catalog import bilingual, extensions, formats, selectors, services, suggestions, transfer
from microcred.catalog.models import MicroCredential, PathwayRule
from microcred.catalog.selectors import SearchResult
from microcred.errors import FieldError, NotFound, ValidationFailed

router = Router(tags=["catalog"])


def _summary(credential: MicroCredential) -> dict[str, Any]:
    return {
        "provider": credential.provider.slug,
        "providerName": credential.provider.name,
        "slug": credential.slug,
        "version": credential.version,
        "status": credential.status,
        "title": credential.title,
        "summary": credential.summary,
        "deliveryMode": credential.delivery_mode,
        "pace": credential.pace,
        "region": credential.region,
        "language": credential.language,
        "workloadHours": str(credential.workload_hours),
        "cost": str(credential.cost),
        "currency": credential.currency,
        "url": reverse("catalog:credential", args=[credential.provider.slug, credential.slug]),
    }


def _detail(credential: MicroCredential) -> dict[str, Any]:
    body = transfer.record_of(credential)
    body.update(
        skills_demand=credential.skills_demand,
        translations=bilingual.translations_of(credential),
        pathways=[{"slug": p.slug, "title": p.title} for p in credential.pathways.all()],
        links={
            "page": formats.page_url(credential),
            "achievement": formats.achievement_url(credential),
            "ctdl": formats.ctdl_url(credential),
        },
    )
    return body


def search_body(found: SearchResult) -> dict[str, Any]:
    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "permalink": f"{reverse('catalog:search')}?{found.query.permalink()}",
        "results": [_summary(c) for c in found.results],
        "facets": {
            facet.name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in facet.values
            ]
            for facet in found.facets
        },
    }


@router.get("catalog/credentials", auth=None, summary="Search the published catalog, with facet counts")
def search(request: HttpRequest) -> dict[str, Any]:
    return search_body(selectors.search_catalog(selectors.parse_query(request.GET)))


@router.get("catalog/credentials/{provider}/{slug}", auth=None, summary="A micro-credential (its published version)")
def credential(request: HttpRequest, provider: str, slug: str) -> dict[str, Any]:
    return _detail(selectors.credential_version(request.user, provider, slug))


@router.get("catalog/credentials/{provider}/{slug}/versions/{version}", auth=None)
def credential_version(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    return _detail(selectors.credential_version(request.user, provider, slug, version))


def _public_version(request: HttpRequest, provider: str, slug: str, version: int) -> MicroCredential:
    found = selectors.credential_version(request.user, provider, slug, version)
    if not found.is_public:
        raise NotFound(_("Only published versions have a standard description."))
    return found


@router.get(
    "catalog/credentials/{provider}/{slug}/versions/{version}/achievement",
    auth=None,
    summary="Open Badges 3.0 Achievement (JSON-LD)",
)
def achievement(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    found = _public_version(request, provider, slug, version)
    return extensions.extend_achievement(found, formats.to_achievement(found))


@router.get(
    "catalog/credentials/{provider}/{slug}/versions/{version}/ctdl",
    auth=None,
    summary="Credential Engine CTDL (JSON-LD)",
)
def ctdl(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    return formats.to_ctdl(_public_version(request, provider, slug, version))


@router.get("catalog/compare", auth=None, summary="Side-by-side comparison of up to four micro-credentials")
def compare(request: HttpRequest) -> dict[str, Any]:
    keys = selectors.parse_compare_keys(request.GET.getlist("ids"))
    credentials = selectors.compare(request.user, keys)
    return {
        "credentials": [_summary(c) for c in credentials],
        "rows": [
            {"field": r.field, "label": r.label, "values": r.values} for r in selectors.comparison_rows(credentials)
        ],
    }


@router.get("catalog/pathways", auth=None)
def pathways(request: HttpRequest) -> list[dict[str, Any]]:
    return [_pathway(p) for p in selectors.pathways()]


@router.get("catalog/pathways/{slug}", auth=None)
def pathway(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _pathway(selectors.pathway_by_slug(slug))


def _pathway(p: Any) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "title": p.title,
        "kind": p.kind,
        "provider": p.provider.slug,
        "rule": p.rule,
        "requiredCount": p.required_count,
        "minCredits": str(p.min_credits) if p.min_credits is not None else None,
        "transferNotes": p.transfer_notes,
        "description": p.description,
        "members": [_summary(m) for m in p.members.select_related("provider")],
    }


@router.get("catalog/export", auth=None, summary="The published catalog as JSON or CSV")
def export(request: HttpRequest, format: str = "json") -> HttpResponse:
    published = selectors.published().select_related("provider").prefetch_related("outcomes").order_by("pk")
    return _export(published, format, "catalog")


def _export(credentials: Any, format: str, name: str) -> HttpResponse:
    if format == "csv":
        response = HttpResponse(transfer.export_csv(credentials), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if format != "json":
        raise ValidationFailed.single("format", "invalid_choice", _("Choose json or csv."))
    return HttpResponse(transfer.export_json(credentials), content_type="application/json")


# --- designs, review, publication (provider staff) ------------------------------------------------


def _version(request: HttpRequest, provider: str, slug: str, version: int) -> MicroCredential:
    return selectors.credential_version(request.user, provider, slug, version)


@router.post("catalog/providers/{provider}/credentials", response={201: dict}, summary="Create a draft")
def create(request: HttpRequest, provider: str, payload: Body[dict[str, Any]]) -> Status:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "catalog.edit", organization)
    fields = dict(payload)
    missing = [name for name in ("title", "delivery_mode", "workload_hours") if name not in fields]
    if missing:
        raise ValidationFailed([FieldError(name, "required", _("This field is required.")) for name in missing])
    made = services.create_draft(actor=request.user, provider=organization, **fields)
    return Status(201, _detail(made))


@router.patch("catalog/credentials/{provider}/{slug}/versions/{version}", summary="Edit a draft")
def update(
    request: HttpRequest, provider: str, slug: str, version: int, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    found = _version(request, provider, slug, version)
    return _detail(services.update_draft(actor=request.user, credential=found, changes=payload))


@router.post(
    "catalog/credentials/{provider}/{slug}/versions",
    response={201: dict},
    summary="Start a new draft version from the published one",
)
def new_version(request: HttpRequest, provider: str, slug: str) -> Status:
    found = selectors.credential_version(request.user, provider, slug)
    return Status(201, _detail(services.start_new_version(actor=request.user, credential=found)))


@router.post("catalog/credentials/{provider}/{slug}/versions/{version}/submit")
def submit(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    found = _version(request, provider, slug, version)
    return _detail(services.submit_for_review(actor=request.user, credential=found))


@router.post("catalog/credentials/{provider}/{slug}/versions/{version}/review")
def review(
    request: HttpRequest, provider: str, slug: str, version: int, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    found = _version(request, provider, slug, version)
    result = services.review(
        actor=request.user,
        credential=found,
        decision=payload.get("decision"),  # type: ignore[arg-type]
        comment=payload.get("comment", ""),
        checklist=payload.get("checklist") or {},
    )
    return {
        "decision": result.decision,
        "comment": result.comment,
        "checklist": result.checklist,
        "status": result.credential.status,
    }


@router.post("catalog/credentials/{provider}/{slug}/versions/{version}/publish")
def publish(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    return _detail(services.publish(actor=request.user, credential=_version(request, provider, slug, version)))


@router.post("catalog/credentials/{provider}/{slug}/versions/{version}/retire")
def retire(
    request: HttpRequest, provider: str, slug: str, version: int, payload: Body[dict[str, Any] | None] = None
) -> dict[str, Any]:
    found = _version(request, provider, slug, version)
    reason = (payload or {}).get("reason", "")
    return _detail(services.retire(actor=request.user, credential=found, reason=str(reason)))


@router.put("catalog/providers/{provider}/checklist", summary="Replace the provider's review checklist")
def checklist(request: HttpRequest, provider: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    items = services.configure_checklist(
        actor=request.user,
        provider=selectors.provider_by_slug(provider),
        items=payload.get("items"),  # type: ignore[arg-type]
    )
    return {"items": [{"id": i.pk, "text": i.text} for i in items]}


@router.post(
    "catalog/providers/{provider}/import/badge",
    response={201: dict},
    summary="A draft from an OB 3.0 Achievement or OB 2.0 BadgeClass",
)
def import_badge(request: HttpRequest, provider: str, payload: Body[dict[str, Any]]) -> Status:
    made, notes = services.import_badge(
        actor=request.user, provider=selectors.provider_by_slug(provider), document=payload
    )
    return Status(201, {"credential": _detail(made), "notes": notes})


@router.post("catalog/providers/{provider}/import", response={201: dict}, summary="Bulk import drafts (JSON)")
def bulk_import(request: HttpRequest, provider: str, payload: Body[Any]) -> Status:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "catalog.edit", organization)  # before the file is read: a stranger learns nothing of it
    rows = transfer.rows_from_json(request.body)
    made = services.bulk_import(actor=request.user, provider=organization, rows=rows)
    return Status(201, {"created": [_summary(c) for c in made]})


@router.get("catalog/providers/{provider}/export", summary="Every version of the provider's designs")
def provider_export(request: HttpRequest, provider: str, format: str = "json") -> HttpResponse:
    organization = selectors.provider_by_slug(provider)
    require(request.user, "organization.view", organization)
    rows = MicroCredential.objects.filter(provider=organization).select_related("provider").order_by("slug", "version")
    return _export(rows.prefetch_related("outcomes"), format, organization.slug)


@router.post("catalog/providers/{provider}/pathways", response={201: dict})
def create_pathway(request: HttpRequest, provider: str, payload: Body[dict[str, Any]]) -> Status:
    organization = selectors.provider_by_slug(provider)
    members = [
        selectors.credential_version(request.user, *str(key).split("/", 1))
        for key in (payload.get("members") or [])[:100]
        if isinstance(key, str) and "/" in key
    ]
    made = services.create_pathway(
        actor=request.user,
        provider=organization,
        title=payload.get("title", ""),
        kind=payload.get("kind", ""),
        members=members,
        rule=payload.get("rule", PathwayRule.ALL),
        required_count=payload.get("required_count"),
        min_credits=payload.get("min_credits"),
        transfer_notes=payload.get("transfer_notes", ""),
        description=payload.get("description", ""),
    )
    return Status(201, _pathway(made))


# --- ESCO skills suggested for learning outcomes (provider staff) --------------------------------


def _suggestions_body(credential: MicroCredential, per_outcome: int) -> dict[str, Any]:
    found = suggestions.suggest(credential, per_outcome=per_outcome)
    return {
        "framework": {"slug": found.framework.slug, "version": found.framework.version, "title": found.framework.title}
        if found.framework
        else None,
        "engine": found.engine or None,
        "editable": credential.is_editable,
        "outcomes": [
            {
                "position": outcome.position,
                "text": outcome.text,
                "suggestions": [
                    {"competency": s.competency_id, "uri": s.uri, "label": s.label, "score": s.score}
                    for s in outcome.suggestions
                ],
            }
            for outcome in found.outcomes
        ],
    }


@router.get(
    "catalog/credentials/{provider}/{slug}/versions/{version}/skill-suggestions",
    summary="ESCO skills suggested for each learning outcome (already aligned and rejected ones left out)",
)
def skill_suggestions(request: HttpRequest, provider: str, slug: str, version: int, limit: int = 5) -> dict[str, Any]:
    found = _version(request, provider, slug, version)
    require(request.user, "catalog.edit", found)
    return _suggestions_body(found, max(1, min(limit, suggestions.MAX_PER_OUTCOME)))


@router.post(
    "catalog/credentials/{provider}/{slug}/versions/{version}/skill-suggestions/accept",
    response={201: dict},
    summary="Align a learning outcome to a suggested ESCO skill: {outcome: position, competency: id or URI}",
)
def accept_skill_suggestion(
    request: HttpRequest, provider: str, slug: str, version: int, payload: Body[dict[str, Any]]
) -> Status:
    found = _version(request, provider, slug, version)
    made = suggestions.accept(
        actor=request.user, credential=found, outcome=payload.get("outcome"), competency=payload.get("competency")
    )
    return Status(
        201,
        {
            "outcome": made.outcome_position,
            "competency": made.competency_id,
            "label": made.label,
            "targetUrl": made.target_url,
            "targetFramework": made.target_framework,
        },
    )


@router.post(
    "catalog/credentials/{provider}/{slug}/versions/{version}/skill-suggestions/reject",
    response={201: dict},
    summary="Reject a suggested ESCO skill for a learning outcome; it is not suggested for it again",
)
def reject_skill_suggestion(
    request: HttpRequest, provider: str, slug: str, version: int, payload: Body[dict[str, Any]]
) -> Status:
    found = _version(request, provider, slug, version)
    made = suggestions.reject(
        actor=request.user, credential=found, outcome=payload.get("outcome"), competency=payload.get("competency")
    )
    return Status(201, {"outcome": made.outcome_position, "competency": made.competency_id, "rejected": True})
