"""Learners' enrolments in micro-credential versions, and the route they take."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    IN_PROGRESS = "in_progress", _("In progress")
    ASSESSED = "assessed", _("Assessed: award rule not met")  # every input is in and the rule says no
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Route(models.TextChoices):
    STANDARD = "standard", _("Course and assessment")
    ASSESSMENT_ONLY = "assessment_only", _("Assessment only")


class Enrolment(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    route = models.CharField(_("route"), max_length=16, choices=Route.choices, default=Route.STANDARD)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "credential"], name="enrolment_unique")]
        indexes = [models.Index(fields=["credential", "status"], name="enrolment_credential_status")]
        ordering = ["-enrolled_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.learner} · {self.credential}"

    @property
    def provider(self) -> Organization:
        """The organization whose permissions govern this enrolment (see ``accounts.permissions``)."""
        return self.credential.provider
