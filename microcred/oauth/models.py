"""OAuth 2.0 clients, authorization codes and tokens, in the shapes Authlib's grants expect (only hashes of secrets).

A client registers itself (RFC 7591) or is registered by an administrator; a learner authorizes it on the consent
page (authorization code grant with PKCE, S256 only); its tokens carry the scopes and the *context* the learner
chose on that page (for example which credential a wallet may receive), as the domain that owns the scope bound it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from django.conf import settings
from django.db import models
from django.utils import timezone


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Client(ClientMixin, models.Model):
    """A registered OAuth 2.0 client: a wallet, a backpack, another platform."""

    client_id = models.CharField(max_length=64, unique=True)
    client_secret_hash = models.CharField(max_length=64, blank=True, default="")  # empty: a public client
    client_name = models.CharField(max_length=200)
    client_uri = models.URLField(max_length=500, blank=True, default="")
    logo_uri = models.URLField(max_length=500, blank=True, default="")
    redirect_uris = models.JSONField(default=list)
    grant_types = models.JSONField(default=list)
    response_types = models.JSONField(default=list)
    scope = models.CharField(max_length=1000, blank=True, default="")
    token_endpoint_auth_method = models.CharField(max_length=40, default="none")
    metadata = models.JSONField(default=dict)  # the client metadata as registered (RFC 7591 §2)
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disabled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.client_name

    # Authlib's ClientMixin
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str) -> str:
        if not scope:
            return ""
        allowed = set(scope_to_list(self.scope)) if self.scope else None
        return list_to_scope([s for s in scope_to_list(scope) if allowed is None or s in allowed])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if not self.client_secret_hash:
            return False
        return hmac.compare_digest(self.client_secret_hash, secret_hash(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type in self.response_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


class AuthorizationCode(AuthorizationCodeMixin, models.Model):
    """A code of the authorization code grant: single use, 10 minutes, bound to the client, redirect URI, PKCE."""

    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="codes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.CharField(max_length=2000, blank=True, default="")
    scope = models.CharField(max_length=1000, blank=True, default="")
    code_challenge = models.CharField(max_length=128)
    code_challenge_method = models.CharField(max_length=10, default="S256")
    context = models.JSONField(default=dict)  # per scope, what the learner chose on the consent page
    auth_time = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code of {self.client_id} for {self.user_id}"

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_nonce(self) -> None:
        return None


class Token(TokenMixin, models.Model):
    """An access token (and its refresh token) given to a client for one user; revocable by either."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_tokens")
    access_token_hash = models.CharField(max_length=64, unique=True)
    refresh_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    scope = models.CharField(max_length=1000, blank=True, default="")
    context = models.JSONField(default=dict)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_in = models.PositiveIntegerField(default=3600)
    revoked_at = models.DateTimeField(null=True, blank=True)  # the access token
    refresh_revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"token of {self.client_id} for {self.user_id}"

    def check_client(self, client: Any) -> bool:
        return self.client_id == client.pk

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return self.issued_at.timestamp() + self.expires_in < timezone.now().timestamp()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def get_user(self) -> Any:
        return self.user

    def get_client(self) -> Client:
        return self.client
