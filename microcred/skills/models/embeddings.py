"""Sentence embeddings of the taxonomy, computed once per framework version and model, then loaded into memory.

Each skill has several vectors (preferred label, alternative labels, description); a vector is float32
little-endian bytes, L2-normalised.
"""

from __future__ import annotations

from django.db import models

from microcred.frameworks.models import Competency, Framework, ImportStatus

EmbeddingStatus = ImportStatus  # an embedding job has the same four states as an import job


class EmbeddingIndex(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="embedding_indexes")
    model_name = models.CharField(max_length=200)
    dimensions = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=EmbeddingStatus.choices, default=EmbeddingStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)  # texts to embed
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "model_name"], name="embedding_index_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id}/{self.model_name} ({self.status})"


class SkillVector(models.Model):
    index = models.ForeignKey(EmbeddingIndex, on_delete=models.CASCADE, related_name="vectors")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)  # "label", "alternative", "description"
    vector = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["index", "competency"], name="skill_vector_by_index")]

    def __str__(self) -> str:
        return f"{self.index_id}/{self.competency_id} {self.kind}"
