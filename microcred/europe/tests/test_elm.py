"""ELM 3 export, validated against the European Commission's SHACL shapes, and import back: the same record for a
bilingual design and for every demo credential; foreign ELM (the Commission's own Annex I sample) with its report."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.catalog.models import MicroCredential
from microcred.demo.loader import load_demo
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.europe import services
from microcred.europe.elements import details_of
from microcred.europe.elm import read_elm, to_elm
from microcred.europe.models import EuropeanDetails
from microcred.europe.tests.conftest import COMPLETE, SHAPES, bilingual_draft, complete, shacl_report
from microcred.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db

CARRIED = ("title", "summary", "description", "prerequisites", "award_criteria", "translations", "language", "country",
           "workload_hours", "time_to_complete_weeks", "credit_type", "credit_value", "credit_unit",
           "assessment_method", "delivery_mode", "ladders_into")
DETAILS = ("eqf_level", "nqf_level", "isced_f_code", "quality_assurance", "supervision", "grading", "stackability",
           "further_information", "translations")


def record_of(credential: MicroCredential) -> dict[str, Any]:
    """What ELM carries of a design: its typology fields, outcomes with their translations, European details."""
    credential.refresh_from_db()
    details = details_of(credential)
    return {
        **{name: getattr(credential, name) for name in CARRIED},
        "outcomes": [(o.text, o.translations) for o in credential.outcomes.order_by("position")],
        **{name: getattr(details, name) for name in DETAILS},
        "alignments": sorted((a.outcome_position, a.competency_id) for a in credential.alignments.all()
                             if a.outcome_position is not None and a.competency.uri),
    }


def round_trip(credential: MicroCredential, into_admin: Any, into: Any) -> services.ElmImport:
    document = json.loads(json.dumps(to_elm(credential)))  # through JSON text, as a file would come
    return services.import_elm(actor=into_admin, provider=into, document=document)


def test_a_complete_bilingual_design_exports_as_elm_that_the_published_shapes_accept(admin, provider) -> None:
    credential = complete(admin, bilingual_draft(admin, provider))
    document = to_elm(credential)
    assert document["type"] == "LearningAchievementSpecification"
    assert document["title"] == {"en": "Grid Safety", "fr": "Sécurité du réseau"}
    assert document["learningOutcome"][1]["title"] == {"en": "Apply lockout procedures.",
                                                        "fr": "Appliquer le cadenassage."}
    assert document["volumeOfLearning"] == "PT37H30M"
    assert document["educationLevel"][0]["id"] == "http://data.europa.eu/snb/eqf/5"
    assert document["creditPoint"][0]["point"] == "2"
    grade = document["provenBy"][0]["additionalNote"][1]
    assert grade["noteLiteral"] == {"en": "Pass or fail.", "fr": "Réussite ou échec."}
    assert document["awardingOpportunity"][0]["awardingBody"][0]["legalName"] == {"en": provider.name}
    conforms, report = shacl_report(document)
    assert conforms, report


def test_the_shapes_do_check_the_export(admin, provider) -> None:
    """The validation reads the document (its context resolved offline): the same export without a title, and with a
    property ELM does not define on its awarding body (a closed shape), is refused, naming both."""
    document = to_elm(complete(admin, bilingual_draft(admin, provider)))
    del document["title"]
    document["awardingOpportunity"][0]["awardingBody"][0]["legalName"] = {}
    conforms, report = shacl_report(document)
    assert not conforms
    assert "title" in report and "legalName" in report


def test_export_then_import_gives_back_the_same_bilingual_record(admin, provider) -> None:
    credential = complete(admin, bilingual_draft(admin, provider))
    other = make_organization(name="Birch University")
    birch_admin = make_member(other, "admin", email="admin@birch.example")
    result = round_trip(credential, birch_admin, other)
    assert result.credential.provider == other and result.credential.status == "draft"
    assert result.credential.slug == credential.slug
    assert record_of(result.credential) == record_of(credential)
    assert any("Maple" in line or provider.name in line for line in result.unmapped)  # the awarding body changed


def test_every_demo_credential_round_trips_through_elm() -> None:
    load_demo()
    credentials = list(MicroCredential.objects.select_related("provider").order_by("pk"))
    assert len(credentials) >= 5
    assert any(credential.translations for credential in credentials)  # the demo's bilingual credential
    importer = make_organization(name="Round Trip College")
    importer_admin = make_member(importer, "admin", email="admin@round-trip.example")
    for credential in credentials:
        EuropeanDetails.objects.update_or_create(credential=credential, defaults=COMPLETE)
        conforms, report = shacl_report(to_elm(credential))
        assert conforms, (credential.title, report)
        result = round_trip(credential, importer_admin, importer)
        assert record_of(result.credential) == record_of(credential), credential.title


def test_the_commissions_annex_i_sample_comes_in_as_a_draft_with_a_report(admin, provider) -> None:
    sample = json.loads((SHAPES / "Sample-MC-Annex1-unsigned.jsonld").read_text())
    result = services.import_elm(actor=admin, provider=provider, document=sample)
    draft = result.credential
    assert draft.status == "draft" and draft.title == "Digital micro-credential creation"
    assert draft.workload_hours == 60 and draft.credit_unit == "ects" and draft.credit_value == 2
    assert draft.delivery_mode == "hybrid" and draft.language == "en" and draft.credit_type == "non_credit"
    assert draft.outcomes.count() == 2
    assert draft.outcomes.get(position=1).translations == {"es": {"text": "Contento digital"}}
    details = details_of(draft)
    assert details.eqf_level == 6 and details.nqf_level == "RQF Level 6" and details.isced_f_code == "003"
    text = "\n".join(result.unmapped)
    assert "The credential itself" in text
    assert "The skill stimulate creativity in the team of outcome 1 is in no framework here." in text


@pytest.mark.parametrize(
    ("document", "field", "code"),
    [
        ([], "document", "invalid_type"),
        ({"type": "Organisation", "title": {"en": "x"}}, "type", "not_a_specification"),
        ({"type": "LearningAchievementSpecification"}, "title", "required"),
        ({"type": "LearningAchievementSpecification", "title": ["x"]}, "title", "invalid_type"),
        ({"type": "EuropeanDigitalCredential", "credentialSubject": {"hasClaim": []}}, "document",
         "no_specification"),
        ({"type": "EuropeanDigitalCredential", "credentialSubject": []}, "document", "no_specification"),
        ({"type": "LearningAchievementSpecification", "title": {"en": "x"}, "maximumDuration": "P99999D"},
         "time_to_complete_weeks", "too_large"),
        ({"type": "LearningAchievementSpecification", "title": {"en": "x"},
          "creditPoint": {"framework": {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af"},
                          "point": "1e400"}}, "credit_value", "too_large"),
    ],
)
def test_what_is_not_an_elm_specification_is_refused_and_nothing_is_written(
    admin, provider, document, field, code
) -> None:
    before = MicroCredential.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        services.import_elm(actor=admin, provider=provider, document=document)
    assert [(e.field, e.code) for e in raised.value.errors] == [(field, code)]
    assert MicroCredential.objects.count() == before


def test_an_endless_duration_is_reported_not_read(admin, provider) -> None:
    document = {"type": "LearningAchievementSpecification", "title": {"en": "Long"},
                "volumeOfLearning": "PT" + "9" * 5000 + "H"}
    result = services.import_elm(actor=admin, provider=provider, document=document)
    assert result.credential.workload_hours == 0
    assert any("volumeOfLearning" in line for line in result.unmapped)


def test_untitled_outcomes_and_strange_credit_points_are_reported(admin, provider) -> None:
    document = {"type": "LearningAchievementSpecification", "title": {"en": "Odd"},
                "learningOutcome": [{"title": {}}, {"title": {"en": "B", "fr": "B fr"}}],
                "creditPoint": [{"framework": {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af"},
                                 "point": "sNaN"}]}
    result = services.import_elm(actor=admin, provider=provider, document=document)
    outcome = result.credential.outcomes.get()
    assert outcome.text == "B" and outcome.translations == {"fr": {"text": "B fr"}}
    assert result.credential.credit_value is None
    assert any("Outcome 1 has no title" in line for line in result.unmapped)
    ects = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    assert any(f"Credit points in {ects}" in line for line in result.unmapped)


def test_too_many_outcomes_are_refused(admin, provider) -> None:
    document = {"type": "LearningAchievementSpecification", "title": {"en": "Big"},
                "learningOutcome": [{"title": {"en": f"Outcome {i}"}} for i in range(51)]}
    with pytest.raises(ValidationFailed) as raised:
        read_elm(document)
    assert raised.value.errors[0].code == "too_many"


def test_only_a_providers_designers_import(provider, learner) -> None:
    with pytest.raises(PermissionDenied):
        services.import_elm(actor=learner, provider=provider,
                            document={"type": "LearningAchievementSpecification", "title": {"en": "x"}})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(["type", "title", "description", "learningOutcome", "volumeOfLearning", "maximumDuration",
                        "creditPoint", "educationLevel", "language", "mode", "learningSetting", "provenBy",
                        "awardingOpportunity", "additionalNote", "identifier", "thematicArea", "entryRequirement",
                        "credentialSubject"])


@settings(max_examples=150, deadline=None, database=None)
@given(extra=st.dictionaries(KEYS, JSON, max_size=6),
       kind=st.sampled_from(["LearningAchievementSpecification", "Qualification", "EuropeanDigitalCredential"]))
def test_any_json_is_read_or_refused_with_field_errors(extra: dict[str, Any], kind: str) -> None:
    """read_elm never fails otherwise than with the domain's field errors, whatever the shapes of the values."""
    document = {"title": {"en": "x"}, **extra, "type": kind}
    try:
        read_elm(document)
    except ValidationFailed as failed:
        assert failed.errors and all(error.code for error in failed.errors)


def test_outcomes_aligned_to_esco_and_framework_skills_round_trip(admin, provider) -> None:
    from microcred.catalog import alignments
    from microcred.frameworks import services as frameworks

    framework = frameworks.create_framework(actor=admin, organization=provider, title="Grid skills")
    esco = frameworks.add_competency(actor=admin, framework=framework, statement="Ensure safety in electrical work",
                                     short_name="electrical safety",
                                     translations={"fr": {"label": "sécurité électrique"}})
    own = frameworks.add_competency(actor=admin, framework=framework, statement="Apply lockout", short_name="lockout")
    esco.uri = "http://data.europa.eu/esco/skill/0c5e1a2b-1111-4222-8333-444455556666"
    own.uri = "https://skills.example.org/grid/lockout"
    esco.save(update_fields=["uri"])
    own.save(update_fields=["uri"])
    credential = complete(admin, bilingual_draft(admin, provider))
    alignments.align(actor=admin, credential=credential, competency=esco, outcome_position=0)
    alignments.align(actor=admin, credential=credential, competency=own, outcome_position=1)
    document = to_elm(credential)
    first, second = document["learningOutcome"]
    assert first["relatedESCOSkill"][0]["id"] == esco.uri
    assert first["relatedESCOSkill"][0]["prefLabel"] == {"en": "electrical safety", "fr": "sécurité électrique"}
    assert second["relatedSkill"][0]["id"] == own.uri
    conforms, report = shacl_report(document)
    assert conforms, report
    result = round_trip(credential, admin, provider)
    assert record_of(result.credential)["alignments"] == record_of(credential)["alignments"] == sorted(
        [(0, esco.pk), (1, own.pk)])
    unknown = json.loads(json.dumps(document))
    unknown["learningOutcome"][0]["relatedESCOSkill"][0]["id"] = "http://data.europa.eu/esco/skill/unknown"
    result = services.import_elm(actor=admin, provider=provider, document=unknown)
    assert "The skill electrical safety of outcome 1 is in no framework here." in result.unmapped
    assert result.credential.alignments.count() == 1
