# ruff: noqa: E501  (ESCO files in their official layout have long lines)
"""ESCO's skill–skill relations and extra broader concepts: imported with the framework, kept exactly, copied to a
new version, shown on a competency's page (with its label in the reader's language), in a real browser too."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from microcred.accounts.permissions import CLI
from microcred.frameworks import esco, services
from microcred.frameworks.models import CompetencyRelation, Framework
from microcred.frameworks.tests.test_esco import BROADER, HIERARCHY, SKILLS, write
from microcred.frameworks.translations import import_esco_translations
from microcred.testing.pages import check_page

SKILL_RELATIONS = """originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri
http://data.europa.eu/esco/skill/a3,skill/competence,essential,knowledge,http://data.europa.eu/esco/skill/a2
http://data.europa.eu/esco/skill/a1,skill/competence,optional,skill/competence,http://data.europa.eu/esco/skill/a3
http://data.europa.eu/esco/skill/a1,skill/competence,optional,skill/competence,http://data.europa.eu/esco/skill/gone
"""
FRENCH = """conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a3,skill/competence,occupation-specific,installer des luminaires,poser des lampes,
"""


def esco_files(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write(directory, skillsHierarchy=HIERARCHY, skills=SKILLS)
    (directory / "broaderRelationsSkillPillar.csv").write_text(BROADER, encoding="utf-8")  # v1.1.1: no suffix
    (directory / "skillSkillRelations.csv").write_text(SKILL_RELATIONS, encoding="utf-8")
    return directory


def imported(directory: Path) -> Framework:
    document = esco.parse_esco(directory)
    return services.import_document(actor=CLI, organization=None, document=document, source_format="esco").framework


def relations(framework: Framework) -> set[tuple[str, str, str]]:
    return {
        (r.source.uri.rsplit("/", 1)[-1], r.kind, r.target.uri.rsplit("/", 1)[-1])
        for r in CompetencyRelation.objects.filter(framework=framework).select_related("source", "target")
    }


def test_relations_are_imported_exactly_and_copied_to_a_new_version(tmp_path: Path, db: None) -> None:
    framework = imported(esco_files(tmp_path))
    # a3 sits under a1 in the tree; its other broader concept, S, is kept as a relation; the relation to a concept
    # these files lack is left out
    assert relations(framework) == {("a3", "essential", "a2"), ("a1", "optional", "a3"), ("a3", "broader", "S")}
    assert not imported(tmp_path).relations.exclude(pk__in=framework.relations.values("pk")).exists()  # idempotent
    (tmp_path / "skillSkillRelations.csv").write_text(SKILL_RELATIONS.replace(",optional,", ",essential,"))
    again = esco.parse_esco(tmp_path)
    result = services.import_document(actor=CLI, organization=None, document=again, source_format="esco")
    assert result.counts["relations"] == 2  # one replaced: removed and added
    assert ("a1", "essential", "a3") in relations(framework)
    copy = services.start_new_version(actor=CLI, framework=framework, version="1.2")
    assert relations(copy) == relations(framework)


def test_a_bad_relation_type_names_its_row(tmp_path: Path, db: None) -> None:
    esco_files(tmp_path)
    (tmp_path / "skillSkillRelations.csv").write_text(SKILL_RELATIONS.replace("essential", "vital"))
    with pytest.raises(Exception) as failed:
        esco.parse_esco(tmp_path)
    assert failed.value.errors[0].field == "skillSkillRelations.rows.2.relationType"  # type: ignore[attr-defined]


def page_of(framework: Framework, uri_end: str) -> str:
    item = framework.competencies.get(uri__endswith=uri_end)
    return f"/frameworks/{framework.slug}/v/{framework.version}/c/{item.identifier}/"


def test_the_competency_page_shows_relations_and_the_readers_language(tmp_path: Path, db: None) -> None:
    framework = imported(esco_files(tmp_path / "en"))
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "skills_fr.csv").write_text(FRENCH, encoding="utf-8")
    import_esco_translations(actor=CLI, framework=framework, directory=tmp_path / "fr", language="fr")
    english = Client().get(page_of(framework, "/a3")).content.decode()
    assert (
        "Related in this framework" in english and "Draws on (essential)" in english and "electrical wiring" in english
    )
    assert "installer des luminaires" not in english  # the reader reads English, the framework's language
    french = Client(HTTP_ACCEPT_LANGUAGE="fr").get(page_of(framework, "/a3")).content.decode()
    assert "Dans votre langue" in french and 'lang="fr">installer des luminaires' in french
    needed = Client().get(page_of(framework, "/a2")).content.decode()
    assert "Needed for" in needed and "install light fixtures" in needed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_competency_page_in_a_browser(page, tmp_path: Path, browser, live_server) -> None:  # type: ignore[no-untyped-def]
    framework = imported(esco_files(tmp_path / "en"))
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "skills_fr.csv").write_text(FRENCH, encoding="utf-8")
    import_esco_translations(actor=CLI, framework=framework, directory=tmp_path / "fr", language="fr")
    page.goto(page_of(framework, "/a3"))
    expect(page.get_by_role("heading", name="Related in this framework")).to_be_visible()
    page.get_by_role("link", name="electrical wiring").click()
    expect(page.get_by_role("heading", name="Needed for")).to_be_visible()
    page.go_back()
    check_page(page, "competency-relations")
    context = browser.new_context(base_url=live_server.url, locale="fr-CA")
    french = context.new_page()
    french.goto(page_of(framework, "/a3"))
    expect(french.get_by_text("installer des luminaires")).to_be_visible()
    check_page(french, "competency-relations-fr")
    context.close()
