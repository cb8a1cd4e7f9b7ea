# ruff: noqa: E501  (ESCO files in their official layout have long lines)
"""A small ESCO skills file in the official layout, imported through the frameworks' ESCO import (tests only)."""

from __future__ import annotations

from pathlib import Path

from microcred.accounts.permissions import CLI
from microcred.frameworks import esco, services
from microcred.frameworks.models import Framework

SKILLS = """conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/team,skill/competence,cross-sector,manage a team,"lead a team
supervise a team",,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Lead and supervise a team of people towards shared goals.
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/wiring,knowledge,sector-specific,electrical wiring,,,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Wiring of electrical installations in buildings.
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/lights,skill/competence,occupation-specific,install light fixtures,"fit lights
mount light fixtures",,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Install lights and light fixtures in rooms.
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/spreadsheets,skill/competence,cross-sector,use spreadsheets software,"work with spreadsheets
spreadsheet software",,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Use software tools to create and edit tabular data in spreadsheets.
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/python,knowledge,cross-sector,Python (computer programming),"Python programming",,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,"The techniques of software development such as coding, testing and compiling in Python."
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/customers,skill/competence,cross-sector,communicate with customers,"talk to customers
answer customer questions",,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Respond to and communicate with customers so they reach the products or services they want.
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/safety,skill/competence,sector-specific,follow health and safety procedures in construction,"apply safety rules on building sites",,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Apply health and safety procedures in construction to prevent accidents.
"""

TEAM = "http://data.europa.eu/esco/skill/team"
LIGHTS = "http://data.europa.eu/esco/skill/lights"
SPREADSHEETS = "http://data.europa.eu/esco/skill/spreadsheets"


def import_sample(directory: Path) -> Framework:
    """Write the sample in ``directory`` and import it as the platform's ESCO framework."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "skills_en.csv").write_text(SKILLS, encoding="utf-8")
    result = services.import_document(
        actor=CLI, organization=None, document=esco.parse_esco(directory), source_format="esco"
    )
    return result.framework
