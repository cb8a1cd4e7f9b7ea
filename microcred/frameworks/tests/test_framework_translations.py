"""A framework's title and description in other languages: set through the service, kept by new versions."""

from __future__ import annotations

import pytest

from microcred.accounts.models import Organization, User
from microcred.errors import ValidationFailed
from microcred.frameworks import services
from microcred.translations import language_map, localized

pytestmark = pytest.mark.django_db


def test_a_draft_framework_gets_its_french_title_and_new_versions_keep_it(admin: User, provider: Organization) -> None:
    framework = services.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    competency = services.add_competency(actor=admin, framework=framework, statement="Solve problems", code="T")
    competency.translations = {"fr": {"label": "Résoudre des problèmes"}}
    competency.save()
    framework = services.update_framework(
        actor=admin, framework=framework, changes={"translations": {"fr": {"title": " Talents d'avenir "}}}
    )
    assert framework.translations == {"fr": {"title": "Talents d'avenir"}}
    assert language_map(framework, "title") == {"en": "Future-ready talent", "fr": "Talents d'avenir"}
    services.publish_framework(actor=admin, framework=framework)
    copy = services.start_new_version(actor=admin, framework=framework, version="2")
    assert copy.translations == framework.translations
    assert localized(copy.competencies.get(), "short_name", "fr") == "Résoudre des problèmes"


@pytest.mark.parametrize(
    ("translations", "field", "code"),
    [
        ({"en": {"title": "Same"}}, "translations.en", "same_language"),
        ({"fr": {"publisher": "x"}}, "translations.fr.publisher", "unknown_field"),
        ({"fr": {"title": "x" * 301}}, "translations.fr.title", "too_long"),
        ({"fr": {"title": 4}}, "translations.fr.title", "invalid_type"),
        ({"x y": {"title": "x"}}, "translations", "invalid_language"),
        (["fr"], "translations", "invalid_type"),
    ],
)
def test_bad_translations_are_refused_with_a_field_and_code(admin, provider, translations, field, code) -> None:
    framework = services.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    with pytest.raises(ValidationFailed) as refused:
        services.update_framework(actor=admin, framework=framework, changes={"translations": translations})
    assert (field, code) in [(e.field, e.code) for e in refused.value.errors]


def test_the_pages_take_french_titles_and_statements(client, admin, provider) -> None:
    from microcred.frameworks.models import Framework

    client.force_login(admin)
    page = client.post(
        f"/frameworks/manage/{provider.slug}/new/",
        {"title": "Future-ready talent", "version": "1", "title_fr": "Talents d'avenir"},
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    framework = Framework.objects.get()
    assert framework.translations == {"fr": {"title": "Talents d'avenir"}}
    added = client.post(
        f"/frameworks/{framework.slug}/v/1/edit/",
        {
            "action": "add_competency",
            "c-statement": "Solve problems with data",
            "c-short_name": "problem solving",
            "c-competency_type": "competency",
            "c-short_name_fr": "résolution de problèmes",
        },
    )
    assert added.status_code == 302
    assert framework.competencies.get().translations == {"fr": {"label": "résolution de problèmes"}}
    client.cookies["django_language"] = "fr"
    html = client.get(f"/frameworks/{framework.slug}/v/1/").content.decode()
    assert '<h1 lang="fr">Talents d&#x27;avenir</h1>' in html
