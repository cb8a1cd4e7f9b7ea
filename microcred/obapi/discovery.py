"""The Open Badges 3.0 API's Service Description Document (``GET /ims/ob/v3p0/discovery``): an OpenAPI 3.0 document
with the 1EdTech extensions a client needs to register (RFC 7591) and to run the authorization code grant."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from microcred.obapi import scopes


def _absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def service_description(api: scopes.Api = scopes.OB) -> dict[str, Any]:
    base = _absolute(api.path)
    bearer = [{"OAuth2ACG": []}]
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "microcred",
            "version": api.version,
            "description": f"{api.title} API of a microcred platform.",
            "termsOfService": settings.TERMS_OF_SERVICE_URL,
            "x-imssf-privacyPolicyUrl": settings.PRIVACY_POLICY_URL,
        },
        "servers": [{"url": base, "description": "microcred"}],
        "paths": {
            "/credentials": {
                "get": {
                    "operationId": "getCredentials",
                    "security": [{"OAuth2ACG": [api.scope("credential.readonly")]}],
                },
                "post": {
                    "operationId": "upsertCredential",
                    "security": [{"OAuth2ACG": [api.scope("credential.upsert")]}],
                },
            },
            "/profile": {
                "get": {"operationId": "getProfile", "security": [{"OAuth2ACG": [api.scope("profile.readonly")]}]},
                "put": {"operationId": "putProfile", "security": [{"OAuth2ACG": [api.scope("profile.update")]}]},
            },
            "/discovery": {"get": {"operationId": "getServiceDescription", "security": []}},
        },
        "security": bearer,
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 authorization code grant with PKCE (S256)",
                    "x-imssf-registrationUrl": _absolute(reverse("oauth:register")),
                    "flows": {
                        "authorizationCode": {
                            "tokenUrl": _absolute(reverse("oauth:token")),
                            "authorizationUrl": _absolute(reverse("oauth:authorize")),
                            "refreshUrl": _absolute(reverse("oauth:token")),
                            "scopes": scopes.descriptions(api),
                        }
                    },
                }
            }
        },
    }
