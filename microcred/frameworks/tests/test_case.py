"""CASE 1.0 packages in and out: the tree, rubrics and scales, round trip, and files that are refused whole."""

from __future__ import annotations

import json
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.errors import Conflict, ValidationFailed
from microcred.frameworks import case, services
from microcred.frameworks.document import FileTooLarge, UnreadableFile
from microcred.frameworks.models import Competency, Framework, RubricLevel
from microcred.frameworks.tests.conftest import as_bytes, case_package, child_of, item


def import_case(admin: User, provider: Organization, data: bytes) -> services.ImportResult:
    return services.import_document(
        actor=admin, organization=provider, document=case.parse_case(data), source_format="case"
    )


def errors_of(failed: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in failed.errors}


def test_a_package_becomes_a_tree_with_scales_and_rubrics(admin: User, provider: Organization) -> None:
    result = import_case(admin, provider, as_bytes(case_package()))
    framework = result.framework
    assert result.created and framework.title == "Future-ready talent" and framework.version == "2.0"
    assert framework.licence == "CC BY 4.0" and framework.publisher == "Future Skills Council"
    roots = list(framework.competencies.filter(parent=None).order_by("sort_order"))
    assert [r.code for r in roots] == ["FRT-1", "FRT-2"]
    assert [c.code for c in roots[0].children.order_by("sort_order")] == ["FRT-1.1", "FRT-1.2"]
    problem = framework.competencies.get(code="FRT-1.1")
    assert problem.short_name == "Problem solving" and problem.competency_type == "skill" and problem.depth == 1
    assert problem.alternative_labels == ["analytical thinking"]
    assert framework.competencies.get(code="FRT-1.2").level == "13"
    scale = framework.scales.get()
    assert [lv.label for lv in scale.levels.all()][-1] == "superior" and scale.is_default
    level = RubricLevel.objects.get(identifier="rl-2")
    assert level.proficiency_level.label == "excellent" and level.criterion.competency == problem


def test_export_import_export_gives_the_same_package(
    admin: User, provider: Organization, employer: Organization
) -> None:
    first = case.export_case(import_case(admin, provider, as_bytes(case_package())).framework)
    json.dumps(first)  # serializable as is
    other_admin = __import__("microcred.testing.factories", fromlist=["make_member"]).make_member(employer, "admin")
    again = services.import_document(
        actor=other_admin, organization=employer, document=case.parse_case(as_bytes(first)), source_format="case"
    )
    second = case.export_case(again.framework)
    assert second == first
    assert {i["identifier"] for i in second["CFItems"]} == {"d-1", "d-2", "c-11", "c-12", "c-21"}


def test_importing_the_same_file_twice_changes_nothing(admin: User, provider: Organization) -> None:
    data = as_bytes(case_package())
    first = import_case(admin, provider, data)
    before = list(Competency.objects.values_list("pk", "updated_at"))
    second = import_case(admin, provider, data)
    assert not second.created and not second.changed
    assert second.framework.pk == first.framework.pk
    assert list(Competency.objects.values_list("pk", "updated_at")) == before


def test_a_changed_file_updates_a_draft_in_place(admin: User, provider: Organization) -> None:
    import_case(admin, provider, as_bytes(case_package()))
    package = case_package()
    package["CFItems"][2]["fullStatement"] = "Solve complex problems with evidence"
    package["CFItems"].pop(4)
    package["CFAssociations"].pop(4)
    result = import_case(admin, provider, as_bytes(package))
    assert result.counts["competencies_updated"] == 1 and result.counts["competencies_removed"] == 1
    assert result.framework.competencies.get(identifier="c-11").statement.endswith("evidence")


def test_a_published_version_is_not_overwritten(admin: User, provider: Organization) -> None:
    package = case_package()
    package["CFDocument"]["adoptionStatus"] = "Adopted"
    import_case(admin, provider, as_bytes(package))
    package["CFItems"][0]["fullStatement"] = "Changed"
    with pytest.raises(Conflict) as failed:
        import_case(admin, provider, as_bytes(package))
    assert failed.value.code == "framework_published"
    assert Competency.objects.get(identifier="d-1").statement == "Thinking"


def refused(admin: User, provider: Organization, data: bytes) -> Exception:
    with pytest.raises((ValidationFailed, UnreadableFile, FileTooLarge)) as failed:
        import_case(admin, provider, data)
    assert not Framework.objects.exists() and not Competency.objects.exists()
    return failed.value


def test_truncated_json_is_refused_with_its_position(admin: User, provider: Organization) -> None:
    data = as_bytes(case_package())
    error = refused(admin, provider, data[: len(data) // 2])
    assert error.code == "malformed_json" and "line 1" in error.message


def test_bad_encodings_nul_bytes_and_non_packages_are_refused(admin: User, provider: Organization) -> None:
    assert refused(admin, provider, '{"CFDocument": "é"}'.encode("latin-1")).code == "invalid_encoding"
    assert refused(admin, provider, b'{"a": "\x00"}').code == "invalid_encoding"
    assert errors_of(refused(admin, provider, b"[1, 2, 3]")) == {"CFDocument": "required"}
    codes = errors_of(refused(admin, provider, b'{"CFDocument": {}, "CFItems": "no"}'))
    assert codes["CFItems"] == "invalid" and codes["CFDocument.title"] == "required"


def test_deep_nesting_is_refused(admin: User, provider: Organization) -> None:
    assert refused(admin, provider, b"[" * 100_000 + b"]" * 100_000).code == "too_deeply_nested"


def test_a_file_over_the_size_cap_is_refused(admin: User, provider: Organization) -> None:
    package = case_package()
    package["CFDocument"]["description"] = "x" * (50 * 1024 * 1024)
    error = refused(admin, provider, as_bytes(package))
    assert error.code == "file_too_large" and error.status == 413


def test_a_cycle_in_the_hierarchy_is_refused(admin: User, provider: Organization) -> None:
    package = case_package()
    package["CFAssociations"][0] = child_of(1, "d-1", "c-11", 1)  # d-1 under c-11, which is under d-1
    error = refused(admin, provider, as_bytes(package))
    assert "cycle" in errors_of(error).values()


def test_duplicate_identifiers_and_codes_are_refused_naming_the_items(admin: User, provider: Organization) -> None:
    package = case_package()
    package["CFItems"].append(item("c-11", "Again", humanCodingScheme="FRT-9"))
    package["CFItems"].append(item("c-99", "Same code", humanCodingScheme="FRT-2.1"))
    codes = errors_of(refused(admin, provider, as_bytes(package)))
    assert codes["CFItems.5.identifier"] == "duplicate" and codes["CFItems.6.code"] == "duplicate"


def test_unknown_scale_levels_and_missing_statements_are_refused(admin: User, provider: Organization) -> None:
    package = case_package()
    package["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"][0]["extensions"] = {
        "microcredProficiencyLevel": "brilliant"
    }
    package["CFItems"][1]["fullStatement"] = ""
    codes = errors_of(refused(admin, provider, as_bytes(package)))
    assert codes["CFItems.1.fullStatement"] == "required"
    package["CFItems"][1]["fullStatement"] = "Back"
    codes = errors_of(refused(admin, provider, as_bytes(package)))
    assert codes["CFRubrics.0.criteria.0.levels.0.proficiency_level"] == "unknown_level"


def test_a_parent_outside_the_package_is_refused(admin: User, provider: Organization) -> None:
    package = case_package()
    package["CFAssociations"][2] = child_of(3, "c-11", "nowhere", 1)
    assert errors_of(refused(admin, provider, as_bytes(package))) == {
        "CFAssociations.2.destinationNodeURI": "unknown_item"
    }


def test_wrong_types_are_named(admin: User, provider: Organization) -> None:
    package: dict[str, Any] = case_package()
    package["CFItems"][0]["conceptKeywords"] = "not a list"
    package["CFAssociations"][0]["sequenceNumber"] = "first"
    codes = errors_of(refused(admin, provider, as_bytes(package)))
    assert codes == {"CFItems.0.conceptKeywords": "invalid", "CFAssociations.0.sequenceNumber": "invalid"}


def test_someone_else_cannot_import_into_an_organization(provider: Organization, learner: User) -> None:
    from microcred.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_document(
            actor=learner,
            organization=provider,
            document=case.parse_case(as_bytes(case_package())),
            source_format="case",
        )


def test_rubric_levels_in_any_order_are_still_the_same_file(admin: User, provider: Organization) -> None:
    package = case_package()
    levels = package["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    levels.reverse()
    import_case(admin, provider, as_bytes(package))
    assert not import_case(admin, provider, as_bytes(package)).changed
