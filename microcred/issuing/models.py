"""Issuer keys (encrypted at rest), status lists, and the credentials issued.

An organization signs with one active Ed25519 key; rotated keys stay published in its DID
document (so credentials signed with them keep verifying) until they are explicitly withdrawn.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization

STATUS_LIST_SIZE = 131_072  # entries; the minimum Bitstring Status List size (16 KiB), for herd privacy


class IssuerKey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issuer_keys")
    public_key_multibase = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(max_length=16, default="Ed25519")
    # Fernet token of the 32-byte Ed25519 seed; see microcred.issuing.keystore. Never logged or returned.
    encrypted_private_key = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)  # no longer signs; still verifies
    withdrawn_at = models.DateTimeField(null=True, blank=True)  # removed from the DID document

    class Meta:
        ordering = ["organization", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(retired_at__isnull=True, withdrawn_at__isnull=True),
                name="one_active_key_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.public_key_multibase[:16]}…"

    def __repr__(self) -> str:  # keep the ciphertext out of logs and tracebacks as well
        return f"<IssuerKey {self.pk} {self.public_key_multibase[:16]}…>"


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")


class StatusList(models.Model):
    """One Bitstring Status List of an organization, for one purpose.

    Indexes are handed out as ``(stride * n + offset) mod size`` for n = 0, 1, 2…: a bijection on
    the list (stride is odd, size a power of two), so no index is ever given twice, and neighbouring
    credentials do not sit at neighbouring bits.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(max_length=16, choices=StatusPurpose.choices)
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    bits = models.BinaryField()
    allocated = models.PositiveIntegerField(default=0)
    stride = models.PositiveIntegerField()
    offset = models.PositiveIntegerField()
    changed_at = models.DateTimeField(auto_now_add=True)
    signed_credential = models.JSONField(null=True, blank=True)  # cached; cleared whenever a bit changes
    # The public base URLs (MICROCRED_PUBLIC_URL) under which entries of this list were handed out: credentials
    # name the list under the URL of their day, so after a change of public URL the list is still served (and
    # verified on this server) under each of them, and only them.
    public_bases = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "purpose", "created_at"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.purpose} · {self.public_id}"

    @property
    def is_full(self) -> bool:
        return self.allocated >= self.size


class ProofFormat(models.TextChoices):
    DATA_INTEGRITY_RDFC = "eddsa-rdfc-2022", _("Data Integrity, eddsa-rdfc-2022")
    DATA_INTEGRITY_JCS = "eddsa-jcs-2022", _("Data Integrity, eddsa-jcs-2022")
    VC_JWT = "vc-jwt", _("VC-JWT (EdDSA)")


class IssuedCredential(models.Model):
    """A signed credential as it left the platform. The signed document is never changed afterwards."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issued_credentials")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    recipient_identifier = models.CharField(max_length=255, blank=True, default="")
    achievement_id = models.CharField(max_length=500)
    achievement_name = models.CharField(max_length=300)
    credential_type = models.CharField(max_length=40, default="OpenBadgeCredential")
    proof_format = models.CharField(max_length=20, choices=ProofFormat.choices)
    document = models.JSONField()  # the signed JSON-LD credential (for VC-JWT: the unsigned payload)
    jwt = models.TextField(blank=True, default="")
    revocation_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+", null=True)
    revocation_index = models.PositiveIntegerField(null=True)
    suspension_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+", null=True)
    suspension_index = models.PositiveIntegerField(null=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True, default="")
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["organization", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.achievement_name} → {self.recipient_identifier}"

    @property
    def credential_id(self) -> str:
        return f"urn:uuid:{self.public_id}"
