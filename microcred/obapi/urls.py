"""Routes of the Open Badges 3.0 API. ``ACCESS`` declares who may call each; ``tests/test_urls.py`` fails for a route
without a declaration."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, own, public
from microcred.obapi import views

app_name = "obapi"

urlpatterns = [
    path("ims/ob/v3p0/discovery", views.discovery_document, name="discovery"),
    path("ims/ob/v3p0/credentials", views.credentials, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, name="profile"),
]

ACCESS: dict[str, RouteAccess] = {
    "discovery": public("the service description document: public by the specification"),
    "credentials": own("a Bearer token with the credential scopes: the token's learner's own wallet"),
    "profile": own("a Bearer token with the profile scopes: the token's learner's own profile"),
}
