"""The skills domain's crosswalk rankings, registered into frameworks.similarity: ESCO targets ranked by the
skill linking service, other targets by BM25; offered only when the semantic engine can serve."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.accounts.models import Organization, User
from microcred.catalog.tests.esco_sample import LIGHTS, TEAM, import_sample
from microcred.errors import ValidationFailed
from microcred.frameworks import services
from microcred.frameworks.models import Framework
from microcred.frameworks.similarity import METHODS, RANKERS, BM25Index, available_methods, best_method, index_for
from microcred.skills.linking import semantic
from microcred.skills.models import EmbeddingIndex, EmbeddingStatus
from microcred.skills.rankers import SkillsRanker
from microcred.testing.factories import make_member


@pytest.fixture
def esco(tmp_path: Path, db: None) -> Framework:
    return import_sample(tmp_path / "esco")


@pytest.fixture
def admin(provider: Organization) -> User:
    return make_member(provider, "admin", email="admin@maple.example")


@pytest.fixture
def own(admin: User, provider: Organization) -> Framework:
    framework = services.create_framework(actor=admin, organization=provider, title="Site roles")
    services.add_competency(actor=admin, framework=framework, statement="Lead a team of people on a site", code="R1")
    services.add_competency(actor=admin, framework=framework, statement="Fit light fixtures in rooms", code="R2")
    return framework


def test_semantic_and_hybrid_are_registered_from_the_skills_app() -> None:
    assert {"bm25", "lexical", "semantic", "hybrid"} <= set(RANKERS) and {"lexical", "semantic", "hybrid"} <= set(
        METHODS
    )


def test_an_esco_target_is_ranked_by_the_linking_service(esco: Framework) -> None:
    ranker = index_for(esco, "hybrid")
    assert isinstance(ranker, SkillsRanker)
    matches = ranker.search("Lead a team of people on a site", limit=3)
    assert matches[0].pk == esco.competencies.get(uri=TEAM).pk and 0 < matches[0].score <= 1
    assert ranker.method == "lexical"  # no embeddings computed: the engine that actually ranked
    texts = ["Fit light fixtures in rooms", "nothing to see", "Lead a team of people on a site"] * 30  # > one batch
    many = ranker.search_many(texts, limit=2)
    assert len(many) == 90 and many[0][0].pk == esco.competencies.get(uri=LIGHTS).pk and many[1] == []
    assert many[-1] == ranker.search(texts[-1], limit=2)


def test_other_targets_fall_back_to_bm25(esco: Framework, own: Framework) -> None:
    ranker = index_for(own, "semantic")
    assert isinstance(ranker, BM25Index) and ranker.method == "bm25"
    assert ranker.search("team lead", limit=1)[0].pk == own.competencies.get(code="R1").pk


def test_unknown_methods_are_refused(esco: Framework) -> None:
    with pytest.raises(ValidationFailed) as raised:
        index_for(esco, "telepathy")
    assert raised.value.errors[0].code == "invalid_choice"


def test_meaning_rankings_are_offered_only_when_the_embeddings_are_ready(esco: Framework, own: Framework) -> None:
    assert [m for m, _label in available_methods()] == ["lexical", "bm25"]
    assert best_method(esco) == "lexical" and best_method(own) == "bm25"
    assert [m for m, _label in available_methods(own)] == ["bm25"]  # the skills' rankings serve ESCO only
    EmbeddingIndex.objects.create(framework=esco, model_name=semantic.MODEL_NAME, status=EmbeddingStatus.RUNNING)
    assert [m for m, _label in available_methods(esco)] == ["lexical", "bm25"]
    EmbeddingIndex.objects.update(status=EmbeddingStatus.DONE)
    if not semantic.available():
        assert [m for m, _label in available_methods(esco)] == ["lexical", "bm25"]
        return
    assert [m for m, _label in available_methods(esco)] == ["hybrid", "semantic", "lexical", "bm25"]
    assert best_method(esco) == "hybrid"
    assert [m for m, _label in available_methods(own)] == ["bm25"]


def test_without_esco_only_bm25_is_offered(own: Framework) -> None:
    assert [m for m, _label in available_methods()] == ["bm25"] and best_method(own) == "bm25"
    assert isinstance(index_for(own, "lexical"), BM25Index)


def test_crosswalk_suggestions_to_esco_and_refusal_of_unavailable_methods(
    admin: User, provider: Organization, esco: Framework, own: Framework
) -> None:
    crosswalk = services.create_crosswalk(
        actor=admin, organization=provider, source_framework=own, target_framework=esco
    )
    for method in ("telepathy", "semantic"):  # semantic: no embeddings computed here
        with pytest.raises(ValidationFailed) as raised:
            services.suggest_links(actor=admin, crosswalk=crosswalk, method=method)
        assert raised.value.errors[0].field == "method"
    for method in ("bm25", "lexical"):
        made = services.suggest_links(actor=admin, crosswalk=crosswalk, method=method, per_source=1)
        assert {link.source.code: link.target.uri for link in made} == {"R1": TEAM, "R2": LIGHTS}
        assert {link.method for link in made} == {method}
        crosswalk.links.all().delete()


needs_semantic = pytest.mark.skipif(not semantic.available(), reason="the semantic engine is not installed")


@needs_semantic
def test_with_embeddings_the_hybrid_ranking_serves_crosswalks_and_outcome_suggestions(
    admin: User, provider: Organization, esco: Framework, own: Framework
) -> None:
    from microcred.accounts.permissions import CLI
    from microcred.catalog import suggestions
    from microcred.catalog.tests.conftest import draft
    from microcred.skills.linking import embeddings

    index = embeddings.run_embedding(embeddings.start_embedding(CLI, esco, enqueue=False).pk)
    assert index.status == EmbeddingStatus.DONE, index.error
    assert best_method(esco) == "hybrid" and [m for m, _label in available_methods(own)] == ["bm25"]
    crosswalk = services.create_crosswalk(
        actor=admin, organization=provider, source_framework=own, target_framework=esco
    )
    made = services.suggest_links(actor=admin, crosswalk=crosswalk, method="hybrid", per_source=1)
    assert {link.source.code: link.target.uri for link in made} == {"R1": TEAM, "R2": LIGHTS}
    assert {link.method for link in made} == {"hybrid"}
    credential = draft(admin, provider, learning_outcomes=["Supervise a group of workers on a building site"])
    found = suggestions.suggest(credential)
    assert found.engine == "hybrid" and found.outcomes[0].suggestions[0].uri == TEAM
