"""The scopes this authorization server grants, each registered by the domain that serves it.

``oauth`` sits low in the import order (it needs only ``accounts``); the domains above it that protect resources
with its tokens (``delivery`` for OID4VCI, later the Open Badges API) register their scopes from their
``AppConfig.ready``. A scope may ask the learner to choose on the consent page (for example which credential a
wallet may receive) and *binds* that choice into a context that travels with the code and its tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Scope:
    name: str
    describe: Callable[[], str]  # what the client gets, in the learner's language
    # The options the learner picks one of, and the one preselected (both from the request's parameters).
    options: Callable[[Any, Mapping[str, str]], list[Choice]] | None = None
    preselect: Callable[[Any, Mapping[str, str]], str | None] | None = None
    # The context stored with the grant; raises errors.ValidationFailed for a choice that is not the user's.
    bind: Callable[[Any, Mapping[str, str], str | None], dict[str, Any]] | None = None


_SCOPES: dict[str, Scope] = {}


def register_scope(scope: Scope) -> None:
    _SCOPES[scope.name] = scope


def scope(name: str) -> Scope | None:
    return _SCOPES.get(name)


def scopes_supported() -> list[str]:
    return sorted(_SCOPES)
