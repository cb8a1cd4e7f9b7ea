"""Competency frameworks: a versioned tree of competencies, proficiency scales, rubrics and crosswalks.

A framework row is ONE version. Publishing a new version copies the tree into a new row that keeps
the ``identifier`` and ``uri`` of every competency whose content did not change, so alignments made
by other domains against the old version's competencies keep pointing at exactly what they aligned to.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization


def new_identifier() -> str:
    return str(uuid.uuid4())


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    RETIRED = "retired", _("Retired")


class SourceFormat(models.TextChoices):
    AUTHORED = "authored", _("Written here")
    CASE = "case", _("1EdTech CASE")
    CSV = "csv", _("CSV")
    ESCO = "esco", _("ESCO")


class Framework(models.Model):
    # The publishing organization edits it; null for public frameworks imported as reference (ESCO…).
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="frameworks"
    )
    slug = models.SlugField(_("short name"), max_length=120)
    identifier = models.CharField(max_length=100, default=new_identifier)  # CASE CFDocument identifier
    uri = models.CharField(_("URI"), max_length=500, blank=True, default="")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, default="")
    publisher = models.CharField(_("publisher"), max_length=300, blank=True, default="")
    version = models.CharField(_("version"), max_length=40, default="1")
    language = models.CharField(_("language"), max_length=16, default="en")
    # ``title`` and ``description`` in other languages: {"fr": {"title": …, "description": …}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    licence = models.CharField(_("licence"), max_length=500, blank=True, default="")
    source_uri = models.CharField(_("source URI"), max_length=500, blank=True, default="")
    source_format = models.CharField(max_length=16, choices=SourceFormat.choices, default=SourceFormat.AUTHORED)
    source_checksum = models.CharField(max_length=64, blank=True, default="")  # of the last imported file
    status = models.CharField(
        _("status"), max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    previous_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # When the content last changed, as its publisher says (CASE lastChangeDateTime); kept through imports.
    changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_slug_version_unique"),
            models.UniqueConstraint(fields=["organization", "identifier"], name="framework_identifier_unique"),
            models.UniqueConstraint(
                fields=["identifier"], condition=models.Q(organization=None), name="public_framework_identifier_unique"
            ),
        ]
        ordering = ["title", "-created_at"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = free_slug(self.title, self.version)
        super().save(*args, **kwargs)


def free_slug(title: str, version: str) -> str:
    """A short name made from the title that no framework of this version uses yet."""
    base = slugify(title)[:100].strip("-") or "framework"
    slug, n = base, 1
    while Framework.objects.filter(slug=slug, version=version).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class CompetencyType(models.TextChoices):
    COMPETENCY = "competency", _("Competency")
    SKILL = "skill", _("Skill")
    KNOWLEDGE = "knowledge", _("Knowledge")
    ATTRIBUTE = "attribute", _("Attribute")
    GROUP = "group", _("Group")


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    identifier = models.CharField(max_length=100, default=new_identifier)  # CASE CFItem identifier
    uri = models.CharField(_("URI"), max_length=500, blank=True, default="")
    code = models.CharField(_("code"), max_length=100, blank=True, default="")  # CASE humanCodingScheme
    short_name = models.CharField(_("short name"), max_length=300, blank=True, default="")
    statement = models.TextField(_("statement"))  # CASE fullStatement
    competency_type = models.CharField(
        _("type"), max_length=16, choices=CompetencyType.choices, default=CompetencyType.COMPETENCY
    )
    level = models.CharField(_("level"), max_length=100, blank=True, default="")
    sort_order = models.IntegerField(_("sort order"), default=0)
    depth = models.PositiveIntegerField(default=0)  # 0 for roots; kept by the services for lazy tree loading
    alternative_labels = models.JSONField(_("alternative labels"), default=list, blank=True)
    # SKOS hidden labels (ESCO: misspellings, old names, search terms): searched and linked, never displayed
    hidden_labels = models.JSONField(_("hidden labels"), default=list, blank=True)
    # labels in other languages, by language code: {"fr": {"label": …, "alternatives": […], "description": …}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # microcred/translations.py: the primary language is the framework's; ESCO's translated files name the
    # short name "label", and the statement is their description (else their label)
    TRANSLATION_LANGUAGE_FROM = "framework"
    TRANSLATION_KEYS = {"short_name": ("label",), "statement": ("statement", "description", "label")}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "identifier"], name="competency_identifier_unique"),
            models.UniqueConstraint(
                fields=["framework", "code"], condition=~models.Q(code=""), name="competency_code_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["framework", "parent", "sort_order"], name="competency_tree"),
            models.Index(fields=["uri"], name="competency_uri"),
        ]
        ordering = ["sort_order", "pk"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.short_name or self.code or self.statement[:80]

    @property
    def name(self) -> str:
        return (self.short_name or self.statement or self.code).strip()


class ProficiencyScale(models.Model):
    """Ordered levels a competency is rated on, e.g. unsatisfactory < satisfactory < … < superior."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="scales")
    identifier = models.CharField(max_length=100, default=new_identifier)
    uri = models.CharField(_("URI"), max_length=500, blank=True, default="")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    is_default = models.BooleanField(_("default scale"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="scale_name_unique"),
            models.UniqueConstraint(fields=["framework", "identifier"], name="scale_identifier_unique"),
        ]
        ordering = ["name", "pk"]
        verbose_name = _("proficiency scale")
        verbose_name_plural = _("proficiency scales")

    def __str__(self) -> str:
        return self.name


class ProficiencyLevel(models.Model):
    scale = models.ForeignKey(ProficiencyScale, on_delete=models.CASCADE, related_name="levels")
    rank = models.IntegerField(_("rank"))  # lowest first
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scale", "rank"], name="level_rank_unique"),
            models.UniqueConstraint(fields=["scale", "label"], name="level_label_unique"),
        ]
        ordering = ["rank"]
        verbose_name = _("proficiency level")
        verbose_name_plural = _("proficiency levels")

    def __str__(self) -> str:
        return self.label


class Rubric(models.Model):
    """A CASE CFRubric: criteria that each point at one competency, with described levels."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="rubrics")
    identifier = models.CharField(max_length=100, default=new_identifier)
    uri = models.CharField(_("URI"), max_length=500, blank=True, default="")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, default="")
    scale = models.ForeignKey(ProficiencyScale, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["framework", "identifier"], name="rubric_identifier_unique")]
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="rubric_criteria")
    identifier = models.CharField(max_length=100, default=new_identifier)
    uri = models.CharField(_("URI"), max_length=500, blank=True, default="")
    category = models.CharField(_("category"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    weight = models.FloatField(null=True, blank=True)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description[:80] or str(self.competency)


class RubricLevel(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    proficiency_level = models.ForeignKey(
        ProficiencyLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="rubric_levels"
    )
    identifier = models.CharField(max_length=100, default=new_identifier)
    uri = models.CharField(_("URI"), max_length=500, blank=True, default="")
    quality = models.CharField(_("quality"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    score = models.FloatField(null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True, default="")
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.quality or self.description[:80]


class MatchRelation(models.TextChoices):
    """SKOS mapping relations; the CASE association type each becomes on export is in ``case.py``."""

    EXACT = "exactMatch", _("Exact match")
    CLOSE = "closeMatch", _("Close match")
    BROAD = "broadMatch", _("Broader")
    NARROW = "narrowMatch", _("Narrower")
    RELATED = "related", _("Related")


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Crosswalk(models.Model):
    """Mappings from the competencies of one framework version to those of another."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="crosswalks"
    )
    source_framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="crosswalks_from")
    target_framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="crosswalks_to")
    title = models.CharField(_("title"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_framework", "target_framework"], name="crosswalk_pair_unique"
            )
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title or f"{self.source_framework} → {self.target_framework}"


class CrosswalkLink(models.Model):
    crosswalk = models.ForeignKey(Crosswalk, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="links_from")
    target = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="links_to")
    relation = models.CharField(
        _("relation"), max_length=16, choices=MatchRelation.choices, default=MatchRelation.CLOSE
    )
    status = models.CharField(_("status"), max_length=16, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED)
    score = models.FloatField(null=True, blank=True)  # similarity of a suggestion, 0..1
    method = models.CharField(max_length=32, blank=True, default="")  # "lexical", "manual", "import"…
    identifier = models.CharField(max_length=100, default=new_identifier)  # CASE CFAssociation identifier
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["crosswalk", "source", "target"], name="crosswalk_link_unique")
        ]
        indexes = [models.Index(fields=["crosswalk", "status"], name="crosswalk_link_status")]
        ordering = ["source_id", "-score", "pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.relation} {self.target}"

    @property
    def method_label(self) -> str:
        """How the link was made, for people: a registered ranking's label, or the raw code for others."""
        from microcred.frameworks.similarity import METHODS  # similarity imports the models

        info = METHODS.get(self.method)
        if info:
            return str(info.label)
        return str({"manual": _("By hand"), "import": _("Imported")}.get(self.method, self.method))


class RelationKind(models.TextChoices):
    ESSENTIAL = "essential", _("Draws on (essential)")
    OPTIONAL = "optional", _("Draws on (optional)")
    BROADER = "broader", _("Also under")


class CompetencyRelation(models.Model):
    """Two competencies of one framework related as its source says (ESCO's skill–skill relations: a skill and
    the knowledge or skills it draws on; the broader concepts of a concept beyond the one the tree shows)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="relations")
    source = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="relations_from")
    target = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="competency_relation_unique")
        ]
        indexes = [models.Index(fields=["target", "kind"], name="competency_relation_target")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.target}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BackgroundWork(models.Model):
    """What a long piece of work run by a background task shares: its task, status, progress (``done`` of
    ``total``, shown as a progress line on the page and a bar on the command line), who started it and when."""

    task_id = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done / self.total)) if self.total else (100 if self.status == "done" else 0)

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class FrameworkImport(BackgroundWork):
    """One import of a file, run as a background task; its progress is what pages and the CLI show."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="framework_imports"
    )
    source_format = models.CharField(max_length=16, choices=SourceFormat.choices)
    file_name = models.CharField(max_length=300, blank=True, default="")
    path = models.CharField(max_length=500, blank=True, default="")  # the uploaded file, until the task ran
    checksum = models.CharField(max_length=64, blank=True, default="")
    options = models.JSONField(default=dict, blank=True)  # what the format needs besides the file (CSV: title…)
    errors = models.JSONField(default=dict, blank=True)  # {"code": …, "message": …, "fields": {…}}
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )

    class Meta(BackgroundWork.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class SuggestionRun(BackgroundWork):
    """Ranking candidate links for a crosswalk's competencies ("Suggest ESCO skills"), run as a background task: each
    competency is embedded and searched, which takes seconds to minutes for a whole framework."""

    crosswalk = models.ForeignKey(Crosswalk, on_delete=models.CASCADE, related_name="suggestion_runs")
    method = models.CharField(max_length=32)
    source_ids = models.JSONField(default=list, blank=True)  # the competencies to rank; empty: all of the source
    suggested = models.PositiveIntegerField(default=0)
    error = models.JSONField(default=dict, blank=True)  # {"code": …, "message": …}

    class Meta(BackgroundWork.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.crosswalk} ({self.status})"
