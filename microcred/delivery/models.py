"""OID4VCI pre-authorized offers, their access tokens and nonces (only hashes of the secrets), deliveries, VC-API
exchanges, and employers' presentation requests with the presentations wallets answered them with."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from microcred.accounts.models import Organization
from microcred.issuing.models import IssuedCredential


class Protocol(models.TextChoices):
    OID4VCI_PRE_AUTHORIZED = "oid4vci-pre-authorized", "OpenID4VCI (pre-authorized code)"
    OID4VCI_AUTHORIZATION_CODE = "oid4vci-authorization-code", "OpenID4VCI (authorization code)"
    VC_API = "vc-api", "VC-API exchange (DID authentication)"
    OID4VP = "oid4vp", "OpenID4VP 1.0 (DCQL)"


class CredentialOffer(models.Model):
    """One offer of one issued credential to its learner: a pre-authorized code (single use) and its tx_code."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential = models.ForeignKey(IssuedCredential, on_delete=models.CASCADE, related_name="offers")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_offers")
    salt = models.CharField(max_length=64, default="", editable=False)  # code, URI token and tx_code derive from it
    code_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the pre-authorized code
    uri_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the credential_offer_uri's token
    tx_code_hash = models.CharField(max_length=64)  # HMAC-SHA-256 of the tx_code, keyed with the code
    tx_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)  # too many wrong tx_codes, or withdrawn

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"offer {self.public_id}"


class AccessToken(models.Model):
    """A Bearer access token bought with a pre-authorized code; it lets its holder ask for that one credential."""

    token_hash = models.CharField(max_length=64, unique=True)
    offer = models.ForeignKey(CredentialOffer, on_delete=models.CASCADE, related_name="access_tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"access token of offer {self.offer_id}"


class Nonce(models.Model):
    """A c_nonce handed out by the nonce endpoint: short-lived, consumed by the key proof that names it."""

    value_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"nonce {self.pk}"


class PresentationRequest(models.Model):
    """An employer asks a candidate's wallet for Open Badges credentials (optionally of one achievement or issuer)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="presentation_requests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    purpose = models.CharField(max_length=200)
    achievement_id = models.CharField(max_length=2000, blank=True, default="")
    issuer_id = models.CharField(max_length=2000, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"presentation request {self.public_id}"


class ExchangeKind(models.TextChoices):
    DELIVERY = "delivery", "a credential to its learner's wallet (VC-API, DID authentication)"
    PRESENTATION = "presentation", "an employer's request (VC-API, QueryByExample + DID authentication)"
    OID4VP = "oid4vp", "an employer's request (OpenID4VP 1.0, DCQL)"


class Exchange(models.Model):
    """One run of an exchange, single use and short-lived. Its id in URLs (also the challenge, or OID4VP's nonce)
    is derived from ``salt`` under the site's secret key; only its hash is looked up."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=ExchangeKind.choices)
    salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    credential = models.ForeignKey(
        IssuedCredential, on_delete=models.CASCADE, null=True, blank=True, related_name="exchanges"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="exchanges"
    )
    request = models.ForeignKey(
        PresentationRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="exchanges"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} exchange {self.public_id}"


class PresentationResponse(models.Model):
    """What a wallet presented in answer to a request, with the verification report of it and its credentials."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(PresentationRequest, on_delete=models.CASCADE, related_name="responses")
    exchange = models.OneToOneField(Exchange, on_delete=models.CASCADE, related_name="response")
    protocol = models.CharField(max_length=40, choices=Protocol.choices)
    holder_id = models.CharField(max_length=2000)
    all_valid = models.BooleanField(default=False)
    report = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"presentation {self.public_id} from {self.holder_id[:60]}"


class Delivery(models.Model):
    """A copy of an issued credential handed to a holder's wallet, bound to the holder's DID."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential = models.ForeignKey(IssuedCredential, on_delete=models.CASCADE, related_name="deliveries")
    offer = models.ForeignKey(CredentialOffer, on_delete=models.SET_NULL, null=True, related_name="deliveries")
    exchange = models.ForeignKey(Exchange, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries")
    protocol = models.CharField(max_length=40, choices=Protocol.choices)
    holder_id = models.CharField(max_length=2000)
    configuration_id = models.CharField(max_length=100)
    copy_id = models.CharField(max_length=100)  # the copy's own id (urn:uuid:…)
    document = models.JSONField()  # the signed copy (for jwt_vc_json: its payload)
    jwt = models.TextField(blank=True, default="")
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at"]

    def __str__(self) -> str:
        return f"delivery {self.public_id} to {self.holder_id[:60]}"
