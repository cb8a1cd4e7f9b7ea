"""The OID4VCI 1.0 Credential Issuer Metadata, the RFC 8414 authorization-server metadata, and Credential Offers.

The credential issuer is the platform's public URL (``MICROCRED_PUBLIC_URL``); it is also its own authorization
server, for the pre-authorized code grant and the authorization code grant with PKCE.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.issuing.models import IssuedCredential
from microcred.oauth.server import server_metadata
from microcred.vc.loader import CREDENTIALS_V2, OB_V3P0

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP_VC = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON = "OpenBadgeCredential_jwt_vc_json"
# configuration id → format
CONFIGURATIONS = {LDP_VC: "ldp_vc", JWT_VC_JSON: "jwt_vc_json"}
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
BINDING_METHODS = ["did:key", "did:jwk", "jwk"]
PROOF_TYPES = {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "Ed25519", "ES256"]}}
LANGUAGES = ("en", "fr")


def credential_issuer() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def url(name: str, *args: str) -> str:
    return credential_issuer() + reverse(name, args=args)


def _in_each_language(make: Any) -> list[dict[str, Any]]:
    shown = []
    for language in LANGUAGES:
        with translation.override(language):
            shown.append({**make(), "locale": language})
    return shown


def _credential_display() -> dict[str, str]:
    return {
        "name": _("Micro-credential (Open Badge 3.0)"),
        "description": _("A micro-credential issued on microcred, as an Open Badges 3.0 verifiable credential."),
        "background_color": "#1f3a5f",
        "text_color": "#ffffff",
    }


def _configuration(fmt: str) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": CREDENTIAL_TYPES}
    if fmt == "ldp_vc":
        definition = {"@context": [CREDENTIALS_V2, OB_V3P0], "type": CREDENTIAL_TYPES}
    display = _in_each_language(_credential_display)
    return {
        "format": fmt,
        "scope": "OpenBadgeCredential",
        "credential_definition": definition,
        "cryptographic_binding_methods_supported": BINDING_METHODS,
        "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"] if fmt == "ldp_vc" else ["EdDSA"],
        "proof_types_supported": PROOF_TYPES,
        # OID4VCI 1.0 puts display under credential_metadata; drafts up to 15 read it beside the format.
        "credential_metadata": {"display": display},
        "display": display,
    }


def issuer_metadata() -> dict[str, Any]:
    """Credential Issuer Metadata (OID4VCI 1.0 §12.2)."""
    return {
        "credential_issuer": credential_issuer(),
        "authorization_servers": [credential_issuer()],
        "credential_endpoint": url("delivery:credential"),
        "nonce_endpoint": url("delivery:nonce"),
        "display": _in_each_language(lambda: {"name": _("microcred")}),
        "credential_configurations_supported": {key: _configuration(fmt) for key, fmt in CONFIGURATIONS.items()},
    }


def authorization_server_metadata() -> dict[str, Any]:
    """RFC 8414 metadata of the same server (OID4VCI 1.0 §12.3): the pre-authorized code grant, and the
    authorization code grant with PKCE of ``microcred.oauth``, both at this token endpoint."""
    oauth = server_metadata()
    return {
        **oauth,
        "issuer": credential_issuer(),
        "token_endpoint": url("delivery:token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT, *oauth["grant_types_supported"]],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


def credential_offer(credential: IssuedCredential, code: str, tx_length: int, issuer_state: str) -> dict[str, Any]:
    """The Credential Offer object (OID4VCI 1.0 §4.1.1) for one credential: its pre-authorized code, and the
    authorization code grant whose ``issuer_state`` preselects the credential on the consent page."""
    configuration = JWT_VC_JSON if credential.proof_format == "vc-jwt" else LDP_VC
    others = [key for key in CONFIGURATIONS if key != configuration]
    return {
        "credential_issuer": credential_issuer(),
        "credential_configuration_ids": [configuration, *others],
        "grants": {
            PRE_AUTHORIZED_GRANT: {
                "pre-authorized_code": code,
                "tx_code": {
                    "input_mode": "numeric",
                    "length": tx_length,
                    "description": _("The code shown beside the QR code on your wallet page."),
                },
            },
            "authorization_code": {"issuer_state": issuer_state},
        },
    }


def offer_link_by_value(offer: dict[str, Any]) -> str:
    payload = json.dumps(offer, separators=(",", ":"), ensure_ascii=False)
    return "openid-credential-offer://?" + urlencode({"credential_offer": payload}, quote_via=quote)


def offer_link_by_reference(uri: str) -> str:
    return "openid-credential-offer://?" + urlencode({"credential_offer_uri": uri}, quote_via=quote)
