"""Aligning micro-credentials to framework competencies: the OB 3.0 export, search facets, editable versions only."""

from __future__ import annotations

import pytest

from microcred.accounts.models import Organization, User
from microcred.catalog import alignments, formats, selectors
from microcred.catalog.tests.conftest import draft
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.frameworks import services as frameworks
from microcred.testing.factories import make_member, make_organization


@pytest.fixture
def competency(admin: User, provider: Organization):  # type: ignore[no-untyped-def]
    framework = frameworks.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    return frameworks.add_competency(
        actor=admin, framework=framework, statement="Solve complex problems", code="FRT-1", short_name="Problem solving"
    )


def test_an_alignment_shows_in_the_achievement(admin: User, provider: Organization, competency) -> None:  # type: ignore[no-untyped-def]
    credential = draft(admin, provider, learning_outcomes=["Frame a problem with data"])
    alignment = alignments.align(actor=admin, credential=credential, competency=competency)
    assert alignment.label == "Problem solving" and alignment.target_url == competency.uri
    alignments.align(actor=admin, credential=credential, competency=competency, outcome_position=0)
    entry = formats.to_achievement(credential)["alignment"][0]
    assert entry["targetCode"] == "FRT-1" and entry["targetFramework"] == "Future-ready talent"
    with pytest.raises(Conflict):
        alignments.align(actor=admin, credential=credential, competency=competency)
    with pytest.raises(ValidationFailed):
        alignments.align(actor=admin, credential=credential, competency=competency, outcome_position=7)
    alignments.remove_alignment(actor=admin, alignment=alignment)
    assert credential.alignments.count() == 1


def test_only_the_providers_designers_align_editable_versions(
    admin: User,
    reviewer: User,
    provider: Organization,
    published,
    competency,  # type: ignore[no-untyped-def]
) -> None:
    credential = draft(admin, provider)
    for person in (reviewer, make_member(make_organization("provider"), "admin")):
        with pytest.raises(PermissionDenied):
            alignments.align(actor=person, credential=credential, competency=competency)
    with pytest.raises(Conflict):
        alignments.align(actor=admin, credential=published("Frozen"), competency=competency)


def test_search_filters_by_framework_and_competency(
    admin: User, reviewer: User, provider: Organization, competency
) -> None:  # type: ignore[no-untyped-def]
    from microcred.catalog.tests.conftest import publish

    credential = draft(admin, provider, title="Aligned one")
    alignments.align(actor=admin, credential=credential, competency=competency)
    publish(admin, reviewer, credential)
    publish(admin, reviewer, draft(admin, provider, title="Other one"))
    by_competency = selectors.search_catalog(selectors.parse_query({"competency": str(competency.pk)}))
    assert [c.title for c in by_competency.results] == ["Aligned one"]
    result = selectors.search_catalog(selectors.parse_query({"framework": competency.framework.slug}))
    assert [c.title for c in result.results] == ["Aligned one"]
    facet = next(f for f in result.facets if f.name == "framework")
    assert facet.values[0].count == 1


def test_a_competency_page_shows_the_published_credentials_aligned_to_it(
    admin: User,
    reviewer: User,
    provider: Organization,
    competency,
    client,  # type: ignore[no-untyped-def]
) -> None:
    from microcred.catalog.tests.conftest import publish

    frameworks.publish_framework(actor=admin, framework=competency.framework)
    credential = draft(admin, provider, title="Aligned one")
    alignments.align(actor=admin, credential=credential, competency=competency)
    framework = competency.framework
    page = f"/frameworks/{framework.slug}/v/{framework.version}/c/{competency.identifier}/"
    assert "Aligned one" not in client.get(page).content.decode()  # drafts are not shown
    publish(admin, reviewer, credential)
    assert "Aligned one (Maple College, v1)" in client.get(page).content.decode()
    body = client.get(
        f"/api/v1/frameworks/{framework.slug}/versions/{framework.version}/competencies/{competency.identifier}"
    )
    assert body.json()["usedBy"][0]["url"].endswith(f"/{credential.slug}/v1/")
