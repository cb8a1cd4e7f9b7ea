"""A small provider whose figures are computed by hand (see ``test_figures.py``), built through the services.

Credential "Data Literacy" (plan: "exam", a course grade out of 100 with a pass mark of 50 assessing
"analysis"; "project", assessing "teamwork", which prior learning may satisfy; rule ``passed("exam")``),
and "Empty Course" with nobody enrolled.

- Ada: enrolled 2026-01-10, exam 80 (pass), awarded 2026-01-20 (10 days). Shares her credential: viewed twice
  from linkedin.com and once directly; an employer's verifier checks it twice.
- Ben: enrolled 2026-01-05, exam 30 (fail) then 70 (pass), awarded 2026-03-09 (63 days), award then revoked.
- Cy: enrolled 2026-03-15, exam 20 (fail), project passed; a self-assessed pass of the exam does not count.
- Dee: enrolled 2026-03-20, nothing assessed; asked for recognition of prior learning on the project, declined
  (asking puts her in progress).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.assessment.models import Award, Enrolment
from microcred.assessment.services import awards, enrolment, evaluations, plans, prior_learning
from microcred.catalog.models import MicroCredential
from microcred.employers.models import Verification
from microcred.issuing.identity import organization_did
from microcred.testing.assessment import as_draft, make_published_credential, make_scale_with_competencies
from microcred.testing.factories import make_member, make_organization, make_user
from microcred.wallet.models import ShareView
from microcred.wallet.services import create_share_link


@pytest.fixture(autouse=True)
def evidence_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "evidence"
    settings.MICROCRED_EVIDENCE_ROOT = root
    return root


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


@dataclass
class School:
    provider: Organization
    other: Organization
    employer: Organization
    admin: User
    reviewer: User
    assessor: User
    other_admin: User
    verifier: User
    learners: dict[str, User]
    credential: MicroCredential
    empty: MicroCredential


@pytest.fixture
def school(db: None) -> School:
    provider = make_organization("provider", name="Lakeshore Polytechnic")
    other = make_organization("provider", name="Other College")
    employer = make_organization("employer", name="Harbour Analytics")
    admin = make_member(provider, "admin")
    reviewer = make_member(provider, "reviewer")
    assessor = make_member(provider, "assessor")
    other_admin = make_member(other, "admin")
    verifier = make_member(employer, "verifier")
    scale, (analysis, teamwork) = make_scale_with_competencies(provider, ["analysis", "teamwork"])
    credential = make_published_credential(provider, title="Data Literacy", level="intermediate")
    empty = make_published_credential(provider, title="Empty Course")
    with as_draft(credential):
        plans.set_plan_competencies(actor=admin, credential=credential, competencies=[analysis, teamwork])
        exam = plans.add_component(
            actor=admin, credential=credential, name="exam", kind="course_grade", max_score=100, pass_mark=50,
            competencies=[analysis], scale=scale,
        )
        project = plans.add_component(
            actor=admin, credential=credential, name="project", kind="project", competencies=[teamwork], scale=scale,
            prior_learning_allowed=True,
        )
        plans.save_award_rule(actor=admin, credential=credential, rule='passed("exam")')

    names = ["Ada Lovelace", "Ben Okafor", "Cy Tremblay", "Dee Singh"]
    learners = {name.split()[0].lower(): make_user(email=f"{name.split()[0].lower()}@learners.example", name=name)
                for name in names}
    enrolled = {key: enrolment.enrol(actor=user, learner=user, credential=credential) for key, user in learners.items()}

    def grade(key: str, score: int) -> None:
        evaluations.record_evaluation(actor=assessor, enrolment=enrolled[key], component=exam, score=score)

    grade("ada", 80)
    grade("ben", 30)
    grade("ben", 70)
    grade("cy", 20)
    evaluations.record_evaluation(actor=assessor, enrolment=enrolled["cy"], component=project, passed=True)
    evaluations.record_evaluation(
        actor=learners["cy"], enrolment=enrolled["cy"], component=exam, score=90, self_assessment=True
    )
    request = prior_learning.request_recognition(
        actor=learners["dee"], enrolment=enrolled["dee"], component=project, narrative="Led a team at work."
    )
    prior_learning.decide_recognition(actor=assessor, request=request, recognized=False)

    ben_award = Award.objects.get(enrolment=enrolled["ben"])
    awards.revoke_award(actor=admin, award=ben_award, reason="Academic misconduct")

    for key, day in {"ada": "2026-01-10", "ben": "2026-01-05", "cy": "2026-03-15", "dee": "2026-03-20"}.items():
        Enrolment.objects.filter(pk=enrolled[key].pk).update(enrolled_at=_at(day))
    Award.objects.filter(enrolment=enrolled["ada"]).update(awarded_at=_at("2026-01-20"))
    Award.objects.filter(enrolment=enrolled["ben"]).update(awarded_at=_at("2026-03-09"))

    issued = Award.objects.get(enrolment=enrolled["ada"]).issued_credential
    link, _token = create_share_link(
        owner=learners["ada"], kind="credential", credentials=[issued],
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    for domain in ("linkedin.com", "linkedin.com", ""):
        ShareView.objects.create(link=link, outcome="valid", referrer_domain=domain)
    for _ in range(2):
        Verification.objects.create(
            employer=employer, verifier=verifier, channel="page", verified=True, credential_id=issued.credential_id,
            issuer=organization_did(provider), achievement=credential.title,
        )
    return School(provider, other, employer, admin, reviewer, assessor, other_admin, verifier, learners, credential,
                  empty)
