"""Forms parse input only; the rules are in the services and the format readers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
from microcred.errors import DomainError, ValidationFailed
from microcred.frameworks.document import MAX_FILE_BYTES
from microcred.frameworks.models import CompetencyType


class ImportForm(ServiceErrorsMixin, forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("case", _("1EdTech CASE 1.0 (JSON)")), ("csv", _("CSV, one row per competency"))]
    )
    file = forms.FileField(label=_("File"), help_text=_("At most 20 MB, UTF-8."))
    title = forms.CharField(label=_("Title (CSV)"), max_length=300, required=False)
    version = forms.CharField(label=_("Version (CSV)"), max_length=40, required=False, initial="1")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 20 MB)."))
        return upload

    def add_domain_error(self, error: DomainError) -> None:
        if isinstance(error, ValidationFailed):
            for field_error in error.errors[:20]:
                self.add_error(None, f"{field_error.field}: {field_error.message}")
        else:
            self.add_error("file", error.message)


class CrosswalkForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Map to"), queryset=None)
    method = forms.ChoiceField(
        label=_("Suggest links with"),
        required=False,
        help_text=_("Meaning-based rankings serve the ESCO skills framework; other frameworks are ranked by words."),
    )

    def __init__(self, *args: Any, frameworks: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from microcred.frameworks.models import Framework
        from microcred.frameworks.similarity import available_methods

        self.fields["target"].queryset = Framework.objects.filter(pk__in=[f.pk for f in frameworks]).order_by("title")
        self.fields["method"].choices = [("", _("No suggestions yet")), *available_methods()]


class FrameworkForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    version = forms.CharField(label=_("Version"), max_length=40, initial="1")
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    licence = forms.CharField(label=_("Licence"), max_length=500, required=False)
    # French texts of an English framework (microcred/translations.py); the API takes any language
    title_fr = forms.CharField(label=_("Title in French"), max_length=300, required=False)
    description_fr = forms.CharField(
        label=_("Description in French"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.endswith("_fr")}
        french = {
            "title": self.cleaned_data.get("title_fr", ""),
            "description": self.cleaned_data.get("description_fr", ""),
        }
        data["translations"] = {"fr": {k: v for k, v in french.items() if v}} if any(french.values()) else {}
        return data

    def add_service_errors(self, error: ValidationFailed) -> None:
        for field_error in error.errors:
            name = (
                field_error.field.replace("translations.fr.", "") + "_fr"
                if field_error.field.startswith("translations.fr.")
                else field_error.field
            )
            self.add_error(name if name in self.fields else None, field_error.message)


class CompetencyForm(ServiceErrorsMixin, forms.Form):
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20_000)
    short_name = forms.CharField(label=_("Short name"), max_length=300, required=False)
    code = forms.CharField(label=_("Code"), max_length=100, required=False)
    competency_type = forms.ChoiceField(label=_("Type"), choices=CompetencyType.choices)
    parent = forms.CharField(label=_("Parent's code"), max_length=100, required=False)
    statement_fr = forms.CharField(
        label=_("Statement in French"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20_000, required=False
    )
    short_name_fr = forms.CharField(label=_("Short name in French"), max_length=300, required=False)

    def translations(self) -> dict[str, Any]:
        """The French texts as ``Competency.translations`` holds them (the short name is the "label")."""
        french = {
            "label": self.cleaned_data.get("short_name_fr", ""),
            "statement": self.cleaned_data.get("statement_fr", ""),
        }
        return {"fr": {k: v for k, v in french.items() if v}} if any(french.values()) else {}


class ScaleForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Scale name"), max_length=200)
    levels = forms.CharField(
        label=_("Levels"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_("One per line, lowest first.")
    )


class NewVersionForm(ServiceErrorsMixin, forms.Form):
    version = forms.CharField(label=_("New version"), max_length=40)
