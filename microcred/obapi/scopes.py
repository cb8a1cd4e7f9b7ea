"""The four scopes of the 1EdTech Open Badges 3.0 API, registered with the authorization server."""

from __future__ import annotations

from django.utils.translation import gettext as _

from microcred.oauth import registry

BASE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = BASE + "credential.readonly"
CREDENTIAL_UPSERT = BASE + "credential.upsert"
PROFILE_READ = BASE + "profile.readonly"
PROFILE_UPDATE = BASE + "profile.update"


def descriptions() -> dict[str, str]:
    return {
        CREDENTIAL_READ: _("read every credential in your wallet: those issued here and those you imported"),
        CREDENTIAL_UPSERT: _("add credentials to your wallet, or replace them (each is kept only if it verifies)"),
        PROFILE_READ: _("read your profile: your name and e-mail address"),
        PROFILE_UPDATE: _("change the name on your profile"),
    }


def register() -> None:
    for name in (CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE):
        registry.register_scope(registry.Scope(name=name, describe=lambda name=name: descriptions()[name]))
