"""Assessment plans: the components of a credential version, what each assesses and on which scale."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential
from microcred.frameworks.models import Competency, ProficiencyScale


def plain_number(value: Decimal | None) -> str:
    """82.50 → "82.5", 100.00 → "100" (``Decimal.normalize`` alone would write "1E+2")."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class ComponentKind(models.TextChoices):
    COURSE_GRADE = "course_grade", _("Course grade")
    EXAM = "exam", _("Exam")
    PROJECT = "project", _("Project")
    PORTFOLIO = "portfolio", _("Portfolio piece")
    WORKPLACE_EVALUATION = "workplace_evaluation", _("Workplace evaluation")
    LOG_BOOK = "log_book", _("Log book of tasks")
    PRE_TEST = "pre_test", _("Pre-test")
    POST_TEST = "post_test", _("Post-test")
    INTERVIEW = "interview", _("Interview")


class AssessmentPlan(models.Model):
    """One per credential version: the competencies it certifies, and a reviewer's waiver of unassessed ones."""

    credential = models.OneToOneField(MicroCredential, on_delete=models.CASCADE, related_name="assessment_plan")
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="assessment_plans", verbose_name=_("certified competencies")
    )
    gaps_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gaps_waived_at = models.DateTimeField(null=True, blank=True)
    # The competency ids the waiver covers: a gap that appears later is not waived by it.
    waived_gaps = models.JSONField(default=list, blank=True)
    waiver_reason = models.TextField(_("waiver reason"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{_('Assessment plan')} · {self.credential}"

    @property
    def provider(self) -> Organization:
        return self.credential.provider


class AssessmentComponent(models.Model):
    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=ComponentKind.choices)
    description = models.TextField(_("description"), blank=True, default="")
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="assessment_components", verbose_name=_("competencies assessed")
    )
    scale = models.ForeignKey(
        ProficiencyScale, null=True, blank=True, on_delete=models.PROTECT, related_name="assessment_components"
    )
    # A score out of max_score; None means pass/fail only. The pass mark is a percentage.
    max_score = models.DecimalField(_("maximum score"), max_digits=9, decimal_places=2, null=True, blank=True)
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    prior_learning_allowed = models.BooleanField(_("may be satisfied by prior learning"), default=False)
    unlocked_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="unlocks", verbose_name=_("unlocked by")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint("plan", Lower("name"), name="component_name_unique_in_plan"),
            models.CheckConstraint(
                condition=models.Q(max_score__isnull=True) | models.Q(max_score__gt=0), name="component_max_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__isnull=True) | models.Q(pass_mark__gte=0, pass_mark__lte=100),
                name="component_pass_mark_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def max_score_text(self) -> str:
        return plain_number(self.max_score)

    @property
    def pass_mark_text(self) -> str:
        return plain_number(self.pass_mark)

    @property
    def scored(self) -> bool:
        """Has a numeric score (a grade in rules), as opposed to pass/fail or levels only."""
        return self.max_score is not None

    @property
    def provider(self) -> Organization:
        return self.plan.credential.provider


class LogBookTask(models.Model):
    component = models.ForeignKey(AssessmentComponent, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def provider(self) -> Organization:
        return self.component.plan.credential.provider
