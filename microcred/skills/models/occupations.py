"""Occupations (ESCO and O*NET) and the skills each one needs.

A skill is a competency of the ESCO framework version the platform links to (``frameworks.Competency``).
O*NET technology skills that no ESCO skill matches keep their own label, with O*NET's demand flags.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.frameworks.models import Competency


class OccupationSource(models.TextChoices):
    ESCO = "esco", _("ESCO")
    ONET = "onet", _("O*NET")


class Occupation(models.Model):
    source = models.CharField(_("source"), max_length=8, choices=OccupationSource.choices)
    key = models.CharField(max_length=500)  # ESCO concept URI, or the O*NET-SOC code
    code = models.CharField(_("code"), max_length=40, blank=True, default="")  # ISCO group / O*NET-SOC code
    title = models.CharField(_("title"), max_length=300)
    alternative_labels = models.JSONField(_("alternative labels"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="occupation_source_key_unique")]
        indexes = [models.Index(fields=["source", "title"], name="occupation_title")]
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class SkillRelation(models.TextChoices):
    ESSENTIAL = "essential", _("Essential")
    OPTIONAL = "optional", _("Optional")


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skills")
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.CASCADE, related_name="occupation_links"
    )
    label = models.CharField(_("skill"), max_length=300)  # the ESCO label, or O*NET's technology example
    relation = models.CharField(_("relation"), max_length=16, choices=SkillRelation.choices)
    hot_technology = models.BooleanField(default=False)  # O*NET "Hot Technology"
    in_demand = models.BooleanField(default=False)  # O*NET "In Demand"
    score = models.FloatField(null=True, blank=True)  # how well an O*NET label matched its ESCO skill, 0..1

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "competency"],
                condition=models.Q(competency__isnull=False),
                name="occupation_skill_unique",
            )
        ]
        indexes = [models.Index(fields=["competency", "relation"], name="occupation_skill_by_skill")]

    def __str__(self) -> str:
        return f"{self.occupation_id}: {self.label} ({self.relation})"


class OccupationTask(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="tasks")
    text = models.TextField(_("task"))
    core = models.BooleanField(default=True)  # O*NET Task Type "Core" (else "Supplemental")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["occupation", "position"]

    def __str__(self) -> str:
        return self.text[:80]
