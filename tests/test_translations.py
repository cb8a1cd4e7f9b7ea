"""Every user-facing string has a French translation."""

from __future__ import annotations

import ast
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


def _template_messages(text: str) -> list[str]:
    """The msgids a template looks up, built as Django builds them when it renders: a ``translate`` tag's literal with
    its percent signs doubled, a ``blocktranslate`` block's text with ``%(var)s`` for each variable (its singular;
    ``trimmed`` folds the whitespace). A block that differs from the catalogue by one space is English in French."""
    from django.template import engines
    from django.templatetags.i18n import BlockTranslateNode, TranslateNode

    nodelist = engines["django"].engine.from_string(text).nodelist
    found = []
    for node in nodelist.get_nodes_by_type(TranslateNode):
        literal = getattr(node.filter_expression.var, "literal", None)  # a variable's name has none
        if isinstance(literal, str) and not node.noop:
            found.append(str(literal).replace("%", "%%"))
    for node in nodelist.get_nodes_by_type(BlockTranslateNode):
        found.append(node.render_token_list(node.singular)[0])
    return found


def _source_messages() -> list[tuple[str, int, str]]:
    """(file, line, msgid) of every literal message in the Python code, and (file, 0, msgid) of the templates'."""
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
        for message in _template_messages(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(PACKAGE)), 0, message))
    return found


def test_every_message_in_the_code_and_templates_is_in_the_french_catalogue() -> None:
    """A string added to the code without its French translation would show in English to French users."""
    catalogue = {entry.msgid for entry in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))}
    missing = [f"{file}:{line}: {message}" for file, line, message in _source_messages() if message not in catalogue]
    assert missing == []
