"""The authorization server, built on Authlib (RFC 6749 code and refresh grants, RFC 7636 PKCE with S256 only,
RFC 7009 revocation, RFC 7591 dynamic client registration); only the storage is ours.

Every secret (code, access token, refresh token, client secret) is stored as its SHA-256. Public clients
(``token_endpoint_auth_method: none``) must use PKCE; a code is single use: a second use revokes the tokens it
bought (RFC 6749 §4.1.2).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.django_oauth2 import AuthorizationServer as DjangoAuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint as BaseRevocationEndpoint
from authlib.oauth2.rfc7591 import ClientMetadataClaims, InvalidRedirectURIError
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint as BaseRegistrationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from microcred.audit.services import record
from microcred.oauth import registry
from microcred.oauth.models import AuthorizationCode, Client, Token, secret_hash

CODE_SECONDS = 600
ACCESS_SECONDS = 3600
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
ACCESS_HINT, REFRESH_HINT = "access_token", "refresh_token"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def issuer() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


class S256Only(CodeChallenge):
    """PKCE, required of every client at the authorization endpoint, S256 only (``plain`` offers nothing against
    a code seen in transit)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        if not grant.request.payload.data.get("code_challenge"):
            raise InvalidRequestError("code_challenge is required (PKCE, S256).", redirect_uri=redirect_uri)
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code: str, request: Any) -> AuthorizationCode:
        payload = request.payload.data
        return AuthorizationCode.objects.create(
            code_hash=secret_hash(code),
            client=request.client,
            user=request.user,
            redirect_uri=request.payload.redirect_uri or "",
            scope=request.client.get_allowed_scope(request.payload.scope or ""),
            code_challenge=payload.get("code_challenge", ""),
            code_challenge_method=payload.get("code_challenge_method") or "S256",
            context=getattr(request, "microcred_context", {}),
            expires_at=timezone.now() + timedelta(seconds=CODE_SECONDS),
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        found = (
            AuthorizationCode.objects.select_related("user")
            .filter(code_hash=secret_hash(code or ""), client=client)
            .first()
        )
        if found is None:
            return None
        if found.used_at is not None:
            # A replayed code: revoke what it bought (RFC 6749 §4.1.2), and refuse.
            Token.objects.filter(client=client, user=found.user, issued_at__gte=found.auth_time).update(
                revoked_at=timezone.now(), refresh_revoked_at=timezone.now()
            )
            return None
        if found.expires_at <= timezone.now():
            return None
        return found

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        authorization_code.used_at = timezone.now()
        authorization_code.save(update_fields=["used_at"])

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Any:
        user = authorization_code.user
        return user if user.is_active else None


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: each refresh token works once

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        token = (
            Token.objects.select_related("user", "client")
            .filter(refresh_token_hash=secret_hash(refresh_token or ""))
            .first()
        )
        if token is None or token.refresh_revoked_at is not None:
            return None
        return token

    def authenticate_user(self, refresh_token: Token) -> Any:
        return refresh_token.user if refresh_token.user.is_active else None

    def revoke_old_credential(self, refresh_token: Token) -> None:
        now = timezone.now()
        refresh_token.revoked_at = refresh_token.revoked_at or now
        refresh_token.refresh_revoked_at = now
        refresh_token.save(update_fields=["revoked_at", "refresh_revoked_at"])


class RevocationEndpoint(BaseRevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        digest = secret_hash(token_string or "")
        if token_type_hint != REFRESH_HINT:
            found = Token.objects.filter(access_token_hash=digest).first()
            if found is not None or token_type_hint == ACCESS_HINT:
                return found
        return Token.objects.filter(refresh_token_hash=digest).first()

    def revoke_token(self, token: Token, request: Any) -> None:
        now = timezone.now()
        token.revoked_at = token.revoked_at or now
        token.refresh_revoked_at = token.refresh_revoked_at or now
        token.save(update_fields=["revoked_at", "refresh_revoked_at"])
        record(actor=None, action="oauth.revoke", target=token, after={"client": token.client.client_id})


def redirect_uri_allowed(uri: str) -> bool:
    """https, http on a loopback address (RFC 8252 §7.3), or a private-use scheme in reverse-domain form
    (RFC 8252 §7.1); never a fragment, never javascript:/data:/file:."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    if parts.fragment or not parts.scheme or len(uri) > 2000:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme == "http":
        return parts.hostname in LOOPBACK
    return "." in parts.scheme and parts.scheme not in {"javascript", "data", "file", "vbscript"}


class RedirectUriClaims(ClientMetadataClaims):
    def validate_redirect_uris(self) -> None:
        uris = self.get("redirect_uris")
        if not uris or not isinstance(uris, list) or len(uris) > 10:
            raise InvalidRedirectURIError()
        for uri in uris:
            if not isinstance(uri, str) or not redirect_uri_allowed(uri):
                raise InvalidRedirectURIError()
        super().validate_redirect_uris()


class ClientRegistrationEndpoint(BaseRegistrationEndpoint):
    """RFC 7591 open registration: any client may register; what it may do is then the learner's consent."""

    software_statement_alg_values_supported = ["RS256", "ES256", "EdDSA"]

    def authenticate_token(self, request: Any) -> bool:
        return True  # open registration, as the 1EdTech Open Badges API profile expects

    def resolve_public_key(self, request: Any) -> None:
        return None

    def get_server_metadata(self) -> dict[str, Any]:
        return server_metadata()

    def generate_client_info(self, request: Any) -> dict[str, Any]:
        info = super().generate_client_info(request)
        if request.payload.data.get("token_endpoint_auth_method") == "none":  # a public client gets no secret
            info.pop("client_secret", None)
            info.pop("client_secret_expires_at", None)
        return info

    def generate_client_id(self, request: Any) -> str:
        return new_client_id()

    def save_client(self, client_info: dict[str, Any], client_metadata: dict[str, Any], request: Any) -> Client:
        method = client_metadata.get("token_endpoint_auth_method", "client_secret_basic")
        secret = client_info.get("client_secret") if method != "none" else None
        requested = scope_to_list(client_metadata.get("scope") or "") or registry.scopes_supported()
        unknown = [s for s in requested if registry.scope(s) is None]
        if unknown:
            raise InvalidScopeError(description=f"Unknown scopes: {' '.join(unknown)}")
        with transaction.atomic():
            client = Client.objects.create(
                client_id=client_info["client_id"],
                client_secret_hash=secret_hash(secret) if secret else "",
                client_name=str(client_metadata.get("client_name") or "")[:200] or client_info["client_id"],
                client_uri=str(client_metadata.get("client_uri") or "")[:500],
                logo_uri=str(client_metadata.get("logo_uri") or "")[:500],
                redirect_uris=client_metadata["redirect_uris"],
                grant_types=client_metadata.get("grant_types") or ["authorization_code"],
                response_types=client_metadata.get("response_types") or ["code"],
                scope=" ".join(requested),
                token_endpoint_auth_method=method,
                metadata=client_metadata,
            )
            record(actor=None, action="oauth.register", target=client, after={"client_id": client.client_id})
        return client

    def generate_client_registration_info(self, client: Client, request: Any) -> dict[str, Any]:
        return {}


class AuthorizationServer(DjangoAuthorizationServer):
    def __init__(self) -> None:
        super().__init__(Client, Token)

    def load_config(self, config: dict[str, Any]) -> None:
        super().load_config(
            {
                "token_expires_in": {"authorization_code": ACCESS_SECONDS, "refresh_token": ACCESS_SECONDS},
                "refresh_token_generator": True,
                **config,
            }
        )

    def query_client(self, client_id: str) -> Client | None:
        if not isinstance(client_id, str) or len(client_id) > 64:
            return None
        return Client.objects.filter(client_id=client_id, disabled_at__isnull=True).first()

    def validate_requested_scope(self, scope: str) -> None:
        self.scopes_supported = registry.scopes_supported()
        super().validate_requested_scope(scope)
        if not scope:
            raise InvalidScopeError(description="A scope is required.")

    def save_token(self, token: dict[str, Any], request: Any) -> Token:
        code = getattr(request, "authorization_code", None)
        previous = getattr(request, "refresh_token", None)
        context = code.context if code is not None else previous.context if previous is not None else {}
        user = request.user
        saved = Token.objects.create(
            client=request.client,
            user=user,
            access_token_hash=secret_hash(token["access_token"]),
            refresh_token_hash=secret_hash(token["refresh_token"]) if token.get("refresh_token") else None,
            scope=token.get("scope", ""),
            context=context,
            expires_in=int(token.get("expires_in", ACCESS_SECONDS)),
        )
        record(
            actor=user,
            action="oauth.token",
            target=saved,
            after={"client": request.client.client_id, "scope": saved.scope},
        )
        return saved


def server_metadata() -> dict[str, Any]:
    """RFC 8414 metadata for the authorization code grant (merged by OID4VCI with its pre-authorized grant)."""
    from django.urls import reverse

    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": base + reverse("oauth:authorize"),
        "token_endpoint": base + reverse("oauth:token"),
        "revocation_endpoint": base + reverse("oauth:revoke"),
        "registration_endpoint": base + reverse("oauth:register"),
        "scopes_supported": registry.scopes_supported(),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
    }


_server: AuthorizationServer | None = None


def server() -> AuthorizationServer:
    global _server
    if _server is None:
        built = AuthorizationServer()
        built.register_grant(AuthorizationCodeGrant, [S256Only(required=True)])
        built.register_grant(RefreshTokenGrant)
        built.register_endpoint(RevocationEndpoint)
        built.register_endpoint(ClientRegistrationEndpoint(claims_classes=[RedirectUriClaims]))
        _server = built
    return _server


def new_client_id() -> str:
    return secrets.token_urlsafe(24)
