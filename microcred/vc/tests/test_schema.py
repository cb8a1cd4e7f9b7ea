"""JSON Schema validation picks the bundled schema by type and context, offline, and reports paths."""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path

import pytest

from microcred.vc import schema
from microcred.vc.loader import CREDENTIALS_V1

SHARED = Path(__file__).resolve().parents[4] / "shared"  # ../shared beside the project

SAMPLE = SHARED / "standards/samples/ob30-complete.json"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the standards data folder is not on this machine")


@pytest.fixture
def credential() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("schema validation tried the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_complete_sample_is_valid_offline(credential, no_network):
    assert schema.validate(credential) == []


def test_single_proof_object_is_accepted(credential):
    credential["proof"] = credential["proof"][0] if isinstance(credential["proof"], list) else credential["proof"]
    assert isinstance(credential["proof"], dict)
    assert schema.validate(credential) == []


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("validFrom"), "/"),
        (lambda d: d.__setitem__("validFrom", "not a date"), "/validFrom"),
        (lambda d: d.__setitem__("type", ["OpenBadgeCredential"]), "/type"),
        (lambda d: d["credentialSubject"].__setitem__("type", "AchievementSubject"), "/credentialSubject/type"),
        (lambda d: d["credentialSubject"]["achievement"].pop("criteria"), "/credentialSubject/achievement"),
        (lambda d: d.__setitem__("@context", [d["@context"][0]]), "/@context"),
        (lambda d: d.__setitem__("credentialStatus", [{"type": "BitstringStatusListEntry"}]), "/credentialStatus/0"),
    ],
    ids=["no-validFrom", "bad-date", "type", "subject-type", "no-criteria", "context", "status-without-id"],
)
def test_reports_problems_with_paths(credential, mutate, path):
    mutate(credential)
    problems = schema.validate(credential)
    assert problems
    assert any(problem.path == path for problem in problems), problems
    assert all(problem.message for problem in problems)


def test_two_status_entries_are_allowed(credential):
    entry = {
        "id": "https://example.org/status/1#3",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": "https://example.org/status/1",
    }
    credential["credentialStatus"] = [entry, {**entry, "statusPurpose": "suspension"}]
    assert schema.validate(credential) == []


def test_vc11_form_uses_the_draft4_schema(credential):
    simple = json.loads((SAMPLE.parent / "ob30-simple.json").read_text(encoding="utf-8"))
    simple["@context"] = [CREDENTIALS_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"]
    simple["issuanceDate"] = simple.pop("validFrom")
    assert schema.schema_for(simple) == (schema.ACHIEVEMENT_CREDENTIAL_V1, "")
    assert schema.validate(simple) == []
    del simple["issuanceDate"]
    assert any("issuanceDate" in problem.message for problem in schema.validate(simple))


def test_endorsement_schema(credential):
    endorsement = copy.deepcopy(credential["endorsement"][0])
    assert schema.schema_for(endorsement) == (schema.ENDORSEMENT_CREDENTIAL, "")
    assert schema.validate(endorsement) == []
    del endorsement["name"]
    assert schema.validate(endorsement)


def test_no_schema_for_other_types():
    status_list = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "credentialSubject": {},
    }
    assert schema.schema_for(status_list) is None
    assert schema.validate(status_list) == []


def test_hostile_input_does_not_raise():
    assert schema.validate([]) != []  # type: ignore[arg-type]
    deep: dict = {"x": 1}
    for _ in range(5000):
        deep = {"endorsement": [deep]}
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["OpenBadgeCredential"], **deep}
    assert schema.validate(document)


def test_problem_to_json():
    assert schema.SchemaProblem("/a", "b").to_json() == {"path": "/a", "message": "b"}


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


@pytest.mark.parametrize("name", ["ob30-simple.json", "ob30-complete.json"])
def test_fast_path_agrees_with_the_full_validator(name):
    """The compiled fast path says "valid" exactly when the full validator finds no problem."""
    import random

    document = json.loads((SAMPLE.parent / name).read_text(encoding="utf-8"))
    values = [None, 1, 1.5, True, "", "x", [], {}, ["a"], [{"id": "x"}], "2020-01-01", "2020-13-01T00:00:00Z"]
    paths = [path for path in _paths(document) if path]
    chooser = random.Random(3)
    for _ in range(300):
        path = chooser.choice(paths)
        mutated = copy.deepcopy(document)
        node = mutated
        for part in path[:-1]:
            node = node[part]
        if chooser.random() < 0.3:
            del node[path[-1]]
        else:
            node[path[-1]] = chooser.choice(values)
        chosen = schema.schema_for(mutated)
        if chosen is None:
            continue
        statuses: list = []
        normalized = schema._normalize(mutated, "", statuses)
        fast = schema._fast_valid(*chosen, normalized) and all(
            schema._fast_valid(schema.ACHIEVEMENT_CREDENTIAL, "/$defs/CredentialStatus", entry) for _, entry in statuses
        )
        full = not schema._problems(schema._validator(*chosen), normalized, "") and not any(
            schema._problems(schema._validator(schema.ACHIEVEMENT_CREDENTIAL, "/$defs/CredentialStatus"), entry, "")
            for _, entry in statuses
        )
        assert fast == full, (path, node.get(path[-1]) if isinstance(node, dict) else None)
