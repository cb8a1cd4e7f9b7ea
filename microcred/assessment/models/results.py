"""Results: evaluations with competency ratings and attestations, log-book sign-offs, workplace supervisors'
links, gradebook imports, and requests for recognition of prior learning."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.assessment.models.plans import plain_number
from microcred.frameworks.models import Competency, ProficiencyLevel


class ResultSource(models.TextChoices):
    ASSESSOR = "assessor", _("Assessor")
    SUPERVISOR_LINK = "supervisor_link", _("Workplace supervisor")
    GRADEBOOK = "gradebook", _("Gradebook import")
    PRIOR_LEARNING = "prior_learning", _("Recognition of prior learning")
    SELF = "self", _("Self-assessment")


class Evaluation(models.Model):
    """One recorded result for one component; the latest one that is not a self-assessment counts."""

    enrolment = models.ForeignKey("assessment.Enrolment", on_delete=models.CASCADE, related_name="evaluations")
    component = models.ForeignKey(
        "assessment.AssessmentComponent", on_delete=models.PROTECT, related_name="evaluations"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as written at the time: a supervisor acting through a link has no account.
    assessor_name = models.CharField(_("assessor"), max_length=200, blank=True, default="")
    assessor_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=16, choices=ResultSource.choices)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, default="")
    attestation = models.TextField(_("attestation"), blank=True, default="")
    # Legacy seal (HMAC of the server's secret) of attestations recorded before they were signed by the employer.
    attestation_signature = models.CharField(max_length=64, blank=True, default="")
    # An employer's attestation as an OB 3.0 EndorsementCredential signed with the employer organization's key;
    # embedded in the credential awarded to the learner. Never changed afterwards.
    attestation_document = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["enrolment", "component", "-created_at"], name="evaluation_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0), name="evaluation_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} · {self.enrolment}"

    @property
    def score_text(self) -> str:
        return plain_number(self.score)

    @property
    def provider(self) -> Organization:
        return self.enrolment.credential.provider


class CompetencyRating(models.Model):
    """A level of the component's scale reached on one competency, as part of an evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(ProficiencyLevel, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "competency"], name="rating_once_per_evaluation"),
        ]

    def __str__(self) -> str:
        return f"{self.competency}: {self.level}"


class TaskSignOff(models.Model):
    enrolment = models.ForeignKey("assessment.Enrolment", on_delete=models.CASCADE, related_name="task_sign_offs")
    task = models.ForeignKey("assessment.LogBookTask", on_delete=models.PROTECT, related_name="sign_offs")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor_name = models.CharField(_("assessor"), max_length=200, blank=True, default="")
    comment = models.TextField(_("comment"), blank=True, default="")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "task"], name="task_signed_off_once")]

    def __str__(self) -> str:
        return f"{self.task} · {self.enrolment}"

    @property
    def provider(self) -> Organization:
        return self.enrolment.credential.provider


class SupervisorInvitation(models.Model):
    """A workplace supervisor's link to evaluate one learner on some components; only the token's hash is kept."""

    enrolment = models.ForeignKey(
        "assessment.Enrolment", on_delete=models.CASCADE, related_name="supervisor_invitations"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="supervisor_invitations")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True, default="")
    components = models.ManyToManyField("assessment.AssessmentComponent", related_name="supervisor_invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} · {self.enrolment}"


class GradebookImport(models.Model):
    """An uploaded LMS gradebook: its parsed good rows and its row-level errors, until (and after) it is applied."""

    credential = models.ForeignKey(
        "catalog.MicroCredential", on_delete=models.PROTECT, related_name="gradebook_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True, default="")
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    applied_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename or f"{_('Gradebook')} {self.pk}"

    @property
    def provider(self) -> Organization:
        return self.credential.provider


class PriorLearningStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    RECOGNIZED = "recognized", _("Recognized")
    DECLINED = "declined", _("Declined")


class PriorLearningRequest(models.Model):
    enrolment = models.ForeignKey(
        "assessment.Enrolment", on_delete=models.CASCADE, related_name="prior_learning_requests"
    )
    component = models.ForeignKey(
        "assessment.AssessmentComponent", on_delete=models.PROTECT, related_name="prior_learning_requests"
    )
    narrative = models.TextField(_("what was learned, where and when"))
    evidence = models.ManyToManyField("assessment.Evidence", blank=True, related_name="prior_learning_requests")
    status = models.CharField(
        _("status"), max_length=16, choices=PriorLearningStatus.choices, default=PriorLearningStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "component"], name="prior_learning_once_per_component"),
        ]

    def __str__(self) -> str:
        return f"{self.component} · {self.enrolment}"

    @property
    def provider(self) -> Organization:
        return self.enrolment.credential.provider
