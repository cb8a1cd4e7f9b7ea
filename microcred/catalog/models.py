"""Micro-credentials and the pathways they stack into.

This is the catalog's core record; the registry issue extends it with the whole typology,
versions and review. Controlled vocabularies are enumerations with labels, not free text.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class Pace(models.TextChoices):
    SELF_PACED = "self_paced", _("Self-paced")
    COHORT = "cohort", _("Cohort")
    ON_DEMAND = "on_demand", _("On demand")


class MicroCredential(models.Model):
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="micro_credentials")
    slug = models.SlugField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    delivery_mode = models.CharField(_("delivery mode"), max_length=16, choices=DeliveryMode.choices)
    pace = models.CharField(_("pace"), max_length=16, choices=Pace.choices, default=Pace.COHORT)
    workload_hours = models.DecimalField(_("workload (hours)"), max_digits=7, decimal_places=1)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CAD")
    language = models.CharField(_("language"), max_length=8, default="en")
    award_criteria = models.TextField(_("award criteria"), blank=True, default="")
    award_rule = models.TextField(_("award rule"), blank=True, default="")
    assessment_only = models.BooleanField(_("assessment-only route"), default=False)
    co_designed_with = models.ManyToManyField(
        Organization, blank=True, related_name="co_designed_credentials", verbose_name=_("co-designed with")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "slug", "version"], name="credential_version_unique"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="credential_cost_not_negative"),
            models.CheckConstraint(condition=models.Q(workload_hours__gte=0), name="credential_hours_not_negative"),
        ]
        ordering = ["title", "-version"]

    def __str__(self) -> str:
        return self.title


class PathwayKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    DIPLOMA = "diploma", _("Diploma")
    DEGREE_CREDIT = "degree_credit", _("Degree credit")
    DESIGNATION = "designation", _("Professional designation")


class PathwayRule(models.TextChoices):
    ALL = "all", _("All of the set")
    N_OF = "n_of", _("N of the set")
    MIN_CREDITS = "min_credits", _("Minimum credit sum")


class Pathway(models.Model):
    """A larger credential reached by stacking micro-credentials."""

    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="pathways")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PathwayKind.choices)
    rule = models.CharField(_("rule"), max_length=16, choices=PathwayRule.choices, default=PathwayRule.ALL)
    required_count = models.PositiveIntegerField(_("how many are required"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, default="")
    members = models.ManyToManyField(MicroCredential, related_name="pathways", verbose_name=_("micro-credentials"))

    def __str__(self) -> str:
        return self.title
