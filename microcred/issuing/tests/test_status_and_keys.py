"""Status lists as verifiers read them, revocation and suspension, key rotation and withdrawal, DID documents."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest
from django.test import Client

from microcred.accounts.permissions import CLI, SYSTEM
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.issuing import identity, selectors, services, verification
from microcred.issuing.models import STATUS_LIST_SIZE, IssuerKey, StatusList
from microcred.issuing.tests.conftest import issue
from microcred.testing import factories
from microcred.vc import data_integrity, status
from microcred.vc.keys import public_key_from_multibase

pytestmark = pytest.mark.django_db


def _failed(report) -> list[str]:
    return [check.code for check in report.checks if check.outcome == "fail"]


def _served_list(client: Client, url: str) -> dict:
    response = client.get(url.removeprefix(identity.public_base_url()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    return response.json()


def _entry(credential, purpose: str) -> dict:
    return next(e for e in credential.document["credentialStatus"] if e["statusPurpose"] == purpose)


def test_the_status_list_credential_is_signed_big_enough_and_verifies(issued, provider) -> None:
    entry = _entry(issued, "revocation")
    document = _served_list(Client(), entry["statusListCredential"])
    assert document["id"] == entry["statusListCredential"]
    assert "BitstringStatusListCredential" in document["type"]
    assert document["issuer"] == identity.organization_did(provider)
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    bits = status.decode_bitstring(subject["encodedList"])
    assert len(bits) * 8 >= 131_072 == STATUS_LIST_SIZE
    assert not any(bits)
    (proof,) = data_integrity.proofs_of(document)
    key = provider.issuer_keys.get()
    data_integrity.verify_proof(document, proof, public_key_from_multibase(key.public_key_multibase))
    report = verification.verify_credential(document)
    assert report.valid, _failed(report)


def test_revocation_flips_the_served_bit_and_verification_fails(issued) -> None:
    client = Client()
    entry = _entry(issued, "revocation")
    before = _served_list(client, entry["statusListCredential"])
    assert status.check_entry(entry, before) is False
    assert verification.verify_credential(issued.document).valid
    with pytest.raises(ValidationFailed):
        services.revoke_credential(actor=SYSTEM, credential=issued, reason="  ")
    services.revoke_credential(actor=SYSTEM, credential=issued, reason="Issued by mistake")
    after = _served_list(client, entry["statusListCredential"])
    assert status.check_entry(entry, after) is True
    report = verification.verify_credential(issued.document)
    assert not report.valid and _failed(report) == ["status"]
    assert report.check("status").reason == "revoked"
    with pytest.raises(Conflict):
        services.revoke_credential(actor=SYSTEM, credential=issued, reason="again")
    with pytest.raises(Conflict):
        services.set_suspension(actor=SYSTEM, credential=issued, suspended=True)
    # the revoked credential is still served as issued: verifiers learn the status from the list
    response = client.get(f"/credentials/{issued.public_id}")
    assert response.status_code == 200 and response.json()["id"] == issued.credential_id


def test_suspension_and_reinstatement(issued) -> None:
    client = Client()
    entry = _entry(issued, "suspension")
    services.set_suspension(actor=SYSTEM, credential=issued, suspended=True, reason="under review")
    assert status.check_entry(entry, _served_list(client, entry["statusListCredential"])) is True
    report = verification.verify_credential(issued.document)
    assert not report.valid and report.check("status").reason == "suspended"
    with pytest.raises(Conflict):
        services.set_suspension(actor=SYSTEM, credential=issued, suspended=True)
    services.set_suspension(actor=SYSTEM, credential=issued, suspended=False)
    assert status.check_entry(entry, _served_list(client, entry["statusListCredential"])) is False
    assert verification.verify_credential(issued.document).valid


def test_the_signed_list_is_cached_until_a_bit_changes(issued) -> None:
    status_list = StatusList.objects.get(pk=issued.revocation_list_id)
    first = services.signed_status_list_credential(status_list)
    again = services.signed_status_list_credential(StatusList.objects.get(pk=status_list.pk))
    assert again == first
    services.revoke_credential(actor=SYSTEM, credential=issued, reason="wrong learner")
    assert StatusList.objects.get(pk=status_list.pk).signed_credential is None
    fresh = services.signed_status_list_credential(StatusList.objects.get(pk=status_list.pk))
    assert fresh["credentialSubject"]["encodedList"] != first["credentialSubject"]["encodedList"]


def test_only_admins_revoke(issued, provider, learner) -> None:
    assessor = factories.make_member(provider, "assessor")
    for actor in (assessor, learner):
        with pytest.raises(PermissionDenied):
            services.revoke_credential(actor=actor, credential=issued, reason="no")
        with pytest.raises(PermissionDenied):
            services.set_suspension(actor=actor, credential=issued, suspended=True)


def test_rotation_keeps_old_credentials_verifying_and_withdrawal_breaks_them(
    provider, achievement, learner, admin
) -> None:
    old_credential = issue(provider, achievement, learner)
    old_key = provider.issuer_keys.get()
    new_key = services.rotate_issuer_key(actor=admin, organization=provider)
    new_credential = issue(provider, achievement, learner)
    assert new_credential.document["proof"][0]["verificationMethod"].endswith(new_key.public_key_multibase)
    document = identity.did_document(provider)
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        old_key.public_key_multibase,
        new_key.public_key_multibase,
    ]
    assert verification.verify_credential(old_credential.document).valid
    assert verification.verify_credential(new_credential.document).valid

    with pytest.raises(Conflict):
        services.withdraw_issuer_key(actor=admin, key=new_key)  # the active key must be rotated first
    services.withdraw_issuer_key(actor=admin, key=IssuerKey.objects.get(pk=old_key.pk))
    document = identity.did_document(provider)
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [new_key.public_key_multibase]
    report = verification.verify_credential(old_credential.document)
    assert not report.valid
    assert ("proof", "key_unresolved") in [(c.code, c.reason) for c in report.failures]
    assert verification.verify_credential(new_credential.document).valid


def test_keys_are_managed_by_admins_only(provider) -> None:
    assessor = factories.make_member(provider, "assessor")
    with pytest.raises(PermissionDenied):
        services.rotate_issuer_key(actor=assessor, organization=provider)
    services.create_issuer_key(actor=CLI, organization=provider)
    with pytest.raises(Conflict):
        services.create_issuer_key(actor=CLI, organization=provider)


def test_the_did_document_is_served_and_holds_no_secret(provider, issued) -> None:
    response = Client().get(f"/organizations/{provider.slug}/did.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    did = identity.organization_did(provider)
    assert document["id"] == did
    assert did.startswith("did:web:") and did.endswith(f":organizations:{provider.slug}")
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["controller"] == did
    assert document["assertionMethod"] == [method["id"]]
    pair, key = services.signing_key(provider)
    body = response.content.decode()
    for secret in (pair.secret_key_multibase, pair.private_bytes.hex(), bytes(key.encrypted_private_key).decode()):
        assert secret not in body
    assert "secret" not in body.lower() and "private" not in body.lower()
    assert pair.secret_key_multibase not in repr(key) + str(key)
    assert Client().get("/organizations/nobody/did.json").status_code == 404


def test_unknown_documents_are_404_in_json() -> None:
    client = Client()
    for path in ("/status/00000000-0000-0000-0000-000000000000", "/credentials/00000000-0000-0000-0000-000000000000"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["code"].endswith("not_found")
    assert client.post("/organizations/x/did.json").status_code == 405


def test_a_vc_jwt_credential_is_served_as_a_jwt(provider, achievement, learner) -> None:
    credential = issue(provider, achievement, learner, proof_format="vc-jwt")
    response = Client().get(f"/credentials/{credential.public_id}")
    assert response["Content-Type"] == "application/vc+jwt" and response.content.decode() == credential.jwt


def test_the_keys_cli(provider) -> None:
    from microcred.cli import main

    def run(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out):
            code = main(["keys", *args])
        return code, out.getvalue()

    code, out = run("create", provider.slug)
    assert code == 0 and "created did:web:" in out
    code, out = run("rotate", provider.slug)
    assert code == 0 and "now signing with" in out
    code, out = run("list", provider.slug)
    assert code == 0 and "retired" in out and "active" in out
    code, out = run("export-did", provider.slug)
    assert code == 0 and len(json.loads(out)["verificationMethod"]) == 2
    old_key = provider.issuer_keys.order_by("created_at").first().public_key_multibase
    code, out = run("withdraw", provider.slug, old_key)
    assert code == 0 and "withdrawn" in out
    code, out = run("withdraw", provider.slug, old_key)
    assert code == 2 and "key_withdrawn" in out
    code, out = run("withdraw", provider.slug, "z6MkNope")
    assert code == 2 and "key_not_found" in out
    code, out = run("list", "no-such-org")
    assert code == 2 and "organization_not_found" in out


def test_the_test_issuer_cli(settings) -> None:
    from microcred.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["keys", "test-issuer"]) == 2
    settings.VC_API_TEST_MODE = True
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["keys", "test-issuer"]) == 0
    assert "did:key:z6Mk" in out.getvalue()


def test_selectors_refuse_malformed_ids() -> None:
    from microcred.errors import NotFound

    for value in ("", "x", "urn:uuid:nope", "0" * 1000):
        with pytest.raises(NotFound):
            selectors.credential_by_public_id(value)
        with pytest.raises(NotFound):
            selectors.status_list_by_public_id(value)


def test_the_served_lists_memo_never_outlives_a_bit_or_a_withdrawn_key(provider, achievement, learner, admin) -> None:
    first = issue(provider, achievement, learner)
    assert verification.verify_credential(first.document).valid  # its lists signed by the first key, and remembered
    old_key = provider.issuer_keys.get()
    new_key = services.rotate_issuer_key(actor=admin, organization=provider)
    later = issue(provider, achievement, learner)
    url = _entry(later, "revocation")["statusListCredential"]
    assert url == _entry(first, "revocation")["statusListCredential"]
    assert old_key.public_key_multibase in json.dumps(verification.fetch_status_list(url)["proof"])
    services.withdraw_issuer_key(actor=admin, key=IssuerKey.objects.get(pk=old_key.pk))
    # signed again, by the key still published, though no bit changed
    assert new_key.public_key_multibase in json.dumps(verification.fetch_status_list(url)["proof"])
    assert verification.verify_credential(later.document).valid
    services.revoke_credential(actor=SYSTEM, credential=later, reason="wrong learner")
    report = verification.verify_credential(later.document)
    assert not report.valid and "status" in _failed(report)
    # what the verifier is handed is a copy: changing it changes nothing for the next one
    verification.fetch_status_list(url)["credentialSubject"]["encodedList"] = "tampered"
    assert verification.fetch_status_list(url)["credentialSubject"]["encodedList"] != "tampered"
