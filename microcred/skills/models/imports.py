"""Import jobs of the skills domain: occupations (ESCO, O*NET) and job postings, run as background tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.frameworks.models import ImportStatus  # the same four states as framework imports


class ImportKind(models.TextChoices):
    ESCO_OCCUPATIONS = "esco-occupations", _("ESCO occupations")
    ONET = "onet", _("O*NET occupations")
    POSTINGS = "postings", _("Job postings")




class SkillsImport(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    filename = models.CharField(max_length=300, blank=True, default="")
    stored_path = models.CharField(max_length=500, blank=True, default="")  # the upload, kept until the job ends
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"field": ..., "code": ..., "message": ...}]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"
