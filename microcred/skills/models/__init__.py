"""The skills domain's tables: occupations and their skills, job postings and the skills found in them,
stored embeddings of the taxonomy, and the import jobs that fill them."""

from microcred.skills.models.demand import JobPosting, PostingSkill
from microcred.skills.models.embeddings import EmbeddingIndex, EmbeddingStatus, SkillVector
from microcred.skills.models.imports import ImportKind, ImportStatus, SkillsImport
from microcred.skills.models.occupations import (
    Occupation,
    OccupationSkill,
    OccupationSource,
    OccupationTask,
    SkillRelation,
)

__all__ = [
    "EmbeddingIndex",
    "EmbeddingStatus",
    "ImportKind",
    "ImportStatus",
    "JobPosting",
    "Occupation",
    "OccupationSkill",
    "OccupationSource",
    "OccupationTask",
    "PostingSkill",
    "SkillRelation",
    "SkillVector",
    "SkillsImport",
]
