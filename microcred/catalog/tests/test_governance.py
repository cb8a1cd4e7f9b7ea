"""Draft → in review → changes requested / approved → published → retired, and who may do each step."""

from __future__ import annotations

import pytest

from microcred.audit.models import AuditEntry
from microcred.catalog import services
from microcred.catalog.models import MicroCredential, Status
from microcred.catalog.tests.conftest import draft
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def actions_on(credential: MicroCredential) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="catalog.microcredential", target_id=str(credential.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_whole_journey_is_in_the_audit_log(admin, reviewer, provider) -> None:
    credential = draft(admin, provider)
    services.update_draft(actor=admin, credential=credential, changes={"summary": "Read data."})
    services.submit_for_review(actor=admin, credential=credential)
    services.review(actor=reviewer, credential=credential, decision="changes_requested", comment="Add outcomes.")
    credential.refresh_from_db()
    assert credential.status == Status.CHANGES_REQUESTED
    services.update_draft(actor=admin, credential=credential, changes={"learning_outcomes": ["Read a chart"]})
    services.submit_for_review(actor=admin, credential=credential)
    services.review(actor=reviewer, credential=credential, decision="approved")
    services.publish(actor=admin, credential=credential)
    services.retire(actor=admin, credential=credential, reason="Replaced by a program.")
    credential.refresh_from_db()
    assert credential.status == Status.RETIRED
    assert actions_on(credential) == [
        "catalog.create_draft",
        "catalog.update_draft",
        "catalog.submit_for_review",
        "catalog.request_changes",
        "catalog.update_draft",
        "catalog.submit_for_review",
        "catalog.approve",
        "catalog.publish",
        "catalog.retire",
    ]


@pytest.mark.parametrize(
    "step",
    ["create", "update", "submit", "review", "publish", "retire"],
)
def test_each_step_belongs_to_one_role(step, admin, reviewer, provider) -> None:
    assessor = make_member(provider, "assessor")
    outsider = make_member(make_organization("provider"), "admin")
    learner = make_user()
    credential = draft(admin, provider)
    allowed = {
        "create": admin,
        "update": admin,
        "submit": admin,
        "review": reviewer,
        "publish": admin,
        "retire": admin,
    }[step]
    if step in ("review", "publish", "retire"):
        services.submit_for_review(actor=admin, credential=credential)
    if step in ("publish", "retire"):
        services.review(actor=reviewer, credential=credential, decision="approved")
    if step == "retire":
        services.publish(actor=admin, credential=credential)

    def run(actor):  # type: ignore[no-untyped-def]
        return {
            "create": lambda: draft(actor, provider, title=f"New {actor.pk}"),
            "update": lambda: services.update_draft(actor=actor, credential=credential, changes={"summary": "x"}),
            "submit": lambda: services.submit_for_review(actor=actor, credential=credential),
            "review": lambda: services.review(actor=actor, credential=credential, decision="approved"),
            "publish": lambda: services.publish(actor=actor, credential=credential),
            "retire": lambda: services.retire(actor=actor, credential=credential),
        }[step]()

    others = {admin, reviewer, assessor, outsider, learner} - {allowed}
    for person in others:
        with pytest.raises(PermissionDenied):
            run(person)
    run(allowed)


def test_nobody_reviews_a_design_they_worked_on(admin, reviewer, provider) -> None:
    # A reviewer who also administers the provider edits the draft: someone else must review it.
    both = make_member(provider, "reviewer", email="both@maple.example")
    from microcred.accounts.services import add_member

    add_member(actor=None, organization=provider, user=both, role="admin")
    credential = draft(both, provider)
    services.submit_for_review(actor=admin, credential=credential)
    with pytest.raises(Conflict) as caught:
        services.review(actor=both, credential=credential, decision="approved")
    assert caught.value.code == "own_design"
    services.review(actor=reviewer, credential=credential, decision="approved")


def test_approval_needs_every_checklist_item(admin, reviewer, provider) -> None:
    items = services.configure_checklist(
        actor=admin,
        provider=provider,
        items=["Every competency has an assessment", "An industry partner confirmed relevance"],
    )
    credential = draft(admin, provider)
    services.submit_for_review(actor=admin, credential=credential)
    with pytest.raises(ValidationFailed) as caught:
        services.review(actor=reviewer, credential=credential, decision="approved", checklist={items[0].pk: True})
    assert [e.field for e in caught.value.errors] == [f"checklist.{items[1].pk}"]
    credential.refresh_from_db()
    assert credential.status == Status.IN_REVIEW
    result = services.review(
        actor=reviewer, credential=credential, decision="approved", checklist={i.pk: True for i in items}
    )
    assert [entry["met"] for entry in result.checklist] == [True, True]


def test_requesting_changes_needs_a_comment(admin, reviewer, provider) -> None:
    credential = draft(admin, provider)
    services.submit_for_review(actor=admin, credential=credential)
    with pytest.raises(ValidationFailed):
        services.review(actor=reviewer, credential=credential, decision="changes_requested", comment="  ")


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED])
def test_only_drafts_are_edited_in_place(status, admin, reviewer, provider) -> None:
    credential = draft(admin, provider)
    services.submit_for_review(actor=admin, credential=credential)
    if status != Status.IN_REVIEW:
        services.review(actor=reviewer, credential=credential, decision="approved")
    if status == Status.PUBLISHED:
        services.publish(actor=admin, credential=credential)
    with pytest.raises(Conflict) as caught:
        services.update_draft(actor=admin, credential=credential, changes={"title": "Changed"})
    assert caught.value.code == "not_editable"
    credential.refresh_from_db()
    assert credential.title == "Data Literacy"


def test_wrong_order_is_a_conflict(admin, reviewer, provider) -> None:
    credential = draft(admin, provider)
    with pytest.raises(Conflict):
        services.publish(actor=admin, credential=credential)
    with pytest.raises(Conflict):
        services.review(actor=reviewer, credential=credential, decision="approved")
    with pytest.raises(Conflict):
        services.retire(actor=admin, credential=credential)


def test_an_edit_after_publication_is_a_new_version_and_version_one_stays(admin, reviewer, provider) -> None:
    v1 = draft(admin, provider, learning_outcomes=["Read a chart"])
    services.submit_for_review(actor=admin, credential=v1)
    services.review(actor=reviewer, credential=v1, decision="approved")
    services.publish(actor=admin, credential=v1)
    v2 = services.start_new_version(actor=admin, credential=v1)
    assert (v2.version, v2.status, v2.previous_version) == (2, Status.DRAFT, v1)
    assert [o.text for o in v2.outcomes.all()] == ["Read a chart"]
    with pytest.raises(Conflict):
        services.start_new_version(actor=admin, credential=v1)
    services.update_draft(actor=admin, credential=v2, changes={"title": "Data Literacy II"})
    services.submit_for_review(actor=admin, credential=v2)
    services.review(actor=reviewer, credential=v2, decision="approved")
    services.publish(actor=admin, credential=v2)
    v1.refresh_from_db()
    assert v1.status == Status.SUPERSEDED
    assert v1.title == "Data Literacy"  # a learner who earned version 1 keeps version 1
    assert MicroCredential.objects.filter(slug=v1.slug, status=Status.PUBLISHED).get() == v2
