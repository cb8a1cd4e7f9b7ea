"""What microcred keeps about the Credential Registry: identifiers (CTIDs) for life, each provider's publishing
settings, the occupation and industry codes of a design, and every publication of a version with its state.

A CTID is ``ce-`` + a UUID, assigned once and never changed: one per organization, per design (the registry
resource a provider's versions update), per version and per pathway. Rows are created the first time an
identifier is asked for (``ctids.py``), so a published CTID stays the same even if a slug is later reused.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential, Pathway

# Columns are named ``ce_ctid``: ``ctid`` is a system column of every PostgreSQL table.
CTID_PATTERN = r"^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class OrganizationCtid(models.Model):
    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="ctid_record")
    ctid = models.CharField(max_length=39, unique=True, db_column="ce_ctid")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.ctid


class DesignCtid(models.Model):
    """The registry resource of a design: every version of ``(provider, slug)`` publishes to this CTID."""

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="design_ctids")
    slug = models.SlugField(max_length=120)
    ctid = models.CharField(max_length=39, unique=True, db_column="ce_ctid")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "slug"], name="registry_design_ctid_unique")]

    def __str__(self) -> str:
        return self.ctid


class VersionCtid(models.Model):
    credential = models.OneToOneField(MicroCredential, on_delete=models.CASCADE, related_name="ctid_record")
    ctid = models.CharField(max_length=39, unique=True, db_column="ce_ctid")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.ctid


class PathwayCtid(models.Model):
    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="ctid_record")
    ctid = models.CharField(max_length=39, unique=True, db_column="ce_ctid")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.ctid


class RegistrySettings(models.Model):
    """Where and as whom a provider publishes: the Registry Assistant's URL, its API key (encrypted at rest with
    the issuer keys' key-encryption keys) and the CTID Credential Engine gave the organization."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="registry_settings")
    assistant_url = models.CharField(_("Registry Assistant URL"), max_length=500)
    api_key = models.BinaryField()
    api_key_hint = models.CharField(max_length=8, blank=True, default="")  # its last characters, to recognize it
    organization_ctid = models.CharField(_("organization CTID"), max_length=39)
    resource_base = models.CharField(
        _("registry resources URL"), max_length=500, default="https://credentialengineregistry.org/resources/"
    )
    enabled = models.BooleanField(_("publish automatically"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registry settings")
        verbose_name_plural = _("registry settings")

    def __str__(self) -> str:
        return f"{self.organization} → {self.assistant_url}"


class CodeScheme(models.TextChoices):
    ESCO_OCCUPATION = "esco", _("ESCO occupation")
    ONET_SOC = "onet_soc", _("O*NET-SOC occupation")
    NOC = "noc", _("NOC (Canada) occupation")
    NAICS = "naics", _("NAICS industry")


# The framework each scheme's codes belong to, as CTDL alignment objects name it.
SCHEME_FRAMEWORKS = {
    CodeScheme.ESCO_OCCUPATION: ("https://data.europa.eu/esco/occupation", "ESCO occupations"),
    CodeScheme.ONET_SOC: ("https://www.onetcenter.org/taxonomy.html", "O*NET-SOC"),
    CodeScheme.NOC: ("https://noc.esdc.gc.ca/", "National Occupational Classification (NOC)"),
    CodeScheme.NAICS: ("https://www.census.gov/naics/", "North American Industry Classification System (NAICS)"),
}
INDUSTRY_SCHEMES = (CodeScheme.NAICS,)


class ClassificationCode(models.Model):
    """An occupation or industry a version prepares for (CTDL ``occupationType`` / ``industryType``)."""

    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="classification_codes")
    scheme = models.CharField(_("scheme"), max_length=12, choices=CodeScheme.choices)
    code = models.CharField(_("code"), max_length=40, blank=True, default="")
    label = models.CharField(_("name"), max_length=300)
    uri = models.CharField(_("URI"), max_length=500, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.code} {self.label}"


class PublicationAction(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    UPDATE = "update", _("Update")
    DEPRECATE = "deprecate", _("Deprecate")


class PublicationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    RETRYING = "retrying", _("Failed; will retry")
    SUCCEEDED = "succeeded", _("In the registry")
    FAILED = "failed", _("Failed")
    REPLACED = "replaced", _("Replaced by a newer publication")


class Publication(models.Model):
    """One request to the registry about one version: sent by a background task, retried with back-off."""

    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="registry_publications")
    action = models.CharField(max_length=12, choices=PublicationAction.choices)
    status = models.CharField(max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    ctid = models.CharField(max_length=39, blank=True, default="", db_column="ce_ctid")
    envelope_id = models.CharField(max_length=200, blank=True, default="")
    graph_url = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.credential_id} {self.action} {self.status}"
