"""Writes of the European side of a design: its European details, the check before publication under the European
profile (registered into the catalog's publish service), the copy into a new version, and ELM imports as drafts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.catalog import alignments
from microcred.catalog import services as catalog
from microcred.catalog.models import MicroCredential
from microcred.errors import Conflict, ErrorList, FieldError, ValidationFailed
from microcred.europe.elements import details_of, missing_mandatory
from microcred.europe.elm import read_elm
from microcred.europe.models import EuropeanDetails, Supervision
from microcred.frameworks.models import Competency
from microcred.translations import bcp47

TEXT_FIELDS = {"nqf_level": 100, "quality_assurance": 2000, "grading": 1000, "stackability": 2000,
               "further_information": 4000}
EDITABLE = ("european_profile", "eqf_level", "nqf_level", "isced_f_code", "quality_assurance", "supervision",
            "grading", "stackability", "further_information", "translations")
TRANSLATABLE = ("quality_assurance", "grading", "stackability", "further_information")
MAX_LANGUAGES = 8
_ISCED = re.compile(r"^\d{2,4}$")
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")


def _state(details: EuropeanDetails) -> dict[str, Any]:
    return {name: getattr(details, name) for name in EDITABLE}


def clean_details(data: dict[str, Any]) -> dict[str, Any]:
    """Model-ready European details from ``data`` (every error at once); unknown names are refused."""
    errors = ErrorList()
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", "invalid_type", _("Send an object of fields."))
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name not in EDITABLE:
            errors.add(str(name)[:64], "unknown_field", _("This field does not exist."))
        elif name == "european_profile":
            if not isinstance(value, bool):
                errors.add(name, "invalid_type", _("Enter true or false."))
            else:
                out[name] = value
        elif name == "eqf_level":
            if value in (None, ""):
                out[name] = None
            elif isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit() \
                    or not 1 <= int(value) <= 8:
                errors.add(name, "invalid_level", _("Enter an EQF level from 1 to 8."))
            else:
                out[name] = int(value)
        elif name == "translations":
            out[name] = _clean_translations(errors, value)
        elif name == "supervision":
            if value not in ("", *Supervision.values):
                errors.add(name, "invalid_choice", _("Choose one of the options."))
            else:
                out[name] = value
        elif not isinstance(value, str):
            errors.add(name, "invalid_type", _("Enter a text."))
        elif name == "isced_f_code":
            if value.strip() and not _ISCED.match(value.strip()):
                errors.add(name, "invalid_code", _("Enter an ISCED-F code of 2 to 4 digits, such as 06."))
            else:
                out[name] = value.strip()
        elif len(value.strip()) > TEXT_FIELDS[name]:
            errors.add(name, "too_long", _("Enter at most %(n)s characters.") % {"n": TEXT_FIELDS[name]})
        else:
            out[name] = value.strip()
    errors.raise_if_any()
    return out


def _clean_translations(errors: ErrorList, value: Any) -> dict[str, dict[str, str]]:
    """``{"fr": {"quality_assurance": …}}``: each language given replaces that language; an empty one removes it."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or not all(isinstance(entry, dict) for entry in value.values()):
        errors.add("translations", "invalid_type", _('Send an object of languages, such as {"fr": {"grading": …}}.'))
        return {}
    if len(value) > MAX_LANGUAGES:
        errors.add("translations", "too_many", _("Enter at most %(n)s languages.") % {"n": MAX_LANGUAGES})
        return {}
    out: dict[str, dict[str, str]] = {}
    for code, entry in value.items():
        tag = bcp47(code) if isinstance(code, str) else ""
        if not _LANGUAGE_TAG.match(tag):
            errors.add("translations", "invalid_language", _("Name each language by its code, such as fr or fr-CA."))
            continue
        texts = {}
        for name, text in entry.items():
            field = f"translations.{tag}.{str(name)[:64]}"
            if name not in TRANSLATABLE:
                errors.add(field, "unknown_field", _("This text cannot be translated."))
            elif not isinstance(text, str):
                errors.add(field, "invalid_type", _("Enter a text."))
            elif len(text.strip()) > TEXT_FIELDS[name]:
                errors.add(field, "too_long", _("Enter at most %(n)s characters.") % {"n": TEXT_FIELDS[name]})
            elif text.strip():
                texts[name] = text.strip()
        out[tag] = texts
    return out


def set_european_details(*, actor: Any, credential: MicroCredential, changes: dict[str, Any]) -> EuropeanDetails:
    """Change a design's European details; only while the design itself can be edited."""
    require(actor, "catalog.edit", credential)
    values = clean_details(changes)
    with transaction.atomic():
        credential = MicroCredential.objects.select_for_update().get(pk=credential.pk)
        if not credential.is_editable:
            raise Conflict(
                _("This version is %(status)s and cannot be edited; start a new version instead.")
                % {"status": credential.get_status_display()},
                code="not_editable",
            )
        details, _created = EuropeanDetails.objects.get_or_create(credential=credential)
        before = _state(details)
        for name, value in values.items():
            if name == "translations":
                merged = {code: dict(entry) for code, entry in (details.translations or {}).items()}
                for code, entry in value.items():
                    if entry:
                        merged[code] = entry
                    else:
                        merged.pop(code, None)
                value = merged
            setattr(details, name, value)
        details.save()
        record(actor=actor, action="europe.set_details", target=credential, organization=credential.provider,
               before=before, after=_state(details))
    return details


def missing_element_errors(credential: MicroCredential) -> list[FieldError]:
    """Under the European profile, one error per mandatory element the design does not state, naming where to add
    it; none otherwise."""
    details = details_of(credential)
    if not details.european_profile:
        return []
    errors = []
    for element in missing_mandatory(credential, details):
        page = _("the design form") if element.place == "design" else _("the European standard elements page")
        errors.append(FieldError(
            f"european.{element.key}",
            "european_element_missing",
            _("The European profile requires “%(element)s”: add it on %(page)s, under “%(fields)s”.")
            % {"element": element.label, "page": page, "fields": element.fields},
        ))
    return errors


def check_before_publication(credential: MicroCredential) -> None:
    """The catalog's publish service calls this (registered in ``EuropeConfig.ready``)."""
    errors = missing_element_errors(credential)
    if errors:
        raise ValidationFailed(errors, _("Mandatory European elements are missing."))


def copy_to_new_version(old: MicroCredential, new: MicroCredential) -> None:
    found = EuropeanDetails.objects.filter(credential=old).first()
    if found is not None:
        EuropeanDetails.objects.create(credential=new, **_state(found))


@dataclass
class ElmImport:
    credential: MicroCredential
    unmapped: list[str]


def _free_slug(provider: Organization, base: str) -> str:
    base = base[:110] or "micro-credential"
    slug, n = base, 1
    while MicroCredential.objects.filter(provider=provider, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def import_elm(*, actor: Any, provider: Organization, document: Any) -> ElmImport:
    """An ELM specification as a new draft of ``provider``, with what could not be mapped; all or nothing."""
    require(actor, "catalog.edit", provider)
    reading = read_elm(document)
    unmapped = list(reading.unmapped)
    for slug, name in reading.awarding_bodies:
        if slug != provider.slug:
            unmapped.append(_("Awarding body %(name)s: the draft is yours.") % {"name": name})
    if not reading.fields.get("country"):
        unmapped.append(_("No country of the awarding opportunity that microcred knows."))
    fields = dict(reading.fields)
    title = fields.pop("title")
    details = clean_details(reading.details)
    with transaction.atomic():
        credential = catalog.create_draft(
            actor=actor, provider=provider, title=title, slug=_free_slug(provider, reading.slug or slugify(title)),
            **fields,
        )
        EuropeanDetails.objects.create(credential=credential, **details)
        for position, iri, label in dict.fromkeys(reading.skills):
            competency = Competency.objects.filter(uri=iri).order_by("-framework__pk").first()
            if competency is None:
                unmapped.append(_("The skill %(label)s of outcome %(n)s is in no framework here.")
                                % {"label": label, "n": position + 1})
                continue
            alignments.align(actor=actor, credential=credential, competency=competency, outcome_position=position)
        record(actor=actor, action="europe.import_elm", target=credential, organization=provider,
               after={"unmapped": unmapped, **{k: v for k, v in details.items()}})
    return ElmImport(credential, unmapped)
