"""Forms parse input only; the rules are in :mod:`microcred.europe.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
from microcred.catalog.forms import OTHER_LANGUAGES
from microcred.errors import ValidationFailed
from microcred.europe.models import Supervision
from microcred.europe.vocabularies import ISCED_F_FIELDS

EQF_CHOICES = [("", _("— not stated —"))] + [(str(n), str(n)) for n in range(1, 9)]


class EuropeanDetailsForm(ServiceErrorsMixin, forms.Form):
    european_profile = forms.BooleanField(
        label=_("Publish under the European profile"),
        required=False,
        help_text=_("Publication is then refused while a mandatory European element is missing."),
    )
    eqf_level = forms.ChoiceField(label=_("EQF level"), choices=EQF_CHOICES, required=False)
    nqf_level = forms.CharField(
        label=_("NQF level"), max_length=100, required=False, help_text=_("As your national framework names it.")
    )
    isced_f_code = forms.ChoiceField(
        label=_("Thematic area (ISCED-F)"),
        choices=[("", _("— not stated —"))] + [(code, f"{code} {label}") for code, label in ISCED_F_FIELDS.items()],
        required=False,
        help_text=_("ELM requires it in an export."),
    )
    quality_assurance = forms.CharField(
        label=_("Type of quality assurance"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=2000,
    )
    supervision = forms.ChoiceField(
        label=_("Supervision and identity verification"),
        choices=[("", _("— not stated —")), *Supervision.choices],
        required=False,
    )
    grading = forms.CharField(
        label=_("Grade"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000,
        help_text=_("How the achievement is graded, such as pass or fail."),
    )
    stackability = forms.CharField(
        label=_("Integration and stackability"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=2000, help_text=_("Beyond the pathways and programmes the design already names."),
    )
    further_information = forms.CharField(
        label=_("Further information"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    # The texts above in a second language (services.TRANSLATABLE); empty ones show the texts above.
    other_language = forms.ChoiceField(
        label=_("Second language"), choices=OTHER_LANGUAGES, initial="fr", required=False
    )
    other_quality_assurance = forms.CharField(
        label=_("Type of quality assurance in the second language"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False, max_length=2000,
    )
    other_grading = forms.CharField(
        label=_("Grade in the second language"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=1000,
    )
    other_stackability = forms.CharField(
        label=_("Integration and stackability in the second language"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False, max_length=2000,
    )
    other_further_information = forms.CharField(
        label=_("Further information in the second language"), widget=forms.Textarea(attrs={"rows": 3}),
        required=False, max_length=4000,
    )
    OTHER_FIELDS = ("quality_assurance", "grading", "stackability", "further_information")

    @classmethod
    def initial_for(cls, details: Any, fields: tuple[str, ...]) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(details, name) for name in fields if name != "translations"}
        initial["eqf_level"] = str(details.eqf_level or "")
        own = str(getattr(details.credential, "language", "en") or "en").split("-")[0]
        offered = [code for code, _label in OTHER_LANGUAGES]
        translations = details.translations or {}
        language = next((code for code in translations if code in offered), "en" if own == "fr" else "fr")
        initial["other_language"] = language
        for name in cls.OTHER_FIELDS:
            initial[f"other_{name}"] = (translations.get(language) or {}).get(name, "")
        return initial

    def add_service_errors(self, error: ValidationFailed) -> None:
        for field_error in error.errors:
            parts = field_error.field.split(".")
            name = f"other_{parts[2]}" if parts[0] == "translations" and len(parts) > 2 else field_error.field
            if parts[0] == "translations" and name not in self.fields:
                name = "other_language"
            self.add_error(name if name in self.fields else None, field_error.message)

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("other_")}
        language = self.cleaned_data.get("other_language") or "fr"
        data["translations"] = {language: {name: self.cleaned_data.get(f"other_{name}", "")
                                           for name in self.OTHER_FIELDS}}
        return data


class ElmImportForm(forms.Form):
    document = forms.FileField(
        label=_("ELM file (JSON-LD)"), required=False, help_text=_("A learning-achievement specification.")
    )
    text = forms.CharField(label=_("Or paste it here"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
