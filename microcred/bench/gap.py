"""The latency of a gap analysis: a learner with 10 credentials against an occupation, recommendations included.

``run_gap_benchmark()`` fills a synthetic ESCO-like taxonomy (2,500 skills, with a college framework mapped to
part of it by confirmed crosswalk links), 600 published micro-credentials aligned to 3–8 skills each, a learner
holding 10 of them (credentials issued here) and an occupation with 30 skills (12 essential), then times the
whole call the learner's page makes: held skills from the credentials, the target's skills, the gap, the
candidates and their ranking and plan. ``microcred bench skills`` prints it; ``python -m microcred.bench.gap``
runs it alone.

Run in a throwaway migrated database when Django is not set up yet; otherwise inside a transaction that is
rolled back, so the caller's database is left as it was. Target: p95 under 300 ms.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

SKILLS = 2_500
CREDENTIALS = 600
HELD = 10
ESSENTIAL, OPTIONAL = 12, 18
WORDS = [
    "apply",
    "analyse",
    "manage",
    "install",
    "maintain",
    "design",
    "operate",
    "inspect",
    "monitor",
    "plan",
    "develop",
    "assess",
    "document",
    "test",
    "repair",
    "configure",
    "teach",
    "negotiate",
    "calculate",
    "diagnose",
    "schedule",
    "coordinate",
    "evaluate",
    "prepare",
    "supervise",
    "interpret",
]
OBJECTS = [
    "electrical",
    "systems",
    "safety",
    "standards",
    "software",
    "databases",
    "budgets",
    "patients",
    "machinery",
    "networks",
    "customer",
    "accounts",
    "vehicles",
    "welding",
    "joints",
    "contracts",
    "curricula",
    "building",
    "codes",
    "data",
    "pipelines",
    "test",
    "plans",
    "inventory",
    "supply",
    "chains",
    "hydraulic",
    "systems",
    "food",
    "hygiene",
    "solar",
    "panels",
    "wind",
    "turbines",
    "medical",
    "records",
    "cloud",
    "services",
]


def _ready() -> bool:
    """Django already set up by the caller (a test, a shell): use its database, in a rolled-back transaction."""
    from django.apps import apps

    return apps.ready


def run_gap_benchmark(samples: int = 200, *, seed: int = 8) -> dict[str, Any]:
    """p50/p95/max in ms of the learner's gap analysis with recommendations, with the sizes it ran on."""
    if not _ready():
        from microcred.bench.sandbox import migrated_sandbox

        migrated_sandbox("gap")
    from django.db import transaction

    with transaction.atomic():
        figures = _run(samples, seed)
        transaction.set_rollback(True)
    return figures


def _fill(rng: random.Random) -> tuple[Any, Any]:
    from microcred.catalog.formats import achievement_url
    from microcred.catalog.models import Alignment, MicroCredential, Status
    from microcred.frameworks.models import (
        Competency,
        Crosswalk,
        CrosswalkLink,
        Framework,
        FrameworkStatus,
        SourceFormat,
    )
    from microcred.issuing.models import IssuedCredential
    from microcred.skills.models import Occupation, OccupationSkill
    from microcred.testing.factories import make_organization, make_user

    esco = Framework.objects.create(
        title="ESCO (bench)", version="bench", source_format=SourceFormat.ESCO, status=FrameworkStatus.PUBLISHED
    )
    labels = set()
    while len(labels) < SKILLS:
        labels.add(f"{rng.choice(WORDS)} {rng.choice(OBJECTS)} {rng.choice(OBJECTS)} {len(labels)}")
    skills = Competency.objects.bulk_create(
        Competency(
            framework=esco,
            short_name=label,
            statement=label,
            uri=f"http://data.europa.eu/esco/skill/bench-{i}",
            competency_type="skill",
            code=f"S{i}",
            sort_order=i,
        )
        for i, label in enumerate(sorted(labels))
    )
    provider = make_organization("provider", name="Bench College")
    own = Framework.objects.create(title="Bench College skills", organization=provider)
    local = Competency.objects.bulk_create(
        Competency(framework=own, short_name=f"local {i}", statement=f"Local {i}", code=f"L{i}") for i in range(200)
    )
    crosswalk = Crosswalk.objects.create(organization=provider, source_framework=own, target_framework=esco)
    CrosswalkLink.objects.bulk_create(
        CrosswalkLink(
            crosswalk=crosswalk, source=c, target=rng.choice(skills), relation="exactMatch", status="confirmed"
        )
        for c in local
    )
    credentials = MicroCredential.objects.bulk_create(
        MicroCredential(
            provider=provider,
            slug=f"bench-{i:04d}",
            title=f"Bench credential {i:04d}",
            status=Status.PUBLISHED,
            delivery_mode=rng.choice(["online", "in_person", "hybrid"]),
            workload_hours=rng.choice([6, 12, 20, 40, 90]),
            cost=rng.choice([0, 150, 450, 900, 1800]),
            region=rng.choice(["", "ON", "BC", "QC", "AB"]),
        )
        for i in range(CREDENTIALS)
    )
    occupation = Occupation.objects.create(source="esco", key="bench-occupation", title="Bench occupation")
    needed = rng.sample(skills, ESSENTIAL + OPTIONAL)
    OccupationSkill.objects.bulk_create(
        OccupationSkill(
            occupation=occupation,
            competency=c,
            label=c.short_name,
            relation="essential" if i < ESSENTIAL else "optional",
        )
        for i, c in enumerate(needed)
    )
    alignments = []
    for credential in credentials:
        # a quarter of the catalog teaches at least one of the occupation's skills, as a real catalog would
        chosen = set(rng.sample(skills, rng.randint(3, 8)))
        if rng.random() < 0.25:
            chosen.add(rng.choice(needed))
        alignments += [
            Alignment(credential=credential, competency=c, label=c.short_name, target_url=c.uri) for c in chosen
        ]
        if rng.random() < 0.1:
            c = rng.choice(local)
            alignments.append(Alignment(credential=credential, competency=c, label=c.short_name))
    Alignment.objects.bulk_create(alignments, batch_size=2000)

    learner = make_user(email="learner@bench.example", name="Bench Learner")
    held = rng.sample(credentials, HELD)
    for credential in held:  # the learner holds some of the occupation's skills through these
        Alignment.objects.get_or_create(
            credential=credential, competency=rng.choice(needed), outcome_position=None, defaults={"label": "x"}
        )
    IssuedCredential.objects.bulk_create(
        IssuedCredential(
            organization=provider,
            recipient=learner,
            recipient_identifier=learner.email,
            achievement_id=achievement_url(credential),
            achievement_name=credential.title,
            proof_format="eddsa-rdfc-2022",
            document={"credentialSubject": {"achievement": {"id": achievement_url(credential)}}},
        )
        for credential in held
    )
    return learner, occupation


def _run(samples: int, seed: int) -> dict[str, Any]:
    from microcred.careers import selectors

    rng = random.Random(seed)
    learner, occupation = _fill(rng)
    timings = []
    analysis = None
    for i in range(samples + 5):
        started = time.perf_counter()
        analysis = selectors.learner_analysis(learner, selectors.occupation_target(occupation))
        elapsed = (time.perf_counter() - started) * 1000
        if i >= 5:  # warm-up: the URL resolver and query compilation
            timings.append(elapsed)
    timings.sort()
    assert analysis is not None
    return {
        "samples": samples,
        "skills": SKILLS,
        "credentials": CREDENTIALS,
        "held skills": len(analysis.held),
        "recommended": len(analysis.recommendations),
        "p50": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, int(0.95 * len(timings)))],
        "max": timings[-1],
    }


def main() -> None:
    figures = run_gap_benchmark()
    shown = ", ".join(f"{k} {v:.1f} ms" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items())
    print(f"gap analysis (learner with {HELD} credentials vs an occupation of {ESSENTIAL + OPTIONAL} skills): {shown}")


if __name__ == "__main__":
    main()
