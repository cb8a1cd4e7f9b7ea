"""A design's texts in two languages: the services, the form, the API, search and the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from microcred.catalog import selectors, services
from microcred.catalog.models import MicroCredential
from microcred.catalog.tests.conftest import draft
from microcred.errors import ValidationFailed

pytestmark = pytest.mark.django_db

FRENCH = {
    "title": "Littératie des données",
    "summary": "Lire et remettre en question les données.",
    "description": "<p>Des tableaux aux graphiques.</p><script>x()</script>",
    "learning_outcomes": ["Lire un tableau", "", "Critiquer un graphique"],
}


def bilingual(admin, provider, **fields) -> MicroCredential:  # type: ignore[no-untyped-def]
    return draft(
        admin,
        provider,
        "Data Literacy",
        summary="Read and question data.",
        learning_outcomes=["Read a table", "Choose a chart", "Critique a chart"],
        translations={"fr": FRENCH},
        **fields,
    )


def test_a_draft_keeps_its_french_texts_and_outcomes(admin, provider) -> None:
    made = bilingual(admin, provider)
    assert made.translations == {
        "fr": {
            "title": "Littératie des données",
            "summary": "Lire et remettre en question les données.",
            "description": "<p>Des tableaux aux graphiques.</p>",  # sanitized like the English description
        }
    }
    outcomes = list(made.outcomes.all())
    assert [o.translations for o in outcomes] == [
        {"fr": {"text": "Lire un tableau"}},
        {},
        {"fr": {"text": "Critiquer un graphique"}},
    ]


def test_an_update_replaces_one_language_and_keeps_outcome_translations(admin, provider) -> None:
    made = bilingual(admin, provider)
    made = services.update_draft(
        actor=admin, credential=made, changes={"learning_outcomes": ["Critique a chart", "Read a table"]}
    )
    # outcomes follow their text, not their position
    assert [o.translations for o in made.outcomes.all()] == [
        {"fr": {"text": "Critiquer un graphique"}},
        {"fr": {"text": "Lire un tableau"}},
    ]
    made = services.update_draft(actor=admin, credential=made, changes={"translations": {"fr": {"title": "Données"}}})
    assert made.translations == {"fr": {"title": "Données"}}
    assert all(o.translations == {} for o in made.outcomes.all())
    made = services.update_draft(actor=admin, credential=made, changes={"translations": {"fr": {}}})
    assert made.translations == {}


def test_a_new_version_copies_the_translations(admin, reviewer, provider, published) -> None:
    first = published(
        "Data Literacy",
        learning_outcomes=["Read a table"],
        translations={"fr": {"title": "Données", "learning_outcomes": ["Lire un tableau"]}},
    )
    copy = services.start_new_version(actor=admin, credential=first)
    assert copy.translations == {"fr": {"title": "Données"}}
    assert copy.outcomes.get().translations == {"fr": {"text": "Lire un tableau"}}


@pytest.mark.parametrize(
    ("translations", "field", "code"),
    [
        ({"fr": {"title": "x" * 201}}, "translations.fr.title", "too_long"),
        ({"fr": {"award_rule": "x"}}, "translations.fr.award_rule", "unknown_field"),
        ({"../x": {"title": "x"}}, "translations", "invalid_language"),
        ({"en": {"title": "Data"}}, "translations.en", "same_language"),
        ({"fr": {"learning_outcomes": ["a", "b", "c", "d"]}}, "translations.fr.learning_outcomes", "too_many_outcomes"),
        ({"fr": "Littératie"}, "translations", "invalid_type"),
        ({"fr": {"title": 3}}, "translations.fr.title", "invalid_type"),
    ],
)
def test_bad_translations_are_refused_with_a_field_and_a_code(admin, provider, translations, field, code) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draft(admin, provider, "Data Literacy", learning_outcomes=["a", "b", "c"], translations=translations)
    assert (field, code) in [(e.field, e.code) for e in refused.value.errors]
    assert not MicroCredential.objects.exists()


def test_the_api_takes_and_gives_the_translations(api_as, admin, provider) -> None:
    as_admin = api_as(admin)
    created = as_admin.post(
        f"catalog/providers/{provider.slug}/credentials",
        {
            "title": "Data Literacy",
            "delivery_mode": "online",
            "workload_hours": 12,
            "learning_outcomes": ["Read a table"],
            "translations": {"fr": {"title": "Littératie des données", "learning_outcomes": ["Lire un tableau"]}},
        },
    )
    assert created.status_code == 201, created.json_body
    base = f"catalog/credentials/{provider.slug}/data-literacy/versions/1"
    body = as_admin.get(base).json_body
    assert body["translations"] == {"fr": {"title": "Littératie des données", "learning_outcomes": ["Lire un tableau"]}}
    refused = as_admin.patch(base, {"translations": {"fr": {"title": ["a"]}}})
    assert refused.status_code == 400
    assert refused.json_body["errors"][0] == {
        "field": "translations.fr.title",
        "code": "invalid_type",
        "message": refused.json_body["errors"][0]["message"],
    }


def test_search_finds_a_design_by_its_french_title_and_outcomes(admin, reviewer, provider, published) -> None:
    published("Data Literacy", learning_outcomes=["Read a table", "Choose", "Critique"], translations={"fr": FRENCH})
    published("Welding Safety")
    for words in ("littératie", "litteratie donnees", "critiquer graphique", "data literacy"):
        found = selectors.search_catalog(selectors.parse_query(QueryDict(f"q={words}")))
        assert [c.title for c in found.results] == ["Data Literacy"], words


def test_the_pages_speak_the_readers_language_with_a_fallback(client, admin, reviewer, provider, published) -> None:
    published(
        "Data Literacy",
        summary="Read data.",
        learning_outcomes=["Read a table", "Choose a chart"],
        translations={"fr": {"title": "Littératie des données", "learning_outcomes": ["Lire un tableau"]}},
    )
    published("Welding Safety", summary="Weld safely.")
    english = client.get("/catalog/").content.decode()
    assert "Data Literacy" in english and "Littératie" not in english
    client.cookies["django_language"] = "fr"
    french = client.get("/catalog/").content.decode()
    assert '<h3 class="card-title" lang="fr">' in french and "Littératie des données" in french
    assert '<p lang="en">Read data.</p>' in french  # no French summary: the English one, marked as English
    assert "Welding Safety" in french  # no French at all: the English title
    record = client.get(f"/catalog/{provider.slug}/data-literacy/").content.decode()
    assert '<h1 lang="fr">Littératie des données</h1>' in record
    assert "Lire un tableau\nChoose a chart" in record  # outcome by outcome, with the fallback


def test_search_results_cost_no_query_per_row_for_their_language(client, admin, reviewer, provider, published) -> None:
    for n in range(3):
        published(f"Data Literacy {n}", translations={"fr": {"title": f"Littératie {n}"}})
    client.cookies["django_language"] = "fr"
    with CaptureQueriesContext(connection) as three:
        client.get("/catalog/")
    for n in range(3, 6):
        published(f"Data Literacy {n}", translations={"fr": {"title": f"Littératie {n}"}})
    with CaptureQueriesContext(connection) as six:
        assert "Littératie 5" in client.get("/catalog/").content.decode()
    assert len(six) == len(three)


def test_the_design_form_has_second_language_fields(client, admin, provider) -> None:
    client.force_login(admin)
    page = client.post(
        f"/catalog/manage/{provider.slug}/new/",
        {
            "title": "Data Literacy",
            "learning_outcomes": "Read a table\nChoose a chart",
            "delivery_mode": "online",
            "pace": "cohort",
            "workload_hours": "10",
            "cost": "0",
            "currency": "CAD",
            "language": "en",
            "credit_type": "non_credit",
            "achievement_indicator": "digital_badge",
            "accreditation_status": "none",
            "other_language": "fr",
            "other_title": "Littératie des données",
            "other_learning_outcomes": "\nChoisir un graphique",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    made = MicroCredential.objects.get()
    assert made.translations == {"fr": {"title": "Littératie des données"}}
    assert [o.translations for o in made.outcomes.all()] == [{}, {"fr": {"text": "Choisir un graphique"}}]
    edit = client.get(f"/catalog/{provider.slug}/data-literacy/v1/edit/").content.decode()
    assert 'value="Littératie des données"' in edit and "\nChoisir un graphique</textarea>" in edit
    refused = client.post(
        f"/catalog/{provider.slug}/data-literacy/v1/edit/",
        {
            "title": "Data Literacy",
            "delivery_mode": "online",
            "pace": "cohort",
            "workload_hours": "10",
            "cost": "0",
            "currency": "CAD",
            "language": "fr",
            "credit_type": "non_credit",
            "achievement_indicator": "digital_badge",
            "accreditation_status": "none",
            "other_language": "fr",
            "other_title": "Littératie des données",
        },
    )
    assert refused.status_code == 400
    assert "This is the design&#x27;s own language." in refused.content.decode()


def test_the_json_export_carries_the_translations_and_imports_them_back(admin, provider, published) -> None:
    from microcred.catalog import transfer

    published("Data Literacy", learning_outcomes=["Read a table", "Choose", "Critique"], translations={"fr": FRENCH})
    exported = transfer.export_json(MicroCredential.objects.all())
    (row,) = transfer.rows_from_json(exported.replace('"data-literacy"', '"data-literacy-copy"'))
    assert row["translations"]["fr"]["title"] == "Littératie des données"
    copy = services.create_draft(actor=admin, provider=provider, **row)
    assert copy.translations["fr"]["title"] == "Littératie des données"
    assert [o.translations.get("fr", {}).get("text") for o in copy.outcomes.all()] == [
        "Lire un tableau",
        None,
        "Critiquer un graphique",
    ]
