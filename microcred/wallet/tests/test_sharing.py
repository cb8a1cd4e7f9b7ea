"""Share links: what a visitor sees and never sees, expiry, password, revocation, the view log, the QR code, the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.wallet import services
from microcred.wallet.models import ShareLink, ShareView
from microcred.wallet.tests.conftest import EVIDENCE, issue

pytestmark = pytest.mark.django_db


def share(owner, credentials, **kwargs):
    arguments = {
        "owner": owner,
        "kind": "credential" if len(credentials) == 1 else "set",
        "credentials": credentials,
        "expires_at": timezone.now() + timedelta(days=7),
        "evidence_ids": [EVIDENCE[0]["id"], EVIDENCE[1]["id"]],
    }
    arguments.update(kwargs)
    return services.create_share_link(**arguments)


def test_the_shared_page_shows_the_verification_the_achievement_and_only_the_chosen_evidence(provider, learner):
    shared = issue(provider, learner)
    hidden = issue(provider, learner, name="Confined space entry")
    link, token = share(learner, [shared])
    assert len(token) >= 43 and ShareLink.objects.get().token_hash != token  # 256 bits; only the hash is kept
    response = Client().get(f"/wallet/s/{token}/", headers={"referer": "https://jobs.example.com/apply?who=x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verified" in html and "Welding safety" in html and "Hazard identification" in html
    assert EVIDENCE[0]["name"] in html and EVIDENCE[1]["name"] in html
    assert EVIDENCE[2]["name"] not in html  # evidence the learner did not tick
    assert learner.email not in html and "Lena Learner" not in html  # neither e-mail nor name
    assert hidden.achievement_name not in html and str(hidden.public_id) not in html  # nor other credentials
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    link.refresh_from_db()
    assert link.view_count == 1
    view = ShareView.objects.get()
    assert view.outcome == "valid" and view.referrer_domain == "jobs.example.com"


def test_a_set_shows_each_credential_and_a_revoked_one_is_not_verified(provider, learner):
    first = issue(provider, learner)
    second = issue(provider, learner, name="Rigging", proof_format="vc-jwt")
    _, token = share(learner, [first, second])
    assert "Rigging" in Client().get(f"/wallet/s/{token}/").content.decode()
    issuing.revoke_credential(actor=None, credential=second, reason="Mistake")
    html = Client().get(f"/wallet/s/{token}/").content.decode()
    assert "Not verified" in html and "Revoked" in html
    assert ShareView.objects.order_by("pk").last().outcome == "revoked"


def test_unknown_expired_and_revoked_links(provider, learner):
    credential = issue(provider, learner)
    assert Client().get("/wallet/s/" + "A" * 43 + "/").status_code == 404
    assert Client().get("/wallet/s/short/").status_code == 404
    link, token = share(learner, [credential])
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(f"/wallet/s/{token}/")
    assert response.status_code == 410 and "Welding" not in response.content.decode()
    link, token = share(learner, [credential])
    services.revoke_share_link(actor=learner, link=link)
    response = Client().get(f"/wallet/s/{token}/")
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert Client().get(f"/wallet/s/{token}/qr.svg").status_code == 410
    with pytest.raises(services.Conflict):
        services.revoke_share_link(actor=learner, link=link)
    with pytest.raises(services.NotFound):
        services.revoke_share_link(actor=factories.make_user(), link=share(learner, [credential])[0])


def test_a_password_protects_the_link(provider, learner):
    credential = issue(provider, learner)
    link, token = share(learner, [credential], password="open sesame")
    assert link.password_hash and "sesame" not in link.password_hash  # Django's password hasher
    visitor = Client()
    response = visitor.get(f"/wallet/s/{token}/")
    assert response.status_code == 401 and "Welding" not in response.content.decode()
    response = visitor.post(f"/wallet/s/{token}/", {"password": "wrong"})
    assert response.status_code == 400 and "Welding" not in response.content.decode()
    assert ShareView.objects.count() == 0
    response = visitor.post(f"/wallet/s/{token}/", {"password": "open sesame"}, follow=True)
    assert response.status_code == 200 and "Welding safety" in response.content.decode()
    assert Client().get(f"/wallet/s/{token}/").status_code == 401  # another visitor still needs it
    assert services.password_matches(link, "open sesame") and not services.password_matches(link, "x" * 500)


def test_share_rules(provider, learner):
    credential = issue(provider, learner)
    someone_elses = issue(provider, factories.make_user())
    cases = [
        ({"credentials": [someone_elses]}, "not_yours"),
        ({"credentials": []}, "required"),
        ({"kind": "credential", "credentials": [credential, issue(provider, learner, name="B")]}, "one_only"),
        ({"evidence_ids": ["https://elsewhere.example/evidence"]}, "unknown_evidence"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "in_the_past"),
        ({"expires_at": timezone.now() + timedelta(days=400)}, "too_far"),
        ({"expires_at": None}, "required"),
        ({"kind": "everything"}, "invalid_choice"),
        ({"password": "p" * 129}, "too_long"),
    ]
    for changes, code in cases:
        arguments = {"credentials": [credential], **changes}
        with pytest.raises(services.ValidationFailed) as caught:
            share(learner, **arguments)
        assert code in {error.code for error in caught.value.errors}, (changes, caught.value.errors)
    assert ShareLink.objects.count() == 0


def test_the_learner_creates_a_link_on_the_page_gets_a_qr_code_and_sees_the_views(provider, learner):
    credential = issue(provider, learner)
    client = Client()
    client.force_login(learner)
    form = client.get(f"/wallet/shares/new/?credential={credential.public_id}").content.decode()
    assert EVIDENCE[0]["name"] in form
    response = client.post(
        "/wallet/shares/new/",
        {"kind": "credential", "credentials": [str(credential.public_id)], "evidence": [EVIDENCE[1]["id"]],
         "expires": "30", "label": "For Grid Power"},
    )  # fmt: skip
    assert response.status_code == 201
    html = response.content.decode()
    assert "<svg" in html and "/wallet/s/" in html
    token = html.split("/wallet/s/", 1)[1].split("/", 1)[0]
    qr = Client().get(f"/wallet/s/{token}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    shared = Client().get(f"/wallet/s/{token}/").content.decode()
    assert EVIDENCE[1]["name"] in shared and EVIDENCE[0]["name"] not in shared
    listing = client.get("/wallet/shares/").content.decode()
    assert "For Grid Power" in listing and "Recent views" in listing
    assert client.post("/wallet/shares/new/", {"kind": "credential"}).status_code == 400
    link = ShareLink.objects.get()
    assert client.post(f"/wallet/shares/{link.public_id}/revoke/").status_code == 302
    assert Client().get(f"/wallet/s/{token}/").status_code == 410
    stranger = Client()
    stranger.force_login(factories.make_user())
    assert stranger.post(f"/wallet/shares/{link.public_id}/revoke/").status_code == 404


def test_the_sharing_api(api_as, provider, learner):
    credential = issue(provider, learner)
    client = api_as(learner)
    expires = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"kind": "credential", "credentials": [str(credential.public_id)], "evidence": [EVIDENCE[0]["id"]],
            "expires_at": expires, "password": "pw"}  # fmt: skip
    response = client.post("wallet/shares", body)
    assert response.status_code == 201 and response.json_body["url"].startswith("http")
    assert response.json_body["qr"].endswith("/qr.svg") and response.json_body["password"] is True
    public_id = response.json_body["id"]
    assert client.get("wallet/shares").json_body[0]["view_count"] == 0
    assert client.post(f"wallet/shares/{public_id}/revoke").json_body["revoked_at"]
    assert client.post(f"wallet/shares/{public_id}/revoke").status_code == 409
    for bad in ({**body, "expires_at": "tomorrow"}, {**body, "credentials": "x"}, {**body, "evidence": [1]}):
        assert client.post("wallet/shares", bad).status_code == 400
    assert client.post("wallet/shares", {**body, "credentials": ["urn:uuid:" + "0" * 32]}).status_code == 404
    assert api_as(factories.make_user()).post(f"wallet/shares/{public_id}/revoke").status_code == 404


def test_the_shared_page_speaks_french(provider, learner):
    _, token = share(learner, [issue(provider, learner)])
    visitor = Client()
    visitor.cookies["django_language"] = "fr"
    html = visitor.get(f"/wallet/s/{token}/").content.decode()
    assert "Vérifié" in html and "Contrôles de vérification" in html and "Signature" in html


def test_an_imported_credential_can_be_shared_and_is_verified_again_when_viewed(provider, learner, api_as):
    from microcred.wallet.tests.conftest import as_bytes, signed_elsewhere

    good = services.import_credential(owner=learner, data=as_bytes(signed_elsewhere()))
    forged_document = signed_elsewhere()
    forged_document["credentialSubject"]["achievement"]["name"] = "Forged first aid"
    forged = services.import_credential(owner=learner, data=as_bytes(forged_document))
    _, token = share(learner, [], kind="credential", imported=[good], evidence_ids=[])
    html = Client().get(f"/wallet/s/{token}/").content.decode()
    assert "Verified" in html and "First aid" in html and "Elsewhere Polytechnic" in html
    _, token = share(learner, [], kind="set", imported=[good, forged], evidence_ids=[])
    html = Client().get(f"/wallet/s/{token}/").content.decode()
    assert "Not verified" in html and "Forged first aid" in html

    client = Client()
    client.force_login(learner)
    response = client.post(
        "/wallet/shares/new/",
        {"kind": "credential", "credentials": [f"import:{good.public_id}"], "expires": "7"},
    )
    assert response.status_code == 201 and ShareLink.objects.order_by("pk").last().imported.get() == good
    body = {"kind": "credential", "imports": [str(good.public_id)], "expires_at": "2099-01-01T00:00:00Z"}
    assert api_as(learner).post("wallet/shares", body).status_code == 400  # more than a year away
    body["expires_at"] = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = api_as(learner).post("wallet/shares", body)
    assert answer.status_code == 201 and answer.json_body["imports"] == [str(good.public_id)]
    assert api_as(factories.make_user()).post("wallet/shares", body).status_code == 404
    with pytest.raises(services.ValidationFailed):
        share(factories.make_user(), [], imported=[good], evidence_ids=[])


def test_a_signed_in_employer_verifier_opening_a_link_counts_on_the_employer_dashboard(provider, employer, learner):
    from microcred.employers.models import Verification

    recruiter = factories.make_member(employer, "verifier", email="recruiter@grid.example")
    _, token = share(learner, [issue(provider, learner)])
    Client().get(f"/wallet/s/{token}/")  # anonymous: counted on the link only
    browser = Client()
    browser.force_login(recruiter)
    assert browser.get(f"/wallet/s/{token}/").status_code == 200
    seen = Verification.objects.get()
    assert (seen.employer, seen.verifier, seen.channel, seen.verified) == (employer, recruiter, "share", True)
    assert ShareLink.objects.get().view_count == 2
