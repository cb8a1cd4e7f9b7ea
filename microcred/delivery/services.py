"""OID4VCI 1.0, pre-authorized code flow: offers, tokens, nonces and credential copies bound to a holder's DID.

Writes take keyword-only arguments, run in one transaction and append one audit entry. Secrets (pre-authorized
codes, offer-URI tokens, access tokens, nonces) are random 256-bit values stored only as SHA-256 hashes; the
6-digit ``tx_code`` is stored as an HMAC keyed with its code and the site's secret key, and dies after
``TX_CODE_ATTEMPTS`` wrong tries. An offer's code, URI token and tx_code are derived from a random salt stored with
the offer by an HMAC under the site's secret key, so the learner's page can show a live offer again (the browser
reloads it) without any of them being stored: the database alone does not give them away.

Errors of the wallet-facing protocol are :class:`OAuthError` with the
specification's error code; the learner-facing services raise the domain's errors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import record
from microcred.delivery import authorization, metadata, proofs, selectors
from microcred.delivery.models import AccessToken, CredentialOffer, Delivery, Nonce, Protocol
from microcred.errors import DomainError, Gone
from microcred.issuing import services as issuing
from microcred.issuing.models import IssuedCredential, ProofFormat
from microcred.oauth import services as oauth_services

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def offer_seconds() -> int:
    return _setting("MICROCRED_OID4VCI_OFFER_SECONDS", 600)


def token_seconds() -> int:
    return _setting("MICROCRED_OID4VCI_TOKEN_SECONDS", 300)


def nonce_seconds() -> int:
    return _setting("MICROCRED_OID4VCI_NONCE_SECONDS", 300)


def tx_code_attempts() -> int:
    return _setting("MICROCRED_OID4VCI_TX_CODE_ATTEMPTS", 5)


TX_CODE_LENGTH = 6


class OAuthError(Exception):
    """An error answer of the token, nonce or credential endpoint (RFC 6749 §5.2, OID4VCI 1.0 §8.3.1.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def to_json(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _tx_hash(code: str, tx_code: str) -> str:
    key = (settings.SECRET_KEY + "\x00oid4vci-tx-code\x00" + code).encode("utf-8")
    return hmac.new(key, tx_code.encode("utf-8"), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- offers (the learner)


@dataclass(frozen=True)
class NewOffer:
    """What the learner is shown once: the secrets exist only here and as hashes in the database."""

    offer: CredentialOffer
    pre_authorized_code: str
    offer_uri_token: str
    tx_code: str

    def offer_object(self) -> dict[str, Any]:
        state = authorization.issuer_state(self.offer)
        return metadata.credential_offer(self.offer.credential, self.pre_authorized_code, TX_CODE_LENGTH, state)


def offerable(credential: IssuedCredential) -> bool:
    return credential.revoked_at is None and credential.suspended_at is None


def create_offer(*, actor: User, credential_public_id: Any) -> NewOffer:
    """A new pre-authorized offer of one of ``actor``'s own issued credentials (any earlier live offer stays)."""
    credential = _own_credential(actor, credential_public_id)
    if not offerable(credential):
        raise Gone(_("A revoked or suspended credential cannot be added to a wallet."), code="credential_not_valid")
    salt = secrets.token_urlsafe(32)
    code, uri_token, tx_code = _derived(salt)
    with transaction.atomic():
        offer = CredentialOffer.objects.create(
            credential=credential,
            learner=actor,
            salt=salt,
            code_hash=_hash(code),
            uri_hash=_hash(uri_token),
            tx_code_hash=_tx_hash(code, tx_code),
            expires_at=timezone.now() + timedelta(seconds=offer_seconds()),
        )
        record(
            actor=actor,
            action="delivery.offer",
            target=offer,
            organization=credential.organization,
            after={"credential": str(credential.public_id), "expires_at": offer.expires_at.isoformat()},
        )
    return NewOffer(offer=offer, pre_authorized_code=code, offer_uri_token=uri_token, tx_code=tx_code)


def _derived(salt: str) -> tuple[str, str, str]:
    """(pre-authorized code, offer-URI token, tx_code) of an offer's salt, under the site's secret key."""

    def mac(label: str) -> bytes:
        key = (settings.SECRET_KEY + "\x00oid4vci-offer\x00" + label).encode("utf-8")
        return hmac.new(key, salt.encode("utf-8"), hashlib.sha256).digest()

    code = base64.urlsafe_b64encode(mac("code")).rstrip(b"=").decode("ascii")
    suffix = base64.urlsafe_b64encode(mac("uri")[:12]).rstrip(b"=").decode("ascii")
    tx_code = str(int.from_bytes(mac("tx"), "big") % 10**TX_CODE_LENGTH).zfill(TX_CODE_LENGTH)
    # The offer by reference carries the code: see offer_by_uri_token.
    return code, f"{code}.{suffix}", tx_code


def shown_offer(*, actor: User, credential: IssuedCredential, offer_public_id: Any) -> NewOffer | None:
    """The learner's own live offer of ``credential`` (its secrets derived again), or None once it is used, dead or
    expired."""
    try:
        key = uuid.UUID(str(offer_public_id))
    except ValueError:
        return None
    offer = CredentialOffer.objects.filter(public_id=key, learner=actor, credential=credential).first()
    if offer is None or offer.redeemed_at or offer.dead_at or offer.expires_at <= timezone.now():
        return None
    code, uri_token, tx_code = _derived(offer.salt)
    return NewOffer(offer=offer, pre_authorized_code=code, offer_uri_token=uri_token, tx_code=tx_code)


def _own_credential(actor: User, public_id: Any) -> IssuedCredential:
    return selectors.own_credential(actor, public_id)


def offer_by_uri_token(token: str) -> dict[str, Any]:
    """The Credential Offer object a ``credential_offer_uri`` serves (404 once the offer is redeemed or dead)."""
    offer = CredentialOffer.objects.select_related("credential").filter(uri_hash=_hash(token or "")).first()
    if offer is None or offer.redeemed_at or offer.dead_at or offer.expires_at <= timezone.now():
        raise Gone(_("This credential offer is no longer valid."), code="offer_gone")
    # Only hashes are stored: the URI's token is ``<pre-authorized code>.<salt>``, so it is exactly as secret as
    # the code (the by-value offer carries the code too) and the offer it serves is rebuilt from it.
    code = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(offer.code_hash, _hash(code)):
        raise Gone(_("This credential offer is no longer valid."), code="offer_gone")
    return metadata.credential_offer(offer.credential, code, TX_CODE_LENGTH, authorization.issuer_state(offer))


# ---------------------------------------------------------------- token endpoint


def redeem_pre_authorized_code(*, code: Any, tx_code: Any) -> tuple[str, int]:
    """(access token, lifetime in seconds) for a live pre-authorized code and its tx_code; single use."""
    if not isinstance(code, str) or not code or len(code) > 200:
        raise OAuthError("invalid_request", "pre-authorized_code is required.")
    now = timezone.now()
    with transaction.atomic():
        offer = (
            CredentialOffer.objects.select_for_update(of=("self",))
            .select_related("credential__organization")
            .filter(code_hash=_hash(code))
            .first()
        )
        if offer is None or offer.redeemed_at or offer.dead_at or offer.expires_at <= now:
            raise OAuthError("invalid_grant", "The pre-authorized code is unknown, used or expired.")
        if not isinstance(tx_code, str) or not tx_code:
            raise OAuthError("invalid_request", "tx_code is required for this offer.")
        if not hmac.compare_digest(offer.tx_code_hash, _tx_hash(code, tx_code[:64])):
            offer.tx_attempts += 1
            fields = ["tx_attempts"]
            if offer.tx_attempts >= tx_code_attempts():
                offer.dead_at = now
                fields.append("dead_at")
            offer.save(update_fields=fields)
            record(
                actor=None,
                action="delivery.tx_code_wrong",
                target=offer,
                organization=offer.credential.organization,
                after={"attempts": offer.tx_attempts, "dead": bool(offer.dead_at)},
            )
            error = OAuthError("invalid_grant", "The tx_code is wrong.")
        else:
            error = None
            access = secrets.token_urlsafe(32)
            offer.redeemed_at = now
            offer.save(update_fields=["redeemed_at"])
            AccessToken.objects.create(
                token_hash=_hash(access), offer=offer, expires_at=now + timedelta(seconds=token_seconds())
            )
            record(
                actor=None,
                action="delivery.token",
                target=offer,
                organization=offer.credential.organization,
                after={"grant": PRE_AUTHORIZED_GRANT},
            )
    if error is not None:  # raised after the transaction so the attempt count is kept
        raise error
    return access, token_seconds()


# ---------------------------------------------------------------- nonce endpoint


def new_nonce() -> tuple[str, int]:
    value = secrets.token_urlsafe(32)
    with transaction.atomic():
        Nonce.objects.create(value_hash=_hash(value), expires_at=timezone.now() + timedelta(seconds=nonce_seconds()))
        if secrets.randbelow(64) == 0:  # now and then, not on every call: the sweep reads the whole table
            Nonce.objects.filter(expires_at__lt=timezone.now() - timedelta(hours=1)).delete()
    return value, nonce_seconds()


# ---------------------------------------------------------------- credential endpoint


@dataclass(frozen=True)
class Grant:
    """What a live access token lets its holder receive: one credential of one learner."""

    credential_id: int  # read fresh, under the nonce's lock, when the copy is made
    learner: User
    offer: CredentialOffer | None
    protocol: str


def grant_of_access_token(token: str) -> Grant:
    """The grant of a Bearer token: from a pre-authorized code (this package's tokens), or from the authorization
    code grant (``microcred.oauth`` tokens with the ``OpenBadgeCredential`` scope and the credential the learner
    chose on the consent page)."""
    access = AccessToken.objects.select_related("offer__learner").filter(token_hash=_hash(token or "")).first()
    if access is not None:
        if access.expires_at <= timezone.now():
            raise OAuthError("invalid_token", "The access token is unknown or expired.", status=401)
        offer = access.offer
        return Grant(offer.credential_id, offer.learner, offer, Protocol.OID4VCI_PRE_AUTHORIZED)
    try:
        granted = oauth_services.token_for(token, authorization.SCOPE)
    except oauth_services.TokenRefused as refused:
        raise OAuthError(refused.error, refused.description, status=refused.status) from refused
    chosen = granted.context.get(authorization.SCOPE) or {}
    credential = selectors.own_credential_or_none(granted.user, chosen.get("credential"))
    if credential is None:
        raise OAuthError("invalid_token", "The access token names no credential of its learner.", status=401)
    offer = CredentialOffer.objects.filter(public_id=chosen.get("offer") or None, learner=granted.user).first()
    return Grant(credential.pk, granted.user, offer, Protocol.OID4VCI_AUTHORIZATION_CODE)


def _proof_jwts(body: dict[str, Any]) -> list[Any]:
    """The key proofs of a request: ``proofs: {jwt: [...]}`` (1.0) or ``proof: {proof_type: jwt, jwt}`` (drafts)."""
    if "proofs" in body and "proof" in body:
        raise OAuthError("invalid_credential_request", "Send either proofs or proof, not both.")
    if "proofs" in body:
        batch = body["proofs"]
        if not isinstance(batch, dict) or set(batch) != {"jwt"} or not isinstance(batch["jwt"], list):
            raise OAuthError("invalid_proof", "proofs must be an object with one key, jwt, holding a list.")
        if not 1 <= len(batch["jwt"]) <= 1:
            raise OAuthError("invalid_proof", "Send exactly one key proof: batch issuance is not offered.")
        return batch["jwt"]
    if "proof" in body:
        single = body["proof"]
        if not isinstance(single, dict) or single.get("proof_type") != "jwt" or "jwt" not in single:
            raise OAuthError("invalid_proof", "proof must be {proof_type: jwt, jwt: …}.")
        return [single["jwt"]]
    raise OAuthError("invalid_proof", "A key proof is required: the credential is bound to the holder's key.")


def issue_credential_copy(*, grant: Grant, body: Any) -> Delivery:
    """The credential endpoint, for the grant of a live access token (:func:`grant_of_access_token`): check the
    request and its key proof, sign a copy bound to the holder, record it."""
    if not isinstance(body, dict):
        raise OAuthError("invalid_credential_request", "The request body must be a JSON object.")
    configuration_id = body.get("credential_configuration_id")
    if "credential_identifier" in body:
        raise OAuthError("invalid_credential_request", "credential_identifier is not offered; use the configuration.")
    if not isinstance(configuration_id, str) or configuration_id not in metadata.CONFIGURATIONS:
        raise OAuthError("unknown_credential_configuration", "credential_configuration_id is not offered here.")
    jwts = _proof_jwts(body)
    try:
        proof = proofs.verify_key_proof(jwts[0], audience=metadata.credential_issuer())
    except proofs.ProofRefused as refused:
        raise OAuthError(refused.error, refused.description) from refused
    proof_format = (
        ProofFormat.VC_JWT
        if metadata.CONFIGURATIONS[configuration_id] == "jwt_vc_json"
        else (ProofFormat.DATA_INTEGRITY_RDFC)
    )
    now = timezone.now()
    with transaction.atomic():
        nonce = Nonce.objects.select_for_update().filter(value_hash=_hash(proof.nonce)).first()
        if nonce is None or nonce.used_at or nonce.expires_at <= now:
            raise OAuthError("invalid_nonce", "The proof's nonce is not a live c_nonce: ask the nonce endpoint.")
        nonce.used_at = now
        nonce.save(update_fields=["used_at"])
        fresh = IssuedCredential.objects.select_related("organization").get(pk=grant.credential_id)
        if not offerable(fresh):
            raise OAuthError("credential_request_denied", "The credential was revoked or suspended.")
        try:
            copy_id, document, token = issuing.sign_holder_copy(
                actor=None, credential=fresh, holder_id=proof.holder_id, proof_format=proof_format
            )
        except DomainError as error:
            raise OAuthError("credential_request_denied", error.message) from error
        delivery = Delivery.objects.create(
            credential=fresh,
            offer=grant.offer,
            protocol=grant.protocol,
            holder_id=proof.holder_id,
            configuration_id=configuration_id,
            copy_id=copy_id,
            document=document,
            jwt=token,
        )
        record(
            actor=grant.learner,
            action="delivery.deliver",
            target=delivery,
            organization=fresh.organization,
            after={
                "credential": str(fresh.public_id),
                "copy": copy_id,
                "holder": proof.holder_id,
                "protocol": delivery.protocol,
                "configuration": configuration_id,
            },
        )
    return delivery


def deliverable(delivery: Delivery) -> Any:
    """What the credential response carries for one delivery: the JWT, or the signed JSON-LD credential."""
    return delivery.jwt or delivery.document
