"""Forms parse input only; the rules are in :mod:`microcred.accounts.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import OrganizationKind, ProviderType, Role, TokenScope
from microcred.errors import ValidationFailed


class ServiceErrorsMixin:
    """Shows a service's field errors on the form they came from."""

    def add_service_errors(self, error: ValidationFailed) -> None:
        for field_error in error.errors:
            field = field_error.field if field_error.field in self.fields else None  # type: ignore[attr-defined]
            self.add_error(field, field_error.message)  # type: ignore[attr-defined]


class SignUpForm(ServiceErrorsMixin, forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        max_length=256,
        help_text=_("At least 12 characters, not only digits."),
    )
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, max_length=256)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=[("en", "English"), ("fr", "Français")]
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class OrganizationForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in OrganizationKind.choices if c[0] != OrganizationKind.PLATFORM]
    )
    provider_type = forms.ChoiceField(
        label=_("Provider type"), choices=[("", _("— not a provider —")), *ProviderType.choices], required=False
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False, max_length=5000)
    # The name and description in the other of the platform's two languages (microcred/translations.py).
    language = forms.ChoiceField(
        label=_("Language of the name and description"),
        choices=[("en", _("English")), ("fr", _("French"))],
        initial="en",
        required=False,
    )
    other_name = forms.CharField(
        label=_("Name in the other language"),
        max_length=200,
        required=False,
        help_text=_("In French if the above is in English, in English if it is in French. Optional."),
    )
    other_description = forms.CharField(
        label=_("Description in the other language"), widget=forms.Textarea, required=False, max_length=5000
    )

    def service_data(self) -> dict:
        """The service's arguments: the other language's texts become ``translations``."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("other_")}
        data["language"] = data.get("language") or "en"
        other = "en" if data.get("language") == "fr" else "fr"
        texts = {
            "name": self.cleaned_data.get("other_name", ""),
            "description": self.cleaned_data.get("other_description", ""),
        }
        data["translations"] = {other: {k: v for k, v in texts.items() if v}} if any(texts.values()) else {}
        return data

    def add_service_errors(self, error: ValidationFailed) -> None:
        for field_error in error.errors:
            parts = field_error.field.split(".")
            name = f"other_{parts[2]}" if parts[0] == "translations" and len(parts) > 2 else field_error.field
            self.add_error(name if name in self.fields else None, field_error.message)


class InvitationForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


TOKEN_LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]


class ApiTokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the script or system using it.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=TokenScope.choices, initial=[TokenScope.READ], widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.TypedChoiceField(label=_("Expires after"), choices=TOKEN_LIFETIMES, coerce=int, initial=90)


# Languages an organization's profile may be given in besides its own.
PROFILE_LANGUAGES = [("fr", _("French")), ("en", _("English"))]


class OrganizationProfileForm(ServiceErrorsMixin, forms.Form):
    """An organization's public profile (its admins). Labels avoid words other pages' tests look up by label."""

    name = forms.CharField(
        label=_("Shown as"), max_length=200, help_text=_("The organization as learners and employers read it.")
    )
    description = forms.CharField(
        label=_("About the organization"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG, JPEG or WebP; at most 1 MB, 64 to 2048 pixels on each side. Shown where credentials are verified."
        ),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    other_language = forms.ChoiceField(label=_("Second language"), choices=PROFILE_LANGUAGES, initial="fr")
    other_name = forms.CharField(label=_("Shown as, in the second language"), max_length=200, required=False)
    other_description = forms.CharField(
        label=_("About the organization, in the second language"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def add_service_errors(self, error: ValidationFailed) -> None:
        """``translations.fr.name`` is shown beside ``other_name``."""
        for field_error in error.errors:
            parts = field_error.field.split(".")
            name = f"other_{parts[2]}" if parts[0] == "translations" and len(parts) > 2 else field_error.field
            if parts[0] == "translations" and len(parts) <= 2:
                name = "other_language"
            self.add_error(name if name in self.fields else None, field_error.message)

    def profile_fields(self) -> list[forms.BoundField]:
        names = ["name", "description", "website", "logo"]
        if self.initial.get("has_logo"):
            names.append("remove_logo")
        return [self[name] for name in names]

    def language_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("other_language", "other_name", "other_description")]

    @classmethod
    def initial_for(cls, organization: object) -> dict[str, object]:
        translations = getattr(organization, "translations", None) or {}
        own = str(getattr(organization, "language", "en") or "en").split("-")[0]
        offered = [code for code, _label in PROFILE_LANGUAGES if code != own]
        language = next((code for code in translations if code in offered), offered[0] if offered else "fr")
        entry = translations.get(language) or {}
        return {
            "name": getattr(organization, "name", ""),
            "description": getattr(organization, "description", ""),
            "website": getattr(organization, "website", ""),
            "other_language": language,
            "other_name": entry.get("name", ""),
            "other_description": entry.get("description", ""),
            "has_logo": bool(getattr(organization, "logo", None)),
        }

    def profile_changes(self, current_translations: dict[str, object]) -> dict[str, object]:
        """The changes for ``update_organization``: the chosen language's texts replace that language's, the other
        languages are kept; a language left empty is removed."""
        data = self.cleaned_data
        translations = {code: entry for code, entry in (current_translations or {}).items()}
        language = data["other_language"]
        texts = {"name": data["other_name"], "description": data["other_description"]}
        if any(value.strip() for value in texts.values()):
            translations[language] = texts
        else:
            translations.pop(language, None)
        return {
            "name": data["name"],
            "description": data["description"],
            "website": data["website"],
            "translations": translations,
        }
