"""Forms parse input only; the rules are in :mod:`microcred.europe.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
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

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ElmImportForm(forms.Form):
    document = forms.FileField(
        label=_("ELM file (JSON-LD)"), required=False, help_text=_("A learning-achievement specification.")
    )
    text = forms.CharField(label=_("Or paste it here"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
