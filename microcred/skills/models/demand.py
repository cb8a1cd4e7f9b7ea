"""Job postings and the skills found in them: the raw material of labour-market demand."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.frameworks.models import Competency


class JobPosting(models.Model):
    source_import = models.ForeignKey(
        "skills.SkillsImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="postings"
    )
    # SHA-256 of title, text, employer and date: importing the same posting again adds nothing
    fingerprint = models.CharField(max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    location = models.CharField(_("location"), max_length=200, blank=True, default="")
    region = models.CharField(_("province or state"), max_length=8, blank=True, default="")  # normalised from location
    posted_on = models.DateField(_("date"))
    employer = models.CharField(_("employer"), max_length=300, blank=True, default="")
    extracted_at = models.DateTimeField(null=True, blank=True)  # skills found (None: still to do)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["posted_on", "region"], name="posting_month_region"),
            models.Index(fields=["extracted_at"], name="posting_extracted"),
        ]
        ordering = ["-posted_on", "pk"]

    def __str__(self) -> str:
        return self.title


class PostingSkill(models.Model):
    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="skills")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="posting_links")
    score = models.FloatField()  # the linking engine's score, 0..1
    engine = models.CharField(max_length=16)  # "lexical" or "semantic" or "hybrid"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["posting", "competency"], name="posting_skill_unique")]
        indexes = [models.Index(fields=["competency", "posting"], name="posting_skill_by_skill")]

    def __str__(self) -> str:
        return f"{self.posting_id}: {self.competency_id} ({self.score:.2f})"
