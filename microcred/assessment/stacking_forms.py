"""Forms of the pathway editor and of the trust-list and agreements page: they parse input only; the rules are in
``catalog.pathways`` and ``catalog.recognition``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
from microcred.catalog.models import MicroCredential, PathwayKind, PathwayRule


def _label(credential: MicroCredential) -> str:
    return f"{credential.title} — {credential.provider.name} (v{credential.version})"


class PathwayForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PathwayKind.choices)
    members = forms.TypedMultipleChoiceField(
        label=_("Micro-credentials of the catalog it stacks"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    external = forms.CharField(
        label=_("Achievements from elsewhere"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the achievement's id or CTID | its name | its credits."),
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=PathwayRule.choices, widget=forms.RadioSelect)
    required_count = forms.IntegerField(
        label=_("How many are required (N of the set)"), required=False, min_value=1, max_value=1000
    )
    min_credits = forms.CharField(label=_("Credit requirement (minimum credit sum)"), required=False, max_length=12)
    resulting_credential = forms.TypedChoiceField(
        label=_("Resulting credential, awarded automatically"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, data: Any = None, *, catalog: list[MicroCredential], own: list[MicroCredential], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["members"].choices = [(c.pk, _label(c)) for c in catalog]  # type: ignore[attr-defined]
        self.fields["resulting_credential"].choices = [("", _("— none —"))] + [  # type: ignore[attr-defined]
            (c.pk, _label(c)) for c in own
        ]

    def external_components(self) -> list[dict[str, str]]:
        found = []
        for line in (self.cleaned_data.get("external") or "").splitlines():
            parts = [part.strip() for part in line.split("|")]
            if parts and parts[0]:
                found.append(
                    {
                        "achievement": parts[0],
                        "name": parts[1] if len(parts) > 1 else "",
                        "credits": parts[2] if len(parts) > 2 else "",
                    }
                )
        return found


class TrustForm(ServiceErrorsMixin, forms.Form):
    issuer_did = forms.CharField(
        label=_("Issuer's DID"), required=False, max_length=500, help_text=_("For example did:web:college.example")
    )
    organization = forms.CharField(
        label=_("Or an organization registered here (its short name)"), required=False, max_length=100
    )
    name = forms.CharField(label=_("Name shown"), required=False, max_length=300)


class AgreementForm(ServiceErrorsMixin, forms.Form):
    recognised = forms.CharField(label=_("The other provider (its short name)"), max_length=100)
    achievement = forms.CharField(label=_("Their achievement (id or CTID)"), max_length=500)
    achievement_name = forms.CharField(label=_("Its name"), required=False, max_length=300)
    satisfies = forms.TypedChoiceField(label=_("Counts as your micro-credential"), coerce=int)
    credits = forms.CharField(label=_("Credits granted (optional)"), required=False, max_length=12)

    def __init__(self, data: Any = None, *, own: list[MicroCredential], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["satisfies"].choices = [(c.pk, _label(c)) for c in own]  # type: ignore[attr-defined]
