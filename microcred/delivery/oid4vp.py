"""OpenID for Verifiable Presentations 1.0: an employer's request as an Authorization Request by reference.

* The link (and QR) is ``openid4vp://?client_id=redirect_uri:<response URI>&request_uri=<request URI>``; the same
  request by value (every parameter in the link) is offered too.
* ``GET request_uri`` answers the Request Object (``application/oauth-authz-req+jwt``): ``response_type=vp_token``,
  ``response_mode=direct_post``, the ``response_uri``, a fresh ``nonce`` (no ``state``: the response URI is the
  exchange's own, and Digital Bazaar's client does not echo it) and a ``dcql_query`` asking for
  one Open Badges credential in the ``ldp_vc`` format (with a claim filter on the achievement id or issuer id when
  the request names one). With the ``redirect_uri:`` client identifier prefix the request must not be signed
  (OpenID4VP 1.0, client identifier prefixes), so the JWT is unsecured (``alg: none``): no verifier key to trust.
* The wallet POSTs ``vp_token`` (a JSON object: the credential query id → a list of presentations),
  form-encoded, to the ``response_uri``. Each presentation is a Data Integrity ``ldp_vp`` whose authentication
  proof carries ``challenge`` = the nonce and ``domain`` = the client_id (OpenID4VP 1.0, the W3C VC format's
  appendix), verified by :mod:`microcred.vc.presentation`; the credentials inside are verified and recorded as for
  a VC-API request.

Left out: signed requests (``x509_san_dns``, ``verifier_attestation``), ``direct_post.jwt`` (encrypted responses),
JWT presentations (``jwt_vc_json``), SD-JWT VC and mdoc, transaction data, the Digital Credentials API.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

from microcred.delivery import metadata, presentations
from microcred.delivery.exchanges import ACCEPTED_CRYPTOSUITES, ExchangeError, _hash, token_of
from microcred.delivery.models import Exchange, ExchangeKind, PresentationRequest, Protocol
from microcred.issuing import verification
from microcred.vc import presentation as vp

CREDENTIAL_QUERY_ID = "open_badge"
OB_TYPE_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
MAX_PRESENTATIONS = 4


class OID4VPError(ExchangeError):
    """An error answer of the response endpoint: ``{"error", "error_description"}`` (OAuth 2.0 form)."""

    def to_json(self) -> dict[str, str]:
        return {"error": self.code, "error_description": self.message}


def response_uri(exchange: Exchange) -> str:
    return metadata.url("delivery:oid4vp_response", token_of(exchange))


def request_uri(exchange: Exchange) -> str:
    return metadata.url("delivery:oid4vp_request", token_of(exchange))


def client_id(exchange: Exchange) -> str:
    return f"redirect_uri:{response_uri(exchange)}"


def authorization_link(exchange: Exchange) -> str:
    return "openid4vp://?" + urlencode({"client_id": client_id(exchange), "request_uri": request_uri(exchange)})


def dcql_query(request: PresentationRequest) -> dict[str, Any]:
    query: dict[str, Any] = {
        "id": CREDENTIAL_QUERY_ID,
        "format": "ldp_vc",
        "meta": {"type_values": [[VC_TYPE_IRI, OB_TYPE_IRI]]},
    }
    claims = []
    if request.achievement_id:
        claims.append({"path": ["credentialSubject", "achievement", "id"], "values": [request.achievement_id]})
    if request.issuer_id:
        claims.append({"path": ["issuer", "id"], "values": [request.issuer_id]})
    if claims:
        query["claims"] = claims
    return {"credentials": [query]}


def _live(token: str) -> Exchange:
    exchange = Exchange.objects.filter(token_hash=_hash(token or ""), kind=ExchangeKind.OID4VP).first()
    if exchange is None or exchange.request is None:
        raise OID4VPError("invalid_request", "There is no such presentation request.", 404)
    if exchange.used_at is not None:
        raise OID4VPError("invalid_request", "This presentation request has been answered already.", 410)
    from django.utils import timezone

    if exchange.expires_at <= timezone.now():
        raise OID4VPError("invalid_request", "This presentation request has expired.", 410)
    return exchange


def authorization_request(exchange: Exchange) -> dict[str, Any]:
    """The Authorization Request's parameters (the Request Object's claims, or the link's query by value)."""
    return {
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "client_id": client_id(exchange),
        "response_uri": response_uri(exchange),
        "nonce": token_of(exchange),
        "dcql_query": dcql_query(exchange.request),
        "client_metadata": {
            "vp_formats_supported": {
                "ldp_vc": {
                    "proof_type_values": ["DataIntegrityProof", "Ed25519Signature2020"],
                    "cryptosuite_values": [suite for suite in ACCEPTED_CRYPTOSUITES if "-" in suite],
                }
            }
        },
    }


def authorization_link_by_value(exchange: Exchange) -> str:
    """The same request with every parameter in the link (JSON values as JSON strings), for wallets that take no
    unsigned request by reference."""
    parameters = {
        name: value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        for name, value in authorization_request(exchange).items()
    }
    return "openid4vp://?" + urlencode(parameters)


def request_object(token: str) -> str:
    """The unsecured Request Object JWT of a live OpenID4VP exchange."""
    exchange = _live(token)
    claims = {**authorization_request(exchange), "aud": "https://self-issued.me/v2"}

    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    return f"{part({'alg': 'none', 'typ': 'oauth-authz-req+jwt'})}.{part(claims)}."


def respond(*, token: str, vp_token: Any) -> None:
    """The wallet's direct_post: verify each presentation of ``vp_token`` and record what it presented. The request
    carries no ``state`` (the response URI names its exchange and the nonce binds the presentation), so a ``state``
    a wallet sends anyway is ignored."""
    exchange = _live(token)
    if not isinstance(vp_token, str) or not vp_token:
        raise OID4VPError("invalid_request", "vp_token is required.")
    try:
        parsed = json.loads(vp_token)
    except (RecursionError, json.JSONDecodeError) as error:
        raise OID4VPError("invalid_request", "vp_token is not a JSON object.") from error
    if not isinstance(parsed, dict) or set(parsed) != {CREDENTIAL_QUERY_ID}:
        raise OID4VPError("invalid_request", f"vp_token must hold exactly the credential query {CREDENTIAL_QUERY_ID}.")
    presented = parsed[CREDENTIAL_QUERY_ID]
    presented = presented if isinstance(presented, list) else [presented]
    if len(presented) != 1:
        raise OID4VPError("invalid_request", "Send one presentation for the credential query.")
    if not isinstance(presented[0], dict):
        raise OID4VPError("invalid_request", "Only ldp_vp (Data Integrity) presentations are accepted.")
    report = vp.verify_presentation(
        presented[0],
        challenge=token_of(exchange),
        domain=client_id(exchange),
        verify_credential=verification.verify_credential,
    )
    if not report.valid:
        failure = report.first_failure
        raise OID4VPError("invalid_request", f"{report.reason}: {failure.message if failure else 'refused'}")
    try:
        presentations.record_response(
            exchange=exchange, protocol=Protocol.OID4VP, presented=presented[0], report=report
        )
    except ExchangeError as error:
        raise OID4VPError("invalid_request", f"{error.code}: {error.message}", error.status) from error
