"""``microcred bench reports``: 100,000 awards over 2,000 micro-credentials, then the provider dashboard and the
streamed CSV export of every award, timed, with the export's peak memory.

Runs against a throwaway SQLite database in a temporary directory (or ``--database-url``). The data is bulk
inserted (the award path itself is measured by ``microcred bench award``); dates are spread over 24 months.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from microcred.bench.sandbox import migrated_sandbox, peak_mib

LEVELS = ["", "introductory", "intermediate"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--awards", type=int, default=100_000, help="awards to fill (default 100,000)")
    parser.add_argument("--credentials", type=int, default=2_000, help="micro-credentials (default 2,000)")
    parser.add_argument("--database-url", default="", help="use this database instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=9, help="random seed for the synthetic data")


def run(args: argparse.Namespace) -> int:
    _, seconds = migrated_sandbox("reports", database_url=args.database_url)
    print(f"microcred bench reports: {args.awards:,} awards over {args.credentials:,} credentials")
    print(f"  database {os.environ['DATABASE_URL']}")
    print(f"  {'set-up (migrate)':<34} {seconds:8.2f} s")
    return _bench(args)


def _fill(args: argparse.Namespace) -> tuple[object, object]:
    from django.db import transaction

    from microcred.accounts.models import User
    from microcred.assessment.models import (
        AssessmentComponent,
        AssessmentPlan,
        Award,
        Enrolment,
        Evaluation,
        RuleDecision,
    )
    from microcred.catalog.models import MicroCredential, Status
    from microcred.testing.factories import make_member, make_organization

    rng = random.Random(args.seed)
    provider = make_organization("provider", name="Bench Polytechnic")
    admin = make_member(provider, "admin", email="admin@bench.example")
    per_credential = max(1, args.awards // args.credentials)
    batch = 5000
    with transaction.atomic():
        learners = User.objects.bulk_create(
            [User(email=f"learner{i:05d}@bench.example", display_name=f"Learner {i}", password="!")  # noqa: S106 - unusable
             for i in range(per_credential)],
            batch_size=batch,
        )
        credentials = MicroCredential.objects.bulk_create(
            [
                MicroCredential(
                    provider=provider,
                    slug=f"credential-{i:05d}",
                    title=f"Credential {i:05d}",
                    status=Status.PUBLISHED,
                    delivery_mode="online",
                    workload_hours=rng.choice([10, 20, 45]),
                    level=rng.choice(LEVELS),
                )
                for i in range(args.credentials)
            ],
            batch_size=batch,
        )
        plans = AssessmentPlan.objects.bulk_create(
            [AssessmentPlan(credential=c) for c in credentials], batch_size=batch
        )
        components = AssessmentComponent.objects.bulk_create(
            [AssessmentComponent(plan=p, name="exam", kind="course_grade", max_score=100, pass_mark=60) for p in plans],
            batch_size=batch,
        )
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(learner=learner, credential=c, status="awarded") for c in credentials for learner in learners],
            batch_size=batch,
        )
        component_of = {p.credential_id: comp for p, comp in zip(plans, components, strict=True)}
        Evaluation.objects.bulk_create(
            [Evaluation(enrolment=e, component=component_of[e.credential_id], source="assessor",
                        score=rng.randint(40, 100)) for e in enrolments],
            batch_size=batch,
        )
        decisions = RuleDecision.objects.bulk_create(
            [RuleDecision(enrolment=e, outcome="met") for e in enrolments], batch_size=batch
        )
        now = datetime.now(UTC)
        Award.objects.bulk_create(
            [
                Award(enrolment=e, decision=d, status="revoked", revoked_at=now) if i % 50 == 0
                else Award(enrolment=e, decision=d)
                for i, (e, d) in enumerate(zip(enrolments, decisions, strict=True))
            ],
            batch_size=batch,
        )
        # auto_now_add stamped everything now: spread enrolments and awards over 24 months, a month apart or so.
        months = 24
        step = len(enrolments) // months + 1
        first = min(e.pk for e in enrolments)
        for m in range(months):
            low, high = first + m * step, first + (m + 1) * step
            enrolled = now - timedelta(days=30 * (months - m) + 20)
            Enrolment.objects.filter(pk__gte=low, pk__lt=high).update(enrolled_at=enrolled)
            Award.objects.filter(enrolment_id__gte=low, enrolment_id__lt=high).update(
                awarded_at=enrolled + timedelta(days=20 + m % 7)
            )
    return provider, admin


def _bench(args: argparse.Namespace) -> int:
    from django.test import Client

    from microcred.assessment.models import Award

    t = time.perf_counter()
    provider, admin = _fill(args)
    awards = Award.objects.count()
    print(f"  {'fill (bulk inserts)':<34} {time.perf_counter() - t:8.2f} s   {awards:,} awards")

    client = Client()
    # A process's first request, whatever the page, imports the URLconf and builds the API's schemas: timed on its
    # own (the login page) so that the dashboard's first load below is the dashboard's own cold cost.
    t = time.perf_counter()
    response = client.get("/accounts/login/")
    assert response.status_code == 200, response.status_code
    print(f"  {'process warm-up (first request)':<34} {(time.perf_counter() - t) * 1000:8.0f} ms   (login page)")
    client.force_login(admin)
    url = f"/reporting/{provider.slug}/"
    timings = []
    for _ in range(3):
        t = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
    print(f"  {'dashboard render (first, best)':<34} {timings[0] * 1000:8.0f} ms {min(timings) * 1000:6.0f} ms"
          "   (target: under 500 ms)")

    t = time.perf_counter()
    response = client.get(f"/reporting/{provider.slug}/awards.csv")
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    export_seconds = time.perf_counter() - t
    print(f"  {'CSV export, streamed':<34} {export_seconds:8.2f} s   {lines - 1:,} rows   (target: under 10 s)")

    tracemalloc.start()
    response = client.get(f"/reporting/{provider.slug}/awards.csv")
    size = sum(len(chunk) for chunk in response.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {'CSV export, peak Python memory':<34} {peak / 2**20:8.1f} MiB for {size / 2**20:.1f} MiB of CSV")
    print(f"  {'process peak memory (whole run)':<34} {peak_mib():8.0f} MiB")
    return 0
