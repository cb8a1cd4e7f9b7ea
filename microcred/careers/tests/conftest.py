"""A small ESCO world for careers tests: skills, an occupation needing some of them, and credentials teaching them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import SYSTEM
from microcred.catalog.formats import to_achievement
from microcred.catalog.models import Alignment, MicroCredential
from microcred.frameworks.models import Competency, Framework, FrameworkStatus, SourceFormat
from microcred.issuing import services as issuing
from microcred.issuing.models import IssuedCredential
from microcred.skills.models import Occupation, OccupationSkill
from microcred.testing.assessment import make_published_credential

ESCO = "http://data.europa.eu/esco/skill/"
SKILLS = {
    "wiring": "install electrical wiring",
    "safety": "apply health and safety standards",
    "code": "interpret electrical code",
    "blueprints": "read blueprints",
    "teamwork": "work in teams",
    "spreadsheets": "use spreadsheet software",
    "drafting": "use CAD software",
}


def make_esco(title: str = "ESCO", version: str = "1.2") -> tuple[Framework, dict[str, Competency]]:
    framework = Framework.objects.create(
        title=title, version=version, source_format=SourceFormat.ESCO, status=FrameworkStatus.PUBLISHED
    )
    skills = {
        key: Competency.objects.create(
            framework=framework,
            short_name=label,
            statement=label,
            uri=f"{ESCO}{key}",
            competency_type="skill",
            code=key,
        )
        for key, label in SKILLS.items()
    }
    return framework, skills


def make_occupation(skills: dict[str, Competency], title: str = "Electrician") -> Occupation:
    occupation = Occupation.objects.create(
        source="esco", key=f"http://data.europa.eu/esco/occupation/{title}", title=title, alternative_labels=["sparky"]
    )
    for key, relation in [
        ("wiring", "essential"),
        ("safety", "essential"),
        ("code", "essential"),
        ("teamwork", "essential"),
        ("spreadsheets", "optional"),
        ("drafting", "optional"),
    ]:
        OccupationSkill.objects.create(
            occupation=occupation, competency=skills[key], label=skills[key].short_name, relation=relation
        )
    OccupationSkill.objects.create(occupation=occupation, label="Hot tech without ESCO", relation="optional")
    return occupation


def make_credential(
    provider: Organization, title: str, skills: list[Competency], *, hours: str, cost: str, **fields: Any
) -> MicroCredential:
    credential = make_published_credential(provider, title=title, workload_hours=hours, cost=Decimal(cost), **fields)
    for competency in skills:
        Alignment.objects.create(
            credential=credential, competency=competency, label=competency.short_name, target_url=competency.uri
        )
    return credential


def issue_for(credential: MicroCredential, learner: User, **kwargs: Any) -> IssuedCredential:
    return issuing.issue_credential(
        actor=SYSTEM,
        organization=credential.provider,
        achievement=to_achievement(credential),
        recipient=learner,
        recipient_identifier=learner.email,
        **kwargs,
    )


@pytest.fixture
def world(provider: Organization) -> dict[str, Any]:
    """ESCO skills, the occupation Electrician and five credentials whose order for a learner holding "teamwork"
    is known: value (essentials + 0.25 optionals), then per hour, then per dollar."""
    framework, skills = make_esco()
    occupation = make_occupation(skills)
    s = skills
    credentials = {
        "wiring_long": make_credential(provider, "Wiring long", [s["wiring"], s["safety"]], hours="40", cost="400"),
        "wiring_short": make_credential(
            provider,
            "Wiring short",
            [s["wiring"], s["safety"]],
            hours="20",
            cost="900",
            region="ON",
            delivery_mode="in_person",
        ),
        "code": make_credential(provider, "Code basics", [s["code"], s["spreadsheets"]], hours="10", cost="0"),
        "office": make_credential(provider, "Office tools", [s["spreadsheets"], s["drafting"]], hours="5", cost="50"),
        "teams": make_credential(provider, "Team player", [s["teamwork"]], hours="3", cost="10"),
    }
    return {"framework": framework, "skills": skills, "occupation": occupation, "credentials": credentials}
