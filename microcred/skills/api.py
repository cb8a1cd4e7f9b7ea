"""Skills API (``/api/v1/skills/…``): demand aggregates and occupations (public), imports (platform admins).

Thin handlers; domain errors (a bad filter, a stranger's request) become 4xx in ``microcred.api``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status, UploadedFile

from microcred.skills import demand, imports, selectors

router = Router(tags=["skills"])


@router.get("skills/demand", auth=None, response=dict, summary="Postings per skill, month and province")
def demand_figures(
    request: HttpRequest, region: str = "", start: str = "", end: str = "", skill: str = "", limit: int = 25
) -> dict:
    flt = demand.parse_filter({"region": region, "from": start, "to": end, "skill": skill})
    total, skills = demand.top_skills(flt, limit=max(1, min(limit, 200)))
    return {
        "filter": flt.params(),
        "postings": total,
        "skills": [
            {
                "id": s.competency_id,
                "label": s.label,
                "postings": s.postings,
                "share": round(s.share, 4),
                "recent": s.recent,
                "previous": s.previous,
                "growth": None if s.growth is None else round(s.growth, 4),
            }
            for s in skills
        ],
        "months": [{"month": m.strftime("%Y-%m"), "postings": n} for m, n in demand.by_month(flt)],
        "regions": [{"region": code, "postings": n} for code, n in demand.by_region(flt)],
    }


def _occupation(o: Any) -> dict[str, Any]:
    return {"id": o.pk, "source": o.source, "key": o.key, "code": o.code, "title": o.title}


@router.get("skills/occupations", auth=None, response=dict, summary="Search occupations (ESCO, O*NET)")
def occupation_list(request: HttpRequest, q: str = "", source: str = "", page: int = 1) -> dict:
    found = selectors.occupation_page(q[:200], source, page)
    return {
        "total": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "results": [_occupation(o) for o in found.object_list],
    }


def _skill(s: Any) -> dict[str, Any]:
    return {
        "label": s.label,
        "uri": s.competency.uri if s.competency else None,
        "relation": s.relation,
        "hot_technology": s.hot_technology,
        "in_demand": s.in_demand,
    }


@router.get("skills/occupations/{pk}", auth=None, response=dict, summary="An occupation with its skills and tasks")
def occupation_detail(request: HttpRequest, pk: int) -> dict:
    profile = selectors.occupation_profile(pk)
    return {
        **_occupation(profile.occupation),
        "alternative_labels": profile.occupation.alternative_labels,
        "description": profile.occupation.description,
        "essential": [_skill(s) for s in profile.essential],
        "optional": [_skill(s) for s in profile.optional],
        "tasks": [{"text": t.text, "core": t.core} for t in profile.tasks],
    }


def _job(job: Any) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "filename": job.filename,
        "total": job.total,
        "done": job.done,
        "created": job.created,
        "errors": job.errors,
    }


@router.post(
    "skills/imports", response={202: dict}, summary="Upload labour-market data; the import runs in the background"
)
def start_import(request: HttpRequest, kind: Form[str], files: File[list[UploadedFile]]) -> Any:
    job = imports.start_import(actor=request.auth, kind=kind, files={f.name or "upload": f.read() for f in files[:5]})
    return Status(202, _job(job))


@router.get("skills/imports/{pk}", response=dict, summary="An import's progress and outcome")
def import_status(request: HttpRequest, pk: int) -> dict:
    return _job(selectors.import_job(request.auth, pk))
