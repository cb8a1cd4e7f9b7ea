"""The common description of a micro-credential: its fields and how input for each is checked.

``clean`` turns untrusted input (a form, a JSON body, a CSV row, an imported badge) into values
ready for the model, collecting every field error instead of stopping at the first. The same
field list drives the comparison table, the exports and the bulk import.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.catalog.models import (
    AccreditationStatus,
    AchievementIndicator,
    AssessmentMethod,
    CreditType,
    CreditUnit,
    DeliveryMode,
    Language,
    Level,
    Pace,
    Region,
)
from microcred.catalog.sanitizing import clean_html
from microcred.errors import ErrorList
from microcred.translations import bcp47, text_language

TEXT_LIMITS = {
    "title": 200,
    "summary": 500,
    "description": 20_000,
    "prerequisites": 5_000,
    "award_criteria": 5_000,
    "award_rule": 2_000,
    "accrediting_body": 200,
    "city": 100,
}
CHOICES: dict[str, type[models.TextChoices]] = {
    "level": Level,
    "delivery_mode": DeliveryMode,
    "pace": Pace,
    "language": Language,
    "credit_type": CreditType,
    "credit_unit": CreditUnit,
    "assessment_method": AssessmentMethod,
    "achievement_indicator": AchievementIndicator,
    "accreditation_status": AccreditationStatus,
}
BLANK_ALLOWED = {"level", "credit_unit", "assessment_method"}
DECIMALS = {"workload_hours": Decimal("100000"), "cost": Decimal("10000000"), "credit_value": Decimal("1000")}
NULLABLE_DECIMALS = {"credit_value"}
INTEGERS = {"time_to_complete_weeks": 520, "validity_months": 1200}
STRING_LISTS = {"ladders_into": (20, 200), "industry_partners": (20, 200), "learning_outcomes": (50, 2000)}
OTHER = {"country", "region", "currency", "start_dates", "assessment_only", "slug", "translations"}
EDITABLE_FIELDS = set(TEXT_LIMITS) | set(CHOICES) | set(DECIMALS) | set(INTEGERS) | set(STRING_LISTS) | OTHER

# The texts a design may give in other languages than its own (``translations``; outcomes line by line).
TRANSLATABLE = ("title", "summary", "description", "prerequisites", "award_criteria")
MAX_TRANSLATION_LANGUAGES = 8
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")

# The typology, in the order people read it; (field, label). Drives comparison and exports.
TYPOLOGY: list[tuple[str, Any]] = [
    ("provider", gettext_lazy("Provider")),
    ("title", gettext_lazy("Title")),
    ("summary", gettext_lazy("Summary")),
    ("description", gettext_lazy("Description")),
    ("learning_outcomes", gettext_lazy("Learning outcomes")),
    ("competencies", gettext_lazy("Competencies")),
    ("level", gettext_lazy("Level")),
    ("workload_hours", gettext_lazy("Workload (hours)")),
    ("time_to_complete_weeks", gettext_lazy("Time to complete (weeks)")),
    ("cost", gettext_lazy("Cost")),
    ("delivery_mode", gettext_lazy("Delivery mode")),
    ("pace", gettext_lazy("Pace")),
    ("start_dates", gettext_lazy("Start dates")),
    ("language", gettext_lazy("Language")),
    ("location", gettext_lazy("Region")),
    ("credit", gettext_lazy("Credit")),
    ("ladders_into", gettext_lazy("Ladders into")),
    ("assessment_method", gettext_lazy("Assessment method")),
    ("achievement_indicator", gettext_lazy("Indicator of achievement")),
    ("industry_partners", gettext_lazy("Industry partners")),
    ("skills_demand", gettext_lazy("In-demand skills covered")),
    ("pathways", gettext_lazy("Pathways (stackability)")),
    ("accreditation", gettext_lazy("Accreditation")),
    ("prerequisites", gettext_lazy("Prerequisites")),
    ("validity_months", gettext_lazy("Valid for (months)")),
    ("award_criteria", gettext_lazy("Award criteria")),
    ("version", gettext_lazy("Version")),
]

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _text(errors: ErrorList, name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, "invalid_type", _("Enter text."))
        return ""
    value = value.strip()
    if len(value) > TEXT_LIMITS[name]:
        errors.add(name, "too_long", _("Use at most %(n)s characters.") % {"n": TEXT_LIMITS[name]})
    return value


def _choice(errors: ErrorList, name: str, value: Any) -> str:
    vocabulary = CHOICES[name]
    if value in (None, "") and name in BLANK_ALLOWED:
        return ""
    if not isinstance(value, str) or value not in vocabulary.values:
        allowed = ", ".join(str(label) for label in vocabulary.labels)
        errors.add(name, "invalid_choice", _("Choose one of: %(allowed)s.") % {"allowed": allowed})
        return ""
    return value


def decimal_value(
    errors: ErrorList, name: str, value: Any, maximum: Decimal | None = None, places: str = "0.01"
) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        errors.add(name, "not_a_number", _("Enter a number."))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(name, "not_a_number", _("Enter a number."))
        return None
    if not number.is_finite():
        errors.add(name, "not_a_number", _("Enter a number."))
        return None
    if number < 0:
        errors.add(name, "negative", _("This cannot be negative."))
        return None
    if maximum is not None and number > maximum:
        errors.add(name, "too_large", _("Enter at most %(max)s.") % {"max": maximum})
        return None
    return number.quantize(Decimal(places))


def _integer(errors: ErrorList, name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors.add(name, "not_a_number", _("Enter a whole number."))
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors.add(name, "not_a_number", _("Enter a whole number."))
        return None
    if number < 0:
        errors.add(name, "negative", _("This cannot be negative."))
        return None
    if number > INTEGERS[name]:
        errors.add(name, "too_large", _("Enter at most %(max)s.") % {"max": INTEGERS[name]})
        return None
    return number


def _string_list(errors: ErrorList, name: str, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):  # one per line, from a form or a CSV cell
        value = [line for line in value.splitlines()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.add(name, "invalid_type", _("Enter a list of texts."))
        return []
    items = [item.strip() for item in value if item.strip()]
    count, length = STRING_LISTS[name]
    if len(items) > count:
        errors.add(name, "too_many", _("Enter at most %(n)s items.") % {"n": count})
        return []
    if any(len(item) > length for item in items):
        errors.add(name, "too_long", _("Each item may have at most %(n)s characters.") % {"n": length})
        return []
    return items


def _dates(errors: ErrorList, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[\s,;]+", value) if part]
    if not isinstance(value, list) or len(value) > 50:
        errors.add("start_dates", "invalid_type", _("Enter up to 50 dates as YYYY-MM-DD."))
        return []
    dates = []
    for item in value:
        try:
            dates.append(dt.date.fromisoformat(item).isoformat() if isinstance(item, str) else None)
        except ValueError:
            dates.append(None)
    if None in dates:
        errors.add("start_dates", "invalid_date", _("Enter dates as YYYY-MM-DD."))
        return []
    return sorted(set(dates))  # type: ignore[type-var]


def _translations(errors: ErrorList, value: Any) -> dict[str, dict[str, Any]]:
    """``{"fr": {"title": …, "learning_outcomes": […]}}``, checked like the texts themselves; a language
    with nothing in it stays, empty, so that an update removes it."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or not all(isinstance(entry, dict) for entry in value.values()):
        errors.add("translations", "invalid_type", _('Send an object of languages, such as {"fr": {"title": …}}.'))
        return {}
    if len(value) > MAX_TRANSLATION_LANGUAGES:
        errors.add("translations", "too_many", _("Enter at most %(n)s languages.") % {"n": MAX_TRANSLATION_LANGUAGES})
        return {}
    out: dict[str, dict[str, Any]] = {}
    for code, entry in value.items():
        tag = bcp47(code) if isinstance(code, str) else ""
        if not _LANGUAGE_TAG.match(tag):
            errors.add("translations", "invalid_language", _("Name each language by its code, such as fr or fr-CA."))
            continue
        texts: dict[str, Any] = {}
        for name, text in entry.items():
            prefix = f"translations.{tag}"
            if name in TRANSLATABLE:
                inner = ErrorList()
                texts[name] = _text(inner, name, text)
                errors.errors.extend(type(e)(f"{prefix}.{e.field}", e.code, e.message) for e in inner.errors)
                if name == "description":
                    texts[name] = clean_html(texts[name])
            elif name == "learning_outcomes":
                inner = ErrorList()
                if isinstance(text, str):  # one per line, blank lines kept: line n translates outcome n
                    text = text.splitlines()
                if isinstance(text, list) and all(isinstance(item, str) for item in text):
                    while text and not text[-1].strip():
                        text = text[:-1]
                    count, length = STRING_LISTS[name]
                    if len(text) > count:
                        inner.add(name, "too_many", _("Enter at most %(n)s items.") % {"n": count})
                    elif any(len(item.strip()) > length for item in text):
                        inner.add(name, "too_long", _("Each item may have at most %(n)s characters.") % {"n": length})
                    texts[name] = [item.strip() for item in text]
                else:
                    inner.add(name, "invalid_type", _("Enter a list of texts."))
                errors.errors.extend(type(e)(f"{prefix}.{e.field}", e.code, e.message) for e in inner.errors)
            else:
                errors.add(f"{prefix}.{str(name)[:64]}", "unknown_field", _("This text cannot be translated."))
        out[tag] = texts
    return out


def clean(data: dict[str, Any], *, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check ``data`` (a full description, or changes to ``current``) and return model-ready values.

    Raises ``ValidationFailed`` with every field error at once; nothing is written by this function.
    """
    errors = ErrorList()
    if not isinstance(data, dict):
        errors.add("body", "invalid_type", _("Send an object of fields."))
        errors.raise_if_any()
    for name in data:
        if name not in EDITABLE_FIELDS:
            errors.add(str(name)[:64], "unknown_field", _("This field does not exist."))
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in TEXT_LIMITS:
            values[name] = _text(errors, name, value)
        elif name in CHOICES:
            values[name] = _choice(errors, name, value)
        elif name in DECIMALS:
            if value in (None, "") and name in NULLABLE_DECIMALS:
                values[name] = None
            else:
                places = "0.1" if name == "workload_hours" else "0.01"
                values[name] = decimal_value(errors, name, value, DECIMALS[name], places)
        elif name in INTEGERS:
            values[name] = _integer(errors, name, value)
        elif name in STRING_LISTS:
            values[name] = _string_list(errors, name, value)
        elif name == "start_dates":
            values[name] = _dates(errors, value)
        elif name == "translations":
            values[name] = _translations(errors, value)
        elif name == "assessment_only":
            if not isinstance(value, bool):
                errors.add(name, "invalid_type", _("Enter true or false."))
            values[name] = bool(value) if isinstance(value, bool) else False
        elif name in ("country", "currency", "region", "slug"):
            text = value.strip() if isinstance(value, str) else None
            if text is None and value is not None:
                errors.add(name, "invalid_type", _("Enter text."))
            values[name] = (text or "").upper() if name != "slug" else (text or "").lower()
    if "title" in values and not values["title"] and not any(e.field == "title" for e in errors.errors):
        errors.add("title", "required", _("Enter a title."))
    if "description" in values:
        values["description"] = clean_html(values["description"])
    if values.get("country") and not _COUNTRY.match(values["country"]):
        errors.add("country", "invalid_country", _("Enter a two-letter country code such as CA."))
    if "currency" in values and not _CURRENCY.match(values["currency"] or ""):
        errors.add("currency", "invalid_currency", _("Enter a three-letter currency code such as CAD."))
    if values.get("slug") and (len(values["slug"]) > 120 or not _SLUG.match(values["slug"])):
        errors.add("slug", "invalid_slug", _("Use lower-case letters, digits and hyphens."))
    merged = {**(current or {}), **values}
    primary = text_language(str(merged.get("language") or "en")).split("-")[0]
    for code in values.get("translations", {}):
        if code.split("-")[0] == primary:
            errors.add(f"translations.{code}", "same_language", _("This is the design's own language."))
    country = merged.get("country") or ""
    region = merged.get("region") or ""
    if "region" in values or "country" in values:
        if country == "CA" and region and region not in Region.values:
            errors.add("region", "invalid_choice", _("Choose a Canadian province or territory."))
        elif len(region) > 8:
            errors.add("region", "too_long", _("Use a code of at most 8 characters."))
    if merged.get("credit_type") == CreditType.CREDIT and not errors.errors:
        if not merged.get("credit_value"):
            errors.add("credit_value", "required", _("A for-credit micro-credential states its credit value."))
        if not merged.get("credit_unit"):
            errors.add("credit_unit", "required", _("Choose the unit of the credit value."))
    errors.raise_if_any()
    return values
