"""The full-text index follows publications, new versions and retirements (FTS5 on SQLite, the narrow
``catalog_searchvector`` table on PostgreSQL), and relevance weighs the title matches in memory."""

from __future__ import annotations

import pytest
from django.db import connection

from microcred.catalog import search, selectors, services
from microcred.catalog.models import SearchDocument
from microcred.catalog.tests.conftest import publish

pytestmark = pytest.mark.django_db


def matching(text: str) -> set[int]:
    found = search.matching(search.alternatives(text))
    return set() if found is None else {int(pk) for pk in found}


def titled(text: str) -> list[set[int]]:
    both = search.matching_titled(search.alternatives(text))
    return [] if both is None else [{int(pk) for pk in ids} for ids in both[1]]


def vectors_in_step() -> bool:
    """On PostgreSQL, the narrow table has exactly the documents' rows; on SQLite, FTS5's own triggers do this."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT credential_id FROM {search.PG_VECTORS}")  # noqa: S608 - a constant
        rows = {row[0] for row in cursor.fetchall()}
    return rows == set(SearchDocument.objects.values_list("credential_id", flat=True))


def test_the_index_follows_publication_new_versions_and_retirement(admin, reviewer, published) -> None:  # type: ignore[no-untyped-def]
    v1 = published("Spreadsheet Accounting Basics", description="Ledgers for small businesses.")
    assert matching("spreadsheet") == matching("ledgers") == {v1.pk} and vectors_in_step()
    assert titled("spreadsheet basics") == [{v1.pk}, {v1.pk}] and titled("ledgers") == [set()]

    v2 = services.start_new_version(actor=admin, credential=v1)
    services.update_draft(actor=admin, credential=v2, changes={"title": "Spreadsheet Accounting Essentials"})
    publish(admin, reviewer, v2)
    assert matching("spreadsheet") == matching("essentials") == {v2.pk}
    assert matching("basics") == set() and titled("essentials") == [{v2.pk}] and vectors_in_step()

    services.retire(actor=admin, credential=v2)
    assert matching("spreadsheet") == set() and vectors_in_step()


def test_relevance_weighs_title_words_and_length(published) -> None:  # type: ignore[no-untyped-def]
    published("Project Planning for Small Construction Sites", description="Includes management of budgets.")
    published("Project Management", description="Scope, schedule and budget.")
    published("Data Ethics", description="A project on management of records.")
    published("Data Analysis for Small Business Owners", description="Project management of spreadsheets.")
    found = selectors.search_catalog(selectors.parse_query({"q": "project management"}))
    # Both words in the title, then one word in a title, then neither (the title matches come first).
    assert [c.title for c in found.results][:2] == [
        "Project Management",
        "Project Planning for Small Construction Sites",
    ]
    assert {c.title for c in found.results[2:]} == {"Data Ethics", "Data Analysis for Small Business Owners"}
    shorter = selectors.search_catalog(selectors.parse_query({"q": "data"}))
    assert [c.title for c in shorter.results] == ["Data Ethics", "Data Analysis for Small Business Owners"]


@pytest.mark.django_db(transaction=True)
def test_emptying_the_documents_empties_the_index(published) -> None:  # type: ignore[no-untyped-def]
    """``flush`` (TRUNCATE on PostgreSQL, which fires no row trigger) leaves no stale vectors behind."""
    from django.core.management import call_command

    published("Welding Safety")
    assert matching("welding")
    call_command("flush", interactive=False, verbosity=0)
    assert not SearchDocument.objects.exists() and vectors_in_step() and matching("welding") == set()
