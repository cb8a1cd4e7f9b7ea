"""Standard formats: OB 3.0 Achievement (checked against the 1EdTech JSON Schema and expanded as JSON-LD),
CTDL (required properties, expanded with a bundled context), badge imports and their round trip."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pyld import jsonld

from microcred.catalog import formats, services
from microcred.catalog.models import Status
from microcred.errors import ValidationFailed

pytestmark = pytest.mark.django_db

STANDARDS = Path(__file__).resolve().parents[3].parent / "shared" / "standards"
needs_standards = pytest.mark.skipif(
    not STANDARDS.exists(), reason=f"the standard documents are not at {STANDARDS} (../shared/standards)"
)


def _context_loader():  # type: ignore[no-untyped-def]
    index = json.loads((STANDARDS / "contexts" / "index.json").read_text())

    def load(url: str, options: dict | None = None) -> dict:
        if url == formats.CTDL_CONTEXT:
            document = formats.ctdl_context()
        elif url in index:
            document = json.loads((STANDARDS / "contexts" / index[url]).read_text())
        else:
            raise jsonld.JsonLdError(f"no network: {url}", "loading document failed", code="loading document failed")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}

    return load


def _achievement_validator() -> jsonschema.Validator:
    schema = json.loads((STANDARDS / "schemas" / "achievementcredential.schema.json").read_text())
    # Validate against the Achievement definition, with the schema's own $defs for its references.
    subschema = {**schema["$defs"]["Achievement"], "$defs": schema["$defs"]}
    subschema["$schema"] = schema.get("$schema", "https://json-schema.org/draft/2019-09/schema")
    return jsonschema.validators.validator_for(subschema)(subschema)


@pytest.fixture
def rich(published, provider):  # type: ignore[no-untyped-def]
    return published(
        "Welding Safety",
        summary="Work safely in a welding shop.",
        description="<p>Shop safety for welders.</p>",
        delivery_mode="in_person",
        city="Prince George",
        region="BC",
        credit_type="credit",
        credit_value="3",
        credit_unit="course_credits",
        time_to_complete_weeks=6,
        learning_outcomes=["Identify fume hazards", "Use a respirator"],
        award_criteria="Pass the practical safety check.",
        language="en",
    )


@needs_standards
def test_the_achievement_is_valid_ob3(rich) -> None:
    document = formats.to_achievement(rich)
    errors = sorted(_achievement_validator().iter_errors(document), key=str)
    assert errors == []
    assert document["achievementType"] == "MicroCredential"
    assert document["creditsAvailable"] == 3.0
    assert document["creator"]["name"] == rich.provider.name
    assert "Identify fume hazards" in document["criteria"]["narrative"]
    assert document["resultDescription"][0]["type"] == ["ResultDescription"]
    assert document["id"].endswith(f"/catalog/{rich.provider.slug}/welding-safety/v1/achievement.json")


@needs_standards
def test_the_achievement_drops_no_term_as_json_ld(rich) -> None:
    document = formats.to_achievement(rich)
    expanded = jsonld.expand(document, {"documentLoader": _context_loader()})
    # Every property became an IRI: JSON-LD drops terms its contexts do not define.
    compact = {k for k in document if not k.startswith("@")} - {"id", "type"}
    assert len([k for k in expanded[0] if not k.startswith("@")]) == len(compact)
    assert expanded[0]["@type"] == ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement"]


def test_ctdl_has_what_the_registry_requires(rich) -> None:
    # The complete CTDL is the registry domain's (registry/ctdl.py, tested term by term in registry/tests/).
    document = formats.to_ctdl(rich)
    assert document["@type"] == "ceterms:MicroCredential"
    for required in (
        "ceterms:ctid",
        "ceterms:name",
        "ceterms:description",
        "ceterms:subjectWebpage",
        "ceterms:ownedBy",
        "ceterms:credentialStatusType",
        "ceterms:inLanguage",
        "ceterms:learningDeliveryType",
        "ceterms:estimatedDuration",
        "ceterms:estimatedCost",
        "ceterms:requires",
    ):
        assert document.get(required), required
    assert document["ceterms:ctid"].startswith("ce-") and len(document["ceterms:ctid"]) == 39
    assert document["@id"].endswith(document["ceterms:ctid"])
    assert document["ceterms:learningDeliveryType"][0]["ceterms:targetNode"] == "deliveryType:InPerson"
    assert [d["ceterms:exactDuration"] for d in document["ceterms:estimatedDuration"]] == ["PT20H", "P42D"]
    assert document["ceterms:estimatedCost"][0]["ceterms:price"] == 100.0
    assert document["ceterms:availableAt"][0]["ceterms:addressLocality"] == {"en": "Prince George"}
    assert document["ceterms:isNonCredit"] is False


def test_ctdl_names_the_pathways_it_stacks_into(rich, admin, provider) -> None:
    services.create_pathway(
        actor=admin, provider=provider, title="Trades Safety Certificate", kind="certificate", members=[rich]
    )
    document = formats.to_ctdl(rich)
    assert document["ceterms:isPartOf"][0].startswith("https://credentialengineregistry.org/resources/ce-")


def test_an_achievement_round_trips_into_a_draft(rich, admin, provider) -> None:
    document = formats.to_achievement(rich)
    made, notes = services.import_badge(actor=admin, provider=provider, document=json.loads(json.dumps(document)))
    assert made.status == Status.DRAFT
    assert made.slug != rich.slug
    assert made.title == rich.title
    assert made.summary == rich.summary
    assert made.award_criteria.startswith("Pass the practical safety check.")
    assert (made.credit_type, made.credit_value) == ("credit", rich.credit_value)
    assert formats.to_achievement(made)["name"] == document["name"]
    assert notes  # what to complete by hand


@needs_standards
def test_an_openbadgecredential_from_elsewhere_imports_its_achievement(admin, provider) -> None:
    credential = json.loads((STANDARDS / "samples" / "ob30-simple.json").read_text())
    made, _notes = services.import_badge(actor=admin, provider=provider, document=credential)
    assert made.title == "Teamwork"
    assert "nominated" in made.award_criteria


def test_an_ob2_badgeclass_imports(admin, provider) -> None:
    badge = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "BadgeClass",
        "id": "https://old.example/badges/5",
        "name": "Forklift Operation",
        "description": "Operate a counterbalance forklift <script>alert(1)</script> safely.",
        "image": "https://old.example/badges/5.png",
        "criteria": {"narrative": "Pass the practical test."},
        "issuer": "https://old.example/issuer",
        "alignment": [{"targetName": "Operate lifting equipment", "targetUrl": "https://esco.example/s/1"}],
    }
    made, notes = services.import_badge(actor=admin, provider=provider, document=badge)
    assert (made.title, made.award_criteria) == ("Forklift Operation", "Pass the practical test.")
    assert "<script>" not in made.description
    assert len(notes) == 3


@pytest.mark.parametrize(
    "document",
    [
        [],
        "text",
        {"type": "Thing", "name": "x"},
        {"type": ["Achievement"]},
        {"type": "BadgeClass", "name": {"a": 1}},
        {"type": ["Achievement"], "name": "x" * 10, "criteria": "not-an-object", "creditsAvailable": "NaN"},
        {"credentialSubject": {"achievement": {"type": "Nope"}}},
    ],
)
def test_bad_badges_are_field_errors_and_write_nothing(document, admin, provider) -> None:
    from microcred.catalog.models import MicroCredential

    before = MicroCredential.objects.count()
    try:
        services.import_badge(actor=admin, provider=provider, document=document)
    except ValidationFailed:
        pass
    else:
        assert isinstance(document, dict) and document.get("name") == "x" * 10  # valid enough: a draft
        return
    assert MicroCredential.objects.count() == before
