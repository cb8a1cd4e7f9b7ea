"""Authoring, versions, scales, crosswalks and who may do them: through the services, on the real database."""

from __future__ import annotations

import pytest

from microcred.accounts.models import Organization, User
from microcred.audit.models import AuditEntry
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.frameworks import case, services, tabular
from microcred.frameworks.models import Competency, Framework, FrameworkStatus, LinkStatus
from microcred.testing.factories import make_member, make_organization


@pytest.fixture
def framework(admin: User, provider: Organization) -> Framework:
    framework = services.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    thinking = services.add_competency(actor=admin, framework=framework, statement="Thinking", code="T")
    services.add_competency(actor=admin, framework=framework, statement="Solve problems", code="T.1", parent=thinking)
    services.add_competency(actor=admin, framework=framework, statement="Think critically", code="T.2", parent=thinking)
    services.add_competency(actor=admin, framework=framework, statement="Working with others", code="W")
    return framework


def test_authoring_writes_one_audit_entry_per_change(admin: User, framework: Framework) -> None:
    actions = list(AuditEntry.objects.filter(action__startswith="frameworks.").values_list("action", flat=True))
    assert actions.count("frameworks.create") == 1 and actions.count("frameworks.add_competency") == 4
    solve = framework.competencies.get(code="T.1")
    assert solve.depth == 1 and solve.uri.endswith(solve.identifier) and solve.sort_order == 0
    assert framework.slug == "future-ready-talent" and framework.status == FrameworkStatus.DRAFT


def test_only_the_frameworks_organization_edits_it(framework: Framework, provider: Organization) -> None:
    other_admin = make_member(make_organization("provider"), "admin")
    reviewer = make_member(provider, "reviewer")
    for person in (other_admin, reviewer):
        with pytest.raises(PermissionDenied):
            services.add_competency(actor=person, framework=framework, statement="Intruder")
        with pytest.raises(PermissionDenied):
            services.update_framework(actor=person, framework=framework, changes={"title": "Mine"})
    employer_admin = make_member(make_organization("employer"), "admin")
    own = services.create_framework(
        actor=employer_admin, organization=employer_admin.memberships.get().organization, title="Grid skills"
    )
    assert own.organization.kind == "employer"


def test_codes_stay_unique_and_bad_input_names_the_field(admin: User, framework: Framework) -> None:
    with pytest.raises(ValidationFailed) as failed:
        services.add_competency(actor=admin, framework=framework, statement="Again", code="T")
    assert failed.value.errors[0].field == "code"
    with pytest.raises(ValidationFailed) as failed:
        services.add_competency(actor=admin, framework=framework, statement=" ", competency_type="robot")
    assert {e.field for e in failed.value.errors} == {"statement", "competency_type"}
    with pytest.raises(ValidationFailed):
        services.update_framework(actor=admin, framework=framework, changes={"status": "published"})


def test_moving_keeps_the_tree_a_tree(admin: User, framework: Framework) -> None:
    thinking = framework.competencies.get(code="T")
    working = framework.competencies.get(code="W")
    services.move_competency(actor=admin, competency=thinking, parent=working)
    assert framework.competencies.get(code="T.1").depth == 2
    with pytest.raises(ValidationFailed) as failed:
        services.move_competency(actor=admin, competency=working, parent=framework.competencies.get(code="T.2"))
    assert failed.value.errors[0].code == "cycle"
    services.move_competency(
        actor=admin, competency=framework.competencies.get(code="T.2"), parent=thinking, position=0
    )
    assert [c.code for c in thinking.children.order_by("sort_order")] == ["T.2", "T.1"]
    services.move_competency(actor=admin, competency=thinking, parent=None, position=0)
    assert framework.competencies.get(code="T.1").depth == 1


def test_a_new_version_keeps_the_uris_of_unchanged_competencies(admin: User, framework: Framework) -> None:
    services.add_scale(actor=admin, framework=framework, name="Six levels", levels=["u", "s", "g", "vg", "e", "sup"])
    with pytest.raises(Conflict):
        services.start_new_version(actor=admin, framework=framework, version="2")
    services.publish_framework(actor=admin, framework=framework)
    with pytest.raises(Conflict):
        services.add_competency(actor=admin, framework=framework, statement="Too late")
    v2 = services.start_new_version(actor=admin, framework=framework, version="2")
    assert v2.slug == framework.slug and v2.previous_version == framework and v2.status == "draft"
    old = {c.code: c for c in framework.competencies.all()}
    new = {c.code: c for c in v2.competencies.all()}
    assert {code: c.uri for code, c in new.items()} == {code: c.uri for code, c in old.items()}
    assert new["T.1"].parent.code == "T" and new["T.1"].parent.framework == v2
    assert v2.scales.get().levels.count() == 6
    changed = services.update_competency(
        actor=admin, competency=new["T.1"], changes={"statement": "Solve hard problems"}
    )
    assert changed.uri != old["T.1"].uri and changed.identifier != old["T.1"].identifier
    assert Competency.objects.get(pk=old["T.1"].pk).statement == "Solve problems"  # the old version is untouched
    unchanged = services.update_competency(
        actor=admin, competency=new["T.2"], changes={"statement": "Think critically"}
    )
    assert unchanged.uri == old["T.2"].uri
    services.publish_framework(actor=admin, framework=v2)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.SUPERSEDED
    with pytest.raises(ValidationFailed):
        services.start_new_version(actor=admin, framework=v2, version="2")


def test_old_alignments_keep_pointing_at_their_version(
    admin: User, framework: Framework, provider: Organization
) -> None:
    from microcred.catalog.models import Alignment
    from microcred.testing.assessment import make_published_credential

    credential = make_published_credential(provider)
    solve = framework.competencies.get(code="T.1")
    Alignment.objects.create(credential=credential, competency=solve, label=solve.statement, target_url=solve.uri)
    services.publish_framework(actor=admin, framework=framework)
    v2 = services.start_new_version(actor=admin, framework=framework, version="2")
    services.update_competency(actor=admin, competency=v2.competencies.get(code="T.1"), changes={"statement": "New"})
    assert credential.alignments.get().competency.framework == framework
    with pytest.raises(Conflict) as failed:  # a draft's aligned competency cannot be removed
        draft = services.create_framework(actor=admin, organization=provider, title="Draft")
        target = services.add_competency(actor=admin, framework=draft, statement="x")
        Alignment.objects.create(credential=credential, competency=target, label="x")
        services.delete_competency(actor=admin, competency=target)
    assert failed.value.code == "competency_in_use" and Competency.objects.filter(pk=target.pk).exists()


def test_scales_need_distinct_levels(admin: User, framework: Framework) -> None:
    with pytest.raises(ValidationFailed):
        services.add_scale(actor=admin, framework=framework, name="Bad", levels=["good", "good"])
    with pytest.raises(ValidationFailed):
        services.add_scale(actor=admin, framework=framework, name="Empty", levels=[])
    scale = services.add_scale(
        actor=admin, framework=framework, name="Three", levels=[("low", "Just starting"), "mid", "high"]
    )
    assert [(lv.rank, lv.label) for lv in scale.levels.all()] == [(0, "low"), (1, "mid"), (2, "high")]
    assert scale.levels.get(rank=0).description == "Just starting"


def test_crosswalk_suggestions_are_ranked_and_a_person_decides(
    admin: User, framework: Framework, provider: Organization
) -> None:
    target = services.create_framework(actor=admin, organization=provider, title="Other framework")
    services.add_competency(actor=admin, framework=target, statement="Solving problems in a team", code="O1")
    services.add_competency(actor=admin, framework=target, statement="Critical thinking about information", code="O2")
    services.add_competency(actor=admin, framework=target, statement="Operating forklifts", code="O3")
    crosswalk = services.create_crosswalk(
        actor=admin, organization=provider, source_framework=framework, target_framework=target
    )
    solve = framework.competencies.get(code="T.1")
    links = services.suggest_links(
        actor=admin, crosswalk=crosswalk, sources=[solve, framework.competencies.get(code="T.2")]
    )
    best = {link.source.code: link for link in sorted(links, key=lambda x: -(x.score or 0))}
    assert best["T.1"].target.code == "O1" and best["T.2"].target.code == "O2"
    assert all(link.status == LinkStatus.SUGGESTED and 0 < link.score <= 1 for link in links)
    assert all(link.target.code != "O3" for link in links)
    accepted = services.decide_link(actor=admin, link=best["T.1"], accept=True, relation="exactMatch")
    rejected = services.decide_link(actor=admin, link=best["T.2"], accept=False)
    assert accepted.confirmed_by == admin and accepted.confirmed_at and accepted.relation == "exactMatch"
    assert rejected.status == LinkStatus.REJECTED
    again = services.suggest_links(actor=admin, crosswalk=crosswalk, sources=[framework.competencies.get(code="T.2")])
    assert again == []  # a rejected pair is not suggested again
    outsider = make_member(make_organization("provider"), "admin")
    with pytest.raises(PermissionDenied):
        services.decide_link(actor=outsider, link=accepted, accept=False)
    with pytest.raises(ValidationFailed):
        services.decide_link(actor=admin, link=accepted, accept=True, relation="sameAs")
    exported = tabular.export_crosswalk_csv(crosswalk).splitlines()
    assert exported[0].startswith("source_code,") and len(exported) == 2 and ",exactMatch,O1," in exported[1]
    associations = case.export_crosswalk_case(crosswalk)["CFAssociations"]
    assert [a["associationType"] for a in associations] == ["exactMatchOf"]
    assert associations[0]["destinationNodeURI"]["identifier"] == accepted.target.identifier


def test_confirmed_links_travel_in_the_case_package(admin: User, framework: Framework, provider: Organization) -> None:
    target = services.create_framework(actor=admin, organization=provider, title="Other framework")
    other = services.add_competency(actor=admin, framework=target, statement="Problem solving", code="O1")
    crosswalk = services.create_crosswalk(
        actor=admin, organization=provider, source_framework=framework, target_framework=target
    )
    services.add_link(
        actor=admin,
        crosswalk=crosswalk,
        source=framework.competencies.get(code="T.1"),
        target=other,
        relation="closeMatch",
    )
    package = case.export_case(framework)
    kinds = [a["associationType"] for a in package["CFAssociations"]]
    assert kinds.count("isChildOf") == 4 and kinds.count("isRelatedTo") == 1
    package["CFDocument"]["identifier"] = "another-document"
    employer = make_organization("employer")
    result = services.import_document(
        actor=make_member(employer, "admin"),
        organization=employer,
        document=case.parse_case(__import__("json").dumps(package).encode()),
        source_format="case",
    )
    assert result.counts["links"] == 1
    link = result.framework.crosswalks_from.get().links.get()
    assert link.relation == "closeMatch" and link.target == other and link.status == "confirmed"
