"""Every user-facing string has a French translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[1] / "microcred"
LOCALE = PACKAGE / "locale"


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


GETTEXT_NAMES = frozenset({"_", "gettext", "gettext_lazy", "pgettext", "ngettext", "gettext_noop"})
TEMPLATE_MESSAGE = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1""")


def _source_messages() -> list[tuple[str, int, str]]:
    """(file, line, msgid) of every literal message in the Python code and the templates' translate tags."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in GETTEXT_NAMES and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((str(path.relative_to(PACKAGE)), node.lineno, first.value))
    for path in sorted(PACKAGE.rglob("*.html")):
        if "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_MESSAGE.finditer(text):
            found.append((str(path.relative_to(PACKAGE)), text.count("\n", 0, match.start()) + 1, match.group(2)))
    return found


def test_every_message_in_the_code_and_templates_is_in_the_french_catalogue() -> None:
    """A string added to the code without its French translation would show in English to French users."""
    catalogue = {entry.msgid for entry in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))}
    missing = [f"{file}:{line}: {message}" for file, line, message in _source_messages() if message not in catalogue]
    assert missing == []
