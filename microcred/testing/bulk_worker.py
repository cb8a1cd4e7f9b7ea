"""A bulk-award worker in its own process, for the test that kills it with SIGKILL half-way.

``python -m microcred.testing.bulk_worker setup N`` builds a cohort of N learners who all earn the credential and
prints the job's id; ``run JOB`` works through the job (small chunks); ``resume JOB`` re-queues a job whose worker
died and runs it to the end; ``queue JOB`` puts the job on the task queue for ``microcred worker``. The database
and data folder come from ``DATABASE_URL`` and ``MICROCRED_DATA_DIR``.
"""

from __future__ import annotations

import os
import sys


def _setup(size: int) -> int:
    from django.core.management import call_command

    from microcred.accounts.permissions import SYSTEM
    from microcred.assessment.services import bulk, enrolment, gradebook, plans
    from microcred.testing.assessment import as_draft, make_published_credential, make_scale_with_competencies
    from microcred.testing.factories import make_member, make_organization

    call_command("migrate", verbosity=0)
    provider = make_organization("provider", name="Crash College")
    admin = make_member(provider, "admin", email="admin@crash.example")
    scale, (skill,) = make_scale_with_competencies(provider, ["skill"])
    credential = make_published_credential(provider, title="Crash-tested credential")
    with as_draft(credential):
        plans.add_component(
            actor=admin,
            credential=credential,
            name="exam",
            kind="exam",
            max_score=100,
            competencies=[skill],
            scale=scale,
        )
        rule = 'grade("exam") >= 50 and level("skill") >= "good"'
        plans.save_award_rule(actor=admin, credential=credential, rule=rule)
    emails = [f"learner{i:04d}@crash.example" for i in range(size)]
    enrolment.enrol_from_csv(actor=admin, credential=credential, data=("email\n" + "\n".join(emails)).encode())
    rows = "".join(f"{e},exam,{60 + i % 40},superior\n" for i, e in enumerate(emails))
    preview = gradebook.preview_gradebook(
        actor=admin, credential=credential, data=("email,component,score,skill\n" + rows).encode()
    )
    gradebook.apply_gradebook(actor=admin, gradebook=preview)
    return bulk.start_bulk_award(actor=SYSTEM, credential=credential, enqueue=False).pk


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()
    from microcred.accounts.permissions import SYSTEM
    from microcred.assessment.models import BulkAwardJob
    from microcred.assessment.services import bulk

    command, value = argv[0], int(argv[1])
    if command == "setup":
        print(_setup(value), flush=True)
    elif command == "queue":
        bulk.bulk_award_task.enqueue(value)
    elif command == "run":
        bulk.run_bulk_award(value, chunk=5)
    elif command == "resume":
        job = bulk.resume_bulk_award(actor=SYSTEM, job=BulkAwardJob.objects.get(pk=value))
        job = bulk.run_bulk_award(job.pk, chunk=5)
        print(job.status, job.processed, job.awarded, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
