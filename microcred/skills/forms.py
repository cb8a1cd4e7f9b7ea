"""Forms parse input only; the rules are in the services and the file readers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.errors import DomainError, ValidationFailed
from microcred.skills.models import ImportKind

MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # all the files of one upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data][:5]
        return [single(data, initial)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportKind.choices)
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "Job postings: one CSV or JSON-lines file (title, text, location, date, employer; at most 20 MB). "
            "ESCO: occupations_en.csv and, if you have it, occupationSkillRelations.csv. "
            "O*NET: occupation_data.csv, task_statements.csv, technology_skills.csv."
        ),
    )

    def clean_files(self) -> list[Any]:
        uploads = self.cleaned_data["files"]
        if sum(upload.size for upload in uploads) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The files are too large (at most 100 MB together)."))
        return uploads

    def add_domain_error(self, error: DomainError) -> None:
        if isinstance(error, ValidationFailed):
            for field_error in error.errors[:20]:
                self.add_error(None, f"{field_error.field}: {field_error.message}")
        else:
            self.add_error("files", error.message)
