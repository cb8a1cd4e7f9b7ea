"""Property: changing any string anywhere in a signed credential makes verify() report it invalid."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.vc import verify as verifier
from microcred.vc.model import hashed_identity
from microcred.vc.tests.verify_fixtures import NOW, StatusServer, endorsement, resolver, sign, unsigned


def string_paths(value, path=()):
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_paths(item, (*path, index))


def replaced(document, path, value):
    document = copy.deepcopy(document)
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return document


def rich_credential(suite: str) -> dict:
    return sign(
        unsigned(
            subject_identifier=hashed_identity("ada@example.org", "5a1t"),
            results=[{"value": "A", "status": "Completed"}],
            evidence=[{"id": "https://issuer.example/evidence/1", "narrative": "Project three."}],
            credential_status=StatusServer().entries(index=4),
            endorsements=[endorsement()],
        ),
        suite=suite,
    )


CREDENTIALS = {suite: rich_credential(suite) for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022")}
STATUS = StatusServer()


@pytest.mark.parametrize("suite", sorted(CREDENTIALS))
def test_the_unchanged_credential_is_valid(suite):
    report = verifier.verify(CREDENTIALS[suite], resolver=resolver(), now=NOW, status_fetcher=STATUS.fetch)
    assert report.valid, [check.to_json() for check in report.failures]


@pytest.mark.parametrize("suite", sorted(CREDENTIALS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_changed_string_is_invalid(suite, data):
    credential = CREDENTIALS[suite]
    paths = list(string_paths(credential))
    path = data.draw(st.sampled_from(paths), label="path")
    original = _at(credential, path)
    new = data.draw(
        st.one_of(
            st.text(min_size=1, max_size=12),
            st.just(original + " "),
            st.just(original[:-1]),
            st.just(original.upper()),
        ).filter(lambda text: text != original),
        label="new value",
    )
    report = verifier.verify(replaced(credential, path, new), resolver=resolver(), now=NOW, status_fetcher=STATUS.fetch)
    assert not report.valid, (path, original, new)


def _at(document, path):
    for part in path:
        document = document[part]
    return document


TOKEN_CREDENTIAL = unsigned(subject_identifier=hashed_identity("ada@example.org", "5a1t"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_changed_string_in_a_vc_jwt_is_invalid(data):
    from microcred.vc import jwt
    from microcred.vc.tests.verify_fixtures import KEY

    token = jwt.sign_jwt(TOKEN_CREDENTIAL, KEY, kid=KEY.did_key_verification_method)
    head, body, signature = token.split(".")
    parts = {
        "header": json.loads(jwt.b64url_decode(head, "header")),
        "payload": json.loads(jwt.b64url_decode(body, "payload")),
    }
    paths = list(string_paths(parts))
    path = data.draw(st.sampled_from(paths), label="path")
    original = _at(parts, path)
    new = data.draw(st.text(min_size=1, max_size=12).filter(lambda text: text != original), label="new value")
    changed = replaced(parts, path, new)
    forged = ".".join(
        [
            jwt.b64url_encode(json.dumps(changed["header"]).encode()),
            jwt.b64url_encode(json.dumps(changed["payload"]).encode()),
            signature,
        ]
    )
    report = verifier.verify(forged, resolver=resolver(), now=NOW)
    assert not report.valid, (path, original, new)
