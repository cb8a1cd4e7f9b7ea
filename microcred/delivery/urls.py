"""Routes of OID4VCI, VC-API exchanges, OpenID4VP, the "Add to a wallet" page and employers' presentation requests.
``ACCESS`` declares who may call each (as
``accounts.route_access`` does for the API); ``tests/test_urls.py`` fails for a route without a declaration."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, needs, own, public
from microcred.delivery import exchange_views, views

app_name = "delivery"

urlpatterns = [
    path(".well-known/openid-credential-issuer", views.issuer_metadata, name="issuer_metadata"),
    path(".well-known/oauth-authorization-server", views.authorization_server_metadata, name="as_metadata"),
    path("oid4vci/offers/<str:token>", views.offer_by_reference, name="offer"),
    path("oid4vci/token", views.token, name="token"),
    path("oid4vci/nonce", views.nonce, name="nonce"),
    path("oid4vci/credential", views.credential, name="credential"),
    path("wallet/credentials/<str:public_id>/add-to-wallet/", views.add_to_wallet, name="add_to_wallet"),
    # VC-API exchanges: /workflows/<workflow>/exchanges/<id> is canonical; /exchanges/<id> is the same exchange
    path("workflows/<slug:workflow>/exchanges/<str:token>", exchange_views.exchange, name="exchange"),
    path("exchanges/<str:token>", exchange_views.exchange, name="exchange_short"),
    path(
        "wallet/credentials/<str:public_id>/add-to-wallet/exchange",
        exchange_views.start_wallet_exchange,
        name="start_wallet_exchange",
    ),
    path("oid4vp/requests/<str:token>", exchange_views.oid4vp_request, name="oid4vp_request"),
    path("oid4vp/responses/<str:token>", exchange_views.oid4vp_response, name="oid4vp_response"),
    path(
        "employers/<slug:slug>/presentation-requests/",
        exchange_views.presentation_requests,
        name="presentation_requests",
    ),
    path(
        "employers/<slug:slug>/presentation-requests/<str:public_id>/",
        exchange_views.presentation_request,
        name="presentation_request",
    ),
]

ACCESS: dict[str, RouteAccess] = {
    "issuer_metadata": public("OID4VCI Credential Issuer Metadata: public by the specification"),
    "as_metadata": public("RFC 8414 authorization-server metadata: public by the specification"),
    "offer": public("a Credential Offer by reference, at an unguessable URL that carries its pre-authorized code"),
    "token": public("anyone holding a live pre-authorized code and its tx_code (limited attempts)"),
    "nonce": public("a fresh c_nonce; it only lets a key proof be fresh"),
    "credential": public("a Bearer access token from the token endpoint, for that offer's credential only"),
    "add_to_wallet": own("the learner's own issued credential (else 404)"),
    "exchange": public("a VC-API exchange at an unguessable, single-use, 10-minute URL; DID authentication inside"),
    "exchange_short": public("the same VC-API exchange as /workflows/<workflow>/exchanges/<id>"),
    "start_wallet_exchange": own("a VC-API exchange of the learner's own issued credential (else 404)"),
    "oid4vp_request": public("an OpenID4VP Request Object at an unguessable, single-use, 10-minute URL"),
    "oid4vp_response": public("an OpenID4VP direct_post response to a live request (nonce-bound presentation)"),
    "presentation_requests": needs("employers.request_presentations"),
    "presentation_request": needs("employers.request_presentations"),
}
