"""Learners' enrolments in micro-credentials; the assessment issue adds plans, evidence and results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import MicroCredential


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    IN_PROGRESS = "in_progress", _("In progress")
    ASSESSED = "assessed", _("Assessed, awaiting award")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "credential"], name="enrolment_unique")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.credential}"
