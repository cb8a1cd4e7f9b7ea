"""Career practitioners' clients: who they are, what they aim at, the skills they hold, and a saved shortlist.

A client is not a user of the platform: the practitioner records what the client told them (skills, credentials
held, a CV paragraph turned into skills). Clients belong to the practitioner's organization, and only that
organization's practitioners see them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential
from microcred.frameworks.models import Competency
from microcred.skills.models import JobPosting, Occupation


class Client(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="career_clients")
    display_name = models.CharField(_("name"), max_length=150)
    notes = models.TextField(_("notes"), blank=True, default="")
    target_occupation = models.ForeignKey(
        Occupation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("target occupation"),
    )
    target_posting = models.ForeignKey(
        JobPosting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("target job posting"),
    )
    # ESCO skills the practitioner recorded (picked in a search, or found in a pasted CV paragraph)
    held_skills = models.ManyToManyField(Competency, blank=True, related_name="+", verbose_name=_("skills held"))
    # micro-credentials of the catalog the client already holds: their aligned skills count as held
    held_credentials = models.ManyToManyField(
        MicroCredential, blank=True, related_name="+", verbose_name=_("credentials held")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "pk"]
        indexes = [models.Index(fields=["organization", "display_name"], name="client_by_organization")]

    def __str__(self) -> str:
        return self.display_name


class ShortlistItem(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="shortlist")
    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "credential"], name="shortlist_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.credential_id}"

    @property
    def organization(self) -> Organization:
        return self.client.organization
