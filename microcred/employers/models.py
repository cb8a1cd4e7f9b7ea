"""Employers' part: endorsements they sign, co-design invitations they answer, verifications their people make."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential
from microcred.issuing.models import IssuedCredential


class EndorsementTarget(models.TextChoices):
    CREDENTIAL = "credential", _("a micro-credential")
    PROVIDER = "provider", _("a provider")


class Endorsement(models.Model):
    """An OB 3.0 ``EndorsementCredential`` an employer signed with its own key. Withdrawn ones are kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="endorsements_given")
    target = models.CharField(_("what is endorsed"), max_length=16, choices=EndorsementTarget.choices)
    credential = models.ForeignKey(
        MicroCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="endorsements"
    )
    provider = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="endorsements_received"
    )
    subject_id = models.CharField(max_length=500)
    comment = models.TextField(_("comment"), blank=True, default="")
    document = models.JSONField()  # the signed EndorsementCredential, never changed afterwards
    # The same credential in the employer's issuing register: its revocation bit says "withdrawn" to any verifier.
    issued = models.OneToOneField(
        IssuedCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="endorsement"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "credential"],
                condition=models.Q(withdrawn_at__isnull=True, target="credential"),
                name="endorsement_one_active_per_credential",
            ),
            models.UniqueConstraint(
                fields=["employer", "provider"],
                condition=models.Q(withdrawn_at__isnull=True, target="provider"),
                name="endorsement_one_active_per_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} → {self.subject_id}"

    @property
    def endorsement_id(self) -> str:
        """The signed credential's id (``credential_id`` is the endorsed micro-credential's key)."""
        return f"urn:uuid:{self.public_id}"

    @property
    def organization(self) -> Organization:
        return self.employer


class CoDesignStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    APPROVED = "approved", _("approved")


class CoDesignInvitation(models.Model):
    """A provider asks an employer to review a draft's competencies and assessment plan."""

    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="codesign_invitations")
    employer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="codesign_invitations")
    message = models.TextField(_("message"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=CoDesignStatus.choices, default=CoDesignStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["credential", "employer"], name="codesign_one_invitation_per_employer")
        ]

    def __str__(self) -> str:
        return f"{self.credential} ↔ {self.employer}"

    @property
    def organization(self) -> Organization:
        return self.employer


class CoDesignComment(models.Model):
    invitation = models.ForeignKey(CoDesignInvitation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Verification(models.Model):
    """A verification made by one of the employer's signed-in people (anonymous visitors are not recorded)."""

    employer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="verifications")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=16)
    verified = models.BooleanField()
    credential_id = models.CharField(max_length=500, blank=True, default="")
    issuer = models.CharField(max_length=500, blank=True, default="")
    achievement = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["employer", "-created_at"], name="verification_employer_recent")]

    def __str__(self) -> str:
        return f"{self.employer} · {self.achievement or self.credential_id}"
