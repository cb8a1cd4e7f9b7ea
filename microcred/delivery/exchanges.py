"""VC-API exchanges (W3C CCG VC-API, "Exchanges"): a learner's credential to a wallet after DID authentication, as
the DCC Learner Credential Wallet runs them, and an employer's request answered by a wallet (QueryByExample + DID
authentication).

An exchange lives ``MICROCRED_EXCHANGE_SECONDS`` (600) and is used once. Its id is random (derived from a salt under
the site's secret key, like an offer's secrets: only its hash is looked up), and is also the ``challenge`` the
holder signs. Whoever holds the exchange URL may complete it, exactly as whoever holds a credential offer: it is
shown only to the signed-in learner (or employer) and dies after one use or ten minutes.

A wallet talks to ``POST /workflows/<workflow>/exchanges/<id>`` (canonical, the VC-API form; ``/exchanges/<id>``
is the same exchange) in one of two ways:

* VC-API: ``{}`` answers ``{"verifiablePresentationRequest": …}``; then ``{"verifiablePresentation": VP}`` signed
  for ``authentication`` with that challenge and domain answers ``{"verifiablePresentation": {…credential…}}`` (a
  delivery), or ``{}`` (a presentation request: the employer reads the report).
* The Learner Credential Wallet's deep link (``dccrequest://request?…&challenge=<id>&vc_request_url=<url>``): the
  wallet POSTs the bare DID-authentication presentation, signed with the challenge of the link and no domain, and
  reads the answer as a presentation (``type: VerifiablePresentation``). Accepted for delivery exchanges only.

Every refusal is :class:`ExchangeError` with a stable code and a 4xx status; nothing is issued or recorded then.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import record
from microcred.delivery import metadata, selectors
from microcred.delivery.models import Delivery, Exchange, ExchangeKind, PresentationRequest, Protocol
from microcred.errors import DomainError, Gone
from microcred.issuing import services as issuing
from microcred.issuing import verification
from microcred.issuing.models import IssuedCredential, ProofFormat
from microcred.vc import presentation as vp
from microcred.vc.loader import CREDENTIALS_V2

WORKFLOW_DELIVERY = "credential-delivery"
WORKFLOW_PRESENTATION = "presentation-request"
WORKFLOWS = {WORKFLOW_DELIVERY: ExchangeKind.DELIVERY, WORKFLOW_PRESENTATION: ExchangeKind.PRESENTATION}
ACCEPTED_CRYPTOSUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"]
LCW_SCHEME = "dccrequest://request"
LCW_WEB = "https://lcw.app/request.html"


class ExchangeError(Exception):
    """A refused exchange step: a stable ``code``, an English ``message`` and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def exchange_seconds() -> int:
    return int(getattr(settings, "MICROCRED_EXCHANGE_SECONDS", 600))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_of(exchange: Exchange) -> str:
    """The exchange's id in its URL (and its challenge, or OID4VP nonce), derived from its salt."""
    key = (settings.SECRET_KEY + "\x00vc-api-exchange").encode("utf-8")
    digest = hmac.new(key, exchange.salt.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).rstrip(b"=").decode("ascii")


def domain() -> str:
    """The ``domain`` a holder's authentication proof names: this platform's host (and port)."""
    return urlsplit(metadata.credential_issuer()).netloc


def workflow_of(exchange: Exchange) -> str:
    return WORKFLOW_DELIVERY if exchange.kind == ExchangeKind.DELIVERY else WORKFLOW_PRESENTATION


def exchange_url(exchange: Exchange) -> str:
    return metadata.url("delivery:exchange", workflow_of(exchange), token_of(exchange))


def new_exchange(
    *, kind: str, credential: IssuedCredential | None = None, learner: User | None = None, request: Any = None
) -> Exchange:
    """A fresh exchange row (the caller is inside its service's transaction and audits it)."""
    salt = secrets.token_urlsafe(32)
    exchange = Exchange(
        kind=kind,
        salt=salt,
        credential=credential,
        learner=learner,
        request=request,
        expires_at=timezone.now() + timedelta(seconds=exchange_seconds()),
    )
    exchange.token_hash = _hash(token_of(exchange))
    exchange.save()
    return exchange


# ---------------------------------------------------------------- the learner


def create_delivery_exchange(*, actor: User, credential_public_id: Any) -> Exchange:
    """A new VC-API exchange that hands a copy of one of ``actor``'s own credentials to the wallet that
    authenticates its DID."""
    credential = selectors.own_credential(actor, credential_public_id)
    if credential.revoked_at is not None or credential.suspended_at is not None:
        raise Gone(_("A revoked or suspended credential cannot be added to a wallet."), code="credential_not_valid")
    with transaction.atomic():
        exchange = new_exchange(kind=ExchangeKind.DELIVERY, credential=credential, learner=actor)
        record(
            actor=actor,
            action="delivery.exchange",
            target=exchange,
            organization=credential.organization,
            after={"credential": str(credential.public_id), "expires_at": exchange.expires_at.isoformat()},
        )
    return exchange


def shown_delivery_exchange(*, actor: User, credential: IssuedCredential, public_id: Any) -> Exchange | None:
    """The learner's own live exchange of ``credential``, or None once it is used or expired."""
    exchange = (
        Exchange.objects.filter(public_id=_uuid(public_id), learner=actor, credential=credential).first()
        if _uuid(public_id)
        else None
    )
    if exchange is None or exchange.used_at or exchange.expires_at <= timezone.now():
        return None
    return exchange


def _uuid(value: Any) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


@dataclass(frozen=True)
class WalletLinks:
    """How the Learner Credential Wallet is sent to an exchange: its deep link (also the QR) and the web link the
    DCC gives for e-mail clients that strip custom schemes (it redirects to the deep link)."""

    deep_link: str
    web_link: str
    exchange_url: str


def wallet_links(exchange: Exchange) -> WalletLinks:
    url = exchange_url(exchange)
    query = urlencode(
        {"issuer": metadata.credential_issuer(), "auth_type": "bearer", "challenge": token_of(exchange),
         "vc_request_url": url}
    )  # fmt: skip
    return WalletLinks(deep_link=f"{LCW_SCHEME}?{query}", web_link=f"{LCW_WEB}?{query}", exchange_url=url)


def chapi_link(exchange: Exchange) -> str:
    """The Learner Credential Wallet's link to a VC-API exchange it runs in full (``{}`` first, then what the
    request asks for): ``dccrequest://request?request=<{"credentialRequestOrigin", "protocols": {"vcapi"}}>``."""
    request = {"credentialRequestOrigin": metadata.credential_issuer(), "protocols": {"vcapi": exchange_url(exchange)}}
    return f"{LCW_SCHEME}?{urlencode({'request': json.dumps(request, separators=(',', ':'))})}"


# ---------------------------------------------------------------- the wallet


def _live(token: str, workflow: str | None) -> Exchange:
    exchange = Exchange.objects.filter(token_hash=_hash(token or "")).select_related("request").first()
    if exchange is None or exchange.kind == ExchangeKind.OID4VP:
        raise ExchangeError("exchange_not_found", "There is no such exchange.", 404)
    if workflow is not None and WORKFLOWS.get(workflow) != exchange.kind:
        raise ExchangeError("exchange_not_found", "There is no such exchange in this workflow.", 404)
    if exchange.used_at is not None:
        raise ExchangeError("exchange_used", "This exchange has been completed already: exchanges are single-use.", 410)
    if exchange.expires_at <= timezone.now():
        raise ExchangeError("exchange_expired", "This exchange has expired.", 410)
    return exchange


def presentation_request(exchange: Exchange) -> dict[str, Any]:
    """The ``verifiablePresentationRequest`` of an exchange (DIDAuthentication; with QueryByExample for an employer's
    request)."""
    token = token_of(exchange)
    did_auth = {
        "type": "DIDAuthentication",
        "acceptedMethods": [{"method": "key"}],
        "acceptedCryptosuites": [{"cryptosuite": suite} for suite in ACCEPTED_CRYPTOSUITES],
    }
    query: list[dict[str, Any]] = [did_auth]
    if exchange.kind == ExchangeKind.PRESENTATION and exchange.request is not None:
        query.insert(0, query_by_example(exchange.request))
    return {
        "query": query,
        "challenge": token,
        "domain": domain(),
        "interact": {
            "service": [{"type": "UnmediatedPresentationService2021", "serviceEndpoint": exchange_url(exchange)}]
        },
    }


def query_by_example(request: PresentationRequest) -> dict[str, Any]:
    example: dict[str, Any] = {"type": "OpenBadgeCredential"}
    if request.achievement_id:
        example["credentialSubject"] = {"achievement": {"id": request.achievement_id}}
    if request.issuer_id:
        example["issuer"] = {"id": request.issuer_id}
    return {
        "type": "QueryByExample",
        "credentialQuery": [{"reason": request.purpose, "required": True, "example": example}],
    }


def participate(*, token: str, workflow: str | None, body: Any) -> dict[str, Any]:
    """One POST of a wallet to an exchange; what to answer."""
    exchange = _live(token, workflow)
    if not isinstance(body, dict):
        raise ExchangeError("invalid_request", "The body must be a JSON object.")
    if not body:
        return {"verifiablePresentationRequest": presentation_request(exchange)}
    if set(body) == {"verifiablePresentation"}:
        presented, bare = body["verifiablePresentation"], False
    elif "VerifiablePresentation" in _types(body.get("type")) and exchange.kind == ExchangeKind.DELIVERY:
        presented, bare = body, True  # the Learner Credential Wallet's deep-link request
    else:
        raise ExchangeError("invalid_request", 'Send {} to start, then {"verifiablePresentation": …}.')
    report = vp.verify_presentation(
        presented,
        challenge=token_of(exchange),
        domain=domain(),
        require_domain=not bare,
        verify_credential=verification.verify_credential,
    )
    if not report.valid:
        failure = report.first_failure
        raise ExchangeError(report.reason or "presentation_invalid", failure.message if failure else "Refused.")
    if exchange.kind == ExchangeKind.DELIVERY:
        copy = _deliver(exchange, report.holder or "")
        wrapped = {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "verifiableCredential": [copy]}
        return wrapped if bare else {"verifiablePresentation": wrapped}
    from microcred.delivery import presentations

    presentations.record_response(exchange=exchange, protocol=Protocol.VC_API, presented=presented, report=report)
    return {}


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _deliver(exchange: Exchange, holder: str) -> dict[str, Any]:
    now = timezone.now()
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if locked.used_at is not None:
            raise ExchangeError("exchange_used", "This exchange has been completed already.", 410)
        if locked.expires_at <= now:
            raise ExchangeError("exchange_expired", "This exchange has expired.", 410)
        credential = IssuedCredential.objects.select_related("organization").get(pk=exchange.credential_id)
        if credential.revoked_at is not None or credential.suspended_at is not None:
            raise ExchangeError("credential_not_valid", "The credential was revoked or suspended.", 410)
        try:
            copy_id, document, _token = issuing.sign_holder_copy(
                actor=None, credential=credential, holder_id=holder, proof_format=ProofFormat.DATA_INTEGRITY_RDFC
            )
        except DomainError as error:
            raise ExchangeError("credential_request_denied", error.message) from error
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        delivery = Delivery.objects.create(
            credential=credential,
            exchange=locked,
            protocol=Protocol.VC_API,
            holder_id=holder,
            configuration_id=metadata.LDP_VC,
            copy_id=copy_id,
            document=document,
        )
        record(
            actor=exchange.learner,
            action="delivery.deliver",
            target=delivery,
            organization=credential.organization,
            after={"credential": str(credential.public_id), "copy": copy_id, "holder": holder,
                   "protocol": Protocol.VC_API, "exchange": str(locked.public_id)},
        )  # fmt: skip
    return document
