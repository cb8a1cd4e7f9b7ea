"""A bilingual design's credential: OB 3.0-valid strings in its own language, its other language as JSON-LD
language maps (microcred's inline extension context), signed in every proof form and verified."""

from __future__ import annotations

import json

import pytest

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import SYSTEM
from microcred.assessment.services.awards import achievement_for
from microcred.catalog.formats import language_maps_context, to_achievement
from microcred.catalog.models import MicroCredential
from microcred.issuing import verification
from microcred.issuing.tests.conftest import issue
from microcred.testing.assessment import make_published_credential
from microcred.vc import canonical, schema

FRENCH = {
    "title": "Sécurité en soudage",
    "summary": "Travaille en sécurité à un poste de soudage.",
    "award_criteria": "Réussir l'évaluation pratique.",
    "learning_outcomes": ["Choisir l'équipement de protection", "Ventiler le poste"],
}


def bilingual(provider: Organization) -> MicroCredential:
    provider.translations = {"fr": {"name": "Collège Érable"}}
    provider.save()
    return make_published_credential(
        provider,
        title="Welding safety",
        summary="Works safely at a welding station.",
        award_criteria="Pass the practical assessment.",
        learning_outcomes=["Choose protective equipment", "Ventilate the station"],
        translations={"fr": FRENCH},
    )


def _failed(report) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(check.code, check.detail) for check in report.failures]


def test_the_achievement_keeps_strings_and_adds_language_maps(provider: Organization) -> None:
    document = to_achievement(bilingual(provider))
    assert document["@context"][-1] == language_maps_context()
    assert document["name"] == "Welding safety" and document["inLanguage"] == "en"
    assert document["nameLanguageMap"] == {"en": "Welding safety", "fr": "Sécurité en soudage"}
    assert document["descriptionLanguageMap"]["fr"] == FRENCH["summary"]
    narrative = document["criteria"]["narrativeLanguageMap"]
    assert narrative["fr"].startswith("Réussir l'évaluation pratique.\n")
    assert "- Ventiler le poste" in narrative["fr"] and "- Ventilate the station" in narrative["en"]
    assert document["criteria"]["narrative"] == narrative["en"]
    assert document["creator"]["nameLanguageMap"] == {"en": "Maple College", "fr": "Collège Érable"}


def test_a_design_in_one_language_has_no_language_maps(provider: Organization) -> None:
    document = to_achievement(make_published_credential(provider, title="Welding safety"))
    assert "nameLanguageMap" not in document and len(document["@context"]) == 2


@pytest.mark.parametrize("proof_format", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"])
def test_an_issued_bilingual_credential_is_schema_valid_and_verifies(
    provider: Organization, learner: User, proof_format: str
) -> None:
    credential = bilingual(provider)
    achievement = achievement_for(credential, [])  # the award's path: its @context is dropped there
    assert "@context" not in achievement
    issued = issue(provider, achievement, learner, proof_format=proof_format)
    document = issued.document
    assert document["@context"][-1] == language_maps_context()
    embedded = document["credentialSubject"]["achievement"]
    assert embedded["name"] == "Welding safety"
    assert embedded["nameLanguageMap"]["fr"] == "Sécurité en soudage"
    assert schema.validate(document) == []
    report = verification.verify_credential(issued.jwt or document)
    assert report.valid, _failed(report)


def test_the_french_texts_are_language_tagged_in_the_signed_graph(provider: Organization, learner: User) -> None:
    issued = issue(provider, achievement_for(bilingual(provider), []), learner)
    unsigned = {key: value for key, value in issued.document.items() if key != "proof"}
    nquads = canonical.canonicalize(unsigned)
    assert '<https://schema.org/name> "Sécurité en soudage"@fr' in nquads
    assert '<https://schema.org/name> "Welding safety" ' in nquads  # the plain string OB 3.0 requires, kept


def test_a_changed_french_title_breaks_the_signature(provider: Organization, learner: User) -> None:
    issued = issue(provider, achievement_for(bilingual(provider), []), learner)
    forged = issued.document | {}
    forged["credentialSubject"] = dict(forged["credentialSubject"])
    forged["credentialSubject"]["achievement"] = dict(forged["credentialSubject"]["achievement"])
    forged["credentialSubject"]["achievement"]["nameLanguageMap"] = {"en": "Welding safety", "fr": "Autre chose"}
    assert not verification.verify_credential(forged).valid


def test_an_achievement_without_language_maps_gets_no_extra_context(provider: Organization, learner: User) -> None:
    plain = make_published_credential(provider, title="Welding safety")
    issued = issue(provider, achievement_for(plain, []), learner, actor=SYSTEM)
    assert issued.document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]


def test_the_verify_page_and_the_wallet_show_the_readers_language(client, provider, learner) -> None:  # type: ignore[no-untyped-def]
    issued = issue(provider, achievement_for(bilingual(provider), []), learner)
    client.cookies["django_language"] = "fr"
    page = client.post("/verify/", {"credential": json.dumps(issued.document)}).content.decode()
    assert "Sécurité en soudage" in page
    client.force_login(learner)
    assert "Sécurité en soudage" in client.get("/wallet/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Welding safety" in client.get("/wallet/").content.decode()
