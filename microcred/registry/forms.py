"""Parse only: the registry settings form and the CTDL import form (the services validate)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class RegistrySettingsForm(ServiceErrorsMixin, forms.Form):
    assistant_url = forms.CharField(
        label=_("Registry Assistant URL"),
        max_length=500,
        help_text=_("For example https://sandbox.credentialengine.org/assistant while you test."),
    )
    api_key = forms.CharField(
        label=_("API key"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("From your organization's dashboard at Credential Engine. Leave empty to keep the saved key."),
    )
    organization_ctid = forms.CharField(
        label=_("Organization CTID"), max_length=39, help_text=_("The CTID Credential Engine gave your organization.")
    )
    resource_base = forms.CharField(
        label=_("Registry resources URL"),
        max_length=500,
        help_text=_(
            "Where the registry serves resources; https://sandbox.credentialengineregistry.org/resources/ "
            "for the sandbox."
        ),
    )
    enabled = forms.BooleanField(
        label=_("Publish each new version, update and retirement automatically"), required=False
    )


class CtdlImportForm(ServiceErrorsMixin, forms.Form):
    document = forms.CharField(
        label=_("CTDL JSON-LD"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=MAX_IMPORT_BYTES,
        help_text=_("Paste a credential as the Credential Registry exports it, or upload the file below."),
    )
    upload = forms.FileField(label=_("Or a file"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("upload")
        text = cleaned.get("document") or ""
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError(_("The file is larger than 2 MB."))
            text = upload.read().decode("utf-8", errors="replace")
        if not text.strip():
            raise forms.ValidationError(_("Paste a CTDL document or choose a file."))
        try:
            cleaned["parsed"] = json.loads(text)
        except (ValueError, RecursionError) as exc:  # too deeply nested JSON is refused like malformed JSON
            raise forms.ValidationError(_("This is not JSON.")) from exc
        return cleaned


class CodesForm(ServiceErrorsMixin, forms.Form):
    codes = forms.CharField(
        label=_("Occupation and industry codes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
        help_text=_(
            "One per line: scheme | code | name | URI (the URI may be left out). Schemes: esco, onet_soc, noc, naics."
        ),
    )

    def clean_codes(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data.get("codes", "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            parts += [""] * (4 - len(parts))
            rows.append(
                {"scheme": parts[0], "code": parts[1], "label": parts[2], "uri": "|".join(parts[3:]).strip("|")}
            )
        return rows

    @staticmethod
    def initial_for(codes: Any) -> dict[str, str]:
        return {"codes": "\n".join(" | ".join([c.scheme, c.code, c.label, c.uri]).rstrip(" |") for c in codes)}
