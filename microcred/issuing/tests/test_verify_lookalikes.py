"""F6: the public verifier names only what it proved. A credential signed with a fresh did:key is "verified" only
as coming from an unregistered issuer, and one whose issuer's name or URL imitates a registered organization is
not verified at all."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from microcred.issuing import identity, lookalikes
from microcred.testing import factories
from microcred.vc import compose, data_integrity
from microcred.vc.keys import Ed25519KeyPair

pytestmark = pytest.mark.django_db


def _self_signed(name: str, url: str = "") -> dict[str, Any]:
    pair = Ed25519KeyPair.generate()
    issuer: dict[str, Any] = {"id": pair.did_key, "type": ["Profile"], "name": name}
    if url:
        issuer["url"] = url
    unsigned = compose.open_badge_credential(
        id="urn:uuid:00000000-0000-4000-8000-0000000000f6",
        issuer=issuer,
        achievement={
            "id": "https://elsewhere.example/a/1",
            "type": ["Achievement"],
            "name": "Welding safety",
            "description": "Safe work.",
            "criteria": {"narrative": "Pass."},
        },
        subject_id="did:example:learner",
        valid_from="2024-01-01T00:00:00Z",
    )
    return data_integrity.sign(unsigned, pair, verification_method=pair.did_key_verification_method)


def _verify(credential: dict[str, Any]) -> dict[str, Any]:
    response = Client().post("/api/v1/verify", json.dumps({"credential": credential}), content_type="application/json")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def _registry(body: dict[str, Any]) -> dict[str, Any]:
    return next(check for check in body["checks"] if check["code"] == "issuer_registry")


@pytest.fixture
def university():
    return factories.make_organization("provider", name="Grand River University")


@pytest.mark.parametrize(
    "name",
    [
        "Grand River University",  # the finding's reproduction
        "grand river university",
        "Grand  River  University.",
        "Grand Rivér University",
        "Grаnd River University",  # Cyrillic а
        "Grand River Universty",  # a letter missing
        "GRAND-RIVER-UNIVERSITY",  # its slug, shouted
    ],
)
def test_a_self_signed_credential_named_like_a_registered_organization_is_not_verified(university, name):
    body = _verify(_self_signed(name))
    registry = _registry(body)
    assert registry["outcome"] == "fail" and registry["reason"] == "issuer_imitation"
    assert "Grand River University" in registry["message"]
    assert body["verified"] is False and body["headline"] == "Not verified"
    assert body["issuer"] == {"id": body["issuer"]["id"], "registered": False, "organization": None}


def test_an_issuer_url_on_this_platform_from_an_unregistered_key_is_an_imitation(university):
    catalog_page = identity.public_base_url() + f"/catalog/?provider={university.slug}"
    body = _verify(_self_signed("Totally Different College", url=catalog_page))
    registry = _registry(body)
    assert registry["reason"] == "issuer_imitation" and "Grand River University" in registry["message"]
    assert body["verified"] is False
    anywhere_here = _verify(_self_signed("Totally Different College", url=identity.public_base_url() + "/about/"))
    assert _registry(anywhere_here)["reason"] == "issuer_imitation" and anywhere_here["verified"] is False


def test_an_unrelated_unregistered_issuer_is_verified_but_labelled_so_in_the_headline(university):
    body = _verify(_self_signed("Lakeshore Welding Guild", url="https://guild.example/"))
    assert body["verified"] is True
    assert body["headline"] == "Verified, from an unregistered issuer"
    assert "Lakeshore Welding Guild" in body["reason"] and "only its signing key was proved" in body["reason"]
    assert _registry(body)["outcome"] == "skip" and _registry(body)["reason"] == "issuer_unregistered"
    assert body["issuer"]["registered"] is False


def test_the_page_shows_the_unregistered_issuer_as_self_named(university):
    credential = _self_signed("Lakeshore Welding Guild")
    response = Client().post("/verify/", {"credential": json.dumps(credential)})
    page = response.content.decode()
    assert "Verified, from an unregistered issuer" in page
    assert "“Lakeshore Welding Guild”, as the credential names itself: not registered on this platform" in page
    forged = Client().post("/verify/", {"credential": json.dumps(_self_signed("Grand River University"))})
    page = forged.content.decode()
    assert "Not verified" in page and "do not trust it" in page
    assert "Every check passed" not in page


def test_registered_issuers_keep_their_plain_verdict(provider, achievement, learner):
    from microcred.issuing.tests.conftest import issue

    credential = issue(provider, achievement, learner)
    body = _verify(credential.document)
    assert body["verified"] is True and body["headline"] == "Verified" and body["issuer"]["registered"] is True


@pytest.mark.parametrize(
    ("claimed", "registered", "alike"),
    [
        ("ACME", "ACNE", False),  # short names must match exactly
        ("Northern College", "Southern College", False),
        ("Université Laval", "Universite Laval", True),
        ("Collège Boréal", "College Boreal", True),
        ("Red River College Polytechnic", "Red River College Polytechnlc", True),
    ],
)
def test_name_skeletons(claimed, registered, alike):
    assert lookalikes._alike(lookalikes.skeleton(claimed), lookalikes.skeleton(registered)) is alike
