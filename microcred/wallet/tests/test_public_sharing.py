"""A credential beyond the wallet: the holder named on a share link's page (their choice), a permanent public page
with Open Graph tags, "Add to LinkedIn profile", the PDF certificate, downloads named after the credential, and
verify-by-URL accepting every platform link of a credential (issue 18, problems 1, 6, 7, 9)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from microcred.issuing import identity
from microcred.wallet import services
from microcred.wallet.models import ShareLink
from microcred.wallet.tests.conftest import as_bytes, issue, signed_elsewhere

pytestmark = pytest.mark.django_db


def _share(owner, credentials, **kwargs):
    arguments = {"owner": owner, "kind": "credential", "credentials": credentials, "permanent": True,
                 "expires_at": None, "show_name": True}  # fmt: skip
    arguments.update(kwargs)
    return services.create_share_link(**arguments)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_permanent_public_page_names_the_holder_who_chose_it_and_has_open_graph_tags(provider, learner):
    credential = issue(provider, learner)
    link, token = _share(learner, [credential])
    assert link.expires_at is None
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(days=4000))
    response = Client().get(f"/wallet/s/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Held by <strong>Lena Learner</strong>" in html
    assert learner.email not in html
    assert '<meta property="og:title" content="Welding safety">' in html
    assert f'<meta property="og:url" content="http://testserver/wallet/s/{token}/">' in html
    assert "Held by Lena Learner. Issued by Maple College." in unescape(html)
    assert "permanent public page" in html and 'class="badge-image"' in html
    image = Client().get(f"/wallet/s/{token}/badge.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")

    _, hidden = _share(learner, [credential], show_name=False)
    html = Client().get(f"/wallet/s/{hidden}/").content.decode()
    assert "Lena Learner" not in html and "Held by" not in html


def test_an_imported_credential_is_not_said_to_be_the_sharers_unless_it_names_them(provider, learner):
    imported = services.import_credential(owner=learner, data=as_bytes(signed_elsewhere()))  # did:example:learner
    _, token = _share(learner, [], imported=[imported])
    html = Client().get(f"/wallet/s/{token}/").content.decode()
    assert "First aid" in html and "Lena Learner" not in html


def test_the_learner_picks_the_expiry_and_gets_linkedin_share_buttons_a_copy_button_and_the_pdf(provider, learner):
    credential = issue(provider, learner)
    client = _signed_in(learner)
    form = client.get(f"/wallet/shares/new/?credential={credential.public_id}").content.decode()
    for choice in ("7 days", "30 days", "1 year", "Never: a permanent public page"):
        assert choice in form
    assert re.search(r'value="never"[^>]*checked', form) and re.search(r'name="show_name"[^>]*checked', form)
    for expires, days in (("7", 7), ("365", 365)):
        response = client.post("/wallet/shares/new/", {"kind": "credential", "credentials": [str(credential.public_id)],
                                                       "expires": expires})  # fmt: skip
        assert response.status_code == 201
        link = ShareLink.objects.order_by("pk").last()
        assert timezone.localtime(link.expires_at).date() == timezone.localdate() + timedelta(days=days)
        assert not link.show_name  # an unticked box is a "no"
    response = client.post("/wallet/shares/new/", {"kind": "credential", "credentials": [str(credential.public_id)],
                                                   "expires": "never", "show_name": "on"})  # fmt: skip
    html = response.content.decode()
    link = ShareLink.objects.order_by("pk").last()
    assert response.status_code == 201 and link.expires_at is None and link.show_name
    assert "Your permanent public page" in html and "It never expires." in html
    assert 'data-copy="share-url"' in html and "wallet/copy.js" in html  # the button shows once the script runs
    url = re.search(r'id="share-url" type="text" readonly value="([^"]+)"', html)[1]
    add = unescape(re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', html)[1])
    query = parse_qs(urlsplit(add).query)
    issued_at = timezone.localtime(credential.issued_at)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Welding safety"],
        "organizationName": ["Maple College"],
        "issueYear": [str(issued_at.year)],
        "issueMonth": [str(issued_at.month)],
        "certUrl": [url],
        "certId": [str(credential.public_id)],
    }
    assert "https://www.linkedin.com/sharing/share-offsite/?url=" + quote(url, safe="") in unescape(html)
    assert f"/wallet/credentials/{credential.public_id}/download.pdf" in html
    assert "Never: permanent public page" in client.get("/wallet/shares/").content.decode()
    api = client.get("/api/v1/wallet/shares").json()
    assert any(item["expires_at"] is None and item["show_name"] for item in api)


def test_the_pdf_certificate_names_the_holder_and_the_credential_and_carries_the_verification_url(provider, learner):
    credential = issue(provider, learner)
    response = _signed_in(learner).get(f"/wallet/credentials/{credential.public_id}/download.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    day = timezone.localtime(credential.issued_at).strftime("%Y-%m-%d")
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''welding-safety-{day}.pdf" in disposition
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    verify_url = f"{identity.public_base_url()}/verify/?url=" + quote(
        f"{identity.public_base_url()}/credentials/{credential.public_id}", safe=""
    )
    assert "Lena Learner" in flat and "Welding safety" in flat and "Maple College" in flat
    assert verify_url.replace("%", "") in text.replace("\n", "").replace("%", "")
    assert reader.metadata.title == "Welding safety"
    links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0]["/Annots"]]
    assert verify_url in links
    assert Client().get(f"/wallet/credentials/{credential.public_id}/download.pdf").status_code == 302  # sign in


def test_downloads_are_named_after_the_credential_with_rfc_6266_filename_star(provider, learner):
    credential = issue(provider, learner, name="Sécurité électrique")
    client = _signed_in(learner)
    day = timezone.localtime(credential.issued_at).strftime("%Y-%m-%d")
    for kind, suffix in (("json", "json"), ("png", "png"), ("svg", "svg"), ("bundle", "bundle.json")):
        disposition = client.get(f"/wallet/credentials/{credential.public_id}/download.{kind}")["Content-Disposition"]
        assert disposition == (
            f'attachment; filename="securite-electrique-{day}.{suffix}"; '
            f"filename*=UTF-8''securite-electrique-{day}.{suffix}"
        ), disposition
        assert str(credential.public_id) not in disposition


def test_verify_by_url_accepts_a_share_link_and_names_the_holder(provider, learner):
    credential = issue(provider, learner)
    _, token = _share(learner, [credential])
    base = identity.public_base_url()
    response = Client().get("/verify/", {"url": f"{base}/wallet/s/{token}/"})
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "Verified" in html and "Held by <strong>Lena Learner</strong>" in html
    assert "the credential was issued to that holder" in html
    for url in (f"{base}/credentials/{credential.public_id}", f"{base}/wallet/credentials/{credential.public_id}/"):
        html = Client().get("/verify/", {"url": url}).content.decode()
        assert "Verified" in html and "Lena Learner" not in html  # the credential itself names her by a hash only

    _, unnamed = _share(learner, [credential], show_name=False)
    html = Client().get("/verify/", {"url": f"{base}/wallet/s/{unnamed}/"}).content.decode()
    assert "Verified" in html and "Lena Learner" not in html

    form = Client().get("/verify/").content.decode()
    assert f"{base}/wallet/s/…" in form and f"{base}/credentials/…" in form


def test_verify_by_url_says_why_a_link_cannot_be_opened(provider, learner):
    first, second = issue(provider, learner), issue(provider, learner, name="Rigging")
    base = identity.public_base_url()
    _, locked = _share(learner, [first], password="s3cret")
    _, several = _share(learner, [first, second], kind="set")
    link, revoked = _share(learner, [first])
    services.revoke_share_link(actor=learner, link=link)
    cases = {
        f"{base}/wallet/s/{locked}/": "protected by a password",
        f"{base}/wallet/s/{several}/": "This link shares 2 credentials",
        f"{base}/wallet/s/{revoked}/": "The holder has withdrawn this link.",
        f"{base}/wallet/s/{'x' * 43}/": "This link does not exist.",
        f"{base}/catalog/": "This link leads to no credential",
        "https://elsewhere.example/wallet/s/abc/": "This link is not on this platform",
    }
    for url, message in cases.items():
        response = Client().get("/verify/", {"url": url})
        assert response.status_code == 400 and message in response.content.decode(), url


def test_dates_are_written_one_way_in_the_readers_language_and_time_zone(provider, learner):
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ moment|when }} · {{ moment|when:"time" }} · {{ text|when }} · {{ other|when }}')
    context = Context({"moment": "2026-03-01T03:30:00Z", "text": "2026-03-01", "other": "not a date"})
    with timezone.override("America/Toronto"):
        assert template.render(context) == "Feb. 28, 2026 · Feb. 28, 2026, 10:30 p.m. · March 1, 2026 · not a date"
        with translation.override("fr"):
            assert template.render(context).startswith("28 février 2026 · 28 février 2026 22:30")


def test_the_badge_image_shows_on_the_wallet_the_share_page_and_the_verify_result(provider, learner):
    credential = issue(provider, learner)
    imported = services.import_credential(owner=learner, data=as_bytes(signed_elsewhere()))
    _, token = _share(learner, [credential])
    client = _signed_in(learner)
    record = client.get("/wallet/record/").content.decode()
    assert "<style" not in record and 'wallet/record-print.css" media="print"' in record  # a file the CSP allows
    for html in (
        client.get("/wallet/").content.decode(),
        client.get(f"/wallet/credentials/{credential.public_id}/").content.decode(),
        Client().get(f"/wallet/s/{token}/").content.decode(),
        Client().get("/verify/", {"url": f"{identity.public_base_url()}/wallet/s/{token}/"}).content.decode(),
        client.get("/wallet/record/").content.decode(),
        client.get(f"/wallet/imports/{imported.public_id}/").content.decode(),
    ):
        assert re.search(r'<img class="badge-image" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)


def test_the_api_creates_a_permanent_public_page_that_names_the_holder(api_as, provider, learner):
    credential = issue(provider, learner)
    body = {"kind": "credential", "credentials": [f"urn:uuid:{credential.public_id}"], "permanent": True,
            "show_name": True}  # fmt: skip
    response = api_as(learner).post("wallet/shares", body)
    assert response.status_code == 201, response.json_body
    assert response.json_body["expires_at"] is None and response.json_body["show_name"] is True
    assert (
        "Held by <strong>Lena Learner</strong>"
        in Client().get(urlsplit(response.json_body["url"]).path).content.decode()
    )
    for bad in (
        {**body, "permanent": "yes"},
        {**body, "permanent": False},
        {**body, "expires_at": "2030-01-01T00:00:00Z"},
    ):
        assert api_as(learner).post("wallet/shares", bad).status_code == 400, bad
