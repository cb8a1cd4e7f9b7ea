"""What a learner keeps in the wallet besides the credentials issued here: imports and share links.

A share link's token is shown once; only its SHA-256 is stored (like invitations and API tokens). A link
that never expires is the credential's permanent public page; whether it names the holder is the holder's choice.
A view of a shared page is logged without anything personal about the viewer but the referring domain.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.issuing.models import IssuedCredential


class ImportFormat(models.TextChoices):
    OB3_JSON = "ob3-json", _("Open Badges 3.0 JSON")
    VC_JWT = "vc-jwt", _("VC-JWT")
    BAKED_PNG = "baked-png", _("Baked PNG badge")
    BAKED_SVG = "baked-svg", _("Baked SVG badge")
    OB2 = "ob2", _("Open Badges 2.0 assertion")


class ImportedCredential(models.Model):
    """A credential issued elsewhere, stored as it was given, with the report of its last verification."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_credentials")
    format = models.CharField(_("format"), max_length=16, choices=ImportFormat.choices)
    raw = models.BinaryField()  # exactly what was uploaded or pasted (bounded by the import's size limit)
    sha256 = models.CharField(max_length=64)
    source_url = models.URLField(max_length=2000, blank=True, default="")
    credential = models.JSONField()  # the credential read from it (for a VC-JWT: its payload's credential)
    report = models.JSONField()
    verified = models.BooleanField(default=False)
    legacy = models.BooleanField(default=False)  # Open Badges 2.0: no cryptographic proof checked here
    name = models.CharField(max_length=300, blank=True, default="")
    issuer_name = models.CharField(max_length=300, blank=True, default="")
    imported_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "sha256"], name="wallet_import_unique_per_owner")]

    def __str__(self) -> str:
        return self.name or str(self.public_id)


class ShareKind(models.TextChoices):
    CREDENTIAL = "credential", _("One credential")
    SET = "set", _("A set of credentials")
    CLR = "clr", _("Comprehensive Learner Record")


class ShareLink(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links")
    kind = models.CharField(_("kind"), max_length=16, choices=ShareKind.choices)
    label = models.CharField(_("label"), max_length=100, blank=True, default="")
    credentials = models.ManyToManyField(IssuedCredential, related_name="+")
    imported = models.ManyToManyField(ImportedCredential, related_name="+", blank=True)
    evidence_ids = models.JSONField(default=list)  # ids of the credentials' evidence entries the visitor may see
    token_hash = models.CharField(max_length=64, unique=True)
    password_hash = models.CharField(max_length=256, blank=True, default="")
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)  # None: a permanent public page
    show_name = models.BooleanField(_("show my name"), default=True)  # the holder's choice: the page names them
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.label or str(self.public_id)

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)


class ShareView(models.Model):
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="views")
    viewed_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20)  # valid, expired, revoked, suspended, invalid
    referrer_domain = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-viewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link} · {self.viewed_at:%Y-%m-%d %H:%M} · {self.outcome}"
