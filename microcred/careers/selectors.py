"""Reads of careers: the ESCO skills a learner or a client holds, a target's skills, and the data of a gap analysis.

Skills are ESCO competencies of the framework ``skills_framework()`` names. A competency of another framework
counts as an ESCO skill when it is the same concept in an older ESCO version (same URI) or when a confirmed
crosswalk link says it is an exact or close match of one. The arithmetic is in ``ranking.py``.

Decisions written down here:
- a credential issued here counts while it is neither revoked, suspended nor past its ``validUntil``; the platform
  signed it, so its database row is the truth (no signature check per page view);
- an imported credential counts when its import verified it (``verified`` and a valid report) and it has not
  expired since; its skills are its OB 3.0 alignments whose ``targetUrl`` is an ESCO concept URI, plus the skills
  ``link_text`` finds in its achievement's name and description with a score of at least
  ``IMPORTED_TEXT_MIN_SCORE``;
- a job posting's skill is essential when the linking engine scored it at least ``POSTING_ESSENTIAL_SCORE``;
- occupation skills that no ESCO skill matches (O*NET labels) are listed apart and left out of the coverage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import can
from microcred.assessment.models import Award
from microcred.careers import occupation_search, ranking
from microcred.careers.models import Client, ShortlistItem
from microcred.catalog.models import Alignment, DeliveryMode, MicroCredential, Region, Status
from microcred.errors import ErrorList, NotFound
from microcred.frameworks.models import (
    Competency,
    CompetencyType,
    CrosswalkLink,
    Framework,
    LinkStatus,
    MatchRelation,
    SourceFormat,
)
from microcred.frameworks.relations import held_related
from microcred.issuing.models import IssuedCredential
from microcred.skills.interfaces import in_demand_skill_ids, link_text, skills_framework
from microcred.skills.models import JobPosting, Occupation, SkillRelation
from microcred.vc.dates import parse_date_time
from microcred.wallet import summaries
from microcred.wallet.models import ImportedCredential

IMPORTED_TEXT_MIN_SCORE = 0.8
POSTING_ESSENTIAL_SCORE = 0.6
CROSSWALK_RELATIONS = (MatchRelation.EXACT, MatchRelation.CLOSE)
RECOMMENDATIONS_LIMIT = 20
SEARCH_LIMIT = 20
MAX_QUERY = 200


# ---------------------------------------------------------------- competencies → ESCO skills


def esco_equivalents(competency_ids: Iterable[int], esco: Framework | None) -> dict[int, set[int]]:
    """For each competency, the ESCO skills (ids in ``esco``) it is: itself, the same URI, or a confirmed link."""
    ids = set(competency_ids)
    found: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return found
    if esco is None:  # no ESCO loaded: competencies stand for themselves
        return {pk: {pk} for pk in ids}
    by_uri: dict[str, set[int]] = defaultdict(set)
    rows = Competency.objects.filter(pk__in=ids).values_list("pk", "framework_id", "uri", "framework__source_format")
    for pk, framework_id, uri, source_format in rows:
        if framework_id == esco.pk:
            found[pk].add(pk)
        elif source_format == SourceFormat.ESCO and uri:
            by_uri[uri].add(pk)
    if by_uri:
        for pk, uri in Competency.objects.filter(framework=esco, uri__in=list(by_uri)).values_list("pk", "uri"):
            for source in by_uri[uri]:
                found[source].add(pk)
    links = CrosswalkLink.objects.filter(status=LinkStatus.CONFIRMED, relation__in=CROSSWALK_RELATIONS).filter(
        Q(source_id__in=ids, target__framework=esco) | Q(target_id__in=ids, source__framework=esco)
    )
    for source, target, source_fw, target_fw in links.values_list(
        "source_id", "target_id", "source__framework_id", "target__framework_id"
    ):
        if source in ids and target_fw == esco.pk:
            found[source].add(target)
        if target in ids and source_fw == esco.pk:
            found[target].add(source)
    return found


def competencies_meaning(esco_ids: Iterable[int], esco: Framework | None) -> dict[int, set[int]]:
    """The reverse of :func:`esco_equivalents`: every competency that stands for one of these ESCO skills."""
    ids = set(esco_ids)
    found: dict[int, set[int]] = defaultdict(set)
    for pk in ids:
        found[pk].add(pk)
    if not ids or esco is None:
        return found
    uris = dict(Competency.objects.filter(pk__in=ids, framework=esco).exclude(uri="").values_list("uri", "pk"))
    if uris:
        same = Competency.objects.filter(uri__in=list(uris), framework__source_format=SourceFormat.ESCO).exclude(
            framework=esco
        )
        for pk, uri in same.values_list("pk", "uri"):
            found[pk].add(uris[uri])
    links = CrosswalkLink.objects.filter(status=LinkStatus.CONFIRMED, relation__in=CROSSWALK_RELATIONS).filter(
        Q(source_id__in=ids) | Q(target_id__in=ids)
    )
    for source, target in links.values_list("source_id", "target_id"):
        if target in ids:
            found[source].add(target)
        if source in ids:
            found[target].add(source)
    return found


# ---------------------------------------------------------------- what a person holds


@dataclass
class HeldSkill:
    skill: int
    label: str
    uri: str
    sources: list[str] = field(default_factory=list)  # the credentials (or notes) it comes from


class Holdings:
    """ESCO skill id → the skill with where it comes from, filled from credentials and recorded skills."""

    def __init__(self) -> None:
        self.skills: dict[int, HeldSkill] = {}
        self._pending: dict[int, list[str]] = defaultdict(list)

    def add(self, skill: int, source: str) -> None:
        sources = self._pending[skill]
        if source not in sources:
            sources.append(source)

    def finish(self) -> dict[int, HeldSkill]:
        rows = Competency.objects.filter(pk__in=list(self._pending)).values_list("pk", "short_name", "statement", "uri")
        for pk, short_name, statement, uri in rows:
            self.skills[pk] = HeldSkill(pk, short_name or statement, uri, self._pending[pk])
        return dict(sorted(self.skills.items(), key=lambda item: item[1].label.lower()))


def _expired(document: Any, now: datetime) -> bool:
    if not isinstance(document, dict):
        return False
    until = document.get("validUntil") or document.get("expirationDate")
    moment = parse_date_time(until) if isinstance(until, str) else None
    return moment is not None and moment <= now


def _achievements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    subjects = document.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    found = []
    for subject in subjects[:10]:
        if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
            found.append(subject["achievement"])
    return found


def _alignment_urls(achievement: dict[str, Any]) -> list[str]:
    alignments = achievement.get("alignment")
    alignments = alignments if isinstance(alignments, list) else []
    return [a["targetUrl"] for a in alignments[:200] if isinstance(a, dict) and isinstance(a.get("targetUrl"), str)]


def _catalog_version(achievement_id: str) -> tuple[str, str, int] | None:
    """(provider, slug, version) when the achievement id is one of this catalog's Achievement URLs."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    if not achievement_id.startswith(base + "/"):
        return None
    try:
        match = resolve(urlsplit(achievement_id).path)
    except Resolver404:
        return None
    if match.view_name != "catalog:achievement":
        return None
    return match.kwargs["provider"], match.kwargs["slug"], int(match.kwargs["version"])


def live_issued_credentials(user: Any) -> list[IssuedCredential]:
    now = datetime.now(UTC)
    rows = IssuedCredential.objects.filter(recipient=user, revoked_at__isnull=True, suspended_at__isnull=True)
    return [row for row in rows.order_by("issued_at", "pk") if not _expired(row.document, now)]


def verified_imports(user: Any) -> list[ImportedCredential]:
    now = datetime.now(UTC)
    rows = ImportedCredential.objects.filter(owner=user, verified=True).order_by("imported_at", "pk")
    return [
        row
        for row in rows
        if summaries.status_from_report(row.report or {}) == summaries.VALID and not _expired(row.credential, now)
    ]


def micro_credentials_of(issued: list[IssuedCredential]) -> dict[int, list[MicroCredential]]:
    """Issued credential id → the catalog version it certifies (by its award, else by its Achievement id)."""
    found: dict[int, list[MicroCredential]] = defaultdict(list)
    awards = Award.objects.filter(issued_credential__in=issued).select_related("enrolment__credential")
    for award in awards:
        found[award.issued_credential_id].append(award.enrolment.credential)
    keys = {}
    for credential in issued:
        if credential.pk not in found:
            key = _catalog_version(credential.achievement_id)
            if key is not None:
                keys[credential.pk] = key
    if keys:
        query = Q()
        for provider, slug, version in set(keys.values()):
            query |= Q(provider__slug=provider, slug=slug, version=version)
        versions = {
            (c.provider.slug, c.slug, c.version): c
            for c in MicroCredential.objects.filter(query).select_related("provider")
        }
        for pk, key in keys.items():
            if key in versions:
                found[pk].append(versions[key])
    return found


def _add_aligned(holdings: Holdings, sources: Mapping[int, list[str]], esco: Framework | None) -> None:
    """Add the ESCO skills of micro-credentials (id → source labels) through their catalog alignments."""
    alignments = list(
        Alignment.objects.filter(credential_id__in=list(sources)).values_list("credential_id", "competency_id")
    )
    equivalents = esco_equivalents({competency for _, competency in alignments}, esco)
    for credential_id, competency in alignments:
        for skill in equivalents.get(competency, ()):
            for source in sources[credential_id]:
                holdings.add(skill, source)


def _add_uris(holdings: Holdings, uris: Mapping[str, list[str]], esco: Framework | None) -> None:
    if not uris or esco is None:
        return
    for pk, uri in Competency.objects.filter(framework=esco, uri__in=list(uris)[:5000]).values_list("pk", "uri"):
        for source in uris[uri]:
            holdings.add(pk, source)


def learner_skills(user: Any, *, text_linking: bool = True) -> dict[int, HeldSkill]:
    """The ESCO skills a learner holds through verified credentials that still count, each with its sources."""
    esco = skills_framework()
    holdings = Holdings()
    issued = live_issued_credentials(user)
    versions = micro_credentials_of(issued)
    sources: dict[int, list[str]] = defaultdict(list)
    uris: dict[str, list[str]] = defaultdict(list)
    for credential in issued:
        for version in versions.get(credential.pk, ()):
            sources[version.pk].append(credential.achievement_name)
        for achievement in _achievements(credential.document):
            for url in _alignment_urls(achievement):
                uris[url].append(credential.achievement_name)
    for imported in verified_imports(user):
        name = imported.name or _("Imported credential")
        for achievement in _achievements(imported.credential):
            for url in _alignment_urls(achievement):
                uris[url].append(name)
            if text_linking and esco is not None:
                text = " ".join(str(achievement.get(k) or "") for k in ("name", "description"))[:4000].strip()
                for match in link_text(text, limit=5) if text else []:
                    if match.score >= IMPORTED_TEXT_MIN_SCORE:
                        holdings.add(match.competency_id, name)
    _add_aligned(holdings, sources, esco)
    _add_uris(holdings, uris, esco)
    return holdings.finish()


def client_skills(client: Client) -> dict[int, HeldSkill]:
    """The ESCO skills a practitioner recorded for a client, and those of the credentials the client holds."""
    esco = skills_framework()
    holdings = Holdings()
    recorded = _("Recorded by the practitioner")
    for pk in client.held_skills.values_list("pk", flat=True):
        holdings.add(pk, recorded)
    sources = {pk: [title] for pk, title in client.held_credentials.values_list("pk", "title")}
    _add_aligned(holdings, sources, esco)
    return holdings.finish()


# ---------------------------------------------------------------- targets


@dataclass
class Target:
    kind: str  # "occupation" or "posting"
    pk: int
    title: str
    skills: list[ranking.TargetSkill]
    unlinked: list[str]  # the target's skills no ESCO skill stands for


def _by_id(rows: QuerySet[Any], raw: Any) -> Any:
    """The row whose id is ``raw`` (a form or JSON value), or None for anything that is not a plain id."""
    text = str(raw) if isinstance(raw, int | str) else ""
    return rows.filter(pk=int(text)).first() if text.isascii() and text.isdigit() and len(text) < 12 else None


def occupation_by_id(raw: Any) -> Occupation:
    found = _by_id(Occupation.objects.all(), raw)
    if found is None:
        raise NotFound(_("No such occupation."), code="occupation_not_found")
    return found


def posting_by_id(raw: Any) -> JobPosting:
    found = _by_id(JobPosting.objects.all(), raw)
    if found is None:
        raise NotFound(_("No such job posting."), code="posting_not_found")
    return found


def search_published_credentials(query: str) -> list[MicroCredential]:
    rows = MicroCredential.objects.filter(status=Status.PUBLISHED, title__icontains=query).select_related("provider")
    return list(rows.order_by("title", "pk")[:SEARCH_LIMIT])


def shortlist_item(client: Client, raw: Any) -> ShortlistItem:
    found = _by_id(client.shortlist.all(), raw)
    if found is None:
        raise NotFound(_("No such shortlist entry."), code="shortlist_item_not_found")
    return found


def published_credential_by_id(raw: Any) -> MicroCredential:
    found = _by_id(MicroCredential.objects.filter(status=Status.PUBLISHED), raw)
    if found is None:
        raise NotFound(_("No such micro-credential."), code="credential_not_found")
    return found


def _mapped(rows: list[tuple[int, str, bool]], esco: Framework | None) -> list[ranking.TargetSkill]:
    equivalents = esco_equivalents({pk for pk, _, _ in rows}, esco)
    skills = []
    for pk, label, essential in rows:
        for skill in sorted(equivalents.get(pk, ())) or [pk]:
            skills.append(ranking.TargetSkill(skill, label, essential))
    return skills


def occupation_target(occupation: Occupation) -> Target:
    rows, unlinked = [], []
    links = occupation.skills.select_related("competency").order_by("relation", "label", "pk")
    for link in links:
        if link.competency_id is None:
            unlinked.append(link.label)
        else:
            label = link.competency.short_name or link.label or link.competency.statement
            rows.append((link.competency_id, label, link.relation == SkillRelation.ESSENTIAL))
    return Target("occupation", occupation.pk, occupation.title, _mapped(rows, skills_framework()), unlinked)


def posting_target(posting: JobPosting) -> Target:
    rows = [
        (
            link.competency_id,
            link.competency.short_name or link.competency.statement,
            link.score >= POSTING_ESSENTIAL_SCORE,
        )
        for link in posting.skills.select_related("competency").order_by("-score", "pk")
    ]
    return Target("posting", posting.pk, posting.title, _mapped(rows, skills_framework()), [])


def find_occupations(query: str, limit: int = SEARCH_LIMIT) -> list[occupation_search.OccupationMatch]:
    """Occupations by preferred or alternative label, any case, singular or plural, each with the label it matched."""
    return occupation_search.search(query, limit)


def search_occupations(query: str, limit: int = SEARCH_LIMIT) -> list[Occupation]:
    return [match.occupation for match in find_occupations(query, limit)]


def occupation_suggestions(held_skill_ids: Iterable[int], limit: int = 6) -> list[Occupation]:
    return occupation_search.suggestions(held_skill_ids, limit)


def close_occupation_labels(query: str) -> list[str]:
    return occupation_search.close_labels(query)


def search_postings(query: str, limit: int = 10) -> list[JobPosting]:
    """Job postings whose skills were extracted, newest first, by title or employer."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return []
    rows = JobPosting.objects.filter(Q(title__icontains=query) | Q(employer__icontains=query))
    return list(rows.filter(skills__isnull=False).distinct().order_by("-posted_on", "pk")[:limit])


def search_skills(query: str, limit: int = SEARCH_LIMIT) -> list[Competency]:
    query = (query or "").strip()[:MAX_QUERY]
    esco = skills_framework()
    if not query or esco is None:
        return []
    rows = Competency.objects.filter(framework=esco).exclude(competency_type=CompetencyType.GROUP)
    found = list(rows.filter(short_name__icontains=query).order_by("short_name", "pk")[:limit])
    if len(found) < limit:
        more = rows.filter(alternative_labels__icontains=query).exclude(pk__in=[c.pk for c in found])
        found += list(more.order_by("short_name", "pk")[: limit - len(found)])
    return found


# ---------------------------------------------------------------- recommendations


@dataclass
class Filters:
    region: str = ""
    delivery_mode: str = ""
    max_cost: Decimal | None = None

    def params(self) -> dict[str, str]:
        values = {"region": self.region, "mode": self.delivery_mode}
        values["max_cost"] = "" if self.max_cost is None else str(self.max_cost)
        return {k: v for k, v in values.items() if v}


def parse_filters(params: Mapping[str, Any]) -> Filters:
    errors = ErrorList()
    region = str(params.get("region") or "").strip()[:20]
    mode = str(params.get("mode") or "").strip()[:20]
    raw_cost = str(params.get("max_cost") or "").strip()[:30]
    if region and region not in Region.values:
        errors.add("region", "invalid_choice", _("Choose a province or territory."))
    if mode and mode not in DeliveryMode.values:
        errors.add("mode", "invalid_choice", _("Choose online, in person or hybrid."))
    max_cost = None
    if raw_cost:
        try:
            max_cost = Decimal(raw_cost)
        except InvalidOperation:
            max_cost = None
        if max_cost is None or not max_cost.is_finite() or max_cost < 0 or max_cost > Decimal("10000000"):
            errors.add("max_cost", "invalid", _("Enter a cost of zero or more."))
            max_cost = None
    errors.raise_if_any()
    return Filters(region=region, delivery_mode=mode, max_cost=max_cost)


@dataclass
class Recommendation:
    ranked: ranking.Ranked
    credential: MicroCredential
    essential_labels: list[str]
    optional_labels: list[str]


@dataclass
class Analysis:
    target: Target
    gap: ranking.Gap
    held: dict[int, HeldSkill]
    recommendations: list[Recommendation]
    plan: list[Recommendation]
    plan_hours: float
    plan_cost: float
    uncovered: list[str]  # missing essentials no recommended credential teaches
    filters: Filters
    in_demand: frozenset[int] = frozenset()  # the target's missing skills employers ask for (in the region, if chosen)
    # a head start: for a missing skill, the related skills held (ESCO: what it draws on, what draws on it)
    related_held: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    @property
    def plan_currency(self) -> str:
        """The plan's one currency, or "" when its credentials are priced in several (their fees are not added)."""
        currencies = {rec.credential.currency for rec in self.plan if rec.credential.cost}
        return currencies.pop() if len(currencies) == 1 else ("" if currencies else "-")

    @property
    def missing_related(self) -> list[tuple[ranking.TargetSkill, list[str]]]:
        """Each missing skill with the labels of the related skills already held."""
        return [(skill, [label for _id, label in self.related_held.get(skill.skill, [])]) for skill in self.gap.missing]

    def sources_of(self, skill: int) -> list[str]:
        held = self.held.get(skill)
        return held.sources if held else []


def candidates(
    missing: set[int], filters: Filters, *, exclude: Iterable[MicroCredential] = ()
) -> tuple[list[ranking.Candidate], dict[int, MicroCredential]]:
    """Published micro-credentials aligned (directly or through an equivalent) to at least one missing skill."""
    esco = skills_framework()
    meaning = competencies_meaning(missing, esco)
    rows = Alignment.objects.filter(credential__status=Status.PUBLISHED, competency_id__in=list(meaning))
    if filters.region:
        rows = rows.filter(credential__region=filters.region)
    if filters.delivery_mode:
        rows = rows.filter(credential__delivery_mode=filters.delivery_mode)
    if filters.max_cost is not None:
        rows = rows.filter(credential__cost__lte=filters.max_cost)
    skills: dict[int, set[int]] = defaultdict(set)
    for credential_id, competency in rows.values_list("credential_id", "competency_id"):
        skills[credential_id] |= meaning[competency] & missing
    held = {(c.provider_id, c.slug) for c in exclude}
    credentials = MicroCredential.objects.filter(pk__in=list(skills)).select_related("provider")
    found = {c.pk: c for c in credentials if (c.provider_id, c.slug) not in held}
    return [
        ranking.Candidate(c.pk, c.title, float(c.workload_hours), float(c.cost), frozenset(skills[c.pk]))
        for c in found.values()
    ], found


def analyse(
    held: dict[int, HeldSkill],
    target: Target,
    filters: Filters | None = None,
    *,
    exclude: Iterable[MicroCredential] = (),
    limit: int = RECOMMENDATIONS_LIMIT,
) -> Analysis:
    filters = filters or Filters()
    found = ranking.gap(target.skills, set(held))
    missing = {skill.skill for skill in found.missing}
    pool, credentials = candidates(missing, filters, exclude=exclude) if missing else ([], {})
    ranked = ranking.rank(pool, found)
    chosen = ranking.plan(ranked, found)
    labels = {skill.skill: skill.label for skill in target.skills}

    def recommendation(item: ranking.Ranked) -> Recommendation:
        return Recommendation(
            item,
            credentials[item.candidate.key],
            sorted(labels[s] for s in item.essential),
            sorted(labels[s] for s in item.optional),
        )

    return Analysis(
        target=target,
        gap=found,
        held=held,
        recommendations=[recommendation(item) for item in ranked[:limit]],
        plan=[recommendation(item) for item in chosen.items],
        plan_hours=chosen.hours,
        plan_cost=chosen.cost,
        uncovered=sorted(labels[s] for s in chosen.uncovered_essential),
        filters=filters,
        in_demand=frozenset(missing & in_demand_skill_ids(filters.region or None)) if missing else frozenset(),
        related_held=held_related(missing, set(held)),
    )


def learner_micro_credentials(user: Any) -> list[MicroCredential]:
    issued = live_issued_credentials(user)
    return [version for versions in micro_credentials_of(issued).values() for version in versions]


def learner_analysis(user: Any, target: Target, filters: Filters | None = None) -> Analysis:
    """The whole gap analysis for a learner: held skills, the gap, ranked recommendations and the plan."""
    return analyse(learner_skills(user), target, filters, exclude=learner_micro_credentials(user))


def client_analysis(client: Client, target: Target, filters: Filters | None = None) -> Analysis:
    return analyse(client_skills(client), target, filters, exclude=list(client.held_credentials.all()))


def target_of_client(client: Client) -> Target | None:
    if client.target_occupation_id:
        return occupation_target(client.target_occupation)
    if client.target_posting_id:
        return posting_target(client.target_posting)
    return None


# ---------------------------------------------------------------- practitioners' clients


def advising_organizations(user: Any) -> list[Organization]:
    if not getattr(user, "is_authenticated", False):
        return []
    rows = Organization.objects.filter(memberships__user=user).distinct().order_by("name")
    return [org for org in rows if can(user, "skills.advise_clients", org)]


def clients_for(user: Any) -> QuerySet[Client]:
    return Client.objects.filter(organization__in=advising_organizations(user)).select_related(
        "organization", "target_occupation", "target_posting"
    )


def client_for(user: Any, raw_id: Any) -> Client:
    """A client the user may advise; anyone else gets "not found" (a client's existence is private too)."""
    text = str(raw_id or "")
    client = (
        clients_for(user).filter(pk=int(text)).first() if text.isascii() and text.isdigit() and len(text) < 12 else None
    )
    if client is None:
        raise NotFound(_("No such client."), code="client_not_found")
    return client


def shortlist_of(client: Client) -> QuerySet[ShortlistItem]:
    return client.shortlist.select_related("credential__provider", "added_by")
