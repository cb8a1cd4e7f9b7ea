"""Forms parse input only; the rules are in the services and the format readers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
from microcred.errors import DomainError, ValidationFailed
from microcred.frameworks.document import MAX_FILE_BYTES


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

    def __init__(self, *args: Any, frameworks: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from microcred.frameworks.models import Framework

        self.fields["target"].queryset = Framework.objects.filter(pk__in=[f.pk for f in frameworks]).order_by("title")
