"""Routes of the authorization server. ``ACCESS`` declares who may call each (as ``accounts.route_access`` does for
the API); ``tests/test_urls.py`` fails for a route without a declaration."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, own, public
from microcred.oauth import views

app_name = "oauth"

urlpatterns = [
    path("oauth/authorize", views.authorize, name="authorize"),
    path("oauth/token", views.token, name="token"),
    path("oauth/revoke", views.revoke, name="revoke"),
    path("oauth/register", views.register, name="register"),
    path("oauth/metadata", views.metadata, name="metadata"),
    path("wallet/applications/", views.applications, name="applications"),
]

ACCESS: dict[str, RouteAccess] = {
    "authorize": own("a signed-in person authorizes a client to act for themselves only"),
    "token": public("the token endpoint: a client with a code and its PKCE verifier, or a refresh token"),
    "revoke": public("RFC 7009: a client revokes its own token (authenticated as that client)"),
    "register": public("RFC 7591 open registration; a client gets nothing until a person consents"),
    "metadata": public("RFC 8414 metadata: public by the specification"),
    "applications": own("the person's own authorized applications"),
}
