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


NEVER = "never"
EXPIRY_CHOICES = [
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("365", _("1 year")),
    (NEVER, _("Never: a permanent public page")),
]


class ShareForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What to share"), choices=ShareKind.choices, initial=ShareKind.CREDENTIAL)
    credentials = forms.MultipleChoiceField(label=_("Credentials"), widget=forms.CheckboxSelectMultiple)
    evidence = forms.MultipleChoiceField(
        label=_("Evidence the visitor may see"), required=False, widget=forms.CheckboxSelectMultiple
    )
    expires = forms.ChoiceField(
        label=_("The link works for"),
        choices=EXPIRY_CHOICES,
        initial=NEVER,
        widget=forms.RadioSelect,
        help_text=_("A link that never expires is the credential's permanent public page: the one to put on LinkedIn."),
    )
    show_name = forms.BooleanField(
        label=_("Show my name on the page"), required=False, initial=True,
        help_text=_("Whoever opens the link sees who holds the credential."),
    )  # fmt: skip
    password = forms.CharField(
        label=_("Password (optional)"), required=False, max_length=128, widget=forms.PasswordInput(render_value=False)
    )
    label = forms.CharField(label=_("Label, for you (optional)"), required=False, max_length=100)

    def __init__(self, *args: Any, credential_choices: list[tuple[str, str]], evidence_choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["credentials"].choices = credential_choices
        self.fields["evidence"].choices = evidence_choices

    @property
    def permanent(self) -> bool:
        return self.cleaned_data["expires"] == NEVER

    def expires_at(self) -> datetime | None:
        """The end of the link's last day in the user's time zone, or None for a permanent link."""
        if self.permanent:
            return None
        day = timezone.localdate() + timedelta(days=int(self.cleaned_data["expires"]))
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class SharePasswordForm(forms.Form):
    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)
