"""microcred/translations.py: a record's texts in its primary language and its translations."""

from __future__ import annotations

from django.utils import translation

from microcred.accounts.models import Organization
from microcred.catalog.models import LearningOutcome, MicroCredential
from microcred.frameworks.models import Competency, Framework
from microcred.translations import (
    bcp47,
    language_map,
    languages,
    localized,
    primary_language,
    set_translation,
    set_translations,
)


def bilingual_credential() -> MicroCredential:
    return MicroCredential(
        title="Data Literacy",
        summary="Read data.",
        description="",
        language="en",
        translations={"fr": {"title": "Littératie des données", "summary": "Lire les données."}},
    )


def test_language_map_holds_the_primary_value_and_every_translation() -> None:
    credential = bilingual_credential()
    assert language_map(credential, "title") == {"en": "Data Literacy", "fr": "Littératie des données"}
    assert list(language_map(credential, "title")) == ["en", "fr"]
    assert language_map(credential, "description") == {}  # nothing in any language


def test_localized_follows_the_active_language_and_falls_back_to_the_primary_value() -> None:
    credential = bilingual_credential()
    with translation.override("fr"):
        assert localized(credential, "title") == "Littératie des données"
        assert localized(credential, "description") == ""
        assert localized(credential, "prerequisites") == ""
    with translation.override("en"):
        assert localized(credential, "title") == "Data Literacy"
    assert localized(credential, "title", "fr-CA") == "Littératie des données"  # region falls back to the language
    assert localized(credential, "title", "es") == "Data Literacy"


def test_a_french_record_translated_into_english() -> None:
    credential = MicroCredential(title="Soudage", language="fr", translations={"en": {"title": "Welding"}})
    assert language_map(credential, "title") == {"fr": "Soudage", "en": "Welding"}
    assert localized(credential, "title", "en") == "Welding"
    assert localized(credential, "title", "fr") == "Soudage"


def test_primary_language_codes() -> None:
    assert primary_language(MicroCredential(language="en-fr")) == "en"  # a bilingual offering's texts: English
    assert primary_language(MicroCredential(language="other")) == "und"
    assert primary_language(Organization(name="Maple")) == "en"
    assert bcp47("fr_ca") == "fr-CA" and bcp47("zh-hant-tw") == "zh-Hant-TW" and bcp47("") == ""


def test_outcomes_and_competencies_take_their_parents_language() -> None:
    credential = MicroCredential(title="Soudage", language="fr")
    outcome = LearningOutcome(credential=credential, text="Souder", translations={"en": {"text": "Weld"}})
    assert language_map(outcome, "text") == {"fr": "Souder", "en": "Weld"}
    framework = Framework(title="ESCO", language="en")
    competency = Competency(
        framework=framework,
        short_name="teamwork",
        statement="Work in a team.",
        translations={"fr": {"label": "travail d'équipe", "alternatives": [], "description": "Travailler en équipe."}},
    )
    assert language_map(competency, "short_name") == {"en": "teamwork", "fr": "travail d'équipe"}
    assert localized(competency, "statement", "fr") == "Travailler en équipe."
    set_translations(competency, "fr", {"short_name": "esprit d'équipe"})
    assert competency.translations["fr"]["label"] == "esprit d'équipe"
    assert competency.translations["fr"]["alternatives"] == []


def test_set_translation_adds_replaces_and_removes_without_changing_its_argument() -> None:
    start = {"fr": {"title": "Titre"}}
    changed = set_translation(start, "fr", "summary", "  Résumé  ")
    assert changed == {"fr": {"title": "Titre", "summary": "Résumé"}}
    assert start == {"fr": {"title": "Titre"}}
    assert set_translation(changed, "fr", "summary", "") == {"fr": {"title": "Titre"}}
    assert set_translation(start, "fr", "title", " ") == {}  # a language with nothing left goes
    assert set_translation(None, "fr-ca", "title", "Titre") == {"fr-CA": {"title": "Titre"}}


def test_languages_lists_those_with_some_text() -> None:
    credential = bilingual_credential()
    credential.translations["es"] = {"title": ""}
    assert languages(credential) == ["en", "fr"]
