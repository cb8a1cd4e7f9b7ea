"""Reads of the skills domain for pages and the API: occupations, their skills and tasks, import jobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.permissions import can, require
from microcred.errors import NotFound
from microcred.skills.models import Occupation, OccupationSkill, OccupationSource, SkillsImport
from microcred.skills.services import platform_organization

PAGE_SIZE = 50


def occupations(text: str = "", source: str = "") -> QuerySet[Occupation]:
    """Occupations whose title, code or an alternative label contains the words (all of them), by title."""
    queryset = Occupation.objects.all()
    if source in OccupationSource.values:
        queryset = queryset.filter(source=source)
    for word in text.split()[:8]:
        word = "".join(c for c in word[:100] if c.isprintable())  # PostgreSQL refuses NUL in a text parameter
        if not word:
            continue
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(code__icontains=word) | Q(alternative_labels__icontains=word)
        )
    return queryset.order_by("title", "pk")


def occupation_page(text: str = "", source: str = "", page: Any = 1) -> Page:
    number = int(page) if str(page).isascii() and str(page).isdigit() and 0 < int(page) <= 10_000 else 1
    return Paginator(occupations(text, source), PAGE_SIZE).get_page(number)


@dataclass
class OccupationProfile:
    occupation: Occupation
    essential: list[OccupationSkill]
    optional: list[OccupationSkill]
    tasks: list[Any]


def occupation_profile(pk: int) -> OccupationProfile:
    occupation = Occupation.objects.filter(pk=pk).first()
    if occupation is None:
        raise NotFound(_("No such occupation."))
    skills = list(
        occupation.skills.select_related("competency__framework").order_by("-in_demand", "-hot_technology", "label")
    )
    return OccupationProfile(
        occupation=occupation,
        essential=[s for s in skills if s.relation == "essential"],
        optional=[s for s in skills if s.relation != "essential"],
        tasks=list(occupation.tasks.order_by("position")),
    )


def may_manage(user: Any) -> bool:
    platform = platform_organization()
    return platform is not None and can(user, "skills.manage", platform)


def import_jobs(user: Any, limit: int = 20) -> list[SkillsImport]:
    require(user, "skills.manage", platform_organization())
    return list(SkillsImport.objects.select_related("created_by")[:limit])


def import_job(user: Any, pk: int) -> SkillsImport:
    require(user, "skills.manage", platform_organization())
    job = SkillsImport.objects.filter(pk=pk).first()
    if job is None:
        raise NotFound(_("No such import."))
    return job
