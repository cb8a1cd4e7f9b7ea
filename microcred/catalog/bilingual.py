"""A design's texts in other languages: how translations given to a service are laid over the stored ones.

The shape is microcred/translations.py's: ``MicroCredential.translations`` = ``{"fr": {"title": …}}`` and each
``LearningOutcome.translations`` = ``{"fr": {"text": …}}``. Input is typology-clean (``typology.TRANSLATABLE`` and
``learning_outcomes``, one line per outcome, in order).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from microcred.catalog.models import MicroCredential
from microcred.errors import ErrorList


def merge_translations(
    credential: MicroCredential, outcomes: list[str], given: dict[str, dict[str, Any]], kept: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Lay ``given`` (typology-clean translations: each language named replaces that language) over the
    design's: its texts into ``credential.translations`` (not saved), and the outcomes' returned, one per
    outcome, starting from ``kept``. A translation with more outcomes than the design has is refused."""
    errors = ErrorList()
    texts = {code: dict(entry) for code, entry in (credential.translations or {}).items()}
    per_outcome = [{code: dict(entry) for code, entry in item.items()} for item in kept]
    per_outcome += [{} for _missing in range(len(outcomes) - len(per_outcome))]
    for code, entry in given.items():
        entry = dict(entry)
        lines = entry.pop("learning_outcomes", None)
        for field in list(entry):
            if not entry[field]:
                del entry[field]
        if entry:
            texts[code] = entry
        else:
            texts.pop(code, None)
        if lines is None:
            lines = []
        if len(lines) > len(outcomes):
            errors.add(
                f"translations.{code}.learning_outcomes",
                "too_many_outcomes",
                _("There are more translated outcomes (%(given)s) than outcomes (%(count)s): one per line, in order.")
                % {"given": len(lines), "count": len(outcomes)},
            )
            continue
        for i in range(len(outcomes)):
            text = lines[i] if i < len(lines) else ""
            if text:
                per_outcome[i][code] = {"text": text}
            else:
                per_outcome[i].pop(code, None)
    errors.raise_if_any()
    credential.translations = texts
    return per_outcome


def kept_outcome_translations(credential: MicroCredential, outcomes: list[str]) -> list[dict[str, Any]]:
    """The current outcomes' translations for the new list of outcomes, matched by their text."""
    by_text = {o.text: o.translations for o in credential.outcomes.all() if o.translations}
    return [dict(by_text.get(text) or {}) for text in outcomes]


def translations_of(credential: MicroCredential) -> dict[str, dict[str, Any]]:
    """The design's translations in the shape the services take: ``{"fr": {"title": …, "learning_outcomes":
    […]}}``, outcomes one per outcome in order ("" where one has no translation)."""
    out = {code: dict(entry) for code, entry in (credential.translations or {}).items() if isinstance(entry, dict)}
    outcomes = list(credential.outcomes.all())
    codes = {code for o in outcomes for code in (o.translations or {})}
    for code in sorted(codes):
        lines = [((o.translations or {}).get(code) or {}).get("text", "") for o in outcomes]
        while lines and not lines[-1]:
            lines.pop()
        if lines:
            out.setdefault(code, {})["learning_outcomes"] = lines
    return out
