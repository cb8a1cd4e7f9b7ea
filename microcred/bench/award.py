"""``microcred bench award``: enrol a cohort, import its results from CSV, decide the rule, issue what is earned.

Runs against a throwaway SQLite database in a temporary directory (or ``--database-url``), through
the same services the pages and the API use, and prints rows/s for each stage and the peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import timedelta

from microcred.bench.sandbox import migrated_sandbox, peak_mib


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learners", type=int, default=20_000, help="cohort size (default 20,000)")
    parser.add_argument("--proof-format", default="eddsa-rdfc-2022", help="proof format of the issued credentials")
    parser.add_argument("--database-url", default="", help="use this database instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=6, help="random seed for the synthetic results")
    parser.add_argument(
        "--attested",
        type=int,
        default=None,
        help="learners whose workplace supervisor attests through an e-mailed link, each attestation signed by the "
        "employer and embedded in the learner's credential (default: one in ten learners)",
    )
    parser.add_argument(
        "--endorsements", type=int, default=2, help="employers endorsing the credential (embedded in every credential)"
    )


def _line(label: str, count: int, seconds: float, unit: str = "rows") -> None:
    rate = count / seconds if seconds > 0 else float("inf")
    print(f"  {label:<34} {count:>8,} {unit:<12} {seconds:8.2f} s   {rate:>10,.0f} {unit}/s")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    _, seconds = migrated_sandbox("award", database_url=args.database_url)
    from django.conf import settings

    # The sandbox runs in development mode (no production secrets needed); a production worker does not log
    # every SQL statement as DEBUG does, so neither does the benchmark.
    settings.DEBUG = False
    print(f"microcred bench award: {args.learners:,} learners, database {os.environ['DATABASE_URL']}")
    print(f"  {'set-up (migrate)':<34} {seconds:8.2f} s")
    return _bench(args, started)


def _bench(args: argparse.Namespace, started: float) -> int:
    from django.utils import timezone

    from microcred.accounts.permissions import SYSTEM
    from microcred.assessment import award_rules, selectors
    from microcred.assessment.models import Award, BulkAwardJob, Enrolment, SupervisorInvitation
    from microcred.assessment.services import bulk, enrolment, evaluations, gradebook, plans
    from microcred.employers.services import endorse
    from microcred.testing.assessment import as_draft, make_published_credential, make_scale_with_competencies
    from microcred.testing.factories import make_member, make_organization

    rng = random.Random(args.seed)
    provider = make_organization("provider", name="Bench College")
    admin = make_member(provider, "admin", email="admin@bench.example")
    scale, (communication, collaboration) = make_scale_with_competencies(provider, ["communication", "collaboration"])
    credential = make_published_credential(provider, title="Bench credential")
    with as_draft(credential):
        plans.add_component(
            actor=admin,
            credential=credential,
            name="course",
            kind="course_grade",
            max_score=100,
            pass_mark=70,
            competencies=[communication, collaboration],
            scale=scale,
        )
        workplace = plans.add_component(
            actor=admin, credential=credential, name="workplace", kind="workplace_evaluation"
        )
        rule = 'grade("course") >= 70 and level("communication") >= "good" and level("collaboration") >= "good"'
        plans.save_award_rule(actor=admin, credential=credential, rule=rule)
    levels = [lv.label for lv in selectors.scale_levels(scale)]
    employer = make_organization("employer", name="Bench Employer")
    t = time.perf_counter()
    for index in range(args.endorsements):
        endorser = employer if index == 0 else make_organization("employer", name=f"Bench Employer {index + 1}")
        endorse(
            actor=make_member(endorser, "admin", email=f"admin{index}@employer{index}.bench.example"),
            employer=endorser,
            credential=credential,
            comment="We hire people who hold this credential.",
        )
    _line("employer endorsements (signed once)", args.endorsements, time.perf_counter() - t, "endorsements")

    n = args.learners
    emails = [f"learner{i:06d}@bench.example" for i in range(n)]
    roster = "email,name\n" + "".join(f"{e},Learner {i}\n" for i, e in enumerate(emails))
    t = time.perf_counter()
    result = enrolment.enrol_from_csv(actor=admin, credential=credential, data=roster.encode())
    _line("enrol from CSV (accounts created)", result.enrolled, time.perf_counter() - t)

    # Work-integrated learning: a supervisor of the employer attests some learners' workplace component through an
    # e-mailed link (before the grades arrive, so no rule is met yet); each attestation is signed with the employer's
    # key and embedded in that learner's credential at the award.
    attested = n // 10 if args.attested is None else min(max(args.attested, 0), n)
    chosen = list(Enrolment.objects.filter(credential=credential).order_by("pk")[:attested])
    t = time.perf_counter()
    expires = timezone.now() + timedelta(days=60)
    invitations = SupervisorInvitation.objects.bulk_create(
        SupervisorInvitation(
            enrolment=e,
            organization=employer,
            email="supervisor@employer.bench.example",
            name="Sam Supervisor",
            token_hash=evaluations.hash_token(f"bench-{e.pk}"),
            expires_at=expires,
        )
        for e in chosen
    )
    SupervisorInvitation.components.through.objects.bulk_create(
        SupervisorInvitation.components.through(supervisorinvitation_id=i.pk, assessmentcomponent_id=workplace.pk)
        for i in invitations
    )
    for e, invitation in zip(chosen, invitations, strict=True):
        evaluations.record_evaluation(
            actor=None,
            enrolment=e,
            component=workplace,
            passed=True,
            attestation="Observed over a twelve-week work term: reliable, safe, and clear with the crew.",
            invitation=invitation,
        )
    _line("attestations (signed by the employer)", attested, time.perf_counter() - t, "attestations")

    rows = ["email,component,score,communication,collaboration"]
    for e in emails:
        rows.append(f"{e},course,{rng.randint(40, 100)},{rng.choice(levels)},{rng.choice(levels[2:])}")
    csv_bytes = ("\n".join(rows) + "\n").encode()
    t = time.perf_counter()
    preview = gradebook.preview_gradebook(actor=admin, credential=credential, data=csv_bytes, filename="grades.csv")
    gradebook.apply_gradebook(actor=admin, gradebook=preview)
    import_seconds = time.perf_counter() - t
    _line("gradebook import (preview + apply)", preview.total_rows, import_seconds)

    compiled = award_rules.compile_rule(credential.award_rule, selectors.signature_of(credential))
    enrolments = list(Enrolment.objects.filter(credential=credential).order_by("pk"))
    t = time.perf_counter()
    met = 0
    for start in range(0, len(enrolments), 2000):
        chunk = enrolments[start : start + 2000]
        facts = selectors.facts_for_many(credential, chunk)
        for e in chunk:
            met += award_rules.evaluate(compiled, facts[e.pk]).met
    _line("rule evaluations (with result reads)", len(enrolments), time.perf_counter() - t, "evaluations")
    print(f"  {'learners who earned it':<34} {met:>8,}")

    try:
        from microcred.issuing.services import issue_credential  # noqa: F401
    except ImportError:
        print("  issuing: microcred.issuing.services.issue_credential is not available yet; nothing was issued")
        print(f"  {'peak memory':<34} {peak_mib():8.0f} MiB")
        return 1
    job = bulk.start_bulk_award(actor=SYSTEM, credential=credential, enqueue=False)
    t = time.perf_counter()
    job = bulk.run_bulk_award(job.pk)
    issue_seconds = time.perf_counter() - t
    issued = Award.objects.filter(enrolment__credential=credential).count()
    _line("bulk award: decide + sign + store", job.processed, issue_seconds, "learners")
    _line("credentials issued (signed)", issued, issue_seconds, "credentials")
    job = BulkAwardJob.objects.get(pk=job.pk)
    print(
        f"  {'bulk job':<34} awarded {job.awarded:,}, not met {job.not_met:,}, "
        f"undetermined {job.undetermined:,}, failed {job.failed:,}"
    )
    sample = Award.objects.filter(enrolment__in=chosen).select_related("issued_credential").first()
    if sample is not None:
        from microcred.issuing.verification import verify_credential

        document = sample.issued_credential.document
        embedded = len(document.get("endorsement", [])) + len(
            document["credentialSubject"]["achievement"].get("endorsement", [])
        )
        report = verify_credential(document)
        print(f"  {'a sample credential':<34} {embedded} embedded endorsements/attestations, verified: {report.valid}")
    total = time.perf_counter() - started
    print(f"  {'whole run':<34} {total:8.2f} s   (target: under 120 s)")
    print(f"  {'peak memory':<34} {peak_mib():8.0f} MiB")
    return 0 if job.failed == 0 else 1
