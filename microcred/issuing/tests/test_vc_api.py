"""The W3C VC-API at the site root: issue, verify, presentations; authentication, test mode and hostile bodies."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.accounts.services import create_api_token
from microcred.issuing import identity, services
from microcred.issuing.models import IssuedCredential
from microcred.testing import factories
from microcred.vc import compose, data_integrity
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2

pytestmark = pytest.mark.django_db


def _post(path: str, body: Any = None, *, raw: bytes | None = None, token: str | None = None, client=None):
    client = client or Client()
    headers = {"Authorization": f"Bearer {token}"} if token else None
    data = raw if raw is not None else json.dumps(body)
    response = client.post(path, data=data, content_type="application/json", headers=headers)
    response.body = json.loads(response.content) if response.content else None
    return response


def _credential(issuer: Any = None, **extra: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner", "name": "Lena"},
    }
    if issuer is not None:
        credential["issuer"] = issuer
    credential.update(extra)
    return credential


@pytest.fixture
def token(admin) -> str:
    return create_api_token(user=admin, name="ci")[1]


def test_an_admin_issues_with_a_bearer_token_and_the_result_verifies(provider, token) -> None:
    did = identity.organization_did(provider)
    response = _post("/credentials/issue", {"credential": _credential(did), "options": {}}, token=token)
    assert response.status_code == 201, response.body
    credential = response.body["verifiableCredential"]
    assert credential["issuer"] == did
    assert isinstance(credential["proof"], dict)  # one proof: one object, as the VC-API issuer suite expects
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert {e["statusPurpose"] for e in credential["credentialStatus"]} == {"revocation", "suspension"}
    stored = IssuedCredential.objects.get()
    assert stored.organization == provider and stored.revocation_index is not None
    verified = _post("/credentials/verify", {"verifiableCredential": credential, "options": {}})
    assert verified.status_code == 200, verified.body
    assert verified.body["verified"] is True and verified.body["errors"] == []
    assert "proof" in " ".join(verified.body["checks"])


def test_a_credential_without_an_issuer_is_refused(provider, token) -> None:
    """VC DM 2.0 §4.7: a credential MUST have an issuer; the VC-API issuer suite expects a 400 without one."""
    response = _post("/credentials/issue", {"credential": _credential()}, token=token)
    assert response.status_code == 400, response.body
    assert response.body["errors"][0]["field"] == "credential.issuer"
    assert response.body["errors"][0]["code"] == "issuer_required"
    assert not IssuedCredential.objects.exists()


def test_jcs_vc11_and_an_issuer_object(provider, token) -> None:
    did = identity.organization_did(provider)
    body = {"credential": _credential({"id": did, "name": "Maple"}), "options": {"cryptosuite": "eddsa-jcs-2022"}}
    response = _post("/credentials/issue", body, token=token)
    assert response.status_code == 201, response.body
    assert response.body["verifiableCredential"]["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    v1 = _credential(did)
    v1["@context"] = [CREDENTIALS_V1]
    response = _post("/credentials/issue", {"credential": v1}, token=token)
    assert response.status_code == 400  # the VC 1.1 context does not define "name": it would not be signed
    assert response.body["errors"][0]["code"] == "undefined_term"
    v1["credentialSubject"] = {"id": "did:example:learner"}
    response = _post("/credentials/issue", {"credential": v1}, token=token)
    assert response.status_code == 201, response.body
    issued = response.body["verifiableCredential"]
    assert "issuanceDate" in issued and "credentialStatus" not in issued
    assert _post("/credentials/verify", {"verifiableCredential": issued}).status_code == 200


@pytest.mark.parametrize("role", ["assessor", "reviewer"])
def test_other_roles_may_not_issue(provider, role) -> None:
    user = factories.make_member(provider, role)
    secret = create_api_token(user=user, name="x")[1]
    body = {"credential": _credential(identity.organization_did(provider))}
    response = _post("/credentials/issue", body, token=secret)
    assert response.status_code in (400, 403)
    assert not IssuedCredential.objects.exists()


def test_anonymous_callers_and_foreign_issuers_are_refused(provider, learner, token) -> None:
    did = identity.organization_did(provider)
    response = _post("/credentials/issue", {"credential": _credential(did)})
    assert response.status_code == 401 and response.body["code"] == "not_authenticated"
    response = _post("/credentials/issue", {"credential": _credential(did)}, token="mc_forged")
    assert response.status_code == 401
    learner_token = create_api_token(user=learner, name="x")[1]
    assert _post("/credentials/issue", {"credential": _credential(did)}, token=learner_token).status_code == 403
    other = factories.make_organization("provider")
    response = _post("/credentials/issue", {"credential": _credential(identity.organization_did(other))}, token=token)
    assert response.status_code == 403 and response.body["code"] == "issuer_not_allowed"
    assert not IssuedCredential.objects.exists()


def test_a_session_needs_the_csrf_token(provider, admin) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = _post("/credentials/issue", {"credential": _credential()}, client=client)
    assert response.status_code == 403
    assert not IssuedCredential.objects.exists()


def test_test_mode_lets_anyone_issue_as_the_did_key_test_issuer(settings, provider) -> None:
    settings.VC_API_TEST_MODE = True
    response = _post("/credentials/issue", {"credential": _credential()})
    assert response.status_code == 400 and response.body["errors"][0]["code"] == "issuer_required"
    response = _post("/credentials/issue", {"credential": _credential(services.vc_api_test_issuer_did())})
    assert response.status_code == 201, response.body
    credential = response.body["verifiableCredential"]
    assert credential["issuer"].startswith("did:key:z6Mk")
    assert credential["proof"]["verificationMethod"].startswith(credential["issuer"] + "#z6Mk")
    response = _post("/credentials/issue", {"credential": _credential(credential["issuer"])})
    assert response.status_code == 201
    verified = _post("/credentials/verify", {"verifiableCredential": credential})
    assert verified.status_code == 200, verified.body
    # test mode does not open real organizations to anonymous callers: the issuer does not match the configured one
    response = _post("/credentials/issue", {"credential": _credential(identity.organization_did(provider))})
    assert response.status_code == 400
    assert response.body["errors"][0] == {
        "field": "credential.issuer",
        "code": "issuer_mismatch",
        "message": response.body["errors"][0]["message"],
    }
    assert not IssuedCredential.objects.filter(organization=provider).exists()


def test_test_mode_is_off_by_default(settings) -> None:
    assert settings.VC_API_TEST_MODE is False
    assert _post("/credentials/issue", {"credential": _credential()}).status_code == 401


HOSTILE_ISSUE_BODIES = [
    ("[]", 400),
    ('"credential"', 400),
    ("{", 400),
    ('{"credential": 1}', 400),
    ('{"credential": "text"}', 400),
    ('{"credential": {}}', 400),
    ('{"credential": [{}]}', 400),
    ('{"options": {}}', 400),
    ('{"credential": {"@context": ["https://example.org/ctx"], "type": ["VerifiableCredential"]}}', 400),
]


@pytest.mark.parametrize(("raw", "status"), HOSTILE_ISSUE_BODIES)
def test_hostile_issue_bodies(token, provider, raw, status) -> None:
    response = _post("/credentials/issue", raw=raw.encode(), token=token)
    assert response.status_code == status, response.body
    assert "code" in response.body
    assert not IssuedCredential.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": ["Badge"]}, "credential.type"),
        ({"credentialSubject": []}, "credential.credentialSubject"),
        ({"credentialSubject": "lena"}, "credential.credentialSubject"),
        ({"id": "not a uri"}, "credential.id"),
        ({"validFrom": "yesterday"}, "credential.validFrom"),
        ({"proof": {"type": "DataIntegrityProof"}}, "credential.proof"),
        ({"issuer": 42}, "credential.issuer"),
        ({"undefinedTerm": "dropped by JSON-LD"}, "credential"),
        ({"@context": [CREDENTIALS_V2, {"x": "https://evil.example/" + "x" * 20_000}]}, "credential.@context"),
        ({"@context": [CREDENTIALS_V2, 7]}, "credential.@context"),
        ({"@context": [CREDENTIALS_V2, {"id": "https://evil.example/id"}]}, "credential"),
        ({"@context": [CREDENTIALS_V2, {"@import": "https://evil.example/context"}]}, "credential"),
        ({"@context": [CREDENTIALS_V2, "https://evil.example/context"]}, "credential"),
        ({"credentialSubject": {"id": "did:example:x", "https://schema.org/name": list(range(60_000))}}, "credential"),
    ],
)
def test_invalid_credentials_are_400_with_the_field(token, provider, change, field) -> None:
    credential = {**_credential(identity.organization_did(provider)), **change}
    response = _post("/credentials/issue", {"credential": credential}, token=token)
    assert response.status_code == 400, response.body
    fields = [error["field"] for error in response.body.get("errors", [])]
    assert field in fields, response.body
    assert not IssuedCredential.objects.exists()


def test_bad_options_are_refused(token, provider) -> None:
    for options in ("fast", [1], {"cryptosuite": "rsa-2048"}):
        body = {"credential": _credential(identity.organization_did(provider)), "options": options}
        response = _post("/credentials/issue", body, token=token)
        assert response.status_code == 400, response.body


def test_huge_deeply_nested_and_non_utf8_bodies(token) -> None:
    huge = b'{"credential": {"x": "' + b"a" * (3 * 1024 * 1024) + b'"}}'
    for path in ("/credentials/issue", "/credentials/verify", "/presentations/verify"):
        response = _post(path, raw=huge, token=token)
        assert response.status_code == 413, (path, response.body)
        nested = b'{"verifiableCredential": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        response = _post(path, raw=nested, token=token)
        assert response.status_code == 400 and response.body["code"] == "too_deeply_nested"
        response = _post(path, raw=b'{"credential": "\xff\xfe"}', token=token)
        assert response.status_code == 400 and response.body["code"] == "invalid_encoding"


@pytest.fixture
def signed(provider, token) -> dict[str, Any]:
    body = {"credential": _credential(identity.organization_did(provider))}
    response = _post("/credentials/issue", body, token=token)
    return response.body["verifiableCredential"]


def test_a_tampered_credential_is_400_verified_false_with_the_failing_check(signed) -> None:
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = "Mallory"
    response = _post("/credentials/verify", {"verifiableCredential": tampered})
    assert response.status_code == 400
    assert response.body["verified"] is False
    failures = [(error["code"], error["reason"]) for error in response.body["errors"]]
    assert ("proof", "signature_invalid") in failures, failures


def test_verify_refuses_malformed_requests(signed) -> None:
    bodies = ({}, {"verifiableCredential": 5}, {"verifiableCredential": []})
    bodies += ({"verifiableCredential": signed, "options": 1},)
    for body in bodies:
        response = _post("/credentials/verify", body)
        assert response.status_code == 400 and "code" in response.body, body
    response = _post("/credentials/verify", {"verifiableCredential": {"not": "a credential"}})
    assert response.status_code == 400 and response.body["verified"] is False


def test_verify_does_not_fetch_foreign_urls(signed, settings) -> None:
    settings.VC_VERIFY_ALLOW_NETWORK = False
    foreign = copy.deepcopy(signed)
    foreign["proof"]["verificationMethod"] = "did:web:example.com#z6Mkfoo"
    response = _post("/credentials/verify", {"verifiableCredential": foreign})
    assert response.status_code == 400 and response.body["verified"] is False


def _presentation(credentials: list[Any], holder: str | None = None) -> dict[str, Any]:
    return compose.presentation(credentials=credentials, holder=holder)


def test_presentations_with_embedded_credentials(signed, provider, learner) -> None:
    jwt_credential = services.issue_credential(
        actor=None,
        organization=provider,
        achievement={
            "id": "https://microcred.example/a/1",
            "type": ["Achievement"],
            "name": "A",
            "description": "d",
            "criteria": {"narrative": "n"},
        },
        recipient=learner,
        recipient_identifier=learner.email,
        proof_format="vc-jwt",
    )
    response = _post("/presentations/verify", {"verifiablePresentation": _presentation([signed, jwt_credential.jwt])})
    assert response.status_code == 200, response.body
    assert response.body["verified"] is True and len(response.body["credentialResults"]) == 2

    tampered = copy.deepcopy(signed)
    tampered["issuer"] = "did:web:evil.example"
    response = _post("/presentations/verify", {"verifiablePresentation": _presentation([signed, tampered])})
    assert response.status_code == 400 and response.body["verified"] is False
    assert [r["verified"] for r in response.body["credentialResults"]] == [True, False]


def test_a_signed_presentation_and_an_expected_challenge(signed) -> None:
    holder = Ed25519KeyPair.generate()
    unsigned = _presentation([signed], holder=holder.did_key)
    presentation = data_integrity.sign(
        unsigned, holder, verification_method=holder.did_key_verification_method, proof_purpose="authentication"
    )
    response = _post("/presentations/verify", {"verifiablePresentation": presentation, "options": {}})
    assert response.status_code == 200, response.body
    assert response.body["presentationResult"]["verified"] is True
    response = _post("/presentations/verify", {"verifiablePresentation": presentation, "options": {"challenge": "abc"}})
    assert response.status_code == 400
    assert response.body["presentationResult"]["errors"][0]["code"] == "challenge_mismatch"
    forged = copy.deepcopy(presentation)
    forged["holder"] = "did:example:someone-else"
    response = _post("/presentations/verify", {"verifiablePresentation": forged})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"verifiablePresentation": "vp"},
        {"verifiablePresentation": {"type": ["VerifiableCredential"]}},
        {"verifiablePresentation": {"type": "VerifiablePresentation", "verifiableCredential": [1]}},
        {"verifiablePresentation": {"type": "VerifiablePresentation", "verifiableCredential": [{}] * 51}},
    ],
)
def test_malformed_presentations(body) -> None:
    response = _post("/presentations/verify", body)
    assert response.status_code == 400 and "code" in response.body


def test_the_status_list_is_served_under_the_vc_api_path(signed) -> None:
    url = signed["credentialStatus"][0]["statusListCredential"]
    public_id = url.rsplit("/", 1)[1]
    response = Client().get(f"/credentials/status/{public_id}")
    assert response.status_code == 200 and response.json()["id"] == url


def test_status_updates_through_the_vc_api(signed, token, provider) -> None:
    stored = IssuedCredential.objects.get()
    body = {"credentialId": stored.credential_id, "credentialStatus": [{"statusPurpose": "suspension", "status": True}]}
    assert _post("/credentials/status", body).status_code == 401
    response = _post("/credentials/status", body, token=token)
    assert response.status_code == 200 and response.body["suspended"] is True
    verified = _post("/credentials/verify", {"verifiableCredential": signed})
    assert verified.status_code == 400
    assert [(e["code"], e["reason"]) for e in verified.body["errors"]] == [("status", "suspended")]
    body["credentialStatus"] = [{"statusPurpose": "suspension", "status": False}]
    assert _post("/credentials/status", body, token=token).body["suspended"] is False
    assert _post("/credentials/verify", {"verifiableCredential": signed}).status_code == 200
    body["credentialStatus"] = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
    assert _post("/credentials/status", body, token=token).body["revoked"] is True
    verified = _post("/credentials/verify", {"verifiableCredential": signed})
    assert [(e["code"], e["reason"]) for e in verified.body["errors"]] == [("status", "revoked")]
    body["credentialStatus"] = [{"statusPurpose": "revocation", "status": False}]
    assert _post("/credentials/status", body, token=token).status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"credentialId": 5, "credentialStatus": [{"statusPurpose": "revocation"}]},
        {"credentialId": "urn:uuid:x", "credentialStatus": "revoked"},
        {"credentialId": "urn:uuid:x", "credentialStatus": [{"statusPurpose": "expiry"}]},
        {"credentialId": "urn:uuid:x", "credentialStatus": [{"statusPurpose": "revocation", "status": "yes"}]},
    ],
)
def test_malformed_status_updates(token, body) -> None:
    response = _post("/credentials/status", body, token=token)
    assert response.status_code == 400 and "code" in response.body


def test_status_updates_of_unknown_or_foreign_credentials(signed, provider, settings) -> None:
    body = {"credentialId": "urn:uuid:00000000-0000-0000-0000-000000000000", "credentialStatus": []}
    body["credentialStatus"] = [{"statusPurpose": "revocation"}]
    other_admin = factories.make_member(factories.make_organization("provider"), "admin")
    other_token = create_api_token(user=other_admin, name="x")[1]
    assert _post("/credentials/status", body, token=other_token).status_code == 404
    stored = IssuedCredential.objects.get()
    body["credentialId"] = stored.credential_id
    assert _post("/credentials/status", body, token=other_token).status_code == 403
    settings.VC_API_TEST_MODE = True  # test mode opens the test issuer only, never a real organization's credentials
    assert _post("/credentials/status", body).status_code == 403
    assert IssuedCredential.objects.get().revoked_at is None


def test_a_presentation_proved_for_the_wrong_purpose(signed) -> None:
    holder = Ed25519KeyPair.generate()
    presentation = data_integrity.sign(
        _presentation([signed], holder=holder.did_key), holder, verification_method=holder.did_key_verification_method
    )
    response = _post("/presentations/verify", {"verifiablePresentation": presentation})
    assert response.status_code == 400
    assert response.body["presentationResult"]["errors"][0]["code"] == "proof_purpose_mismatch"


def test_json_clients_need_no_csrf_token(signed, token, provider) -> None:
    """Verifiers and the W3C test suites post JSON without cookies; only a browser session needs the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    assert _post("/credentials/verify", {"verifiableCredential": signed}, client=client).status_code == 200
    credential = _credential(identity.organization_did(provider))
    response = _post("/credentials/issue", {"credential": credential}, token=token, client=client)
    assert response.status_code == 201


F2_PRESENTATIONS = [
    {"type": 7},
    {"type": True},
    {"type": 1.5},
    {"type": {"VerifiablePresentation": 1}},
    {"type": ["VerifiablePresentation"], "proof": "x"},
    {"type": ["VerifiablePresentation"], "proof": 7},
    {"type": ["VerifiablePresentation"], "proof": [7]},
    {"type": ["VerifiablePresentation"], "proof": [None]},
    {"type": ["VerifiablePresentation"], "proof": [{}] * 9},
]


@pytest.mark.parametrize("presentation", F2_PRESENTATIONS)
def test_malformed_presentation_types_and_proofs_are_400_not_500(presentation) -> None:
    response = _post("/presentations/verify", {"verifiablePresentation": presentation})
    assert response.status_code == 400, response.body
    assert response.body["code"] == "validation_failed"
    assert response.body["errors"][0]["field"] in ("verifiablePresentation.type", "verifiablePresentation.proof")


def test_a_credential_sent_as_a_json_string_is_a_parsing_error(signed) -> None:
    response = _post("/credentials/verify", {"verifiableCredential": json.dumps(signed)})
    assert response.status_code == 400, response.body
    assert response.body["code"] == "parsing_error" and response.body["field"] == "verifiableCredential"
    response = _post("/presentations/verify", {"verifiablePresentation": _presentation([json.dumps(signed)])})
    assert response.status_code == 400 and response.body["code"] == "parsing_error"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
SHAPE_KEYS = ("type", "proof", "verifiableCredential", "holder", "@context", "id", "issuer", "credentialSubject")


def _shaped(keys: list[str], values: list[Any]) -> dict[str, Any]:
    return dict(zip(keys, values, strict=False))


SHAPED = st.builds(_shaped, st.lists(st.sampled_from(SHAPE_KEYS), max_size=6, unique=True), st.lists(JSON_VALUES))
PROOF_SHAPES = st.fixed_dictionaries(
    {},
    optional={
        "type": JSON_VALUES,
        "cryptosuite": st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022", "x"]) | JSON_VALUES,
        "proofPurpose": st.sampled_from(["authentication", "assertionMethod"]) | JSON_VALUES,
        "verificationMethod": st.sampled_from(["did:key:z6Mkx#z6Mkx", "did:web:example.com#k"]) | JSON_VALUES,
        "proofValue": JSON_VALUES,
        "challenge": JSON_VALUES,
        "previousProof": JSON_VALUES,
    },
)
PRESENTATIONS = st.builds(
    lambda shaped, proof, vp_type: {**shaped, "type": vp_type, "proof": proof},
    SHAPED,
    st.one_of(JSON_VALUES, PROOF_SHAPES, st.lists(PROOF_SHAPES, max_size=3)),
    st.one_of(JSON_VALUES, st.just("VerifiablePresentation"), st.just(["VerifiablePresentation"])),
)
BODIES = st.one_of(
    st.builds(lambda vp, options: {"verifiablePresentation": vp, "options": options}, PRESENTATIONS, JSON_VALUES),
    st.builds(lambda vp: {"verifiablePresentation": vp}, PRESENTATIONS),
)
CREDENTIAL_BODIES = st.builds(
    lambda shaped, proof, options: {"verifiableCredential": {**shaped, "proof": proof}, "options": options},
    SHAPED,
    st.one_of(JSON_VALUES, PROOF_SHAPES, st.lists(PROOF_SHAPES, max_size=3)),
    st.one_of(st.just({}), JSON_VALUES),
)


def _assert_json_4xx_or_ok(response: Any) -> None:
    assert response.status_code in (200, 400, 413), (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert "code" in body or "verified" in body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES)
def test_presentation_verify_shapes_never_answer_500(body) -> None:
    _assert_json_4xx_or_ok(_post("/presentations/verify", body))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=CREDENTIAL_BODIES)
def test_credential_verify_shapes_never_answer_500(body) -> None:
    _assert_json_4xx_or_ok(_post("/credentials/verify", body))


RELATED = {"id": CREDENTIALS_V2, "digestSRI": "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"}


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"credentialStatus": {"id": "did:example:status"}}, "credential.credentialStatus.type", "type_missing"),
        ({"credentialSchema": {"id": "did:example:schemas/1"}}, "credential.credentialSchema.type", "type_missing"),
        ({"credentialSchema": {"type": "https://example.org/#S"}}, "credential.credentialSchema.id", "id_missing"),
        ({"refreshService": {"id": "did:example:refresh/1"}}, "credential.refreshService.type", "type_missing"),
        ({"termsOfUse": {}}, "credential.termsOfUse.type", "type_missing"),
        ({"termsOfUse": {"id": "did:example:terms/1"}}, "credential.termsOfUse.type", "type_missing"),
        ({"evidence": {}}, "credential.evidence.type", "type_missing"),
        ({"relatedResource": [CREDENTIALS_V2]}, "credential.relatedResource.0", "not_an_object"),
        ({"relatedResource": [{"digestSRI": RELATED["digestSRI"]}]}, "credential.relatedResource.0.id", "id_missing"),
        ({"relatedResource": [RELATED, RELATED]}, "credential.relatedResource.1.id", "id_duplicate"),
        ({"relatedResource": [{"id": CREDENTIALS_V2}]}, "credential.relatedResource.0", "digest_missing"),
        (
            {"relatedResource": [{"id": CREDENTIALS_V2, "digestSRI": "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij"}]},
            "credential.relatedResource.0.digestSRI",
            "digest_malformed",
        ),
    ],
)
def test_vc2_structures_without_their_required_parts_are_refused(token, provider, change, field, code) -> None:
    credential = {**_credential(identity.organization_did(provider)), **change}
    response = _post("/credentials/issue", {"credential": credential}, token=token)
    assert response.status_code == 400, response.body
    assert {"field": field, "code": code} in [{k: e[k] for k in ("field", "code")} for e in response.body["errors"]]
    assert not IssuedCredential.objects.exists()


def test_a_related_resource_with_its_digest_is_signed(token, provider) -> None:
    credential = {**_credential(identity.organization_did(provider)), "relatedResource": [RELATED]}
    response = _post("/credentials/issue", {"credential": credential}, token=token)
    assert response.status_code == 201, response.body
    credential = response.body["verifiableCredential"]
    assert _post("/credentials/verify", {"verifiableCredential": credential}).status_code == 200


INLINE = {"ExampleVerifiableCredential": "https://example.org/#ExampleVerifiableCredential"}


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_inline_contexts_are_issued_and_verified(token, provider, cryptosuite) -> None:
    credential = _credential(
        identity.organization_did(provider),
        **{"@context": [CREDENTIALS_V2, INLINE], "type": ["VerifiableCredential", "ExampleVerifiableCredential"]},
    )
    body = {"credential": credential, "options": {"cryptosuite": cryptosuite}}
    response = _post("/credentials/issue", body, token=token)
    assert response.status_code == 201, response.body
    issued = response.body["verifiableCredential"]
    assert issued["@context"] == [CREDENTIALS_V2, INLINE]
    assert _post("/credentials/verify", {"verifiableCredential": issued}).status_code == 200
    tampered = copy.deepcopy(issued)
    tampered["@context"][1]["ExampleVerifiableCredential"] = "https://evil.example/#Other"
    assert _post("/credentials/verify", {"verifiableCredential": tampered}).status_code == 400


@pytest.mark.parametrize(
    "contexts",
    [
        [CREDENTIALS_V2, {"VerifiableCredential": "https://example.org/#BadVerifiableCredential"}],
        [CREDENTIALS_V2, {"@protected": True, **INLINE}, {"ExampleVerifiableCredential": "https://example.org/#Bad"}],
    ],
)
def test_an_inline_context_may_not_redefine_a_protected_term(token, provider, contexts) -> None:
    types = ["VerifiableCredential", "ExampleVerifiableCredential"]
    credential = _credential(identity.organization_did(provider), **{"@context": contexts, "type": types})
    response = _post("/credentials/issue", {"credential": credential}, token=token)
    assert response.status_code == 400, response.body
    assert response.body["errors"][0]["code"] == "protected_term_redefinition"
    assert not IssuedCredential.objects.exists()


def test_a_status_entry_with_several_ids_is_refused_under_an_inline_context(token, provider) -> None:
    credential = _credential(
        identity.organization_did(provider),
        **{
            "@context": [CREDENTIALS_V2, {"CredentialStatusList2017": "https://example.org/examples#CSL2017"}],
            "credentialStatus": {
                "id": ["did:example:status:1", "did:example:status:2"],
                "type": "CredentialStatusList2017",
            },
        },
    )
    response = _post("/credentials/issue", {"credential": credential}, token=token)
    assert response.status_code == 400, response.body
    assert response.body["errors"][0]["code"] == "id_invalid"


def test_another_organizations_proof_appended_to_a_valid_credential_fails(signed, token) -> None:
    """Issue 21, F9: every proof of a proof set must verify."""
    other = factories.make_organization("provider")
    other_token = create_api_token(user=factories.make_member(other, "admin"), name="x")[1]
    body = {"credential": _credential(identity.organization_did(other))}
    elsewhere = _post("/credentials/issue", body, token=other_token).body
    forged = copy.deepcopy(signed)
    forged["proof"] = [*data_integrity.proofs_of(signed), *data_integrity.proofs_of(elsewhere["verifiableCredential"])]
    response = _post("/credentials/verify", {"verifiableCredential": forged})
    assert response.status_code == 400 and response.body["verified"] is False
    assert ("proof", "signature_invalid") in [(e["code"], e["reason"]) for e in response.body["errors"]]
    public = Client().post("/api/v1/verify", data=json.dumps({"credential": forged}), content_type="application/json")
    assert public.status_code == 200 and json.loads(public.content)["verified"] is False


def test_a_single_proof_object_is_read_everywhere(signed, learner) -> None:
    from microcred.wallet import services as wallet

    assert isinstance(signed["proof"], dict)
    imported = wallet.import_credential(owner=learner, data=json.dumps(signed))
    assert imported.verified, imported.report
    cosigner = Ed25519KeyPair.generate()
    cosigned = data_integrity.sign(signed, cosigner, verification_method=cosigner.did_key_verification_method)
    assert isinstance(cosigned["proof"], list) and cosigned["proof"][0] == signed["proof"]
    assert _post("/credentials/verify", {"verifiableCredential": cosigned}).status_code == 200
    holder = Ed25519KeyPair.generate()
    presentation = data_integrity.sign(
        _presentation([signed], holder=holder.did_key),
        holder,
        verification_method=holder.did_key_verification_method,
        proof_purpose="authentication",
        single_proof=True,
    )
    assert isinstance(presentation["proof"], dict)
    response = _post("/presentations/verify", {"verifiablePresentation": presentation})
    assert response.status_code == 200 and response.body["verified"] is True, response.body


def test_the_vc_api_verifier_suites_ed25519_2020_vector_is_checked_but_its_issuer_is_not_the_signer() -> None:
    """The VC-API verifier suite's positive vector is the W3C vc-di-eddsa Ed25519Signature2020 vector: its signature
    verifies, but its issuer (https://vc.example/issuers/5678) does not control the did:key that signed it, and
    microcred does not call a credential verified for an issuer that did not sign it (README, VC-API)."""
    from pathlib import Path

    vector = Path(__file__).resolve().parents[3].parent / "shared" / "standards" / "vectors" / "w3c-eddsa"
    vector = vector / "TestVectors" / "Ed25519Signature2020" / "signedEdSig.json"
    if not vector.is_file():
        pytest.skip("the W3C vectors are absent")
    response = _post("/credentials/verify", {"verifiableCredential": json.loads(vector.read_text())})
    assert response.status_code == 400
    assert "proof" in response.body["checks"]
    assert [(e["code"], e["reason"]) for e in response.body["errors"]] == [("issuer_key", "controller_mismatch")]


def test_the_cryptosuite_can_be_chosen_by_the_endpoint_url(token, provider) -> None:
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    body = json.dumps({"credential": _credential(identity.organization_did(provider))})
    response = client.post(
        "/credentials/issue?cryptosuite=eddsa-jcs-2022", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 201 and response.json()["verifiableCredential"]["proof"]["cryptosuite"] == (
        "eddsa-jcs-2022"
    )
    response = client.post("/credentials/issue?cryptosuite=rsa", body, content_type="application/json", headers=headers)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/credentials/verify", {"verifiableCredential": {"@context": [CREDENTIALS_V2], "type": ["X"], "a": 1}}),
        (
            "/presentations/verify",
            {"verifiablePresentation": {"type": ["VerifiablePresentation"]}, "options": {"challenge": "c"}},
        ),
    ],
)
def test_a_result_that_does_not_verify_is_also_the_api_error_body(path: str, body: dict) -> None:
    """Found by the API fuzzing (tests/test_api_fuzz.py): every 4xx of the APIs has a ``code`` and a ``message``;
    the 400 of a verifier kept its report (``verified``, ``errors``…) for the VC-API clients and had neither."""
    response = Client().post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "not_verified" and answer["message"] and answer["verified"] is False
    assert answer["errors"]
