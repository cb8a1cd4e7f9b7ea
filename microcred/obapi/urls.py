"""Routes of the Open Badges 3.0 and CLR 2.0 APIs. ``ACCESS`` declares who may call each; ``tests/test_urls.py``
fails for a route without a declaration."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, own, public
from microcred.obapi import views

app_name = "obapi"

OB, CLR = {"api": "ob"}, {"api": "clr"}

urlpatterns = [
    path("ims/ob/v3p0/discovery", views.discovery_document, OB, name="discovery"),
    path("ims/ob/v3p0/credentials", views.credentials, OB, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, OB, name="profile"),
    path("ims/clr/v2p0/discovery", views.discovery_document, CLR, name="clr_discovery"),
    path("ims/clr/v2p0/credentials", views.credentials, CLR, name="clr_credentials"),
    path("ims/clr/v2p0/profile", views.profile, CLR, name="clr_profile"),
]

ACCESS: dict[str, RouteAccess] = {
    "discovery": public("the service description document: public by the specification"),
    "credentials": own("a Bearer token with the credential scopes: the token's learner's own wallet"),
    "profile": own("a Bearer token with the profile scopes: the token's learner's own profile"),
    "clr_discovery": public("the CLR 2.0 service description document: public by the specification"),
    "clr_credentials": own("a Bearer token with the CLR credential scopes: the token's learner's own record"),
    "clr_profile": own("a Bearer token with the CLR profile scopes: the token's learner's own profile"),
}
