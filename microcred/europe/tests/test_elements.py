"""The European standard elements of a design: where each is held, whether it is stated, and the publication under
the European profile that refuses a design missing a mandatory one, naming the element and where to add it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from microcred.audit.models import AuditEntry
from microcred.catalog import services as catalog
from microcred.catalog.models import MicroCredential
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.europe import services
from microcred.europe.elements import ELEMENTS, element_states
from microcred.europe.models import EuropeanDetails
from microcred.europe.tests.conftest import bilingual_draft, complete

pytestmark = pytest.mark.django_db


def approve(admin, reviewer, credential: MicroCredential) -> None:  # type: ignore[no-untyped-def]
    catalog.submit_for_review(actor=admin, credential=credential)
    catalog.review(actor=reviewer, credential=credential, decision="approved")


def test_the_list_is_the_council_recommendations() -> None:
    mandatory = [e.key for e in ELEMENTS if e.mandatory]
    optional = [e.key for e in ELEMENTS if not e.mandatory]
    assert mandatory == ["learner", "title", "country", "awarding_body", "date_of_issuing", "learning_outcomes",
                         "workload", "level", "assessment", "participation", "quality_assurance"]
    assert optional == ["prerequisites", "supervision", "grade", "stackability", "further_information"]


def test_a_design_missing_mandatory_elements_is_not_published_under_the_european_profile(
    admin, reviewer, provider
) -> None:
    credential = bilingual_draft(admin, provider, assessment_method="")
    services.set_european_details(actor=admin, credential=credential, changes={"european_profile": True})
    approve(admin, reviewer, credential)
    with pytest.raises(ValidationFailed) as raised:
        catalog.publish(actor=admin, credential=credential)
    errors = {e.field: e for e in raised.value.errors}
    assert set(errors) == {"european.level", "european.assessment", "european.quality_assurance"}
    assert {e.code for e in errors.values()} == {"european_element_missing"}
    assert "Level (EQF or NQF)" in str(errors["european.level"].message)
    assert "European standard elements page" in str(errors["european.level"].message)
    assert "design form" in str(errors["european.assessment"].message)
    assert "Assessment method" in str(errors["european.assessment"].message)
    credential.refresh_from_db()
    assert credential.status == "approved" and credential.published_at is None


def test_once_every_mandatory_element_is_stated_it_publishes(admin, reviewer, provider) -> None:
    credential = complete(admin, bilingual_draft(admin, provider), european_profile=True)
    assert all(state.stated for state in element_states(credential))
    approve(admin, reviewer, credential)
    assert catalog.publish(actor=admin, credential=credential).status == "published"


def test_without_the_european_profile_nothing_changes(admin, reviewer, provider) -> None:
    credential = bilingual_draft(admin, provider, assessment_method="")
    approve(admin, reviewer, credential)
    assert catalog.publish(actor=admin, credential=credential).status == "published"


def test_a_new_version_keeps_the_european_details(admin, reviewer, provider) -> None:
    credential = complete(admin, bilingual_draft(admin, provider), european_profile=True)
    approve(admin, reviewer, credential)
    catalog.publish(actor=admin, credential=credential)
    second = catalog.start_new_version(actor=admin, credential=credential)
    assert EuropeanDetails.objects.get(credential=second).eqf_level == 5
    with pytest.raises(Conflict):
        services.set_european_details(actor=admin, credential=credential, changes={"eqf_level": 6})


def test_bad_details_are_refused_field_by_field_and_nothing_is_written(admin, provider) -> None:
    credential = bilingual_draft(admin, provider)
    with pytest.raises(ValidationFailed) as raised:
        services.set_european_details(actor=admin, credential=credential, changes={
            "eqf_level": 9, "isced_f_code": "abc", "supervision": "maybe", "grading": "x" * 1001, "colour": "red",
            "european_profile": "yes",
        })
    assert sorted((e.field, e.code) for e in raised.value.errors) == [
        ("colour", "unknown_field"), ("eqf_level", "invalid_level"), ("european_profile", "invalid_type"),
        ("grading", "too_long"), ("isced_f_code", "invalid_code"), ("supervision", "invalid_choice"),
    ]
    assert not EuropeanDetails.objects.filter(credential=credential).exists()


def test_only_the_providers_designers_change_them(admin, provider, learner) -> None:
    credential = bilingual_draft(admin, provider)
    with pytest.raises(PermissionDenied):
        services.set_european_details(actor=learner, credential=credential, changes={"eqf_level": 4})
    services.set_european_details(actor=admin, credential=credential, changes={"eqf_level": 4})
    assert AuditEntry.objects.filter(action="europe.set_details").count() == 1


def test_the_page_shows_each_element_and_saves_the_details(admin, provider) -> None:
    credential = bilingual_draft(admin, provider)
    client = Client()
    client.force_login(admin)
    url = f"/europe/{provider.slug}/{credential.slug}/v1/"
    page = client.get(url).content.decode()
    for element in ELEMENTS:
        assert str(element.label) in page
    answer = client.post(url, {"european_profile": "on", "eqf_level": "12"})
    assert answer.status_code == 400
    answer = client.post(url, {"european_profile": "on", "eqf_level": "4", "quality_assurance": "Peer review.",
                               "other_language": "fr", "other_quality_assurance": "Revue par les pairs."})
    assert answer.status_code == 302
    details = EuropeanDetails.objects.get(credential=credential)
    assert details.european_profile and details.eqf_level == 4
    assert details.translations == {"fr": {"quality_assurance": "Revue par les pairs."}}
    answer = client.post(url, {"eqf_level": "4", "other_language": "fr", "other_grading": "x" * 1001})
    assert answer.status_code == 400
    page = client.get(url).content.decode()
    assert "This design cannot be published under the European profile yet" not in page
    assert "Peer review." in page
    design_page = client.get(f"/catalog/{provider.slug}/{credential.slug}/v1/").content.decode()
    assert "European standard elements" in design_page


def test_publishing_from_the_page_names_the_missing_element(admin, reviewer, provider) -> None:
    credential = bilingual_draft(admin, provider)
    services.set_european_details(actor=admin, credential=credential, changes={"european_profile": True,
                                                                              "eqf_level": 4})
    approve(admin, reviewer, credential)
    client = Client()
    client.force_login(admin)
    answer = client.post(f"/catalog/{provider.slug}/{credential.slug}/v1/publish/", follow=True)
    text = answer.content.decode()
    assert "Type of quality assurance" in text and "European standard elements page" in text


def test_strangers_see_neither_the_page_nor_a_drafts_elm(admin, provider) -> None:
    credential = bilingual_draft(admin, provider)
    client = Client()
    assert client.get(f"/europe/{provider.slug}/{credential.slug}/v1/").status_code == 404
    assert client.get(f"/europe/{provider.slug}/{credential.slug}/v1/elm.json").status_code == 404


def test_a_published_design_s_elm_is_public(admin, reviewer, provider) -> None:
    credential = bilingual_draft(admin, provider)
    approve(admin, reviewer, credential)
    catalog.publish(actor=admin, credential=credential)
    answer = Client().get(f"/europe/{provider.slug}/{credential.slug}/v1/elm.json")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/ld+json"
    assert json.loads(answer.content)["title"]["fr"] == "Sécurité du réseau"
    page = Client().get(f"/catalog/{provider.slug}/{credential.slug}/v1/").content.decode()
    assert "European Learning Model (ELM 3)" in page and "See the European standard elements" not in page


def test_the_import_page_makes_a_draft_and_reports(admin, provider) -> None:
    client = Client()
    client.force_login(admin)
    url = f"/europe/import/{provider.slug}/"
    assert client.post(url, {"text": "{not json"}).status_code == 400
    assert client.post(url, {"text": json.dumps({"type": "Person"})}).status_code == 400
    document = {"type": "LearningAchievementSpecification", "title": {"en": "Solar Basics"},
                "volumeOfLearning": "PT12H", "learningOutcome": [{"title": {"en": "Size a panel."}}],
                "targetGroup": [{"id": "http://example.org/adults"}]}
    answer = client.post(url, {"text": json.dumps(document)})
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "targetGroup" in text and "Solar Basics" in text
    draft = MicroCredential.objects.get(title="Solar Basics")
    assert draft.status == "draft" and draft.workload_hours == 12
