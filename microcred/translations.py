"""A record's texts in several languages: its primary language's values and the ``translations`` beside them.

A translatable record (micro-credential, learning outcome, organization, framework, competency) keeps its texts
in its fields, in its *primary language*, and the same texts in other languages in a JSON field
``translations`` = ``{"fr": {"title": "…", "description": "…"}, …}`` keyed by BCP 47 code. This module reads
and writes that shape without knowing any model:

- the primary language is the record's ``language`` attribute or, for a record that has none (a learning
  outcome, a competency), its parent's, named by the class attribute ``TRANSLATION_LANGUAGE_FROM``; English
  when neither says;
- a model may name the keys a field's translation is stored under with ``TRANSLATION_KEYS`` (competencies:
  ESCO's translated files call the short name ``label``), else the key is the field's name.

Pages call :func:`localized` (the active language, with fallback to the primary value), exports call
:func:`language_map`, forms call :func:`set_translation`.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DEFAULT_LANGUAGE = "en"

MAX_LANGUAGES = 8
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")

# Codes a record's ``language`` may hold that are not the language of its texts as such.
_TEXT_LANGUAGE = {"en-fr": "en", "other": "und", "": DEFAULT_LANGUAGE}


def bcp47(code: str) -> str:
    """A language code as BCP 47 writes it: ``fr``, ``fr-CA`` (Django's ``fr-ca``), ``zh-Hant``."""
    parts = [part for part in str(code or "").replace("_", "-").split("-") if part]
    if not parts:
        return ""
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2:
            out.append(part.upper())
        elif len(part) == 4:
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


def text_language(code: str) -> str:
    """The BCP 47 code of the texts of a record whose ``language`` is ``code`` (a bilingual English-French
    offering, ``en-fr``, writes its own fields in English; ``other`` is undetermined, ``und``)."""
    return bcp47(_TEXT_LANGUAGE.get(code or "", code))


def primary_language(obj: Any) -> str:
    """The BCP 47 code of the language ``obj``'s own fields are written in."""
    language = getattr(obj, "language", None)
    if isinstance(language, str) and language:
        return text_language(language)
    parent_name = getattr(type(obj), "TRANSLATION_LANGUAGE_FROM", None)
    if parent_name:
        parent = getattr(obj, parent_name, None)
        if parent is not None:
            return primary_language(parent)
    return DEFAULT_LANGUAGE


def _keys(obj: Any, field: str) -> tuple[str, ...]:
    keys = getattr(type(obj), "TRANSLATION_KEYS", None) or {}
    return tuple(keys.get(field, (field,)))


def _entry(translations: Any, language: str) -> dict:
    """The translations of one language, matched case-insensitively (``fr-CA`` finds ``fr-ca``)."""
    if not isinstance(translations, dict):
        return {}
    found = translations.get(language)
    if isinstance(found, dict):
        return found
    wanted = language.lower()
    for code, entry in translations.items():
        if isinstance(code, str) and code.lower() == wanted and isinstance(entry, dict):
            return entry
    return {}


def translation(obj: Any, field: str, language: str) -> str:
    """``field`` of ``obj`` in ``language`` from its translations only; "" when there is none."""
    entry = _entry(getattr(obj, "translations", None), language)
    for key in _keys(obj, field):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def language_map(obj: Any, field: str) -> dict[str, str]:
    """``field`` in every language ``obj`` has it in, by BCP 47 code, the primary language first.

    Empty values are left out, so a record with no text in ``field`` gives ``{}``.
    """
    out: dict[str, str] = {}
    primary = primary_language(obj)
    value = getattr(obj, field, "")
    if isinstance(value, str) and value.strip():
        out[primary] = value
    translations = getattr(obj, "translations", None)
    if isinstance(translations, dict):
        for code in sorted(translations, key=str):
            key = bcp47(code)
            if not key or key in out:
                continue
            text = translation(obj, field, code)
            if text:
                out[key] = text
    return out


def localized_with_language(obj: Any, field: str, language: str | None = None) -> tuple[str, str]:
    """``(text, its BCP 47 code)``: :func:`localized`'s text and the language it is in (for ``lang``)."""
    value = getattr(obj, field, "")
    value = "" if value is None else value
    primary = primary_language(obj)
    wanted = bcp47(language or get_language() or "")
    if not wanted:
        return value, primary
    candidates = [wanted]
    if "-" in wanted:
        candidates.append(wanted.split("-")[0])
    for code in candidates:
        if code.lower() == primary.lower():
            return value, primary
        text = translation(obj, field, code)
        if text:
            return text, code
    return value, primary


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """``field`` in ``language`` (default: the active language), falling back to the primary value.

    ``fr-CA`` is looked for as itself, then as ``fr``. The primary value is returned as it is (even empty).
    """
    return localized_with_language(obj, field, language)[0]


def languages(obj: Any) -> list[str]:
    """Every language ``obj`` has some text in: its primary language, then its translations' codes."""
    out = [primary_language(obj)]
    translations = getattr(obj, "translations", None)
    if isinstance(translations, dict):
        for code, entry in sorted(translations.items(), key=lambda item: str(item[0])):
            key = bcp47(code)
            if (
                key
                and key not in out
                and isinstance(entry, dict)
                and any(isinstance(value, str) and value.strip() for value in entry.values())
            ):
                out.append(key)
    return out


def set_translation(translations: dict | None, language: str, field: str, value: str) -> dict:
    """A copy of ``translations`` with ``field`` in ``language`` set to ``value`` (stripped), or removed when
    ``value`` is empty; a language left with nothing is removed too. ``translations`` is not changed."""
    out = {code: dict(entry) for code, entry in (translations or {}).items() if isinstance(entry, dict)}
    code = bcp47(language)
    if not code:
        return out
    text = (value or "").strip()
    entry = out.get(code, {})
    if text:
        entry[field] = text
    else:
        entry.pop(field, None)
    if any(v for v in entry.values()):
        out[code] = entry
    else:
        out.pop(code, None)
    return out


def set_translations(obj: Any, language: str, values: dict[str, str]) -> None:
    """Sets ``obj.translations`` for ``language`` from ``{field: value}`` (empty values remove); not saved."""
    translations = getattr(obj, "translations", None) or {}
    for field, value in values.items():
        translations = set_translation(translations, language, _keys(obj, field)[0], value)
    obj.translations = translations


def check_translations(
    value: Any, limits: dict[str, int], primary: str
) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, str]]]:
    """Untrusted ``{"fr": {"name": …}}`` for a record whose translatable fields and their lengths are ``limits``
    and whose own language is ``primary``: ``(clean translations, errors)``, each error ``(field, code,
    message)`` with fields such as ``translations.fr.name``. Texts are stripped and empty ones left out."""
    errors: list[tuple[str, str, str]] = []
    if value in (None, ""):
        return {}, errors
    if not isinstance(value, dict) or not all(isinstance(entry, dict) for entry in value.values()):
        errors.append(("translations", "invalid_type", _('Send an object of languages, such as {"fr": {"title": …}}.')))
        return {}, errors
    if len(value) > MAX_LANGUAGES:
        errors.append(("translations", "too_many", _("Enter at most %(n)s languages.") % {"n": MAX_LANGUAGES}))
        return {}, errors
    out: dict[str, dict[str, str]] = {}
    own = text_language(primary).split("-")[0]
    for code, entry in value.items():
        tag = bcp47(code) if isinstance(code, str) else ""
        if not LANGUAGE_TAG.match(tag):
            errors.append(
                ("translations", "invalid_language", _("Name each language by its code, such as fr or fr-CA."))
            )
            continue
        if tag.split("-")[0] == own:
            errors.append((f"translations.{tag}", "same_language", _("This is the record's own language.")))
            continue
        texts: dict[str, str] = {}
        for name, text in entry.items():
            field = f"translations.{tag}.{str(name)[:64]}"
            if name not in limits:
                errors.append((field, "unknown_field", _("This text cannot be translated.")))
            elif not isinstance(text, str):
                errors.append((field, "invalid_type", _("Enter text.")))
            elif len(text.strip()) > limits[name]:
                errors.append((field, "too_long", _("Use at most %(n)s characters.") % {"n": limits[name]}))
            elif text.strip():
                texts[name] = text.strip()
        if texts:
            out[tag] = texts
    return out, errors


def document_text(node: Any, term: str, language: str | None = None) -> Any:
    """A JSON-LD node's ``term`` (an issued credential's achievement ``name``, say) in the reader's language,
    from the node's ``<term>LanguageMap`` (microcred's language maps, catalog/contexts/language-maps-v1.json)
    when it has that language, else the term's own value as it is."""
    if not isinstance(node, dict):
        return None
    own = node.get(term)
    mapping = node.get(f"{term}LanguageMap")
    wanted = bcp47(language or get_language() or "")
    if not isinstance(mapping, dict) or not wanted:
        return own
    for code in dict.fromkeys([wanted, wanted.split("-")[0]]):
        for key, value in mapping.items():
            if isinstance(key, str) and key.lower() == code.lower() and isinstance(value, str) and value.strip():
                return value
    return own
