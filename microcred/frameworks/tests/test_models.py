"""The frameworks tables as other domains use them: scales ordered by rank, trees, unique codes, free short names."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from microcred.accounts.models import Organization
from microcred.frameworks.models import Competency, Framework, ProficiencyLevel, ProficiencyScale
from microcred.testing.assessment import make_scale_with_competencies


def test_the_assessment_factory_builds_scales_and_competencies(provider: Organization) -> None:
    scale, competencies = make_scale_with_competencies(provider, ["teamwork", "safety"])
    again, _ = make_scale_with_competencies(provider, ["teamwork"])
    levels = ProficiencyLevel.objects.filter(scale=scale).order_by("rank")
    assert [level.label for level in levels][:2] == ["unsatisfactory", "satisfactory"]
    assert [c.short_name for c in competencies] == ["teamwork", "safety"]
    assert scale.framework.slug != again.framework.slug  # short names are made free from the title


def test_a_tree_with_unique_codes(provider: Organization) -> None:
    framework = Framework.objects.create(title="Future-ready talent", organization=provider)
    root = Competency.objects.create(framework=framework, code="A", statement="Think")
    child = Competency.objects.create(framework=framework, parent=root, code="A.1", statement="Solve problems", depth=1)
    Competency.objects.create(framework=framework, statement="No code")
    Competency.objects.create(framework=framework, statement="No code either")  # empty codes do not collide
    assert list(root.children.all()) == [child]
    with pytest.raises(IntegrityError), transaction.atomic():
        Competency.objects.create(framework=framework, code="A", statement="Duplicate")


def test_level_labels_are_unique_within_a_scale(provider: Organization) -> None:
    framework = Framework.objects.create(title="F", organization=provider)
    scale = ProficiencyScale.objects.create(framework=framework, name="S")
    ProficiencyLevel.objects.create(scale=scale, rank=0, label="good")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProficiencyLevel.objects.create(scale=scale, rank=1, label="good")


def test_the_demo_framework_has_twelve_competencies_and_a_six_level_scale(provider: Organization) -> None:
    from microcred.accounts.permissions import SYSTEM
    from microcred.frameworks.samples import load_future_ready_talent

    framework = load_future_ready_talent(actor=SYSTEM, organization=provider)
    assert framework.competencies.filter(competency_type="competency").count() == 12
    assert [lv.label for lv in framework.scales.get().levels.all()] == [
        "unsatisfactory",
        "satisfactory",
        "good",
        "very good",
        "excellent",
        "superior",
    ]
    assert framework.status == "published"
    assert load_future_ready_talent(actor=SYSTEM, organization=provider).pk == framework.pk


def test_the_demo_includes_the_future_ready_talent_framework(db: None) -> None:
    from microcred.demo.loader import load_demo

    load_demo()
    framework = Framework.objects.get(title="Future-ready talent", organization=None)
    assert framework.competencies.filter(competency_type="competency").count() == 12
