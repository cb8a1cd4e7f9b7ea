"""The frameworks API: browse and search published frameworks, export them; author, import, crosswalk.

Thin: parse, call one selector or service. Reads of published versions need no login.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Body, Field, File, Form, Router, Schema, Status, UploadedFile

from microcred.accounts.selectors import organization_by_slug
from microcred.errors import NotFound, ValidationFailed
from microcred.frameworks import case, imports, selectors, services, tabular
from microcred.frameworks import document as doc
from microcred.frameworks.models import Competency, CrosswalkLink, Framework, FrameworkImport
from microcred.frameworks.similarity import available_methods, index_for

router = Router(tags=["frameworks"])


def framework_body(framework: Framework) -> dict[str, Any]:
    return {
        "slug": framework.slug,
        "version": framework.version,
        "identifier": framework.identifier,
        "uri": framework.uri,
        "title": framework.title,
        "description": framework.description,
        "publisher": framework.publisher,
        "organization": framework.organization.slug if framework.organization else None,
        "language": framework.language,
        "translations": framework.translations,
        "licence": framework.licence,
        "sourceUri": framework.source_uri,
        "status": framework.status,
        "page": reverse("frameworks:framework_version", args=[framework.slug, framework.version]),
    }


def competency_body(item: Competency, *, has_children: bool | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.pk,
        "identifier": item.identifier,
        "uri": item.uri,
        "code": item.code,
        "shortName": item.short_name,
        "statement": item.statement,
        "type": item.competency_type,
        "level": item.level,
        "sortOrder": item.sort_order,
        "depth": item.depth,
        "alternativeLabels": item.alternative_labels,
        "parent": item.parent.identifier if item.parent_id and item.parent else None,
    }
    if has_children is not None:
        body["hasChildren"] = has_children
    return body


def _framework(request: HttpRequest, slug: str, version: str) -> Framework:
    return selectors.framework_version(request.user, slug, version)


def _item(framework: Framework, identifier: str) -> Competency:
    return selectors.competency(framework, identifier)


@router.get("frameworks", auth=None, summary="Frameworks this user may see (the newest version of each)")
def list_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    return [framework_body(f) for f in selectors.visible_frameworks(request.user).order_by("title")]


@router.get("frameworks/{slug}", auth=None, summary="A framework: its published version, with the list of versions")
def framework(request: HttpRequest, slug: str) -> dict[str, Any]:
    found = selectors.framework_version(request.user, slug)
    body = framework_body(found)
    body["versions"] = [
        {"version": f.version, "status": f.status}
        for f in selectors.versions_of(found)
        if selectors.may_see(request.user, f)
    ]
    return body


@router.get("frameworks/{slug}/versions/{version}", auth=None, summary="One version, with its scales")
def framework_version(request: HttpRequest, slug: str, version: str) -> dict[str, Any]:
    found = _framework(request, slug, version)
    body = framework_body(found)
    body["scales"] = [
        {
            "id": scale.pk,
            "name": scale.name,
            "isDefault": scale.is_default,
            "levels": [
                {"rank": lv.rank, "label": lv.label, "description": lv.description} for lv in scale.levels.all()
            ],
        }
        for scale in found.scales.prefetch_related("levels")
    ]
    return body


@router.get(
    "frameworks/{slug}/versions/{version}/competencies",
    auth=None,
    summary="One level of the tree (parent: an identifier, or none for the top level), or a search (q)",
)
def competencies(
    request: HttpRequest, slug: str, version: str, parent: str | None = None, q: str = ""
) -> dict[str, Any]:
    found = _framework(request, slug, version)
    if q.strip():
        rows = selectors.search(found, q[:200])
        return {"total": len(rows), "results": [competency_body(r) for r in rows]}
    parent_item = _item(found, parent) if parent else None
    nodes, total = selectors.children(found, parent_item)
    return {"total": total, "results": [competency_body(n.competency, has_children=n.has_children) for n in nodes]}


@router.get("frameworks/{slug}/versions/{version}/competencies/{identifier}", auth=None)
def competency(request: HttpRequest, slug: str, version: str, identifier: str) -> dict[str, Any]:
    found = _framework(request, slug, version)
    item = _item(found, identifier)
    body = competency_body(item)
    body["ancestors"] = [competency_body(a) for a in selectors.ancestors(item)]
    body["links"] = [
        {
            "relation": link.relation,
            "source": link.source.uri,
            "target": link.target.uri,
            "targetFramework": link.target.framework.title,
            "confirmedAt": link.confirmed_at.isoformat() if link.confirmed_at else None,
        }
        for link in selectors.links_of(item)
    ]
    body["alignedCredentials"] = f"{reverse('catalog:search')}?competency={item.pk}"
    body["usedBy"] = [{"kind": u.kind, "label": u.label, "url": u.url} for u in selectors.usages_of(item)]
    return body


@router.get(
    "frameworks/{slug}/versions/{version}/suggestions",
    auth=None,
    summary="Competencies ranked by similarity to q (method: bm25; semantic or hybrid for ESCO when ready)",
)
def suggestions(
    request: HttpRequest, slug: str, version: str, q: str, limit: int = 10, method: str = "bm25"
) -> dict[str, Any]:
    found = _framework(request, slug, version)
    if method not in dict(available_methods(found)):
        raise ValidationFailed.single("method", "invalid_choice", _("This ranking method is not available."))
    matches = index_for(found, method).search(q[:2000], limit=max(1, min(limit, 50)))
    rows = {c.pk: c for c in Competency.objects.filter(pk__in=[m.pk for m in matches])}
    return {"results": [{"score": round(m.score, 4), **competency_body(rows[m.pk])} for m in matches if m.pk in rows]}


@router.get(
    "frameworks/{slug}/versions/{version}/case.json",
    auth=None,
    summary="The version as a CASE 1.0 package",
    url_name="frameworks_case",
)
def export_case(request: HttpRequest, slug: str, version: str) -> dict[str, Any]:
    return case.export_case(_framework(request, slug, version))


@router.get(
    "frameworks/{slug}/versions/{version}/competencies.csv",
    auth=None,
    summary="The version as CSV",
    url_name="frameworks_csv",
)
def export_csv(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    found = _framework(request, slug, version)
    response = HttpResponse(tabular.export_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{found.version}.csv"'
    return response


class FrameworkIn(Schema):
    organization: str = Field(max_length=80)
    title: str = Field(max_length=300)
    version: str = Field("1", max_length=40)
    description: str = Field("", max_length=20000)
    publisher: str = Field("", max_length=300)
    language: str = Field("en", max_length=16)
    licence: str = Field("", max_length=500)
    sourceUri: str = Field("", max_length=500)  # noqa: N815 (the JSON name)


@router.post("frameworks", response={201: dict}, summary="Create a draft framework")
def create(request: HttpRequest, payload: FrameworkIn) -> Status:
    made = services.create_framework(
        actor=request.user,
        organization=organization_by_slug(payload.organization),
        title=payload.title,
        version=payload.version,
        description=payload.description,
        publisher=payload.publisher,
        language=payload.language,
        licence=payload.licence,
        source_uri=payload.sourceUri,
    )
    return Status(201, framework_body(made))


@router.patch("frameworks/{slug}/versions/{version}", summary="Edit a draft's description")
def update(request: HttpRequest, slug: str, version: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    names = {"sourceUri": "source_uri"}
    changes = {names.get(k, k): v for k, v in payload.items()}
    return framework_body(
        services.update_framework(actor=request.user, framework=_framework(request, slug, version), changes=changes)
    )


@router.post("frameworks/{slug}/versions/{version}/publish", summary="Publish a draft version")
def publish(request: HttpRequest, slug: str, version: str) -> dict[str, Any]:
    return framework_body(services.publish_framework(actor=request.user, framework=_framework(request, slug, version)))


class NewVersionIn(Schema):
    version: str = Field(max_length=40)


@router.post("frameworks/{slug}/versions/{version}/new-version", response={201: dict}, summary="Start the next version")
def new_version(request: HttpRequest, slug: str, version: str, payload: NewVersionIn) -> Status:
    made = services.start_new_version(
        actor=request.user, framework=_framework(request, slug, version), version=payload.version
    )
    return Status(201, framework_body(made))


class CompetencyIn(Schema):
    statement: str = Field(max_length=20000)
    parent: str | None = Field(None, max_length=100)
    code: str = Field("", max_length=100)
    shortName: str = Field("", max_length=300)  # noqa: N815 (the JSON name)
    type: str = Field("competency", max_length=16)
    level: str = Field("", max_length=100)
    alternativeLabels: list[str] = Field(default_factory=list, max_length=200)  # noqa: N815 (the JSON name)
    notes: str = Field("", max_length=20000)


@router.post("frameworks/{slug}/versions/{version}/competencies", response={201: dict}, summary="Add a competency")
def add_competency(request: HttpRequest, slug: str, version: str, payload: CompetencyIn) -> Status:
    found = _framework(request, slug, version)
    made = services.add_competency(
        actor=request.user,
        framework=found,
        statement=payload.statement,
        parent=_item(found, payload.parent) if payload.parent else None,
        code=payload.code,
        short_name=payload.shortName,
        competency_type=payload.type,
        level=payload.level,
        alternative_labels=payload.alternativeLabels,
        notes=payload.notes,
    )
    return Status(201, competency_body(made))


@router.patch("frameworks/{slug}/versions/{version}/competencies/{identifier}", summary="Edit a competency of a draft")
def update_competency(
    request: HttpRequest, slug: str, version: str, identifier: str, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    found = _framework(request, slug, version)
    names = {"shortName": "short_name", "type": "competency_type", "alternativeLabels": "alternative_labels"}
    changes = {names.get(k, k): v for k, v in payload.items()}
    return competency_body(
        services.update_competency(actor=request.user, competency=_item(found, identifier), changes=changes)
    )


class MoveIn(Schema):
    parent: str | None = Field(None, max_length=100)
    position: int | None = Field(None, ge=0, le=1_000_000)


@router.post("frameworks/{slug}/versions/{version}/competencies/{identifier}/move", summary="Move a competency")
def move_competency(request: HttpRequest, slug: str, version: str, identifier: str, payload: MoveIn) -> dict[str, Any]:
    found = _framework(request, slug, version)
    moved = services.move_competency(
        actor=request.user,
        competency=_item(found, identifier),
        parent=_item(found, payload.parent) if payload.parent else None,
        position=payload.position,
    )
    return competency_body(moved)


@router.delete("frameworks/{slug}/versions/{version}/competencies/{identifier}", response={204: None})
def delete_competency(request: HttpRequest, slug: str, version: str, identifier: str) -> Status:
    found = _framework(request, slug, version)
    services.delete_competency(actor=request.user, competency=_item(found, identifier))
    return Status(204, None)


class ScaleIn(Schema):
    name: str = Field(max_length=200)
    levels: list[str] = Field(max_length=50)
    description: str = Field("", max_length=5000)
    isDefault: bool = False  # noqa: N815 (the JSON name)


@router.post("frameworks/{slug}/versions/{version}/scales", response={201: dict}, summary="Add a proficiency scale")
def add_scale(request: HttpRequest, slug: str, version: str, payload: ScaleIn) -> Status:
    scale = services.add_scale(
        actor=request.user,
        framework=_framework(request, slug, version),
        name=payload.name,
        levels=payload.levels,
        description=payload.description,
        is_default=payload.isDefault,
    )
    return Status(201, {"id": scale.pk, "name": scale.name, "levels": [lv.label for lv in scale.levels.all()]})


class ImportIn(Schema):
    organization: str | None = Field(None, max_length=80)
    format: str = Field(max_length=8)
    fileName: str = Field("", max_length=300)  # noqa: N815 (the JSON name)
    content: str = Field(description="the file, base64-encoded", max_length=30_000_000)
    title: str = Field("", max_length=300)
    version: str = Field("1", max_length=40)


def job_body(job: FrameworkImport) -> dict[str, Any]:
    return {
        "id": job.pk,
        "status": job.status,
        "format": job.source_format,
        "fileName": job.file_name,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.errors or None,
        "result": job.options.get("result"),
        "framework": framework_body(job.framework) if job.framework else None,
    }


@router.post("framework-imports", response={202: dict}, summary="Queue the import of a CASE or CSV file")
def start_import(request: HttpRequest, payload: ImportIn) -> Status:
    try:
        data = base64.b64decode(payload.content, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed.single("content", "invalid_base64", _("The content is not base64.")) from exc
    job = imports.start_import(
        actor=request.user,
        organization=organization_by_slug(payload.organization) if payload.organization else None,
        source_format=payload.format,
        data=data,
        file_name=payload.fileName,
        options={"title": payload.title, "version": payload.version},
    )
    return Status(202, job_body(job))


@router.post(
    "framework-imports/upload",
    response={202: dict},
    summary="Queue the import of a CASE or CSV file sent as multipart/form-data (up to 20 MB)",
)
def upload_import(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Form[str],
    organization: Form[str] = "",
    title: Form[str] = "",
    version: Form[str] = "1",
) -> Status:
    if file.size is not None and file.size > doc.MAX_FILE_BYTES:
        raise doc.FileTooLarge(_("The file is too large (at most 20 MB)."))
    job = imports.start_import(
        actor=request.user,
        organization=organization_by_slug(organization) if organization else None,
        source_format=format,
        data=file.read(doc.MAX_FILE_BYTES + 1),
        file_name=file.name or "",
        options={"title": title[:300], "version": version[:40] or "1"},
    )
    return Status(202, job_body(job))


@router.get("framework-imports/{job_id}", summary="An import's progress and outcome")
def import_status(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_body(selectors.import_job(request.user, job_id))


class CrosswalkIn(Schema):
    organization: str = Field(max_length=80)
    source: str = Field(description="slug@version of the source framework", max_length=200)
    target: str = Field(description="slug@version of the target framework", max_length=200)
    title: str = Field("", max_length=300)


def _by_key(request: HttpRequest, key: str) -> Framework:
    slug, _at, version = key.partition("@")
    return selectors.framework_version(request.user, slug, version or None)


def crosswalk_body(crosswalk: Any, links: list[CrosswalkLink] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": crosswalk.pk,
        "organization": crosswalk.organization.slug if crosswalk.organization else None,
        "source": framework_body(crosswalk.source_framework),
        "target": framework_body(crosswalk.target_framework),
        "title": crosswalk.title,
    }
    if links is not None:
        body["links"] = [
            {
                "id": link.pk,
                "source": link.source.identifier,
                "sourceStatement": link.source.statement,
                "target": link.target.identifier,
                "targetStatement": link.target.statement,
                "relation": link.relation,
                "status": link.status,
                "score": link.score,
                "confirmedBy": link.confirmed_by.email if link.confirmed_by else None,
                "confirmedAt": link.confirmed_at.isoformat() if link.confirmed_at else None,
            }
            for link in links
        ]
    return body


@router.post("crosswalks", response={201: dict}, summary="Start a crosswalk between two framework versions")
def create_crosswalk(request: HttpRequest, payload: CrosswalkIn) -> Status:
    made = services.create_crosswalk(
        actor=request.user,
        organization=organization_by_slug(payload.organization),
        source_framework=_by_key(request, payload.source),
        target_framework=_by_key(request, payload.target),
        title=payload.title,
    )
    return Status(201, crosswalk_body(made))


@router.get("crosswalks/{crosswalk_id}", summary="A crosswalk and its links (status: suggested, confirmed, rejected)")
def crosswalk(request: HttpRequest, crosswalk_id: int, status: str | None = None) -> dict[str, Any]:
    found = selectors.crosswalk(request.user, crosswalk_id)
    links = found.links.select_related("source", "target", "confirmed_by")
    if status:
        links = links.filter(status=status)
    return crosswalk_body(found, list(links[:1000]))


class SuggestIn(Schema):
    sources: list[str] | None = Field(None, max_length=500, description="source identifiers; none: all")
    perSource: int = Field(5, ge=1, le=20)  # noqa: N815 (the JSON name)
    method: str = Field("bm25", max_length=32, description="bm25; semantic or hybrid when offered for ESCO targets")


@router.post("crosswalks/{crosswalk_id}/suggest", summary="Suggest links ranked by text similarity")
def suggest(request: HttpRequest, crosswalk_id: int, payload: SuggestIn) -> dict[str, Any]:
    found = selectors.crosswalk(request.user, crosswalk_id)
    sources = None
    if payload.sources is not None:
        sources = [_item(found.source_framework, identifier) for identifier in payload.sources]
    made = services.suggest_links(
        actor=request.user, crosswalk=found, sources=sources, per_source=payload.perSource, method=payload.method
    )
    return {"suggested": len(made), "methods": sorted({link.method for link in made})}


class DecisionIn(Schema):
    accept: bool
    relation: str | None = Field(None, max_length=16)


@router.post("crosswalks/{crosswalk_id}/links/{link_id}/decision", summary="Accept or reject a link")
def decide(request: HttpRequest, crosswalk_id: int, link_id: int, payload: DecisionIn) -> dict[str, Any]:
    found = selectors.crosswalk(request.user, crosswalk_id)
    link = found.links.filter(pk=link_id).first()
    if link is None:
        raise NotFound(_("No such link."), code="link_not_found")
    decided = services.decide_link(actor=request.user, link=link, accept=payload.accept, relation=payload.relation)
    return {"id": decided.pk, "status": decided.status, "relation": decided.relation}


@router.get("crosswalks/{crosswalk_id}/links.csv", summary="The confirmed links as CSV", url_name="crosswalk_csv")
def crosswalk_csv(request: HttpRequest, crosswalk_id: int) -> HttpResponse:
    found = selectors.crosswalk(request.user, crosswalk_id)
    return HttpResponse(tabular.export_crosswalk_csv(found), content_type="text/csv; charset=utf-8")


@router.get(
    "crosswalks/{crosswalk_id}/case.json", summary="The confirmed links as CASE associations", url_name="crosswalk_case"
)
def crosswalk_case(request: HttpRequest, crosswalk_id: int) -> HttpResponse:
    found = selectors.crosswalk(request.user, crosswalk_id)
    return HttpResponse(json.dumps(case.export_crosswalk_case(found)), content_type="application/json")
