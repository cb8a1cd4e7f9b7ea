"""A holder no one here wrote runs VC-API exchanges against a live server over real HTTP: built on the Digital
Bazaar libraries (``tests/node/holder.mjs``: ``@digitalbazaar/vc`` signPresentation/verifyCredential, Ed25519
Multikey with eddsa-rdfc-2022, and the legacy Ed25519Signature2020 suite the Learner Credential Wallet signs with).

It receives a credential through the exchange the learner's "Add to a wallet" page starts (the VC-API form, and the
Learner Credential Wallet's deep-link form), verifies it (the issuer's did:web and the status list fetched over
HTTP), then answers an employer's request made on the employer's page, as a VC-API exchange (QueryByExample + DID
authentication) and through OpenID4VP 1.0 with Digital Bazaar's OID4 client (``@digitalbazaar/oid4-client``), and
the employer's page shows the verification report. Revoking the award makes the holder's own status check fail."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from microcred.accounts.models import Role
from microcred.delivery.models import Delivery, PresentationResponse, Protocol
from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.wallet.tests.conftest import make_achievement

NODE = shutil.which("node")
HOLDER = Path(__file__).parent / "node" / "holder.mjs"
MODULES = Path(__file__).parent / "node" / "node_modules" / "@digitalbazaar"

pytestmark = [
    pytest.mark.node,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (MODULES / "vc").is_dir(), reason="the Digital Bazaar libraries are not installed: run `make node-deps`"
    ),
]


def holder(**payload: Any) -> dict[str, Any]:
    completed = subprocess.run(
        [NODE, str(HOLDER)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def signed_in(live_server: Any, user: Any) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{live_server.url}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    session.post(
        f"{live_server.url}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": user.email, "password": factories.PASSWORD},
        headers={"Referer": f"{live_server.url}/accounts/login/"},
        timeout=30,
    )
    return session


def submit(session: requests.Session, page_url: str, action: str, data: dict[str, str]) -> requests.Response:
    page = session.get(page_url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(action, data={"csrfmiddlewaretoken": token, **data}, headers={"Referer": page_url}, timeout=30)


def start_exchange(live_server: Any, session: requests.Session, credential: Any) -> dict[str, str]:
    """The learner starts a VC-API exchange on "Add to a wallet": the deep link's parameters."""
    page_url = f"{live_server.url}/wallet/credentials/{credential.public_id}/add-to-wallet/"
    shown = submit(session, page_url, page_url + "exchange", {})
    assert shown.status_code == 200
    link = html.unescape(re.search(r'href="(dccrequest://request\?[^"]+)"', shown.text).group(1))
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def test_a_digital_bazaar_holder_receives_presents_and_sees_revocation(live_server, settings) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement(),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    session = signed_in(live_server, learner)

    # 1. VC-API: {} → DIDAuthentication request → a presentation signed with eddsa-rdfc-2022 → the bound copy
    params = start_exchange(live_server, session, credential)
    assert params["auth_type"] == "bearer" and params["issuer"] == live_server.url
    received = holder(op="receive", exchangeUrl=params["vc_request_url"], suite="eddsa-rdfc-2022", form="vc-api")
    assert received.get("credential"), received
    assert received["request"]["query"][0]["type"] == "DIDAuthentication"
    assert received["request"]["challenge"] == params["challenge"]
    copy = received["credential"]
    assert copy["credentialSubject"]["id"] == received["holder"]
    assert received["verified"] is True and received["statusRevoked"] is False, received["error"]

    # 2. the Learner Credential Wallet's deep-link form, signed with Ed25519Signature2020 as that wallet does
    params = start_exchange(live_server, session, credential)
    legacy = holder(
        op="receive",
        exchangeUrl=params["vc_request_url"],
        challenge=params["challenge"],
        suite="Ed25519Signature2020",
        form="lcw",
    )
    assert legacy.get("credential"), legacy
    assert legacy["credential"]["credentialSubject"]["id"] == legacy["holder"] and legacy["verified"] is True
    deliveries = Delivery.objects.filter(protocol=Protocol.VC_API).order_by("delivered_at")
    assert [d.holder_id for d in deliveries] == [received["holder"], legacy["holder"]]

    # 3. an employer asks for this achievement; the holder answers the QueryByExample with its copy
    employer = factories.make_organization("employer", name="Northwind Hiring")
    recruiter = factories.make_member(employer, Role.VERIFIER, email="recruiter@northwind.example")
    staff = signed_in(live_server, recruiter)
    requests_url = f"{live_server.url}/employers/{employer.slug}/presentation-requests/"
    achievement_id = credential.document["credentialSubject"]["achievement"]["id"]
    created = submit(
        staff, requests_url, requests_url, {"purpose": "Junior developer role", "achievement_id": achievement_id}
    )
    assert created.status_code == 200 and "Junior developer role" in created.text
    shown = submit(staff, created.url, created.url, {"kind": "presentation"})
    exchange_url = html.unescape(re.search(r'class="wrap exchange-url">([^<]+)<', shown.text).group(1))
    answer = holder(op="present", exchangeUrl=exchange_url, keyPair=received["keyPair"], credentials=[copy])
    assert answer["matched"] == 1 and answer["status"] == 200, answer
    [query, did_auth] = answer["request"]["query"]
    assert query["type"] == "QueryByExample" and did_auth["type"] == "DIDAuthentication"
    response = PresentationResponse.objects.get()
    assert response.holder_id == received["holder"] and response.all_valid, response.report
    [item] = response.report["credentials"]
    assert item["holder_bound"] and item["issuer_registered"] and item["matches_request"] and item["status"] == "pass"
    report_page = staff.get(created.url, timeout=30)
    assert "Verified" in report_page.text and "Maple College" in report_page.text

    # 4. the same request through OpenID4VP 1.0 (DCQL), answered by Digital Bazaar's OID4 client
    shown = submit(staff, created.url, created.url, {"kind": "oid4vp"})
    link = html.unescape(re.search(r'class="wrap request-link">([^<]+)<', shown.text).group(1))
    assert link.startswith("openid4vp://?client_id=redirect_uri%3A")
    answered = holder(op="oid4vp", link=link, keyPair=received["keyPair"], credentials=[copy])
    assert answered.get("result") is not None and answered["matched"] == 1, answered
    request = answered["request"]
    assert request["response_type"] == "vp_token" and request["response_mode"] == "direct_post"
    assert request["dcql_query"]["credentials"][0]["format"] == "ldp_vc"
    assert answered["vpr"]["challenge"] == request["nonce"] and answered["vpr"]["domain"] == request["client_id"]
    latest = PresentationResponse.objects.order_by("-received_at").first()
    assert latest.protocol == Protocol.OID4VP and latest.all_valid and latest.holder_id == received["holder"]
    assert PresentationResponse.objects.count() == 2
    # … and by value, answered by the OpenWallet Foundation's client (@openid4vc/openid4vp)
    shown = submit(staff, created.url, created.url, {"kind": "oid4vp"})
    by_value = html.unescape(re.search(r'class="wrap request-by-value">([^<]+)<', shown.text).group(1))
    owf = holder(op="oid4vp-owf", link=by_value, keyPair=received["keyPair"], credentials=[copy])
    assert owf["status"] == 200 and owf["client"]["prefix"] == "redirect_uri", owf
    assert owf["dcql"]["query"]["credentials"][0]["format"] == "ldp_vc"
    assert PresentationResponse.objects.filter(protocol=Protocol.OID4VP, all_valid=True).count() == 2

    # 5. revoking the award: the holder's own check of the status list now fails for the copy it holds
    issuing.revoke_credential(actor=None, credential=credential, reason="Awarded in error")
    after = holder(op="verify", credential=copy)
    assert after["verified"] is False and after["statusRevoked"] is True
