"""The data model reads the 1EdTech samples and vectors, in both VC forms, and writes them back unchanged."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from microcred.vc import model, schema
from microcred.vc.errors import VCError
from microcred.vc.loader import CREDENTIALS_V1

SHARED = Path(__file__).resolve().parents[4] / "shared"  # ../shared beside the project

STANDARDS = SHARED / "standards"
FILES = {
    "ob30-simple": STANDARDS / "samples/ob30-simple.json",
    "ob30-complete": STANDARDS / "samples/ob30-complete.json",
    "ob3-vector-signed": STANDARDS / "vectors/ob3/signed.json",
    "ob3-vector-unsigned": STANDARDS / "vectors/ob3/unsigned.json",
    "clr-vector-signed": STANDARDS / "vectors/ob3/clr-signed.json",
}
pytestmark = pytest.mark.skipif(not STANDARDS.exists(), reason="the standards data folder is not on this machine")


def load(name: str) -> dict:
    return json.loads(FILES[name].read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(FILES))
def test_parses_round_trips_and_passes_the_schema(name):
    document = load(name)
    parsed = model.parse_credential(document)
    assert model.to_json(parsed) == document
    assert schema.validate(document) == []


def test_picks_the_class_by_type():
    assert isinstance(model.parse_credential(load("ob30-simple")), model.OpenBadgeCredential)
    clr = model.parse_credential(load("clr-vector-signed"))
    assert isinstance(clr, model.ClrCredential)
    embedded = clr.credentialSubject.credentials()
    assert embedded and all(isinstance(item, model.AchievementCredential) for item in embedded)


def test_complete_sample_has_typed_parts():
    credential = model.parse_credential(load("ob30-complete"))
    assert credential.vc_version == "2.0"
    assert credential.issuer_id
    assert credential.credentialSubject.has_identity()
    assert credential.endorsement
    endorsement = model.parse_credential(credential.endorsement[0])
    assert isinstance(endorsement, model.EndorsementCredential)
    assert credential.valid_from is not None


def vc11_form(document: dict) -> dict:
    converted = copy.deepcopy(document)
    converted["@context"] = [CREDENTIALS_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"]
    converted["issuanceDate"] = converted.pop("validFrom")
    converted["expirationDate"] = "2030-01-01T00:00:00Z"
    converted["credentialSubject"]["achievement"]["creditsAvailable"] = 3
    return converted


def test_reads_the_vc11_form():
    document = vc11_form(load("ob30-simple"))
    credential = model.parse_credential(document)
    assert credential.vc_version == "1.1"
    assert credential.valid_from.year == 2010
    assert credential.valid_until.year == 2030
    assert model.to_json(credential) == document
    assert model.to_json(credential)["credentialSubject"]["achievement"]["creditsAvailable"] == 3
    assert schema.schema_for(document) == (schema.ACHIEVEMENT_CREDENTIAL_V1, "")
    assert schema.validate(document) == []


def test_unknown_properties_survive():
    document = load("ob30-simple")
    document["credentialSubject"]["achievement"]["ext:note"] = {"deep": [1, 2, {"x": None}]}
    document["somethingElse"] = "kept"
    assert model.to_json(model.parse_credential(document)) == {**document}


def test_nulls_are_dropped():
    document = load("ob30-simple")
    document["description"] = None
    out = model.to_json(model.parse_credential(document))
    assert "description" not in out


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.__setitem__("@context", ["https://example.com/other"]),
        lambda d: d.__setitem__("validFrom", "yesterday"),
        lambda d: d["credentialSubject"].pop("achievement"),
        lambda d: d["credentialSubject"]["achievement"].__setitem__("achievementType", "NotAType"),
        lambda d: d.__setitem__("issuer", 42),
    ],
    ids=["context", "date", "no-achievement", "achievement-type", "issuer"],
)
def test_refuses_what_does_not_fit(mutate):
    document = load("ob30-simple")
    mutate(document)
    with pytest.raises(VCError) as caught:
        model.parse_credential(document)
    assert caught.value.code == "model_invalid"


def test_refuses_non_objects():
    with pytest.raises(VCError):
        model.parse_credential([])  # type: ignore[arg-type]


def test_micro_credential_and_ext_types_are_allowed():
    document = load("ob30-simple")
    for value in ("MicroCredential", "ext:Bootcamp"):
        document["credentialSubject"]["achievement"]["achievementType"] = value
        assert model.parse_credential(document).credentialSubject.achievement.achievementType == value


def test_hashed_identity():
    identity = model.hashed_identity("ada@example.org", "pepper")
    assert identity == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": "sha256$" + hashlib.sha256(b"ada@example.orgpepper").hexdigest(),
        "identityType": "emailAddress",
        "salt": "pepper",
    }
    assert model.identity_matches(identity, "ada@example.org")
    assert not model.identity_matches(identity, "eve@example.org")
    assert model.IdentityObject.model_validate(identity).identityHash.startswith("sha256$")
