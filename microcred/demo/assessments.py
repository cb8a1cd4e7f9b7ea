"""The assessment side of the demo, through the services: frameworks and scales, each credential's plan (before
its review), and every learner's results up to the stage the scenario gives them, awards and credentials included."""

from __future__ import annotations

from typing import Any

from microcred.accounts.models import Organization, User
from microcred.assessment import selectors
from microcred.assessment.models import AssessmentComponent, Enrolment, Route
from microcred.assessment.services import enrolment as enrolments
from microcred.assessment.services import evaluations, evidence, plans
from microcred.catalog.models import MicroCredential
from microcred.demo import scenario
from microcred.frameworks import services as frameworks
from microcred.frameworks.models import Competency, ProficiencyScale

Catalogue = dict[str, tuple[Competency, ProficiencyScale]]  # competency short name -> (competency, its scale)


def build_frameworks(organizations: dict[str, Organization], admins: dict[str, User]) -> Catalogue:
    found: Catalogue = {}
    for slug, title, items in scenario.FRAMEWORKS:
        admin = admins[slug]
        framework = frameworks.create_framework(actor=admin, organization=organizations[slug], title=title)
        scale = frameworks.add_scale(
            actor=admin, framework=framework, name=scenario.SCALE_NAME, levels=scenario.SCALE_LEVELS, is_default=True
        )
        for code, short_name, statement in items:
            competency = frameworks.add_competency(
                actor=admin, framework=framework, code=code, short_name=short_name, statement=statement
            )
            found[short_name] = (competency, scale)
    return found


def plan_credential(admin: User, credential: MicroCredential, key: str, catalogue: Catalogue) -> None:
    """The plan of a design, before it goes to review; its award rule must fit the plan."""
    components: dict[str, AssessmentComponent] = {}
    certified: list[Competency] = []
    for spec in scenario.PLANS.get(key, []):
        fields = dict(spec)
        names = fields.pop("competencies", [])
        competencies = [catalogue[name][0] for name in names]
        certified += [c for c in competencies if c not in certified]
        if "unlocked_by" in fields:
            fields["unlocked_by"] = components[fields["unlocked_by"]]
        components[fields["name"]] = plans.add_component(
            actor=admin,
            credential=credential,
            competencies=competencies,
            scale=catalogue[names[0]][1] if names else None,
            **fields,
        )
    if certified:
        plans.set_plan_competencies(actor=admin, credential=credential, competencies=certified)
    if credential.award_rule:
        plans.save_award_rule(actor=admin, credential=credential, rule=credential.award_rule)


def enrol_at_stage(
    learner: User, credential: MicroCredential, key: str, stage: str, people: dict[str, Any]
) -> Enrolment:
    """Enrol, then record what the stage takes; the services decide the status, which must be the stage."""
    route = Route.ASSESSMENT_ONLY if credential.assessment_only else Route.STANDARD
    enrolment = enrolments.enrol(actor=learner, learner=learner, credential=credential, route=route)
    for email, shared_key, title, text in scenario.EVIDENCE:
        if email == learner.email and shared_key == key:
            evidence.submit_evidence(
                actor=learner, enrolment=enrolment, kind="reflection", title=title, text=text, shareable=True
            )
    components = {c.name: c for c in selectors.components_of(credential)}
    steps = scenario.RESULTS.get((key, stage), [])
    if any(by == "supervisor" for _c, by, _r in steps):
        evaluations.invite_supervisor(
            actor=people["admin"],
            enrolment=enrolment,
            organization=people["workplace"],
            email=people["supervisor"].email,
            name=people["supervisor"].display_name,
            components=[components[name] for name, by, _r in steps if by == "supervisor"],
            link_base=f"{people['base_url']}/assessment/supervise/",
            notify=False,
        )
    for name, by, result in steps:
        evaluations.record_evaluation(actor=people[by], enrolment=enrolment, component=components[name], **result)
    enrolment.refresh_from_db()
    if enrolment.status != stage:
        raise RuntimeError(f"demo: {learner.email} in {key} should be {stage}, the services say {enrolment.status}")
    return enrolment
