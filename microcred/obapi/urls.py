"""Routes of the Open Badges 3.0 and CLR 2.0 APIs. ``ACCESS`` declares who may call each; ``tests/test_urls.py``
fails for a route without a declaration."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, own, public
from microcred.obapi import consumer_views, views

app_name = "obapi"

OB, CLR = {"api": "ob"}, {"api": "clr"}

urlpatterns = [
    path("ims/ob/v3p0/discovery", views.discovery_document, OB, name="discovery"),
    path("ims/ob/v3p0/credentials", views.credentials, OB, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, OB, name="profile"),
    path("ims/clr/v2p0/discovery", views.discovery_document, CLR, name="clr_discovery"),
    path("ims/clr/v2p0/credentials", views.credentials, CLR, name="clr_credentials"),
    path("ims/clr/v2p0/profile", views.profile, CLR, name="clr_profile"),
    path("wallet/platforms/", consumer_views.platforms, name="platforms"),
    path("wallet/platforms/callback", consumer_views.platform_callback, name="platform_callback"),
    path("wallet/platforms/<str:public_id>/continue", consumer_views.platform_continue, name="platform_continue"),
    path("wallet/platforms/<str:public_id>/<str:action>", consumer_views.platform_action, name="platform_action"),
]

ACCESS: dict[str, RouteAccess] = {
    "discovery": public("the service description document: public by the specification"),
    "credentials": own("a Bearer token with the credential scopes: the token's learner's own wallet"),
    "profile": own("a Bearer token with the profile scopes: the token's learner's own profile"),
    "clr_discovery": public("the CLR 2.0 service description document: public by the specification"),
    "clr_credentials": own("a Bearer token with the CLR credential scopes: the token's learner's own record"),
    "clr_profile": own("a Bearer token with the CLR profile scopes: the token's learner's own profile"),
    "platforms": own("the person's own connections to other platforms"),
    "platform_callback": own("the person's own pending connection (matched by the state in their session)"),
    "platform_continue": own("the person's own pending connection (else 404)"),
    "platform_action": own("the person's own connection (else 404)"),
}
