"""Every user-facing string has a French translation."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "microcred" / "locale"


def test_french_catalogue_is_complete_and_keeps_placeholders() -> None:
    catalogue = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    for entry in catalogue.translated_entries():
        for placeholder in ("%(name)s", "%(email)s", "%(role)s", "%(date)s", "%(line)s", "%(col)s"):
            assert (placeholder in entry.msgid) == (placeholder in entry.msgstr), entry.msgid


def test_english_catalogue_exists() -> None:
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.po").exists()
