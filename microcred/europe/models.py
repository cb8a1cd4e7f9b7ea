"""What the European standard elements of a micro-credential need beyond the catalog's typology.

The Council Recommendation on a European approach to micro-credentials (2022, Annex I) lists the elements every
micro-credential states; the catalog holds most of them (title, country, provider, outcomes, workload, assessment,
delivery). The rest, and the provider's choice to publish a design under the European profile, live here, one row
per version of a design (copied into a new version with it).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import MicroCredential


class Supervision(models.TextChoices):
    NONE = "none", _("Unsupervised, identity not verified")
    SUPERVISED = "supervised", _("Supervised, identity not verified")
    ONLINE_VERIFIED = "online_verified", _("Supervised online, identity verified")
    ONSITE_VERIFIED = "onsite_verified", _("Supervised on site, identity verified")


class EuropeanDetails(models.Model):
    TRANSLATION_LANGUAGE_FROM = "credential"

    credential = models.OneToOneField(MicroCredential, on_delete=models.CASCADE, related_name="european_details")
    european_profile = models.BooleanField(_("publish under the European profile"), default=False)
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    nqf_level = models.CharField(_("NQF level"), max_length=100, blank=True, default="")
    isced_f_code = models.CharField(_("thematic area (ISCED-F)"), max_length=4, blank=True, default="")
    quality_assurance = models.TextField(_("type of quality assurance"), blank=True, default="")
    supervision = models.CharField(
        _("supervision and identity verification"), max_length=20, choices=Supervision.choices, blank=True, default=""
    )
    grading = models.TextField(_("grade"), blank=True, default="")
    stackability = models.TextField(_("integration and stackability"), blank=True, default="")
    further_information = models.TextField(_("further information"), blank=True, default="")
    # The texts above in other languages than the design's: {"fr": {"quality_assurance": "…", …}}
    # (microcred/translations.py reads them; their primary language is the design's).
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("European standard elements")
        verbose_name_plural = _("European standard elements")

    def __str__(self) -> str:
        return str(self.credential)
