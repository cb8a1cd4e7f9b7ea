"""The bounded data set of ``microcred bench load``, built through the domain services like the other benches.

One provider (its issuer key made at the first award), an admin with an API token, a published credential whose
learners (each able to sign in) hold an issued credential and a permanent share link of it, a small searchable
catalog, and one published credential per award client with an assessment plan and award rule, into which the load
generator enrols new learners, imports their results and starts a bulk award that the task workers carry out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

COHORT = 5  # learners per award through the task queue
COMPONENT = "exam"
COMPETENCY = "skill"
RULE = f'grade("{COMPONENT}") >= 50 and level("{COMPETENCY}") >= "good"'
SUBJECTS = [
    "Welding", "Carpentry", "Nursing", "Bookkeeping", "Cybersecurity", "Data analysis", "Project management",
    "Customer service", "Food safety", "Electrical wiring", "Early childhood education", "Social media marketing",
]  # fmt: skip
LEVELS = ["foundations", "practice", "advanced", "for supervisors", "in the workplace"]
SEARCHES = ["welding", "safety", "data analysis", "customer", "project management", "nursing", "marketing", "managment"]


@dataclass
class LoadSite:
    """What the load generator needs to know about the data set: no model objects, only plain values."""

    tag: str
    admin_token: str
    learner_password: str
    learners: list[str] = field(default_factory=list)  # e-mail addresses
    learner_credentials: dict[str, str] = field(default_factory=dict)  # e-mail → the held credential's name
    credentials: list[dict | str] = field(default_factory=list)  # signed credentials, as POST /api/v1/verify takes them
    proof_format: str = ""
    award_credentials: list[int] = field(default_factory=list)  # the credentials the award clients award
    searches: list[str] = field(default_factory=lambda: list(SEARCHES))


def build(*, learners: int, award_clients: int, catalog: int) -> LoadSite:
    """Write the data set (with a random tag in every name, so it can be built again in a database kept between
    runs) and return what the load generator needs."""
    from microcred.accounts.permissions import SYSTEM
    from microcred.accounts.services import create_api_token
    from microcred.assessment.services import bulk, enrolment, gradebook, plans
    from microcred.catalog import search
    from microcred.issuing.models import IssuedCredential
    from microcred.testing.assessment import as_draft, make_published_credential, make_scale_with_competencies
    from microcred.testing.factories import make_member, make_organization, make_user
    from microcred.wallet.services import create_share_link

    tag = secrets.token_hex(3)
    provider = make_organization("provider", name=f"Load College {tag}")
    admin = make_member(provider, "admin", email=f"admin@{tag}.load.example")
    _, secret = create_api_token(user=admin, name="bench load", scopes=["write", "issue"], expires_in_days=1)
    site = LoadSite(tag=tag, admin_token=secret, learner_password=secrets.token_urlsafe(16))
    scale, (skill,) = make_scale_with_competencies(provider, [COMPETENCY])

    def planned(title: str):  # type: ignore[no-untyped-def]
        credential = make_published_credential(provider, title=title)
        with as_draft(credential):
            plans.add_component(
                actor=admin,
                credential=credential,
                name=COMPONENT,
                kind="exam",
                max_score=100,
                competencies=[skill],
                scale=scale,
            )
            plans.save_award_rule(actor=admin, credential=credential, rule=RULE)
        search.index(credential)
        return credential

    held = planned("Welding safety")
    emails = [f"learner{i:03d}@{tag}.load.example" for i in range(learners)]
    for index, email in enumerate(emails):
        make_user(email=email, name=f"Learner {index}", password=site.learner_password)
    enrolment.enrol_from_csv(actor=admin, credential=held, data=("email\n" + "\n".join(emails)).encode())
    preview = gradebook.preview_gradebook(actor=admin, credential=held, data=results_csv(emails).encode())
    gradebook.apply_gradebook(actor=admin, gradebook=preview)
    bulk.run_bulk_award(bulk.start_bulk_award(actor=SYSTEM, credential=held, enqueue=False).pk)
    for issued in IssuedCredential.objects.filter(organization=provider).select_related("recipient"):
        site.learners.append(issued.recipient.email)
        site.learner_credentials[issued.recipient.email] = issued.achievement_name
        site.credentials.append(issued.jwt or issued.document)
        site.proof_format = issued.proof_format
        create_share_link(
            owner=issued.recipient, kind="credential", credentials=[issued], expires_at=None, permanent=True
        )
    site.award_credentials = [planned(f"Welding inspection {n + 1}").pk for n in range(award_clients)]
    for n in range(catalog):
        subject, level = SUBJECTS[n % len(SUBJECTS)], LEVELS[(n // len(SUBJECTS)) % len(LEVELS)]
        published = make_published_credential(
            provider, title=f"{subject} {level} {n // (len(SUBJECTS) * len(LEVELS)) + 1}"
        )
        search.index(published)
    return site


def results_csv(emails: list[str]) -> str:
    """A gradebook in which every learner earns the credential."""
    rows = "".join(f"{email},{COMPONENT},{60 + i % 40},superior\n" for i, email in enumerate(emails))
    return f"email,component,score,{COMPETENCY}\n" + rows
