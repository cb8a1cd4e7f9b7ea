"""Complete, lossless CTDL: every key of the export is a CTDL term the node's class may carry (CTDL's own term list,
bundled) and survives JSON-LD expansion with the bundled context; export → import gives back the same record, for
a credential that uses every field, bilingual texts included, and for every demo credential; CTIDs are kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyld import jsonld

from microcred.accounts.models import Organization
from microcred.catalog import services as catalog
from microcred.catalog.alignments import align
from microcred.catalog.models import MicroCredential, Status
from microcred.demo.loader import load_demo
from microcred.errors import ValidationFailed
from microcred.frameworks import services as frameworks
from microcred.registry import ctdl, ctids, services
from microcred.registry.models import DesignCtid, VersionCtid
from microcred.registry.tests.conftest import publish
from microcred.testing.factories import make_organization

pytestmark = pytest.mark.django_db

PREFIXES = ctdl.context()["@context"]
# Typology fields a round trip must give back exactly. Not in CTDL, so not compared: start dates (a CTDL
# ScheduledOffering of its own), the award rule and the assessment-only route (microcred's assessment internals),
# the image (a URL; not fetched on import), in-demand skills (labour-market data, recomputed on publication).
COMPARED = [
    "title", "summary", "description", "level", "delivery_mode", "pace", "workload_hours", "time_to_complete_weeks",
    "cost", "currency", "language", "country", "region", "city", "credit_type", "credit_value", "credit_unit",
    "ladders_into", "assessment_method", "achievement_indicator", "industry_partners", "accrediting_body",
    "accreditation_status", "prerequisites", "validity_months", "award_criteria", "translations",
]  # fmt: skip


def record_of(credential: MicroCredential) -> dict[str, Any]:
    """Everything a provider states about a version, comparable across two records."""
    return {
        **{name: getattr(credential, name) for name in COMPARED},
        "outcomes": [(o.text, o.translations) for o in credential.outcomes.all()],
        "alignments": sorted((a.competency_id, a.outcome_position) for a in credential.alignments.all()),
        "codes": [(c.scheme, c.code, c.label, c.uri) for c in credential.classification_codes.all()],
        "co_designed_with": sorted(o.pk for o in credential.co_designed_with.all()),
    }


def _loader(url: str, options: dict | None = None) -> dict:
    assert url == ctdl.CTDL_CONTEXT_URL, url  # nothing else is fetched
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": ctdl.context()}


def _iri(key: str) -> str:
    prefix, _, name = key.partition(":")
    return PREFIXES[prefix] + name


def _check_node(compact: dict[str, Any], expanded: dict[str, Any], path: str, problems: list[str]) -> None:
    """Every key of ``compact`` is a CTDL property its class may carry and is in ``expanded``; recursively."""
    terms = ctdl.terms()
    kind = compact.get("@type")
    allowed = set(terms["classes"].get(kind, {}).get("properties", [])) if isinstance(kind, str) else set()
    if isinstance(kind, str) and kind not in terms["classes"]:
        problems.append(f"{path}: {kind} is not a CTDL class")
    for key, value in compact.items():
        if key.startswith("@"):
            continue
        if key not in terms["properties"]:
            problems.append(f"{path}.{key}: not a CTDL property")
        elif kind and key not in allowed:
            problems.append(f"{path}.{key}: not a property of {kind}")
        if _iri(key) not in expanded:
            problems.append(f"{path}.{key}: dropped by JSON-LD expansion")
            continue
        values = value if isinstance(value, list) else [value]
        nested = [v for v in values if isinstance(v, dict) and "@type" in v]
        expanded_nested = [v for v in expanded[_iri(key)] if isinstance(v, dict) and "@type" in v and "@value" not in v]
        for index, (child, expanded_child) in enumerate(zip(nested, expanded_nested, strict=True)):
            _check_node(child, expanded_child, f"{path}.{key}[{index}]", problems)
        concept = key == "ceterms:targetNode" and isinstance(value, str) and value.split(":")[0] in PREFIXES
        if concept and value not in terms["concepts"]:
            problems.append(f"{path}.{key}: {value} is not a CTDL concept")


def assert_lossless_json_ld(document: dict[str, Any]) -> None:
    expanded = jsonld.expand(json.loads(json.dumps(document)), {"documentLoader": _loader})
    assert len(expanded) == 1
    problems: list[str] = []
    _check_node(document, expanded[0], "credential", problems)
    assert problems == []


@pytest.fixture
def rich(admin, reviewer, provider: Organization) -> MicroCredential:  # type: ignore[no-untyped-def]
    partner = make_organization("employer", name="Grid Skills Council")
    framework = frameworks.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    solve = frameworks.add_competency(actor=admin, framework=framework, statement="Solve problems", code="FRT-1",
                                      short_name="Problem solving")  # fmt: skip
    speak = frameworks.add_competency(actor=admin, framework=framework, statement="Communicate", code="FRT-2")
    draft = catalog.create_draft(
        actor=admin,
        provider=provider,
        title="Welding Safety",
        summary="Work safely in a welding shop.",
        description="Shop safety for welders: fumes, fire & burns.",
        delivery_mode="in_person",
        pace="self_paced",
        workload_hours="37.5",
        time_to_complete_weeks=6,
        cost="250.50",
        currency="CAD",
        language="en-fr",
        country="CA",
        region="BC",
        city="Prince George",
        level="intermediate",
        credit_type="credit",
        credit_value="1.5",
        credit_unit="ects",
        ladders_into=["Diploma in Welding Technology"],
        assessment_method="portfolio",
        achievement_indicator="certificate",
        industry_partners=["Pacific Welders Guild"],
        accrediting_body="Canadian Welding Bureau",
        accreditation_status="accredited",
        prerequisites="Grade 12 or equivalent.",
        validity_months=24,
        award_criteria="Pass the practical test.",
        learning_outcomes=["Set up a safe bay", "Handle fumes"],
        co_designed_with=[partner],
    )
    draft.translations = {
        "fr": {"title": "Sécurité en soudage", "summary": "Travailler en sécurité.", "description": "Sécurité.",
               "award_criteria": "Réussir l'épreuve pratique.", "prerequisites": "12e année."}
    }  # fmt: skip
    draft.save(update_fields=["translations"])
    outcomes = list(draft.outcomes.all())
    for outcome, text in zip(outcomes, ["Préparer un poste sûr", "Gérer les fumées"], strict=True):
        outcome.translations = {"fr": {"text": text}}
        outcome.save(update_fields=["translations"])
    align(actor=admin, credential=draft, competency=solve)
    align(actor=admin, credential=draft, competency=speak, outcome_position=1)
    services.set_codes(
        actor=admin,
        credential=draft,
        codes=[
            {"scheme": "noc", "code": "72106", "label": "Welders and related machine operators"},
            {"scheme": "onet_soc", "code": "51-4121.00", "label": "Welders, Cutters, Solderers, and Brazers",
             "uri": "https://www.onetonline.org/link/summary/51-4121.00"},
            {"scheme": "esco", "label": "welder", "uri": "http://data.europa.eu/esco/occupation/welder"},
            {"scheme": "naics", "code": "238190", "label": "Other foundation, structure, and building exterior"},
        ],
    )  # fmt: skip
    credential = publish(admin, reviewer, draft)
    catalog.create_pathway(
        actor=admin, provider=provider, title="Trades Safety Certificate", kind="certificate", members=[credential]
    )
    return credential


def test_every_key_is_a_ctdl_term_of_its_class_and_survives_expansion(rich) -> None:
    document = ctdl.to_ctdl(rich)
    assert document["@type"] == "ceterms:Certificate"
    assert document["ceterms:name"] == {"en": "Welding Safety", "fr": "Sécurité en soudage"}
    assert document["ceterms:inLanguage"] == ["en", "fr"]
    assert document["ceterms:isNonCredit"] is False
    assert document["ceterms:occupationType"][0]["ceterms:codedNotation"] == "72106"
    assert document["ceterms:industryType"][0]["ceterms:codedNotation"] == "238190"
    award = document["ceterms:requires"][0]
    assert award["ceterms:condition"]["fr"] == ["Préparer un poste sûr", "Gérer les fumées"]
    assert award["ceterms:creditValue"][0]["ceterms:creditUnitType"] == ["creditUnit:TimeBasedCredit"]
    assert document["ceterms:estimatedDuration"][0]["ceterms:exactDuration"] == "PT37.5H"
    assert document["ceterms:renewalFrequency"] == "P24M"
    assert document["ceterms:isPartOf"][0].startswith(ctids.REGISTRY_RESOURCES)
    assert_lossless_json_ld(document)


def test_export_then_import_gives_back_the_same_record(rich, admin) -> None:
    importer = make_organization("provider", name="Elsewhere College")
    from microcred.testing.factories import make_member

    importer_admin = make_member(importer, "admin")
    document = json.loads(json.dumps(ctdl.to_ctdl(rich)))
    made, notes = services.import_ctdl(actor=importer_admin, provider=importer, document=document)
    assert made.status == Status.DRAFT and made.provider == importer and made.slug == rich.slug
    assert record_of(made) == record_of(rich)
    assert any("pathways" in note for note in notes)
    # into the same provider: the short name is taken, so the draft gets another; the rest is the same
    again, _notes = services.import_ctdl(actor=admin, provider=rich.provider, document=document)
    assert again.slug == f"{rich.slug}-2" and record_of(again) == record_of(rich)


def test_every_demo_credential_round_trips(db) -> None:  # type: ignore[no-untyped-def]
    load_demo()
    importer = make_organization("provider", name="Round Trip College")
    from microcred.testing.factories import make_member

    actor = make_member(importer, "admin")
    demo = list(MicroCredential.objects.filter(status=Status.PUBLISHED).exclude(provider=importer))
    assert len(demo) >= 5
    for credential in demo:
        document = ctdl.to_ctdl(credential)
        assert_lossless_json_ld(document)
        made, _notes = services.import_ctdl(actor=actor, provider=importer, document=json.loads(json.dumps(document)))
        assert record_of(made) == record_of(credential), credential.title


def test_ctids_are_kept_for_life(rich, admin, reviewer) -> None:
    design = ctids.design_ctid(rich)
    version = ctids.version_ctid(rich)
    assert ctids.is_ctid(design) and ctids.is_ctid(version) and design != version
    assert DesignCtid.objects.get(provider=rich.provider, slug=rich.slug).ctid == design
    second = publish(admin, reviewer, catalog.start_new_version(actor=admin, credential=rich))
    assert ctids.design_ctid(second) == design and ctids.version_ctid(second) != version
    document = ctdl.to_ctdl(second)
    assert document["@id"] == f"https://credentialengineregistry.org/resources/{design}"
    assert document["ceterms:ctid"] == design
    # a stored CTID wins over the derived one, whatever changes
    VersionCtid.objects.filter(credential=rich).update(ctid="ce-00000000-0000-4000-8000-000000000001")
    assert ctids.version_ctid(rich) == "ce-00000000-0000-4000-8000-000000000001"


REGISTRY_EXPORT = {
    "@context": "https://credreg.net/ctdl/schema/context/json",
    "@id": "https://credentialengineregistry.org/graph/ce-5d1c2b7a-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
    "@graph": [
        {
            "@id": "https://credentialengineregistry.org/resources/ce-5d1c2b7a-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
            "@type": "ceterms:Certificate",
            "ceterms:ctid": "ce-5d1c2b7a-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
            "ceterms:name": {"en-US": "Forklift Operation"},
            "ceterms:description": {"en-US": "Operate a counterbalance forklift safely."},
            "ceterms:inLanguage": ["en-US"],
            "ceterms:ownedBy": ["https://credentialengineregistry.org/resources/ce-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"],
            "ceterms:learningDeliveryType": [{"@type": "ceterms:CredentialAlignmentObject",
                                              "ceterms:targetNode": "deliveryType:InPerson"}],
            "ceterms:estimatedDuration": [{"@type": "ceterms:DurationProfile", "ceterms:exactDuration": "PT16H"}],
            "ceterms:estimatedCost": [{"@type": "ceterms:CostProfile", "ceterms:price": 250,
                                       "ceterms:currency": "USD"}],
            "ceterms:isNonCredit": True,
            "ceterms:naics": ["493110"],
            "ceterms:keyword": {"en-US": ["forklift", "warehouse"]},
            "ceterms:requires": [{"@type": "ceterms:ConditionProfile",
                                  "ceterms:description": {"en-US": "Pass the driving test."},
                                  "ceterms:targetCompetency": [{"@type": "ceterms:CredentialAlignmentObject",
                                                                "ceterms:targetNodeName": {"en-US": "Drive"},
                                                                "ceterms:targetNode": "https://example.org/c/1"}]}],
        },
        {"@id": "https://credentialengineregistry.org/resources/ce-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
         "@type": "ceterms:CredentialOrganization", "ceterms:name": {"en-US": "Warehouse Academy"}},
    ],
}  # fmt: skip


def test_a_registry_export_comes_in_as_a_draft_with_a_report(admin, provider) -> None:
    made, notes = services.import_ctdl(actor=admin, provider=provider, document=REGISTRY_EXPORT)
    assert made.status == Status.DRAFT and made.title == "Forklift Operation"
    assert made.achievement_indicator == "certificate" and made.delivery_mode == "in_person"
    assert made.workload_hours == 16 and made.cost == 250 and made.currency == "USD"
    assert made.award_criteria == "Pass the driving test." and made.credit_type == "non_credit"
    assert made.summary == "Operate a counterbalance forklift safely."
    text = " ".join(notes)
    assert "ceterms:naics" in text and "ceterms:keyword" in text and "Drive" in text


@pytest.mark.parametrize(
    ("document", "field", "code"),
    [
        ([1, 2], "document", "invalid_type"),
        ({"@type": "ceterms:CredentialOrganization", "ceterms:name": {"en": "x"}}, "@type", "unsupported_type"),
        ({"@type": "ceterms:MicroCredential", "ceterms:name": {"en": "  "}}, "ceterms:name", "required"),
        ({"@type": "ceterms:MicroCredential", "ceterms:name": "A", "ceterms:estimatedCost": [{"ceterms:price": -5}]},
         "cost", "negative"),
        ({"@type": "ceterms:MicroCredential", "ceterms:name": "A",
          "ceterms:estimatedCost": [{"ceterms:currency": "d"}]}, "currency", "invalid_currency"),
    ],
)  # fmt: skip
def test_what_is_not_a_ctdl_credential_is_refused_and_nothing_is_written(
    admin, provider, document, field, code
) -> None:
    before = MicroCredential.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        services.import_ctdl(actor=admin, provider=provider, document=document)
    assert (field, code) in [(e.field, e.code) for e in raised.value.errors]
    assert MicroCredential.objects.count() == before


def test_the_import_page_shows_the_report(admin, provider, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    url = f"/organizations/{provider.slug}/registry/import/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"document": "not json"}).status_code == 400
    response = client.post(url, {"document": json.dumps(REGISTRY_EXPORT)})
    assert response.status_code == 201
    assert "ceterms:naics" in response.content.decode()


def test_the_complete_ctdl_is_served_for_published_versions_only(rich, admin, provider, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/registry/{provider.slug}/{rich.slug}/v1/ctdl.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    assert json.loads(response.content)["ceterms:ctid"] == ctids.design_ctid(rich)
    draft = catalog.start_new_version(actor=admin, credential=rich)
    assert client.get(f"/registry/{provider.slug}/{rich.slug}/v{draft.version}/ctdl.json").status_code == 404


def test_the_codes_page_edits_a_drafts_codes(admin, provider, client) -> None:  # type: ignore[no-untyped-def]
    draft = catalog.create_draft(actor=admin, provider=provider, title="Forklift", delivery_mode="online",
                                 workload_hours="8")  # fmt: skip
    client.force_login(admin)
    url = f"/registry/{provider.slug}/{draft.slug}/v1/codes/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"codes": "isco | 1 | Somebody"}).status_code == 400
    response = client.post(url, {"codes": "noc | 75101 | Material handlers\nnaics | 493110 | Warehousing | "})
    assert response.status_code == 302
    assert [(c.scheme, c.code, c.label) for c in draft.classification_codes.all()] == [
        ("noc", "75101", "Material handlers"),
        ("naics", "493110", "Warehousing"),
    ]
    page = client.get(f"/catalog/{provider.slug}/{draft.slug}/v1/").content.decode()
    assert "Material handlers" in page


def test_places_in_words_become_codes_or_notes_and_deep_json_is_refused(admin, provider, client) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(json.dumps(REGISTRY_EXPORT))
    node = document["@graph"][0]
    node["ceterms:availableAt"] = [{"@type": "ceterms:Place", "ceterms:addressRegion": {"en-US": "Ontario"},
                                    "ceterms:addressCountry": {"en-US": "Canada"}}]  # fmt: skip
    node["ceterms:requires"][0]["ceterms:targetCompetency"] *= 2
    made, _notes = services.import_ctdl(actor=admin, provider=provider, document=document)
    assert (made.country, made.region) == ("CA", "ON")
    node["ceterms:availableAt"][0]["ceterms:addressCountry"] = {"en-US": "Atlantis"}
    made, notes = services.import_ctdl(actor=admin, provider=provider, document=document)
    assert made.country == "" and any("Atlantis" in note for note in notes)
    client.force_login(admin)
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(f"/organizations/{provider.slug}/registry/import/", {"document": deep})
    assert response.status_code == 400
