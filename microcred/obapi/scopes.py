"""The 1EdTech Open Badges 3.0 and CLR 2.0 APIs: their scopes (registered with the authorization server) and what
differs between the two (the path, the response's array name, what may be pushed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from microcred.oauth import registry

OB_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CLR_BASE = "https://purl.imsglobal.org/spec/clr/v2p0/scope/"
CREDENTIAL_READ = OB_BASE + "credential.readonly"
CREDENTIAL_UPSERT = OB_BASE + "credential.upsert"
PROFILE_READ = OB_BASE + "profile.readonly"
PROFILE_UPDATE = OB_BASE + "profile.update"


@dataclass(frozen=True)
class Api:
    key: str  # "ob" or "clr"
    title: str
    path: str  # /ims/ob/v3p0
    version: str
    array: str  # the response's array of JSON-LD credentials
    scope_base: str

    def scope(self, name: str) -> str:
        return self.scope_base + name


OB = Api("ob", "Open Badges 3.0", "/ims/ob/v3p0", "3.0", "credential", OB_BASE)
CLR = Api("clr", "Comprehensive Learner Record 2.0", "/ims/clr/v2p0", "2.0", "clrCredential", CLR_BASE)
APIS = {api.key: api for api in (OB, CLR)}

_DESCRIPTIONS: dict[str, Callable[[], str]] = {
    OB_BASE + "credential.readonly": lambda: _(
        "read every credential in your wallet: those issued here and those you imported"
    ),
    OB_BASE + "credential.upsert": lambda: _(
        "add credentials to your wallet, or replace them (each is kept only if it verifies)"
    ),
    OB_BASE + "profile.readonly": lambda: _("read your profile: your name and e-mail address"),
    OB_BASE + "profile.update": lambda: _("change the name on your profile"),
    CLR_BASE + "credential.readonly": lambda: _(
        "read your Comprehensive Learner Record, signed, with every credential issued to you here"
    ),
    CLR_BASE + "credential.upsert": lambda: _(
        "add learner records from elsewhere to your wallet (each is kept only if it verifies)"
    ),
    CLR_BASE + "profile.readonly": lambda: _("read your profile: your name and e-mail address"),
    CLR_BASE + "profile.update": lambda: _("change the name on your profile"),
}


def descriptions(api: Api = OB) -> dict[str, str]:
    return {name: describe() for name, describe in _DESCRIPTIONS.items() if name.startswith(api.scope_base)}


def register() -> None:
    for name, describe in _DESCRIPTIONS.items():
        registry.register_scope(registry.Scope(name=name, describe=describe))
