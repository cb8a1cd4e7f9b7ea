"""Forms parse input only; the rules are in :mod:`microcred.wallet.services`."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
from microcred.wallet.models import ShareKind
from microcred.wallet.services import MAX_IMPORT_BYTES


class ImportForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Upload a file"),
        required=False,
        help_text=_("Open Badges 3.0 JSON, a VC-JWT, a baked PNG or SVG badge, or an Open Badges 2.0 assertion."),
    )
    credential = forms.CharField(
        label=_("Or paste the credential"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    url = forms.CharField(label=_("Or give the address of a hosted badge"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [name for name in ("file", "credential", "url") if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError(_("Give exactly one: a file, a pasted credential or an address."))
        upload = data.get("file")
        if upload is not None and upload.size > MAX_IMPORT_BYTES:
            self.add_error("file", _("The file is too large."))
        return data

    def payload(self) -> tuple[str, bytes | str]:
        """("url", address) or ("data", bytes or text)."""
        data = self.cleaned_data
        if data.get("url"):
            return "url", data["url"]
        if data.get("file") is not None:
            return "data", data["file"].read(MAX_IMPORT_BYTES + 1)
        return "data", data["credential"]


class ShareForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What to share"), choices=ShareKind.choices, initial=ShareKind.CREDENTIAL)
    credentials = forms.MultipleChoiceField(label=_("Credentials"), widget=forms.CheckboxSelectMultiple)
    evidence = forms.MultipleChoiceField(
        label=_("Evidence the visitor may see"), required=False, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Works until"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("At most a year from now.")
    )
    password = forms.CharField(
        label=_("Password (optional)"), required=False, max_length=128, widget=forms.PasswordInput(render_value=False)
    )
    label = forms.CharField(label=_("Label, for you (optional)"), required=False, max_length=100)

    def __init__(self, *args: Any, credential_choices: list[tuple[str, str]], evidence_choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["credentials"].choices = credential_choices
        self.fields["evidence"].choices = evidence_choices
        if not self.is_bound:
            self.initial.setdefault("expires_on", (timezone.localdate() + timedelta(days=30)).isoformat())

    def expires_at(self) -> datetime:
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class SharePasswordForm(forms.Form):
    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)
