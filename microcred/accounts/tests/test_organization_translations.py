"""An organization's name and description in other languages than its own (English unless it says)."""

from __future__ import annotations

import pytest
from django.utils import translation

from microcred.accounts.services import update_organization
from microcred.testing.factories import make_member
from microcred.translations import language_map, localized

pytestmark = pytest.mark.django_db


def test_the_profile_takes_a_french_name_through_the_api(api_as, provider) -> None:
    admin = make_member(provider, "admin")
    answer = api_as(admin).patch(
        f"organizations/{provider.slug}", {"translations": {"fr": {"name": "Collège Érable", "description": ""}}}
    )
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["translations"] == {"fr": {"name": "Collège Érable"}}
    assert answer.json_body["language"] == "en"
    provider.refresh_from_db()
    assert language_map(provider, "name") == {"en": "Maple College", "fr": "Collège Érable"}
    with translation.override("fr"):
        assert localized(provider, "name") == "Collège Érable"
        assert localized(provider, "description") == provider.description


def test_bad_translations_are_a_400_with_field_and_code(api_as, provider) -> None:
    admin = make_member(provider, "admin")
    answer = api_as(admin).patch(f"organizations/{provider.slug}", {"translations": {"fr": {"website": "x"}}})
    assert answer.status_code == 400
    assert answer.json_body["errors"][0]["field"] == "translations.fr.website"
    assert answer.json_body["errors"][0]["code"] == "unknown_field"
    answer = api_as(admin).patch(f"organizations/{provider.slug}", {"language": "fr", "translations": {"fr": {}}})
    assert answer.json_body["errors"][0]["code"] == "same_language"


def test_a_french_organization_translated_into_english(provider) -> None:
    admin = make_member(provider, "admin")
    update_organization(
        actor=admin, organization=provider, name="Cégep Érable", language="fr", translations={"en": {"name": "Maple"}}
    )
    assert language_map(provider, "name") == {"fr": "Cégep Érable", "en": "Maple"}


def test_the_registration_page_takes_the_name_in_the_other_language(client) -> None:
    from microcred.accounts.models import Organization
    from microcred.testing.factories import make_user

    client.force_login(make_user(email="founder@example.org"))
    page = client.post(
        "/organizations/new/",
        {
            "name": "Cégep de l'Érable",
            "kind": "provider",
            "provider_type": "college",
            "language": "fr",
            "other_name": "Maple CEGEP",
            "other_description": "",
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    made = Organization.objects.get(name="Cégep de l'Érable")
    assert made.language == "fr" and made.translations == {"en": {"name": "Maple CEGEP"}}
