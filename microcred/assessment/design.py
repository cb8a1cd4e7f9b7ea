"""Reads for the designer's assessment-plan page: the competencies a plan offers and the scale it starts from."""

from __future__ import annotations

from microcred.assessment.models import AssessmentComponent, AssessmentPlan
from microcred.catalog.models import Alignment, MicroCredential
from microcred.frameworks.models import Competency, ProficiencyScale


def plan_competencies(credential: MicroCredential) -> list[Competency]:
    """The competencies the credential is aligned to, and any its plan already certifies or assesses: once each."""
    ids = set(Alignment.objects.filter(credential=credential).values_list("competency_id", flat=True))
    ids |= set(
        AssessmentPlan.competencies.through.objects.filter(assessmentplan__credential=credential).values_list(
            "competency_id", flat=True
        )
    )
    ids |= set(
        AssessmentComponent.competencies.through.objects.filter(
            assessmentcomponent__plan__credential=credential
        ).values_list("competency_id", flat=True)
    )
    return list(
        Competency.objects.filter(pk__in=ids)
        .select_related("framework")
        .order_by("framework__title", "sort_order", "pk")
    )


def initial_scale(components: list[AssessmentComponent], scales: list[ProficiencyScale]) -> int | None:
    """The scale a new component starts with: the one the plan already uses, else a default one, else the first."""
    for component in components:
        if component.scale_id is not None:
            return component.scale_id
    chosen = next((s for s in scales if s.is_default), scales[0] if scales else None)
    return chosen.pk if chosen is not None else None
