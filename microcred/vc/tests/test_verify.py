"""The verifier accepts what is right: microcred's own credentials in every format, the 1EdTech vectors,
status lists, endorsements, CLRs; and its report is complete and serializable."""

from __future__ import annotations

import json

import pytest

from microcred.vc import compose, jwt, status
from microcred.vc import verify as verifier
from microcred.vc.loader import CREDENTIALS_V1, DATA_INTEGRITY_V2, OB_EXTENSIONS
from microcred.vc.tests.verify_fixtures import (
    HTTPS_ISSUER,
    HTTPS_VM,
    KEY,
    NOW,
    STANDARDS,
    StatusServer,
    endorsement,
    resolver,
    sign,
    unsigned,
)


def check(report: verifier.Report) -> None:
    assert report.valid, [c.to_json() for c in report.failures]
    json.dumps(report.to_json())


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_data_integrity_credential_is_valid(suite):
    report = verifier.verify(sign(unsigned(), suite=suite), resolver=resolver(), now=NOW)
    check(report)
    assert report.format == verifier.DATA_INTEGRITY
    assert report.issuer == KEY.did_key
    assert [c.code for c in report.checks] == list(verifier.CHECK_ORDER[:-1])
    outcomes = {c.code: c.outcome for c in report.checks}
    assert outcomes[verifier.STATUS] == verifier.SKIP and outcomes[verifier.ENDORSEMENTS] == verifier.SKIP


def test_https_issuer_with_controller_document():
    credential = sign(unsigned(issuer_id=HTTPS_ISSUER), vm=HTTPS_VM)
    check(verifier.verify(credential, resolver=resolver(), now=NOW))


def test_vc_jwt_is_valid():
    token = jwt.sign_jwt(unsigned(), KEY, kid=KEY.did_key_verification_method)
    report = verifier.verify(token, resolver=resolver(), now=NOW)
    check(report)
    assert report.format == verifier.VC_JWT
    assert verifier.verify(token.encode(), resolver=resolver(), now=NOW).valid
    assert verifier.verify(json.dumps(token), resolver=resolver(), now=NOW).valid


def test_vc11_form_is_valid():
    credential = unsigned()
    # VC 1.1's context does not define DataIntegrityProof: the Data Integrity context says what its terms mean.
    ob_302 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
    credential["@context"] = [CREDENTIALS_V1, ob_302, DATA_INTEGRITY_V2]
    credential["issuanceDate"] = credential.pop("validFrom")
    credential["expirationDate"] = credential.pop("validUntil")
    check(verifier.verify(sign(credential), resolver=resolver(), now=NOW))
    token = jwt.sign_jwt(credential, KEY, kid=KEY.did_key_verification_method)
    check(verifier.verify(token, resolver=resolver(), now=NOW))


def test_text_and_bytes_inputs():
    credential = sign(unsigned())
    text = json.dumps(credential)
    for given in (text, text.encode(), "\ufeff" + text + "\n"):
        check(verifier.verify(given, resolver=resolver(), now=NOW))


@pytest.mark.skipif(not STANDARDS.exists(), reason="the standards data folder is not on this machine")
@pytest.mark.parametrize("name", ["signed.json", "clr-signed.json"])
def test_1edtech_vectors_verify(name):
    document = json.loads((STANDARDS / "vectors/ob3" / name).read_text(encoding="utf-8"))
    report = verifier.verify(document, resolver=resolver(), now=NOW)
    proof = report.check(verifier.PROOF)
    assert proof.outcome == verifier.PASS, report.to_json()["checks"]
    assert report.check(verifier.ISSUER_KEY).outcome == verifier.PASS
    check(report)


def test_status_not_revoked_or_suspended():
    server = StatusServer()
    credential = sign(unsigned(credential_status=server.entries(index=11)))
    report = verifier.verify(credential, resolver=resolver(), now=NOW, status_fetcher=server.fetch)
    check(report)
    assert report.check(verifier.STATUS).outcome == verifier.PASS
    off = verifier.verify(credential, resolver=resolver(), now=NOW, status_fetcher=server.fetch, check_status=False)
    assert off.valid and off.check(verifier.STATUS).outcome == verifier.SKIP


def test_status_list_is_fetched_once_per_verification():
    server = StatusServer()
    credential = sign(unsigned(credential_status=server.entries(index=3)))
    verifier.verify(credential, resolver=resolver(), now=NOW, status_fetcher=server.fetch)
    assert sorted(server.fetched) == sorted(set(server.fetched))


def test_1edtech_revocation_list_not_listed():
    url = "https://issuer.example/revocations"
    credential = sign(
        unsigned(credential_status={"id": url, "type": "1EdTechRevocationList"}, extra_contexts=[OB_EXTENSIONS])
    )

    def fetch(asked: str) -> dict:
        assert asked == url
        return {"id": url, "revokedCredentials": [{"id": "urn:uuid:someone-else"}]}

    report = verifier.verify(credential, resolver=resolver(), now=NOW, status_fetcher=fetch)
    check(report)


def test_endorsements_verify():
    credential = sign(unsigned(endorsements=[endorsement()]))
    report = verifier.verify(credential, resolver=resolver(), now=NOW)
    check(report)
    assert report.check(verifier.ENDORSEMENTS).outcome == verifier.PASS


def test_clr_with_credentials():
    clr = compose.clr_credential(
        id="urn:uuid:clr",
        issuer={"id": KEY.did_key, "name": "Example University"},
        credentials=[sign(unsigned()), sign(unsigned(id="urn:uuid:2"), suite="eddsa-jcs-2022")],
        subject_id="did:example:learner",
        name="Transcript",
        valid_from="2026-02-01T00:00:00Z",
    )
    report = verifier.verify(sign(clr), resolver=resolver(), now=NOW)
    check(report)
    assert report.check(verifier.CREDENTIALS).outcome == verifier.PASS


def test_status_helpers_agree():
    server = StatusServer(revoked={5})
    list_credential = server.fetch(server.url("revocation"))
    assert status.check_entry(server.entries(index=5)[0], list_credential)


def test_report_json_shape():
    report = verifier.verify(sign(unsigned()), resolver=resolver(), now=NOW)
    data = report.to_json()
    assert data["valid"] is True and data["format"] == "data-integrity" and data["issuer"] == KEY.did_key
    assert all({"code", "outcome", "message"} <= set(check) for check in data["checks"])


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


def test_baked_png_and_svg_verify():
    from microcred.vc import baking

    credential = sign(unsigned())
    token = jwt.sign_jwt(unsigned(), KEY, kid=KEY.did_key_verification_method)
    for carried in (credential, token):
        png = baking.bake_png(_png(), carried)
        report = verifier.verify(png, resolver=resolver(), now=NOW)
        check(report)
        assert "PNG" in report.check(verifier.PARSE).message
        svg = baking.bake_svg(SVG, carried)
        for given in (svg, svg.encode() if isinstance(svg, str) else svg):
            report = verifier.verify(given, resolver=resolver(), now=NOW)
            check(report)
            assert "SVG" in report.check(verifier.PARSE).message


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_proof_without_created_is_valid(suite):
    """vc-di-eddsa makes ``created`` optional: a proof without it verifies (a malformed one does not; see the table)."""
    from microcred.vc import data_integrity
    from microcred.vc.keys import encode_multibase_base58btc

    document = unsigned()
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": suite,
        "verificationMethod": KEY.did_key_verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = KEY.sign(data_integrity.signing_input(document, proof).hash_data)
    proof["proofValue"] = encode_multibase_base58btc(signature)
    check(verifier.verify({**document, "proof": proof}, resolver=resolver(), now=NOW))
