"""The wallet page and a credential's page: live status, competencies, evidence, downloads; the CLR; pathways."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from microcred.catalog import formats
from microcred.catalog.models import Pathway
from microcred.issuing import services as issuing
from microcred.issuing import verification
from microcred.testing import factories
from microcred.testing.assessment import make_published_credential
from microcred.vc import baking
from microcred.wallet import selectors, services
from microcred.wallet.tests.conftest import EVIDENCE, issue, make_achievement

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_wallet_lists_every_credential_with_its_live_status(provider, learner) -> None:
    valid = issue(provider, learner)
    revoked = issue(provider, learner, name="Rigging")
    suspended = issue(provider, learner, name="Scaffolding", proof_format="vc-jwt")
    issuing.revoke_credential(actor=None, credential=revoked, reason="Mistake")
    issuing.set_suspension(actor=None, credential=suspended, suspended=True, reason="Review")
    statuses = {item.summary.name: item.status for item in selectors.wallet_of(learner)}
    assert statuses == {"Welding safety": "valid", "Rigging": "revoked", "Scaffolding": "suspended"}
    html = signed_in(learner).get("/wallet/").content.decode()
    assert "Revoked" in html and "Suspended" in html and "Hazard identification" in html
    assert str(valid.public_id) in html
    assert "Welding" not in signed_in(factories.make_user()).get("/wallet/").content.decode()
    assert Client().get("/wallet/").status_code == 302


def test_a_credential_page_shows_competencies_evidence_and_checks(provider, learner) -> None:
    credential = issue(provider, learner)
    html = signed_in(learner).get(f"/wallet/credentials/{credential.public_id}/").content.decode()
    assert "Hazard identification" in html and EVIDENCE[2]["name"] in html and "Signature" in html
    assert "download.json" in html and "download.jwt" not in html
    assert signed_in(factories.make_user()).get(f"/wallet/credentials/{credential.public_id}/").status_code == 404
    assert signed_in(learner).get("/wallet/credentials/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("proof_format", ["eddsa-rdfc-2022", "vc-jwt"])
def test_downloads_verify(provider, learner, proof_format) -> None:
    credential = issue(provider, learner, proof_format=proof_format)
    client = signed_in(learner)
    base = f"/wallet/credentials/{credential.public_id}/download"
    if proof_format == "vc-jwt":
        token = client.get(f"{base}.jwt").content.decode()
        assert token == credential.jwt and verification.verify_credential(token).valid
        assert client.get(f"{base}.json").status_code == 400
    else:
        response = client.get(f"{base}.json")
        assert "attachment" in response["Content-Disposition"]
        assert verification.verify_credential(json.loads(response.content)).valid
        assert client.get(f"{base}.jwt").status_code == 400
    png = client.get(f"{base}.png")
    assert png["Content-Type"] == "image/png" and verification.verify_credential(png.content).valid
    svg = client.get(f"{base}.svg")
    assert svg["Content-Type"] == "image/svg+xml" and verification.verify_credential(svg.content).valid
    assert baking.unbake_png(png.content) == (credential.jwt if proof_format == "vc-jwt" else credential.document)
    assert client.get(f"{base}.exe").status_code == 400
    assert signed_in(factories.make_user()).get(f"{base}.png").status_code == 404


# ---------------------------------------------------------------- CLR


def test_the_clr_is_signed_by_the_platform_and_verified_by_the_verifier(provider, learner, platform) -> None:
    first = issue(provider, learner)
    second = issue(provider, learner, name="Rigging", proof_format="eddsa-jcs-2022")
    issue(provider, learner, name="Scaffolding", proof_format="vc-jwt")  # a VC-JWT is not embedded
    clr = services.export_clr(owner=learner)
    report = verification.verify_credential(clr)
    assert report.valid, [check.to_json() for check in report.failures]
    assert "ClrCredential" in clr["type"] and clr["issuer"]["name"] == "microcred platform"
    embedded = clr["credentialSubject"]["verifiableCredential"]
    assert [item["id"] for item in embedded] == [first.credential_id, second.credential_id]
    assert learner.email not in json.dumps(clr)  # the learner is named by a salted hash
    assert report.check("credentials").outcome == "pass"

    subset = services.export_clr(owner=learner, credentials=[second])
    assert subset["partial"] is True and len(subset["credentialSubject"]["verifiableCredential"]) == 1
    assert verification.verify_credential(subset).valid

    tampered = json.loads(json.dumps(clr))
    tampered["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["achievement"]["name"] = "Forged"
    assert not verification.verify_credential(tampered).valid
    with pytest.raises(services.ValidationFailed):
        services.export_clr(owner=learner, credentials=[issue(provider, factories.make_user())])
    with pytest.raises(services.ValidationFailed):
        services.export_clr(owner=factories.make_user())


def test_the_record_page_and_the_clr_download(provider, learner, platform, api_as) -> None:
    credential = issue(provider, learner)
    client = signed_in(learner)
    html = client.get("/wallet/record/").content.decode()
    assert "Welding safety" in html and "@media print" not in html and 'media="print"' in html
    response = client.get(f"/wallet/record/clr.json?credential={credential.public_id}")
    assert response.status_code == 200 and verification.verify_credential(json.loads(response.content)).valid
    assert client.get("/wallet/record/clr.json?credential=nope").status_code == 404
    answer = api_as(learner).post("wallet/clr", {})
    assert answer.status_code == 200 and verification.verify_credential(answer.json_body).valid
    assert api_as(learner).post("wallet/clr", {"credentials": "x"}).status_code == 400


def test_without_a_platform_organization_no_clr_is_signed(provider, learner) -> None:
    issue(provider, learner)
    with pytest.raises(services.Conflict):
        services.export_clr(owner=learner)


# ---------------------------------------------------------------- pathways


def _holding(provider, learner, micro_credential, **kwargs):
    achievement = make_achievement(micro_credential.title)
    achievement["id"] = formats.achievement_url(micro_credential)
    return issue(provider, learner, achievement=achievement, **kwargs)


CREDIT = {"credit_unit": "ects", "credit_type": "credit"}


def test_pathway_progress(provider, learner, api_as) -> None:
    a = make_published_credential(provider, title="Safety", credit_value=Decimal("1.5"), **CREDIT)
    b = make_published_credential(provider, title="Rigging", credit_value=Decimal("2"), **CREDIT)
    c = make_published_credential(provider, title="Welding", credit_value=Decimal("3"), **CREDIT)
    every = Pathway.objects.create(provider=provider, slug="trades", title="Trades certificate", kind="certificate")
    every.members.set([a, b, c])
    credits = Pathway.objects.create(
        provider=provider, slug="credits", title="Credit diploma", kind="diploma", rule="min_credits",
        min_credits=Decimal("3"),
    )  # fmt: skip
    credits.members.set([a, b, c])
    Pathway.objects.create(provider=provider, slug="other", title="Another pathway", kind="certificate")
    _holding(provider, learner, a)
    _holding(provider, learner, b)
    revoked = _holding(provider, learner, c)
    issuing.revoke_credential(actor=None, credential=revoked, reason="Mistake")

    standings = {standing.pathway.slug: standing for standing in selectors.pathway_progress(learner)}
    trades = standings["trades"].progress
    assert {m.title for m in trades.earned} == {"Safety", "Rigging"}
    assert [m.title for m in trades.missing] == ["Welding"]
    assert trades.still_needed == 1 and trades.credits == Decimal("3.5") and not trades.complete
    assert standings["credits"].progress.complete is True
    assert not standings["other"].started and list(standings)[-1] == "other"  # started pathways first

    html = signed_in(learner).get("/wallet/pathways/").content.decode()
    assert "Trades certificate" in html and "Welding" in html and "3.5" in html
    assert f"/catalog/{provider.slug}/{c.slug}/v{c.version}/" in html  # the catalog entry that completes it
    answer = api_as(learner).get("wallet/pathways").json_body
    trades_answer = next(item for item in answer if item["pathway"] == "trades")
    assert trades_answer["missing"] == [c.slug]
    assert {(line["component"], line["source"]) for line in trades_answer["ladder"]["credits_by_source"]} == {
        ("Safety", "local"),
        ("Rigging", "local"),
    }
    assert [r["reason"] for r in trades_answer["ladder"]["components"][2]["notCounted"]] == ["revoked"]
