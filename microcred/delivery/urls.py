"""Routes of OID4VCI and the "Add to a wallet" page. ``ACCESS`` declares who may call each (as
``accounts.route_access`` does for the API); ``tests/test_urls.py`` fails for a route without a declaration."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, own, public
from microcred.delivery import views

app_name = "delivery"

urlpatterns = [
    path(".well-known/openid-credential-issuer", views.issuer_metadata, name="issuer_metadata"),
    path(".well-known/oauth-authorization-server", views.authorization_server_metadata, name="as_metadata"),
    path("oid4vci/offers/<str:token>", views.offer_by_reference, name="offer"),
    path("oid4vci/token", views.token, name="token"),
    path("oid4vci/nonce", views.nonce, name="nonce"),
    path("oid4vci/credential", views.credential, name="credential"),
    path("wallet/credentials/<str:public_id>/add-to-wallet/", views.add_to_wallet, name="add_to_wallet"),
]

ACCESS: dict[str, RouteAccess] = {
    "issuer_metadata": public("OID4VCI Credential Issuer Metadata: public by the specification"),
    "as_metadata": public("RFC 8414 authorization-server metadata: public by the specification"),
    "offer": public("a Credential Offer by reference, at an unguessable URL that carries its pre-authorized code"),
    "token": public("anyone holding a live pre-authorized code and its tx_code (limited attempts)"),
    "nonce": public("a fresh c_nonce; it only lets a key proof be fresh"),
    "credential": public("a Bearer access token from the token endpoint, for that offer's credential only"),
    "add_to_wallet": own("the learner's own issued credential (else 404)"),
}
