"""A synthetic published catalog for ``microcred bench catalog``, built from ESCO's own skills.

Each micro-credential teaches a handful of skills of one ESCO skill group (``broaderRelationsSkillPillar.csv``):
its title, summary, description and learning outcomes are made of those skills' labels and descriptions, it is
aligned to them (an ESCO framework of 13,896 competencies is loaded first), and its typology is drawn from
plausible distributions. Rows are written with ``bulk_create`` in chunks, in the shape the catalog's services
leave them after publication: status published, a ``SearchDocument`` whose body is ``search.document_body`` of
the same parts, ``skills_demand`` the labels of its aligned skills that are in demand, pathways for stacking.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ESCO_DIR = DATA / "esco"
CHUNK = 2_000

REGIONS = [("ON", 38), ("QC", 22), ("BC", 13), ("AB", 12), ("MB", 4), ("SK", 3), ("NS", 3), ("NB", 2)]
REGIONS += [("NL", 1), ("PE", 1), ("NT", 0.3), ("YT", 0.3), ("NU", 0.2)]
CITIES = {
    "ON": ["Toronto", "Ottawa", "Hamilton", "London", "Sudbury"],
    "QC": ["Montréal", "Québec", "Sherbrooke", "Gatineau"],
    "BC": ["Vancouver", "Victoria", "Kelowna", "Prince George"],
    "AB": ["Calgary", "Edmonton", "Red Deer"],
}
PROVIDER_KINDS = [
    ("college", "{} College"),
    ("university", "University of {}"),
    ("college", "{} Polytechnic"),
    ("professional_body", "{} Professional Association"),
    ("employer", "{} Training Centre"),
]
PLACES = [
    "Maple", "Lakeshore", "Northern", "Prairie", "Harbour", "Granite", "Cedar", "Riverside", "Summit", "Atlantic",
    "Boreal", "Frontenac", "Fraser", "Laurentian", "Algonquin", "Georgian", "Niagara", "Okanagan", "Red River",
    "Saint Lawrence", "Chinook", "Coastal", "Heritage", "Pioneer", "Aurora",
]  # fmt: skip
TITLE_FORMS = [
    "{}", "{}: foundations", "{} in practice", "Introduction to {}", "Advanced {}", "{} for supervisors",
    "Applied {}", "{} essentials", "Professional practice: {}", "{} for the workplace",
]  # fmt: skip
PARTNERS = [
    "Hydro Grid Employers", "Canadian Manufacturers Council", "Health Workforce Alliance", "Tech Talent North",
    "Construction Sector Council", "Retail Council", "Tourism Skills Network", "Agri-Food Workforce Partners",
]  # fmt: skip


@dataclass
class Skill:
    uri: str
    label: str
    description: str
    group: str


@dataclass
class EscoSkills:
    skills: list[Skill]
    groups: list[list[int]]  # indexes into skills, groups of three or more skills
    in_demand: set[int] = field(default_factory=set)


def read_esco(directory: Path = ESCO_DIR, *, seed: int = 20) -> EscoSkills:
    """ESCO's skills with their descriptions, grouped by their broader skill group."""
    broader: dict[str, str] = {}
    with open(directory / "broaderRelationsSkillPillar.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            broader.setdefault(row["conceptUri"], row["broaderUri"])
    skills: list[Skill] = []
    with open(directory / "skills_en.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = row["preferredLabel"].strip()
            if label:
                uri = row["conceptUri"].strip()
                skills.append(Skill(uri, label, " ".join(row["description"].split()), broader.get(uri, "")))
    by_group: dict[str, list[int]] = defaultdict(list)
    for index, skill in enumerate(skills):
        by_group[skill.group].append(index)
    groups = [members for members in by_group.values() if len(members) >= 3]
    rng = random.Random(seed)
    in_demand = set(rng.sample(range(len(skills)), 400))
    return EscoSkills(skills, groups, in_demand)


def load_framework(esco: EscoSkills) -> list[int]:
    """An ESCO skills framework, published, one competency per skill; the competencies' ids in skill order."""
    from django.utils import timezone

    from microcred.frameworks.models import Competency, Framework

    framework = Framework.objects.create(
        slug="esco-skills",
        title="ESCO skills",
        publisher="European Commission",
        version="1.1.1",
        uri="http://data.europa.eu/esco/concept-scheme/skills",
        source_format="esco",
        status="published",
        published_at=timezone.now(),
    )
    created = Competency.objects.bulk_create(
        [
            Competency(
                framework=framework,
                identifier=f"esco-{index}",
                uri=skill.uri,
                short_name=skill.label[:300],
                statement=skill.description or skill.label,
                competency_type="skill",
                sort_order=index,
            )
            for index, skill in enumerate(esco.skills)
        ],
        batch_size=CHUNK,
    )
    if created and created[0].pk is None:  # a database that does not return ids from a bulk insert
        return list(Competency.objects.filter(framework=framework).order_by("sort_order").values_list("pk", flat=True))
    return [c.pk for c in created]


def make_providers(count: int, rng: random.Random) -> list[object]:
    from microcred.accounts.models import Organization

    rows = []
    for n in range(count):
        provider_type, form = PROVIDER_KINDS[n % len(PROVIDER_KINDS)]
        place = PLACES[n % len(PLACES)]
        name = form.format(place) + ("" if n < len(PLACES) * len(PROVIDER_KINDS) else f" {n}")
        region = _weighted(rng, REGIONS)
        rows.append(
            Organization(
                slug=f"bench-provider-{n}",
                name=name,
                kind="provider",
                provider_type=provider_type,
                region=region,
            )
        )
    Organization.objects.bulk_create(rows, batch_size=CHUNK)
    return list(Organization.objects.filter(slug__startswith="bench-provider-").order_by("pk"))


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _cost(rng: random.Random) -> Decimal:
    if rng.random() < 0.18:
        return Decimal(0)
    return Decimal(int(rng.lognormvariate(5.9, 0.8)) // 5 * 5 + 5)


def _hours(rng: random.Random) -> Decimal:
    return Decimal(max(2, min(400, int(rng.lognormvariate(3.2, 0.8)))))


def generate(
    count: int, esco: EscoSkills, competency_ids: list[int], *, seed: int = 20, progress: bool = True
) -> dict[str, int]:
    """``count`` published micro-credentials with outcomes, alignments, search documents, pathways; row counts."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from microcred.accounts.models import Organization
    from microcred.catalog import search, typos
    from microcred.catalog.models import Alignment, LearningOutcome, MicroCredential, SearchDocument, SearchTerm

    rng = random.Random(seed)
    providers = make_providers(max(10, count // 250), rng)
    employers = Organization.objects.bulk_create(
        [
            Organization(slug=f"bench-employer-{n}", name=f"{PARTNERS[n % len(PARTNERS)]} {n}", kind="employer")
            for n in range(40)
        ]
    )
    employers = list(Organization.objects.filter(slug__startswith="bench-employer-"))
    now = timezone.now()
    counts = defaultdict(int)
    co_design = MicroCredential.co_designed_with.through
    stackable: list[tuple[int, int]] = []  # (provider id, credential id)
    vocabulary = set(SearchTerm.objects.values_list("word", flat=True))
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        drafts = []
        parts = []
        for n in range(start, start + size):
            provider = (
                providers[int(rng.paretovariate(1.2)) % len(providers)] if rng.random() < 0.5 else rng.choice(providers)
            )
            group = rng.choice(esco.groups)
            chosen = rng.sample(group, min(len(group), rng.randint(3, 6)))
            main = esco.skills[chosen[0]]
            title = rng.choice(TITLE_FORMS).format(main.label[:1].upper() + main.label[1:])[:200]
            described = [esco.skills[i] for i in chosen[:3] if esco.skills[i].description]
            summary = (main.description.split(". ")[0] if main.description else main.label)[:500]
            description = "".join(f"<p>{s.description}</p>" for s in described)
            outcomes = [f"Able to {esco.skills[i].label}." for i in chosen]
            labels = [esco.skills[i].label[:300] for i in chosen]
            demand = sorted({esco.skills[i].label[:120] for i in chosen if i in esco.in_demand})[:10]
            region = provider.region or _weighted(rng, REGIONS)
            language = (
                "fr"
                if region == "QC" and rng.random() < 0.7
                else _weighted(rng, [("en", 85), ("en-fr", 8), ("fr", 5), ("es", 1), ("other", 1)])
            )
            credit = rng.random() < 0.25
            partners = rng.sample(PARTNERS, rng.randint(1, 2)) if rng.random() < 0.3 else []
            hours = _hours(rng)
            drafts.append(
                MicroCredential(
                    provider=provider,
                    slug=slugify(f"{title}-{n}")[:120],
                    status="published",
                    title=title,
                    summary=summary,
                    description=description,
                    level=_weighted(
                        rng, [("introductory", 40), ("intermediate", 35), ("advanced", 15), ("professional", 10)]
                    ),
                    delivery_mode=_weighted(rng, [("online", 50), ("in_person", 25), ("hybrid", 25)]),
                    pace=_weighted(rng, [("self_paced", 35), ("cohort", 50), ("on_demand", 15)]),
                    workload_hours=hours,
                    time_to_complete_weeks=max(1, int(hours) // 8),
                    cost=_cost(rng),
                    language=language,
                    region=region,
                    city=rng.choice(CITIES.get(region, [""])),
                    credit_type="credit" if credit else "non_credit",
                    credit_value=Decimal(rng.choice([1, 2, 3, 6])) if credit else None,
                    credit_unit="course_credits" if credit else "",
                    assessment_method=rng.choice(["exam", "project", "portfolio", "performance", "workplace", "mixed"]),
                    achievement_indicator=_weighted(
                        rng, [("digital_badge", 60), ("certificate", 30), ("transcript_entry", 10)]
                    ),
                    industry_partners=partners,
                    skills_demand=demand,
                    accreditation_status="accredited" if rng.random() < 0.1 else "none",
                    accrediting_body="Canadian Accreditation Board" if rng.random() < 0.1 else "",
                    validity_months=rng.choice([None, 24, 36, 60]),
                    published_at=now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
                )
            )
            parts.append((chosen, outcomes, labels, partners, demand, provider.name, summary, description))
        with transaction.atomic():
            created = MicroCredential.objects.bulk_create(drafts, batch_size=500)
            if created and created[0].pk is None:
                ids = dict(MicroCredential.objects.filter(slug__in=[c.slug for c in created]).values_list("slug", "pk"))
                for c in created:
                    c.pk = ids[c.slug]
            outcome_rows, alignment_rows, documents, links = [], [], [], []
            for credential, (chosen, outcomes, labels, partners, demand, provider_name, summary, description) in zip(
                created, parts, strict=True
            ):
                outcome_rows += [
                    LearningOutcome(credential_id=credential.pk, position=i, text=t) for i, t in enumerate(outcomes)
                ]
                alignment_rows += [
                    Alignment(
                        credential_id=credential.pk,
                        competency_id=competency_ids[i],
                        label=label,
                        target_url=esco.skills[i].uri,
                        target_framework="ESCO skills",
                    )
                    for i, label in zip(chosen, labels, strict=True)
                ]
                documents.append(
                    SearchDocument(
                        credential_id=credential.pk,
                        title=credential.title,
                        body=search.document_body(
                            summary=summary,
                            description=description,
                            outcomes=outcomes,
                            competencies=labels,
                            industry_partners=partners,
                            skills_demand=demand,
                            provider_name=provider_name,
                        ),
                    )
                )
                if rng.random() < 0.04:
                    links.append(co_design(microcredential_id=credential.pk, organization_id=rng.choice(employers).pk))
                if rng.random() < 0.1:
                    stackable.append((credential.provider_id, credential.pk))
            LearningOutcome.objects.bulk_create(outcome_rows, batch_size=CHUNK)
            Alignment.objects.bulk_create(alignment_rows, batch_size=CHUNK)
            SearchDocument.objects.bulk_create(documents, batch_size=CHUNK)
            # The vocabulary that ``search.index`` keeps, for typo tolerance.
            words = typos.words_of(*(f"{d.title}\n{d.body}" for d in documents)) - vocabulary
            SearchTerm.objects.bulk_create([SearchTerm(word=w) for w in sorted(words)], batch_size=CHUNK)
            vocabulary |= words
            co_design.objects.bulk_create(links, batch_size=CHUNK)
        counts["micro-credentials"] += len(created)
        counts["learning outcomes"] += len(outcome_rows)
        counts["alignments"] += len(alignment_rows)
        counts["search documents"] += len(documents)
        counts["search words"] += len(words)
        counts["co-design links"] += len(links)
        if progress and (start // CHUNK) % 10 == 9:
            print(f"    … {start + size:,} micro-credentials", flush=True)
    counts["providers"] = len(providers)
    counts["pathways"] = _pathways(stackable, rng)
    return dict(counts)


def _pathways(stackable: list[tuple[int, int]], rng: random.Random) -> int:
    """Certificates of three to five micro-credentials of one provider."""
    from microcred.catalog.models import Pathway

    by_provider: dict[int, list[int]] = defaultdict(list)
    for provider_id, credential_id in stackable:
        by_provider[provider_id].append(credential_id)
    pathways, members = [], []
    for provider_id, ids in by_provider.items():
        for k in range(0, len(ids) - 2, 4):
            group = ids[k : k + 4]
            pathways.append(
                Pathway(
                    provider_id=provider_id,
                    slug=f"bench-pathway-{provider_id}-{k}",
                    title=f"Certificate {provider_id}-{k}",
                    kind="certificate",
                )
            )
            members.append(group)
    Pathway.objects.bulk_create(pathways, batch_size=CHUNK)
    saved = dict(Pathway.objects.filter(slug__startswith="bench-pathway-").values_list("slug", "pk"))
    through = Pathway.members.through
    through.objects.bulk_create(
        [
            through(pathway_id=saved[p.slug], microcredential_id=c)
            for p, group in zip(pathways, members, strict=True)
            for c in group
        ],
        batch_size=CHUNK,
    )
    return len(pathways)
