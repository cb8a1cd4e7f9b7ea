"""Loads the demo scenario with the domain services, once: running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import SYSTEM
from microcred.accounts.services import add_member, create_organization, update_organization
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import create_draft, create_pathway, publish, review, submit_for_review
from microcred.demo import assessments, careers, scenario, skills
from microcred.frameworks.samples import load_future_ready_talent


@dataclass
class DemoSummary:
    created: bool
    logins: list[tuple[str, str]] = field(default_factory=list)


def _user(email: str, name: str, password_hash: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, display_name=name)
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


def _staff(organization: Organization, role: str) -> User:
    email = next(e for e, _n, org, r in scenario.STAFF if org == organization.slug and r == role)
    return User.objects.get(email=email)


def demo_logins() -> list[tuple[str, str]]:
    staff = [(email, f"{org} · {role}") for email, _name, org, role in scenario.STAFF]
    learners = [(email, "learner") for email, _name, _enrolments in scenario.LEARNERS[:2]]
    return staff + learners


@transaction.atomic
def load_demo() -> DemoSummary:
    if Organization.objects.filter(slug=scenario.PLATFORM["slug"]).exists():
        return DemoSummary(created=False, logins=demo_logins())
    organizations = {scenario.PLATFORM["slug"]: create_organization(actor=None, **scenario.PLATFORM)}
    for spec in scenario.ORGANIZATIONS:
        organizations[spec["slug"]] = create_organization(actor=None, **spec)
    for slug, translations in scenario.ORGANIZATION_TRANSLATIONS.items():
        update_organization(actor=SYSTEM, organization=organizations[slug], translations=translations)
    # Every demo account has the same published password: hashed once (a third of a second of CPU each time).
    password_hash = make_password(scenario.DEMO_PASSWORD)
    for email, name, org_slug, role in scenario.STAFF:
        add_member(actor=None, organization=organizations[org_slug], user=_user(email, name, password_hash), role=role)
    admins = {slug: _staff(org, "admin") for slug, org in organizations.items() if org.kind == "provider"}
    catalogue = assessments.build_frameworks(organizations, admins)
    load_future_ready_talent(actor=SYSTEM, organization=None)  # the public 12-competency, six-level framework
    skills.load_labour_market_data()  # ESCO sample, occupations, job postings and their skills

    credentials: dict[str, MicroCredential] = {}
    specs = [scenario.WIL_CREDENTIAL, scenario.ASSESSMENT_ONLY_CREDENTIAL, *scenario.STACKABLE_CREDENTIALS]
    for spec in specs:
        fields = dict(spec)
        key = fields.pop("key")
        provider = organizations[fields.pop("provider")]
        fields["co_designed_with"] = [organizations[s] for s in fields.get("co_designed_with", [])]
        credential = create_draft(actor=None, provider=provider, **fields)
        # The demo's designs go through the provider's own governance: the admin submits and
        # publishes, the reviewer approves.
        admin, reviewer = (_staff(provider, role) for role in ("admin", "reviewer"))
        assessments.plan_credential(admin, credential, key, catalogue)
        skills.align_credential(admin, credential, key)  # to the ESCO sample's skills
        submit_for_review(actor=admin, credential=credential)
        review(actor=reviewer, credential=credential, decision="approved", comment="Meets our standard.")
        credentials[key] = publish(actor=admin, credential=credential)

    pathway = dict(scenario.PATHWAY)
    create_pathway(
        actor=None,
        provider=organizations[pathway.pop("provider")],
        members=[credentials[key] for key in pathway.pop("members")],
        **pathway,
    )

    workplace = organizations[scenario.WORKPLACE]
    for email, name, enrolments in scenario.LEARNERS:
        learner = _user(email, name, password_hash)
        for key, stage in enrolments:
            credential = credentials[key]
            people = {
                "admin": _staff(credential.provider, "admin"),
                "assessor": _staff(credential.provider, "assessor"),
                "supervisor": _staff(workplace, "assessor"),
                "workplace": workplace,
                "base_url": settings.PUBLIC_BASE_URL,
            }
            assessments.enrol_at_stage(learner, credential, key, stage, people)
    careers.load_demo_client()  # keep after the demo's skills data: the client aims at one of its occupations
    return DemoSummary(created=True, logins=demo_logins())
