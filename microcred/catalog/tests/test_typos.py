"""A misspelt search word also searches the closest indexed word; a correctly spelt search finds what it found."""

from __future__ import annotations

import pytest

from microcred.catalog import selectors, typos

pytestmark = pytest.mark.django_db


def titles(text: str) -> set[str]:
    return {c.title for c in selectors.search_catalog(selectors.parse_query({"q": text}), with_facets=False).results}


def test_edit_distance_counts_a_swap_as_one_edit() -> None:
    assert typos.edit_distance("servise", "service") == 1
    assert typos.edit_distance("servise", "supervise") == 2
    assert typos.edit_distance("form", "from") == 1


def test_misspelt_words_find_what_the_right_words_find(published) -> None:  # type: ignore[no-untyped-def]
    published("Customer Service Essentials", description="Serving customers in retail.")
    published("Welding Safety", description="Shop safety for welders.")
    assert titles("custmer servise") == {"Customer Service Essentials"}
    assert titles("welding safty") == {"Welding Safety"}
    assert typos.corrections(["custmer", "servise"]) == {"custmer": "customer", "servise": "service"}


def test_known_words_and_prefixes_are_not_corrected(published) -> None:  # type: ignore[no-untyped-def]
    published("Welding Safety", description="Shop safety for welders.")
    assert typos.corrections(["welding", "safe"]) == {}  # "safe": a prefix of the last word
    assert titles("weld") == {"Welding Safety"}
    assert titles("zzzzqqq") == set()  # nothing close: nothing found
