"""The assessment domain's models, one module per concept; import them from here."""

from microcred.assessment.models.awards import Award, AwardStatus, BulkAwardJob, JobStatus, RuleDecision, RuleOutcome
from microcred.assessment.models.enrolments import Enrolment, EnrolmentStatus, Route
from microcred.assessment.models.evidence import Evidence, EvidenceKind, evidence_storage
from microcred.assessment.models.plans import (
    AssessmentComponent,
    AssessmentPlan,
    ComponentKind,
    LogBookTask,
    plain_number,
)
from microcred.assessment.models.results import (
    CompetencyRating,
    Evaluation,
    GradebookImport,
    PriorLearningRequest,
    PriorLearningStatus,
    ResultSource,
    SupervisorInvitation,
    TaskSignOff,
)

__all__ = [
    "AssessmentComponent",
    "AssessmentPlan",
    "Award",
    "AwardStatus",
    "BulkAwardJob",
    "CompetencyRating",
    "ComponentKind",
    "Enrolment",
    "EnrolmentStatus",
    "Evaluation",
    "Evidence",
    "EvidenceKind",
    "GradebookImport",
    "JobStatus",
    "LogBookTask",
    "PriorLearningRequest",
    "PriorLearningStatus",
    "ResultSource",
    "Route",
    "RuleDecision",
    "RuleOutcome",
    "SupervisorInvitation",
    "TaskSignOff",
    "evidence_storage",
    "plain_number",
]
