"""Reads of the catalog: the public search with facets, permalinks, comparison, pathways.

A catalog query is parsed once (``parse_query``) from a query string, so the page, the API and
a permalink all mean the same search.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import Organization
from microcred.accounts.permissions import can
from microcred.catalog import search, typology
from microcred.catalog.models import (
    PUBLIC_STATUSES,
    CreditType,
    DeliveryMode,
    Language,
    MicroCredential,
    Pace,
    Pathway,
    Region,
    Status,
)
from microcred.catalog.sanitizing import plain_text
from microcred.errors import ErrorList, NotFound, ValidationFailed
from microcred.translations import localized

PAGE_SIZE = 20
MAX_COMPARE = 4
MULTI_FACETS = {
    "provider": "provider__slug",
    "delivery_mode": "delivery_mode",
    "pace": "pace",
    "region": "region",
    "language": "language",
    "credit": "credit_type",
}
VOCABULARIES = {
    "delivery_mode": DeliveryMode,
    "pace": Pace,
    "region": Region,
    "language": Language,
    "credit": CreditType,
}
FLAG_FACETS = ("stackable", "accredited", "in_demand", "co_designed")
FLAG_LABELS = {
    "stackable": gettext_lazy("Stacks into a pathway"),
    "accredited": gettext_lazy("Accredited"),
    "in_demand": gettext_lazy("Teaches in-demand skills"),
    "co_designed": gettext_lazy("Co-designed with employers"),
}
# (key, label, low inclusive, high exclusive)
COST_RANGES = [
    ("free", gettext_lazy("Free"), Decimal(0), Decimal("0.01")),
    ("under_250", gettext_lazy("Under 250"), Decimal("0.01"), Decimal(250)),
    ("250_500", gettext_lazy("250 to 500"), Decimal(250), Decimal(500)),
    ("500_1000", gettext_lazy("500 to 1,000"), Decimal(500), Decimal(1000)),
    ("over_1000", gettext_lazy("1,000 or more"), Decimal(1000), None),
]
HOURS_RANGES = [
    ("under_10", gettext_lazy("Under 10 hours"), Decimal(0), Decimal(10)),
    ("10_40", gettext_lazy("10 to 40 hours"), Decimal(10), Decimal(40)),
    ("40_100", gettext_lazy("40 to 100 hours"), Decimal(40), Decimal(100)),
    ("over_100", gettext_lazy("100 hours or more"), Decimal(100), None),
]
RANGES = {"cost_range": ("cost", COST_RANGES), "hours_range": ("workload_hours", HOURS_RANGES)}
SORTS = {
    "relevance": gettext_lazy("Relevance"),
    "cost": gettext_lazy("Cost, lowest first"),
    "-cost": gettext_lazy("Cost, highest first"),
    "hours": gettext_lazy("Hours, fewest first"),
    "newest": gettext_lazy("Newest"),
    "title": gettext_lazy("Title"),
}
ORDERINGS = {
    "cost": ["cost", "title", "pk"],
    "-cost": ["-cost", "title", "pk"],
    "hours": ["workload_hours", "title", "pk"],
    "newest": ["-published_at", "-pk"],
    "title": ["title", "pk"],
}
EXTRA_FILTERS = ("framework", "competency", "demand_skill")  # alignment to frameworks; in-demand skills covered


@dataclass
class CatalogQuery:
    text: str = ""
    multi: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, list[str]] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    cost_min: Decimal | None = None
    cost_max: Decimal | None = None
    hours_min: Decimal | None = None
    hours_max: Decimal | None = None
    aligned: dict[str, list[str]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1

    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if search.terms(self.text) else "title"

    def params(self) -> list[tuple[str, str]]:
        """The query as URL parameters, in a stable order: a permalink."""
        pairs: list[tuple[str, str]] = []
        if self.text:
            pairs.append(("q", self.text))
        for name in (*MULTI_FACETS, *RANGES, *EXTRA_FILTERS):
            values = self.multi.get(name) or self.ranges.get(name) or self.aligned.get(name) or []
            pairs += [(name, value) for value in sorted(values)]
        pairs += [(name, "1") for name in FLAG_FACETS if name in self.flags]
        for name in ("cost_min", "cost_max", "hours_min", "hours_max"):
            if getattr(self, name) is not None:
                pairs.append((name, str(getattr(self, name))))
        if self.sort:
            pairs.append(("sort", self.sort))
        return pairs

    def permalink(self, **changes: Any) -> str:
        pairs = [(k, v) for k, v in self.params() if k not in changes]
        for key, value in changes.items():
            if value not in (None, ""):
                pairs.append((key, str(value)))
        return urlencode(pairs)

    def toggled(self, name: str, value: str) -> str:
        """The permalink with one facet value switched on or off (for facet links)."""
        pairs = self.params()
        pair = (name, value)
        pairs = [p for p in pairs if p != pair] if pair in pairs else [*pairs, pair]
        return urlencode(pairs)

    def is_selected(self, name: str, value: str) -> bool:
        return (name, value) in self.params()


def _getlist(params: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = value if isinstance(value, list) else ([] if value is None else [value])
    return [str(v)[:120] for v in values if str(v).strip()][:50]


def parse_query(params: Mapping[str, Any]) -> CatalogQuery:
    """Parse search parameters; unknown values are field errors, never a server error."""
    errors = ErrorList()
    query = CatalogQuery()
    text = _getlist(params, "q")
    query.text = " ".join(str(params.get("q", "")).split())[:200] if text else ""
    for name in MULTI_FACETS:
        values = sorted(set(_getlist(params, name)))
        vocabulary = VOCABULARIES.get(name)
        if vocabulary is not None and any(v not in vocabulary.values for v in values):
            errors.add(name, "invalid_choice", _("Unknown value for this filter."))
        if values:
            query.multi[name] = values
    for name, (_column, buckets) in RANGES.items():
        values = sorted(set(_getlist(params, name)))
        keys = {key for key, *_rest in buckets}
        if any(v not in keys for v in values):
            errors.add(name, "invalid_choice", _("Unknown range."))
        if values:
            query.ranges[name] = values
    for name in FLAG_FACETS:
        value = params.get(name)
        if value in ("1", "true", "on", 1, True):
            query.flags.add(name)
    for name in ("cost_min", "cost_max", "hours_min", "hours_max"):
        value = params.get(name)
        if value not in (None, ""):
            setattr(query, name, typology.decimal_value(errors, name, value, Decimal("10000000")))
    for name in EXTRA_FILTERS:
        values = sorted(set(_getlist(params, name)))
        if values:
            query.aligned[name] = values
    sort = str(params.get("sort") or "")
    if sort and sort not in SORTS:
        errors.add("sort", "invalid_choice", _("Unknown sort order."))
    query.sort = sort
    page = str(params.get("page") or "1")
    query.page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) <= 10_000 else 1
    errors.raise_if_any()
    return query


def published() -> QuerySet[MicroCredential]:
    return MicroCredential.objects.filter(status=Status.PUBLISHED)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    link: str


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchResult:
    query: CatalogQuery
    total: int
    results: list[MicroCredential]
    facets: list[Facet]
    page: int
    pages: int


FACET_LABELS = {
    "provider": gettext_lazy("Provider"),
    "delivery_mode": gettext_lazy("Delivery mode"),
    "pace": gettext_lazy("Pace"),
    "region": gettext_lazy("Region"),
    "language": gettext_lazy("Language"),
    "credit": gettext_lazy("Credit"),
    "cost_range": gettext_lazy("Cost"),
    "hours_range": gettext_lazy("Hours"),
    "qualities": gettext_lazy("Quality markers"),
    "framework": gettext_lazy("Framework"),
    "demand_skill": gettext_lazy("In-demand skills"),
}
DEMAND_SKILL_FACET_SIZE = 15


def search_catalog(query: CatalogQuery, *, with_facets: bool = True) -> SearchResult:
    """The published catalog narrowed by ``query``: one page of results, the total and facet counts."""
    from microcred.catalog import facet_counts, facet_index  # they read this module's vocabularies

    index = facet_index.current()
    sort = query.effective_sort()
    matches = facet_counts.Matches(index, query.text, scored=sort == "relevance")
    masks = facet_counts.filter_masks(index, query)
    selected = facet_counts.combined(matches.mask, masks)
    total = int(selected.sum())
    facets = facet_counts.count_facets(index, matches, masks, query) if with_facets else []
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    start = (page - 1) * PAGE_SIZE
    ids = facet_counts.page_ids(index, matches, selected, sort, start, PAGE_SIZE)
    rows = MicroCredential.objects.select_related("provider").in_bulk(ids)
    results = [rows[pk] for pk in ids if pk in rows]
    if matches.scored:
        _found, places = index.positions_of(np.asarray([c.pk for c in results], dtype=np.int64))
        for credential, score in zip(results, matches.scores[places], strict=True):
            credential.relevance = float(score)  # type: ignore[attr-defined]
    return SearchResult(query=query, total=total, results=results, facets=facets, page=page, pages=pages)


def may_see(user: Any, credential: MicroCredential) -> bool:
    """Published, superseded and retired versions are public; drafts only for the provider's members."""
    return credential.is_public or can(user, "organization.view", credential.provider)


def credential_version(user: Any, provider_slug: str, slug: str, version: int | None = None) -> MicroCredential:
    """A design by its permalink: a given version, or the published one (else, for members, the newest)."""
    versions = MicroCredential.objects.select_related("provider").filter(provider__slug=provider_slug, slug=slug)
    if version is not None:
        credential = versions.filter(version=version).first()
    else:
        credential = (
            versions.filter(status=Status.PUBLISHED).first()
            or versions.filter(status__in=PUBLIC_STATUSES).order_by("-version").first()
            or versions.order_by("-version").first()
        )
    if credential is None or not may_see(user, credential):
        raise NotFound(_("No such micro-credential."))
    return credential


def versions_of(user: Any, credential: MicroCredential) -> list[MicroCredential]:
    versions = MicroCredential.objects.filter(provider=credential.provider, slug=credential.slug).order_by("-version")
    return [v for v in versions if may_see(user, v)]


def drafts_of(provider: Organization) -> QuerySet[MicroCredential]:
    return MicroCredential.objects.filter(provider=provider).exclude(status__in=PUBLIC_STATUSES).order_by("title")


def provider_by_slug(slug: str) -> Organization:
    provider = Organization.objects.filter(slug=slug).first()
    if provider is None:
        raise NotFound(_("No such provider."))
    return provider


def parse_compare_keys(raw: list[str]) -> list[tuple[str, str]]:
    """``provider/slug`` keys, at most four, each once."""
    keys: list[tuple[str, str]] = []
    for item in raw:
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            provider, _sep, slug = part.partition("/")
            if provider and slug and (provider, slug) not in keys:
                keys.append((provider[:80], slug[:120]))
    if len(keys) > MAX_COMPARE:
        raise ValidationFailed.single("ids", "too_many", _("Compare at most four micro-credentials."))
    return keys


def compare(user: Any, keys: list[tuple[str, str]]) -> list[MicroCredential]:
    return [credential_version(user, provider, slug) for provider, slug in keys]


def pathway_by_slug(slug: str) -> Pathway:
    pathway = Pathway.objects.select_related("provider").filter(slug=slug).first()
    if pathway is None:
        raise NotFound(_("No such pathway."))
    return pathway


def pathways() -> QuerySet[Pathway]:
    return Pathway.objects.select_related("provider").order_by("title")


def _money(credential: MicroCredential) -> str:
    return _("Free") if not credential.cost else f"{credential.cost} {credential.currency}"


def typology_values(credential: MicroCredential) -> dict[str, str]:
    """Every typology field of a version as display text (comparison, detail pages), its texts in the active
    language where the design has them in it (else in its own)."""
    outcomes = [localized(o, "text") for o in credential.outcomes.all()]
    alignments = getattr(credential, "alignments", None)
    competencies = [a.label for a in alignments.all()] if alignments is not None else []
    location = ", ".join(
        part
        for part in (
            credential.city,
            credential.region_label,
            credential.country,
        )
        if part
    )
    if credential.credit_type == CreditType.CREDIT and credential.credit_value:
        credit = f"{credential.credit_value} {credential.get_credit_unit_display()}"
    else:
        credit = str(CreditType.NON_CREDIT.label)
    accreditation = credential.get_accreditation_status_display()
    if credential.accrediting_body:
        accreditation = f"{accreditation} — {credential.accrediting_body}"
    values = {
        "provider": localized(credential.provider, "name"),
        "title": localized(credential, "title"),
        "summary": localized(credential, "summary"),
        "description": _plain(localized(credential, "description")),
        "learning_outcomes": "\n".join(outcomes),
        "competencies": "\n".join(competencies),
        "level": credential.get_level_display(),
        "workload_hours": str(credential.workload_hours),
        "time_to_complete_weeks": str(credential.time_to_complete_weeks or ""),
        "cost": _money(credential),
        "delivery_mode": credential.get_delivery_mode_display(),
        "pace": credential.get_pace_display(),
        "start_dates": ", ".join(credential.start_dates or []),
        "language": credential.get_language_display(),
        "location": location,
        "credit": credit,
        "ladders_into": "\n".join(credential.ladders_into or []),
        "assessment_method": credential.get_assessment_method_display(),
        "achievement_indicator": credential.get_achievement_indicator_display(),
        "industry_partners": "\n".join(
            [*(o.name for o in credential.co_designed_with.all()), *(credential.industry_partners or [])]
        ),
        "skills_demand": "\n".join(credential.skills_demand or []),
        "pathways": "\n".join(p.title for p in credential.pathways.all()),
        "accreditation": accreditation,
        "prerequisites": localized(credential, "prerequisites"),
        "validity_months": str(credential.validity_months or ""),
        "award_criteria": localized(credential, "award_criteria"),
        "version": str(credential.version),
    }
    return values


def _plain(html: str) -> str:
    return plain_text(html)


@dataclass
class ComparisonRow:
    field: str
    label: str
    values: list[str]


def comparison_rows(credentials: list[MicroCredential]) -> list[ComparisonRow]:
    described = [typology_values(c) for c in credentials]
    return [ComparisonRow(name, str(label), [d[name] for d in described]) for name, label in typology.TYPOLOGY]


def workspaces_for(user: Any) -> list[Organization]:
    """The providers whose designs this user works on (any role)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Organization.objects.filter(kind="provider", memberships__user=user).distinct().order_by("name"))
