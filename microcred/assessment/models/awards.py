"""Decisions of the award rule (with their inputs), awards and the credentials issued for them, bulk award jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.assessment.award_rules import MET, NOT_MET, UNDETERMINED
from microcred.issuing.models import IssuedCredential


class RuleOutcome(models.TextChoices):
    MET = MET, _("Met")
    NOT_MET = NOT_MET, _("Not met")
    UNDETERMINED = UNDETERMINED, _("Undetermined")


class RuleDecision(models.Model):
    """One evaluation of the award rule for one learner: the rule's text, every input it read, the outcome."""

    enrolment = models.ForeignKey("assessment.Enrolment", on_delete=models.CASCADE, related_name="decisions")
    rule = models.TextField(blank=True, default="")
    outcome = models.CharField(max_length=16, choices=RuleOutcome.choices)
    inputs = models.JSONField(default=dict, blank=True)
    missing = models.JSONField(default=list, blank=True)
    decided_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["enrolment", "-decided_at"], name="decision_latest")]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.outcome}"

    @property
    def provider(self) -> Organization:
        return self.enrolment.credential.provider


class AwardStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")


class Award(models.Model):
    """At most one per enrolment (the database enforces it): what makes a bulk award safe to run twice."""

    enrolment = models.OneToOneField("assessment.Enrolment", on_delete=models.PROTECT, related_name="award")
    decision = models.ForeignKey(RuleDecision, on_delete=models.PROTECT, related_name="+")
    issued_credential = models.OneToOneField(
        IssuedCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    previous_credentials = models.ManyToManyField(IssuedCredential, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=AwardStatus.choices, default=AwardStatus.ISSUED)
    awarded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True, default="")

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="issued", revoked_at__isnull=True)
                | models.Q(status="revoked", revoked_at__isnull=False),
                name="award_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.enrolment)

    @property
    def provider(self) -> Organization:
        return self.enrolment.credential.provider


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkAwardJob(models.Model):
    """A bulk award of one credential's cohort; ``cursor`` is the last enrolment whose chunk was committed."""

    credential = models.ForeignKey(
        "catalog.MicroCredential", on_delete=models.PROTECT, related_name="bulk_award_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    task_id = models.CharField(max_length=64, blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    awarded = models.PositiveIntegerField(default=0)
    not_met = models.PositiveIntegerField(default=0)
    undetermined = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    cursor = models.PositiveBigIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_unfinished_bulk_award_per_credential",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credential} · {self.status}"

    @property
    def provider(self) -> Organization:
        return self.credential.provider
