"""Micro-credentials, their review, the pathways they stack into, and the search index.

A ``MicroCredential`` row is one *version* of a design; the versions of one design share
``(provider, slug)``. Published versions are frozen: an edit starts a new draft version, and
learners who earned version N keep pointing at version N. Controlled vocabularies are
enumerations with labels, not free text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.frameworks.models import Competency


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded by a newer version")
    RETIRED = "retired", _("Retired")


EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
PUBLIC_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED, Status.RETIRED)


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class Pace(models.TextChoices):
    SELF_PACED = "self_paced", _("Self-paced")
    COHORT = "cohort", _("Cohort")
    ON_DEMAND = "on_demand", _("On demand")


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    PROFESSIONAL = "professional", _("Professional")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    BILINGUAL = "en-fr", _("English and French")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    """Canadian provinces and territories; other countries leave the province blank."""

    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


class CreditType(models.TextChoices):
    CREDIT = "credit", _("For credit")
    NON_CREDIT = "non_credit", _("Non-credit")


class CreditUnit(models.TextChoices):
    COURSE_CREDITS = "course_credits", _("Course credits")
    CREDIT_HOURS = "credit_hours", _("Credit hours")
    ECTS = "ects", _("ECTS credits")
    CEU = "ceu", _("Continuing education units")


class AssessmentMethod(models.TextChoices):
    EXAM = "exam", _("Examination")
    PROJECT = "project", _("Project")
    PORTFOLIO = "portfolio", _("Portfolio")
    PERFORMANCE = "performance", _("Performance demonstration")
    WORKPLACE = "workplace", _("Workplace evaluation")
    MIXED = "mixed", _("Several methods")


class AchievementIndicator(models.TextChoices):
    DIGITAL_BADGE = "digital_badge", _("Digital badge")
    CERTIFICATE = "certificate", _("Certificate")
    TRANSCRIPT_ENTRY = "transcript_entry", _("Transcript entry")


class AccreditationStatus(models.TextChoices):
    NOT_ACCREDITED = "none", _("Not accredited")
    PENDING = "pending", _("Accreditation pending")
    ACCREDITED = "accredited", _("Accredited")


class MicroCredential(models.Model):
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="micro_credentials")
    slug = models.SlugField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True, default="")
    delivery_mode = models.CharField(_("delivery mode"), max_length=16, choices=DeliveryMode.choices)
    pace = models.CharField(_("pace"), max_length=16, choices=Pace.choices, default=Pace.COHORT)
    start_dates = models.JSONField(_("start dates"), default=list, blank=True)
    workload_hours = models.DecimalField(_("workload (hours)"), max_digits=7, decimal_places=1)
    time_to_complete_weeks = models.PositiveIntegerField(_("time to complete (weeks)"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CAD")
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH)
    country = models.CharField(_("country"), max_length=2, blank=True, default="CA")
    region = models.CharField(_("province or state"), max_length=8, blank=True, default="")
    city = models.CharField(_("city"), max_length=100, blank=True, default="")
    credit_type = models.CharField(
        _("credit"), max_length=16, choices=CreditType.choices, default=CreditType.NON_CREDIT
    )
    credit_value = models.DecimalField(_("credit value"), max_digits=6, decimal_places=2, null=True, blank=True)
    credit_unit = models.CharField(_("credit unit"), max_length=16, choices=CreditUnit.choices, blank=True, default="")
    ladders_into = models.JSONField(_("programs it ladders into"), default=list, blank=True)
    assessment_method = models.CharField(
        _("assessment method"), max_length=16, choices=AssessmentMethod.choices, blank=True, default=""
    )
    achievement_indicator = models.CharField(
        _("indicator of achievement"),
        max_length=20,
        choices=AchievementIndicator.choices,
        default=AchievementIndicator.DIGITAL_BADGE,
    )
    industry_partners = models.JSONField(_("industry partners"), default=list, blank=True)
    # Filled by the skills domain (labour-market demand) once it exists; the catalog only reads it.
    skills_demand = models.JSONField(_("in-demand skills covered"), default=list, blank=True)
    accrediting_body = models.CharField(_("accrediting body"), max_length=200, blank=True, default="")
    accreditation_status = models.CharField(
        _("accreditation status"),
        max_length=16,
        choices=AccreditationStatus.choices,
        default=AccreditationStatus.NOT_ACCREDITED,
    )
    prerequisites = models.TextField(_("prerequisites"), blank=True, default="")
    validity_months = models.PositiveIntegerField(_("valid for (months)"), null=True, blank=True)
    image = models.ImageField(_("image"), upload_to="catalog/images/", blank=True, default="")
    award_criteria = models.TextField(_("award criteria"), blank=True, default="")
    award_rule = models.TextField(_("award rule"), blank=True, default="")
    # The texts in languages other than ``language``, by BCP 47 code: {"fr": {"title": …, "summary": …}}
    # (microcred/translations.py reads and writes them).
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    assessment_only = models.BooleanField(_("assessment-only route"), default=False)
    co_designed_with = models.ManyToManyField(
        Organization, blank=True, related_name="co_designed_credentials", verbose_name=_("co-designed with")
    )
    previous_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "slug", "version"], name="credential_version_unique"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="credential_cost_not_negative"),
            models.CheckConstraint(condition=models.Q(workload_hours__gte=0), name="credential_hours_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "delivery_mode"], name="credential_status_mode"),
            models.Index(fields=["status", "published_at"], name="credential_status_published"),
            models.Index(fields=["status", "cost"], name="credential_status_cost"),
            models.Index(fields=["status", "workload_hours"], name="credential_status_hours"),
            # The title order of the published catalog, read by catalog.facet_index when it builds.
            models.Index(fields=["status", "title", "id"], name="credential_status_title"),
        ]
        ordering = ["title", "-version"]

    def __str__(self) -> str:
        return self.title

    @property
    def region_label(self) -> str:
        """A province's name for Canadian codes; other countries' regions as written."""
        return str(Region(self.region).label) if self.region in Region.values else self.region

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class LearningOutcome(models.Model):
    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("learning outcome"))
    # {"fr": {"text": …}}; the primary language is the credential's
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    TRANSLATION_LANGUAGE_FROM = "credential"

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ChecklistItem(models.Model):
    """One line of the standard a provider's reviewers check a design against."""

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="review_checklist")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("checklist item"), max_length=300)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class Review(models.Model):
    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True, default="")
    checklist = models.JSONField(default=list)  # [{"item": id, "text": ..., "met": bool}] as the reviewer saw it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.credential} · {self.decision}"


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
    min_credits = models.DecimalField(_("minimum credits"), max_digits=6, decimal_places=2, null=True, blank=True)
    transfer_notes = models.TextField(_("credit-transfer notes"), blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    members = models.ManyToManyField(MicroCredential, related_name="pathways", verbose_name=_("micro-credentials"))
    # Achievements issued elsewhere that count as components: [{"achievement": id or CTID, "name": …, "credits": "3"}]
    external_components = models.JSONField(_("achievements from elsewhere"), default=list, blank=True)
    # The stack credential a learner is awarded, automatically, once the pathway is complete.
    resulting_credential = models.ForeignKey(
        MicroCredential,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awarded_by_pathways",
        verbose_name=_("resulting credential"),
    )

    def __str__(self) -> str:
        return self.title


class TrustedIssuer(models.Model):
    """An issuer whose credentials, imported into a learner's wallet, a provider counts (``holds``, pathways).

    Either a DID (or issuer URL) or an organization registered here; a provider's own credentials are always trusted.
    """

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="trusted_issuers")
    issuer_did = models.CharField(_("issuer DID"), max_length=500, blank=True, default="")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="trusted_by"
    )
    name = models.CharField(_("name"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "issuer_did", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "issuer_did"], condition=~models.Q(issuer_did=""), name="trusted_issuer_did_unique"
            ),
            models.UniqueConstraint(
                fields=["provider", "organization"],
                condition=models.Q(organization__isnull=False),
                name="trusted_issuer_org_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.issuer_did


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")


class RecognitionAgreement(models.Model):
    """One version of “``recognising`` counts ``recognised``'s achievement X as its own micro-credential Y”.

    Proposed by one side, in force once both sides approved; new terms are a new version (``previous``) that
    needs both approvals again, and the version it replaces stays in force until then.
    """

    recognising = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="recognitions_given")
    recognised = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="recognitions_received")
    achievement = models.CharField(_("recognised achievement (id or CTID)"), max_length=500)
    achievement_name = models.CharField(_("recognised achievement's name"), max_length=300, blank=True, default="")
    satisfies = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="recognitions")
    credits = models.DecimalField(_("credits granted"), max_digits=6, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.PROPOSED)
    proposed_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    recognising_approved_at = models.DateTimeField(null=True, blank=True)
    recognised_approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.recognising} ← {self.recognised}: {self.achievement_name or self.achievement} v{self.version}"


class SearchDocument(models.Model):
    """The searchable text of one published micro-credential (the latest published version of a design).

    On SQLite an FTS5 table mirrors it through triggers (migration 0003); on PostgreSQL triggers keep its
    ``tsvector``s in a narrow table with a GIN index (``catalog_searchvector``, migration 0010).
    """

    credential = models.OneToOneField(
        MicroCredential, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField()
    body = models.TextField()

    def __str__(self) -> str:
        return self.title


class Alignment(models.Model):
    """A micro-credential, or one of its learning outcomes, aligned to a competency (OB 3.0 ``Alignment``).

    It points at the competency row of one framework version, so it keeps meaning what it meant when a
    newer version of the framework is published. The target name, code, URL and framework are copied
    at alignment time for the exports. ``outcome_position`` names a learning outcome by its position,
    because outcomes are rewritten on every edit and copied to each new version.
    """

    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="alignments")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="credential_alignments")
    outcome_position = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(_("target name"), max_length=300)
    target_code = models.CharField(_("target code"), max_length=100, blank=True, default="")
    target_url = models.CharField(_("target URL"), max_length=500, blank=True, default="")
    target_framework = models.CharField(_("target framework"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "competency"],
                condition=models.Q(outcome_position=None),
                name="alignment_credential_unique",
            ),
            models.UniqueConstraint(
                fields=["credential", "competency", "outcome_position"],
                condition=~models.Q(outcome_position=None),
                name="alignment_outcome_unique",
            ),
        ]
        ordering = ["outcome_position", "pk"]

    def __str__(self) -> str:
        return self.label


class RejectedSkillSuggestion(models.Model):
    """A provider said no to a suggested ESCO skill for one learning outcome, so it is not suggested again.

    Like an alignment, it names the outcome by its position; it is copied to each new version.
    """

    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="rejected_suggestions")
    outcome_position = models.PositiveIntegerField()
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "outcome_position", "competency"], name="rejected_suggestion_unique"
            )
        ]
        ordering = ["outcome_position", "pk"]

    def __str__(self) -> str:
        return f"{self.credential_id}/{self.outcome_position}: {self.competency_id}"


class SearchTerm(models.Model):
    """A word of the indexed catalog (lower case, letters only), so that a misspelt search word can be corrected.

    Kept by ``catalog.search.index`` and never pruned: a word no longer in any document only fails to find
    anything. Matched by trigrams: ``pg_trgm`` on PostgreSQL, an FTS5 ``trigram`` table on SQLite (migration 0008).
    """

    word = models.CharField(max_length=40, primary_key=True)

    def __str__(self) -> str:
        return self.word


class CatalogState(models.Model):
    """One row: a token that changes whenever what the search reads of the published catalog changes.

    ``catalog.facet_index`` keeps the published catalog's facet values in each process's memory and builds them
    again when this token differs from the one they were built at. It is written in the transaction of the change
    (``catalog.facet_index.catalog_changed``), so a process never reads a new catalog with an old index. A random
    token rather than a counter: a rolled-back transaction must not leave a number that a later, different catalog
    reaches again.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.token
