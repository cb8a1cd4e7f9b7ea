"""Evidence a learner submits for an enrolment: a file, a link or a written reflection."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.frameworks.models import Competency


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")
    REFLECTION = "reflection", _("Reflection")


class EvidenceStorage(FileSystemStorage):
    """Evidence files live outside MEDIA_ROOT, so only the permission-checked view ever serves them.

    The folder is read from the settings on every use (``MICROCRED_EVIDENCE_ROOT``, by default
    ``<data dir>/evidence``), so a test can point it at a temporary folder.
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        root = getattr(settings, "MICROCRED_EVIDENCE_ROOT", None) or Path(settings.DATA_DIR) / "evidence"
        return str(root)

    @property  # type: ignore[override]
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("Evidence files have no public URL; serve them through assessment:evidence.")


class _ConfiguredEvidenceStorage(LazyObject):
    """The ``evidence`` storage of ``settings.STORAGES``: :class:`EvidenceStorage` on local disk, or a private bucket
    prefix when several app servers share their files (microcred/operations/storage.py). Looked up on first use, and
    again after a test changes ``STORAGES``."""

    def _setup(self) -> None:
        self._wrapped = storages["evidence"] if "evidence" in settings.STORAGES else EvidenceStorage()


_storage = _ConfiguredEvidenceStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _storage._wrapped = empty


def evidence_storage() -> Storage:
    return _storage  # type: ignore[return-value]


def evidence_path(instance: Evidence, filename: str) -> str:
    # The learner's file name is kept as data only: it never decides where, or as what, the bytes are stored.
    return f"{instance.enrolment_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey("assessment.Enrolment", on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=evidence_path, storage=evidence_storage, blank=True, default="", max_length=255
    )
    original_name = models.CharField(_("original file name"), max_length=255, blank=True, default="")
    content_type = models.CharField(_("content type"), max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="")
    url = models.URLField(_("link"), max_length=2000, blank=True, default="")
    text = models.TextField(_("reflection"), blank=True, default="")
    genre = models.CharField(_("genre"), max_length=60, blank=True, default="")
    shareable = models.BooleanField(_("employers may see it"), default=False)
    components = models.ManyToManyField("assessment.AssessmentComponent", blank=True, related_name="evidence")
    competencies = models.ManyToManyField(Competency, blank=True, related_name="assessment_evidence")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="file") | ~models.Q(sha256=""), name="evidence_file_has_checksum"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def provider(self) -> Organization:
        return self.enrolment.credential.provider

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        stored = self.file.name if self.file else ""
        result = super().delete(*args, **kwargs)
        if stored:
            evidence_storage().delete(stored)
        return result
