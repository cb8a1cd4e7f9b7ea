"""An organization's profile page (issue 18): its admins edit the name, description, website, logo and the second
language; the logo is checked like every uploaded image and shows where the organization's credentials are
verified; nothing is written when anything is refused."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from microcred.accounts.permissions import SYSTEM
from microcred.audit.models import AuditEntry
from microcred.employers.selectors import issuer_of
from microcred.issuing.identity import organization_did
from microcred.issuing.services import issue_credential
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db

ACHIEVEMENT = {
    "id": "https://microcred.example/catalog/maple-college/welding/v1/achievement",
    "type": ["Achievement"],
    "name": "Welding safety",
    "description": "Works safely at a welding station.",
    "criteria": {"narrative": "Pass the practical assessment."},
}


def png(size: tuple[int, int] = (96, 96)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 90, 170)).save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def profile(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Maple College",
        "description": "A college of the trades.",
        "website": "https://maple.example",
        "other_language": "fr",
        "other_name": "Collège Maple",
        "other_description": "Un collège des métiers.",
    }
    data.update(changes)
    return data


@pytest.fixture
def media(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_an_admin_edits_the_profile_and_the_logo_shows_where_credentials_are_verified(client, provider, media) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    client.force_login(admin)
    page = client.get(f"/organizations/{provider.slug}/")
    assert f'href="/organizations/{provider.slug}/profile/"' in page.content.decode()

    answer = client.post(
        f"/organizations/{provider.slug}/profile/", {**profile(name="Maple College of Trades"), "logo": png()}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    provider.refresh_from_db()
    assert provider.name == "Maple College of Trades" and provider.website == "https://maple.example"
    assert provider.translations == {"fr": {"name": "Collège Maple", "description": "Un collège des métiers."}}
    assert provider.logo.name.startswith("organizations/logos/") and provider.logo.name.endswith(".png")
    assert AuditEntry.objects.filter(action="organization.set_logo", organization=provider).exists()

    served = client.get(provider.logo.url)  # public, from /media/
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert issuer_of(organization_did(provider)).logo == provider.logo.url  # the employer dashboard's issuer

    # the verification page shows it beside the registered name
    credential = issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=ACHIEVEMENT,
        recipient=admin,
        recipient_identifier=admin.email,
    )
    verified = client.post("/verify/", {"credential": json.dumps(credential.document)}).content.decode()
    assert f'<img class="issuer-logo" src="{provider.logo.url}"' in verified and "Maple College of Trades" in verified

    # removing the logo brings the monogram back; the French texts go when both are emptied
    client.post(
        f"/organizations/{provider.slug}/profile/", profile(remove_logo="on", other_name="", other_description="")
    )
    provider.refresh_from_db()
    assert not provider.logo and provider.translations == {}
    assert issuer_of(organization_did(provider)).logo.startswith("data:image/svg+xml")


@pytest.mark.parametrize(
    ("upload", "code_text"),
    [
        (SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "not a PNG, JPEG or WebP"),
        (None, "between 64 and 2048 pixels"),
        (SimpleUploadedFile("logo.png", b"x" * (1024 * 1024 + 10)), "1 MB or smaller"),
    ],
)
def test_a_refused_logo_is_a_400_beside_the_field_and_nothing_is_written(
    client, provider, media, upload, code_text
) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    client.force_login(admin)
    entries = AuditEntry.objects.count()
    logo = upload if upload is not None else png((16, 16))
    answer = client.post(f"/organizations/{provider.slug}/profile/", {**profile(name="Changed"), "logo": logo})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert code_text in html and 'id="id_logo_error"' in html and "error-summary" in html
    provider.refresh_from_db()
    assert provider.name == "Maple College" and not provider.logo and provider.translations == {}
    assert AuditEntry.objects.count() == entries


def test_bad_texts_are_400s_beside_their_fields(client, provider, media) -> None:
    client.force_login(make_member(provider, "admin", email="admin@maple.example"))
    url = f"/organizations/{provider.slug}/profile/"
    answer = client.post(url, profile(name="", website="not a site", other_name="x" * 201))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'id="id_name_error"' in html and 'id="id_website_error"' in html and 'id="id_other_name_error"' in html
    same = client.post(url, profile(other_language="en"))  # the profile's own language
    assert same.status_code == 400 and 'id="id_other_language_error"' in same.content.decode()
    provider.refresh_from_db()
    assert provider.translations == {} and provider.website == ""


def test_only_the_organizations_admins_edit_its_profile(client, provider, media) -> None:
    url = f"/organizations/{provider.slug}/profile/"
    assert client.get(url).status_code == 302  # to the login page
    other = make_organization("provider", name="Other College")
    for person in (
        make_user(email="learner@example.org"),
        make_member(provider, "assessor", email="assessor@maple.example"),
        make_member(provider, "reviewer", email="reviewer@maple.example"),
        make_member(other, "admin", email="admin@other.example"),
    ):
        client.force_login(person)
        assert client.get(url).status_code in (403, 404), person.email
        assert client.post(url, profile(name="Hijacked")).status_code in (403, 404), person.email
        page = client.get(f"/organizations/{provider.slug}/")
        assert f'href="{url}"' not in page.content.decode()
    provider.refresh_from_db()
    assert provider.name == "Maple College"
