"""The learner's side of the authorization server: what a consent page asks, binding the learner's choices into the
grant, the clients a learner has authorized and revoking them; and the resource side: checking a Bearer token.

Protocol errors (token endpoint, resource access) are :class:`TokenRefused` with RFC 6749/6750 codes; the learner-
facing services raise the domain's errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749.util import scope_to_list
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import record
from microcred.errors import NotFound, ValidationFailed
from microcred.oauth import registry
from microcred.oauth.models import Client, Token, secret_hash


class TokenRefused(Exception):
    """A Bearer token that does not give access (RFC 6750 §3.1): ``invalid_token`` (401) or
    ``insufficient_scope`` (403)."""

    def __init__(self, error: str, description: str, status: int) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass
class ScopeRequest:
    name: str
    description: str
    options: list[registry.Choice] = field(default_factory=list)
    selected: str | None = None
    asks_choice: bool = False


def consent_scopes(*, user: User, scope: str, params: Mapping[str, str]) -> list[ScopeRequest]:
    """What the consent page shows for each requested scope (the server has already refused unknown scopes)."""
    shown = []
    for name in scope_to_list(scope or ""):
        definition = registry.scope(name)
        if definition is None:
            continue
        request = ScopeRequest(name=name, description=definition.describe())
        if definition.options is not None:
            request.options = definition.options(user, params)
            request.asks_choice = True
        if definition.preselect is not None:
            request.selected = definition.preselect(user, params)
        shown.append(request)
    return shown


def bind_choices(*, user: User, scope: str, params: Mapping[str, str], choices: Mapping[str, str]) -> dict[str, Any]:
    """The context of a grant: for each scope that binds, what the learner chose (checked to be theirs)."""
    context: dict[str, Any] = {}
    for name in scope_to_list(scope or ""):
        definition = registry.scope(name)
        if definition is None or definition.bind is None:
            continue
        chosen = choices.get(name) or None
        if definition.options is not None and chosen is None:
            raise ValidationFailed.single(f"choice-{name}", "required", _("Choose one."))
        context[name] = definition.bind(user, params, chosen)
    return context


def token_for(access_token: str, scope: str) -> Token:
    """The live token a Bearer string names, if it carries ``scope``."""
    token = (
        Token.objects.select_related("user", "client")
        .filter(access_token_hash=secret_hash(access_token or ""))
        .first()
    )
    if token is None or token.is_revoked() or token.is_expired() or not token.user.is_active:
        raise TokenRefused("invalid_token", "The access token is unknown, revoked or expired.", 401)
    if token.client.disabled_at is not None:
        raise TokenRefused("invalid_token", "The client of this token was disabled.", 401)
    if scope not in scope_to_list(token.scope):
        raise TokenRefused("insufficient_scope", f"The access token does not carry the scope {scope}.", 403)
    return token


@dataclass(frozen=True)
class AuthorizedClient:
    client: Client
    scopes: list[str]
    first_authorized: Any
    last_authorized: Any


def authorized_clients(user: User) -> list[AuthorizedClient]:
    """The clients holding a live (not revoked) token or refresh token of ``user``."""
    by_client: dict[int, list[Token]] = {}
    live = Token.objects.filter(user=user, refresh_revoked_at__isnull=True).select_related("client")
    for token in live.order_by("issued_at"):
        by_client.setdefault(token.client_id, []).append(token)
    shown = []
    for tokens in by_client.values():
        scopes = sorted({s for token in tokens for s in scope_to_list(token.scope)})
        shown.append(AuthorizedClient(tokens[0].client, scopes, tokens[0].issued_at, tokens[-1].issued_at))
    return sorted(shown, key=lambda item: item.last_authorized, reverse=True)


def revoke_client(*, actor: User, client_id: str) -> int:
    """Withdraw every token ``actor`` gave ``client_id``: the client loses access at once."""
    client = Client.objects.filter(client_id=client_id).first()
    if client is None:
        raise NotFound(_("No such application."), code="client_not_found")
    now = timezone.now()
    with transaction.atomic():
        live = Token.objects.filter(user=actor, client=client, refresh_revoked_at__isnull=True)
        count = live.update(revoked_at=now, refresh_revoked_at=now)
        if not count:
            raise NotFound(_("This application has no access to revoke."), code="client_not_authorized")
        record(actor=actor, action="oauth.revoke_client", target=client, after={"tokens": count})
    return count
