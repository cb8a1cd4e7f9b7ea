"""The work-integrated-learning set-up of the demo, built through the services: a provider with an admin, an
assessor and a reviewer; an employer with a workplace assessor; a six-level scale; the "PD course" and a workplace
evaluation of communication and collaboration; the award rule of the demo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.assessment.models import AssessmentComponent, Enrolment
from microcred.assessment.services import enrolment, plans
from microcred.catalog.models import MicroCredential
from microcred.frameworks.models import Competency, ProficiencyScale
from microcred.testing.assessment import as_draft, make_published_credential, make_scale_with_competencies
from microcred.testing.factories import make_member, make_organization, make_user

DEMO_RULE = (
    'grade("PD course") >= 80 and rating("communication") >= "superior" and level("collaboration") >= "superior"'
)


@pytest.fixture(autouse=True)
def evidence_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "evidence"
    settings.MICROCRED_EVIDENCE_ROOT = root
    return root


@dataclass
class Wil:
    provider: Organization
    employer: Organization
    admin: User
    assessor: User
    reviewer: User
    supervisor: User
    scale: ProficiencyScale
    communication: Competency
    collaboration: Competency
    credential: MicroCredential
    course: AssessmentComponent
    workplace: AssessmentComponent

    def enrol(self, learner: User | None = None, **kwargs: Any) -> Enrolment:
        learner = learner or make_user()
        return enrolment.enrol(actor=learner, learner=learner, credential=self.credential, **kwargs)

    def designate(self, enrolment_: Enrolment) -> None:
        """Designate the employer's supervisor for the workplace evaluation: only they record it (issue 18)."""
        from microcred.assessment.services import evaluations

        evaluations.invite_supervisor(
            actor=self.admin,
            enrolment=enrolment_,
            organization=self.employer,
            email=self.supervisor.email,
            components=[self.workplace],
            link_base="https://microcred.example/assessment/supervise/",
            notify=False,
        )


@pytest.fixture
def wil(db: None) -> Wil:
    provider = make_organization("provider", name="Grand River University")
    employer = make_organization("employer", name="Maple Grid Energy")
    admin = make_member(provider, "admin")
    assessor = make_member(provider, "assessor")
    reviewer = make_member(provider, "reviewer")
    supervisor = make_member(employer, "assessor")
    scale, (communication, collaboration) = make_scale_with_competencies(provider, ["communication", "collaboration"])
    credential = make_published_credential(provider, title="Communication and Collaboration at Work")
    with as_draft(credential):
        plans.set_plan_competencies(actor=admin, credential=credential, competencies=[communication, collaboration])
        course = plans.add_component(
            actor=admin, credential=credential, name="PD course", kind="course_grade", max_score=100, pass_mark=80
        )
        workplace = plans.add_component(
            actor=admin,
            credential=credential,
            name="Workplace evaluation",
            kind="workplace_evaluation",
            competencies=[communication, collaboration],
            scale=scale,
        )
        plans.save_award_rule(actor=admin, credential=credential, rule=DEMO_RULE)
    credential.refresh_from_db()
    return Wil(
        provider,
        employer,
        admin,
        assessor,
        reviewer,
        supervisor,
        scale,
        communication,
        collaboration,
        credential,
        course,
        workplace,
    )
