"""Parse only: the platform registration form (the service validates)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin


class PlatformForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("How your staff know this LMS."))
    issuer = forms.CharField(label=_("Issuer"), max_length=255, help_text=_("The platform's issuer (iss)."))
    client_id = forms.CharField(label=_("Client id"), max_length=255, help_text=_("The id the LMS gave microcred."))
    deployment_ids = forms.CharField(
        label=_("Deployment ids"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line.")
    )
    auth_login_url = forms.CharField(label=_("Authentication request URL"), max_length=500)
    auth_token_url = forms.CharField(label=_("Access token URL"), max_length=500)
    auth_audience = forms.CharField(label=_("Token audience (if not the token URL)"), max_length=500, required=False)
    key_set_url = forms.CharField(label=_("Public keyset URL"), max_length=500, required=False)
    key_set = forms.CharField(
        label=_("Or the public keys (JWKS)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000
    )

    def clean_key_set(self) -> Any:
        value = self.cleaned_data.get("key_set", "").strip()
        if not value:
            return None
        try:
            return json.loads(value)
        except ValueError as exc:
            raise forms.ValidationError(_('Paste a JSON Web Key Set: {"keys": […]}.')) from exc

    @staticmethod
    def initial_for(platform: Any) -> dict[str, Any]:
        return {
            "name": platform.name,
            "issuer": platform.issuer,
            "client_id": platform.client_id,
            "deployment_ids": "\n".join(platform.deployment_ids),
            "auth_login_url": platform.auth_login_url,
            "auth_token_url": platform.auth_token_url,
            "auth_audience": platform.auth_audience,
            "key_set_url": platform.key_set_url,
            "key_set": json.dumps(platform.key_set) if platform.key_set else "",
        }
