"""Co-design: the provider invites an employer to review a draft's competencies and assessment plan; the employer
comments and approves; "Co-designed with" then shows as a quality marker on the catalog page."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.accounts.permissions import SYSTEM
from microcred.audit.models import AuditEntry
from microcred.catalog.models import MicroCredential, Status
from microcred.catalog.services import create_draft
from microcred.employers import services
from microcred.employers.models import CoDesignComment, CoDesignInvitation, CoDesignStatus
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def designer(provider):
    return factories.make_member(provider, "admin", email="designer@maple.example")


@pytest.fixture
def draft(provider) -> MicroCredential:
    return create_draft(
        actor=SYSTEM,
        provider=provider,
        title="Line work basics",
        delivery_mode="hybrid",
        workload_hours="30",
        learning_outcomes=["Isolate a circuit before work"],
    )


@pytest.fixture
def reviewer(employer):
    return factories.make_member(employer, "verifier", email="reviewer@grid.example")


def _page(credential: MicroCredential, client: Client | None = None) -> str:
    client = client or Client()
    return client.get(f"/catalog/{credential.provider.slug}/{credential.slug}/v{credential.version}/").content.decode()


def test_invite_comment_approve_and_the_marker_shows(draft, designer, employer, reviewer):
    invitation = services.invite_codesigner(actor=designer, credential=draft, employer=employer, message="Please look")
    services.comment_on_codesign(actor=reviewer, invitation=invitation, text="Add lockout/tagout to the plan.")
    services.comment_on_codesign(actor=designer, invitation=invitation, text="Done.")
    assert [c.organization for c in CoDesignComment.objects.order_by("pk")] == [employer, draft.provider]
    services.approve_codesign(actor=reviewer, invitation=invitation, comment="Approved.")
    invitation.refresh_from_db()
    assert invitation.status == CoDesignStatus.APPROVED and invitation.approved_by == reviewer
    assert list(draft.co_designed_with.all()) == [employer]
    assert AuditEntry.objects.filter(action="employers.approve_codesign").count() == 1
    MicroCredential.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    assert "Co-designed with Grid Power Inc" in _page(draft)


def test_only_the_provider_invites_and_only_the_employer_approves(draft, designer, employer, reviewer, provider):
    outsider = factories.make_user()
    with pytest.raises(PermissionDenied):
        services.invite_codesigner(actor=reviewer, credential=draft, employer=employer)
    invitation = services.invite_codesigner(actor=designer, credential=draft, employer=employer)
    with pytest.raises(PermissionDenied):
        services.approve_codesign(actor=designer, invitation=invitation)
    with pytest.raises(PermissionDenied):
        services.comment_on_codesign(actor=outsider, invitation=invitation, text="spam")
    other_employer = factories.make_organization("employer", name="Other Co")
    stranger = factories.make_member(other_employer, "admin")
    with pytest.raises(PermissionDenied):
        services.approve_codesign(actor=stranger, invitation=invitation)
    assert not draft.co_designed_with.exists()


def test_refusals_write_nothing(draft, designer, employer, reviewer, provider):
    with pytest.raises(ValidationFailed):
        services.invite_codesigner(actor=designer, credential=draft, employer=provider)
    invitation = services.invite_codesigner(actor=designer, credential=draft, employer=employer)
    with pytest.raises(Conflict):
        services.invite_codesigner(actor=designer, credential=draft, employer=employer)
    with pytest.raises(ValidationFailed):
        services.comment_on_codesign(actor=reviewer, invitation=invitation, text="   ")
    with pytest.raises(ValidationFailed):
        services.comment_on_codesign(actor=reviewer, invitation=invitation, text="x" * 2001)
    services.approve_codesign(actor=reviewer, invitation=invitation)
    with pytest.raises(Conflict):
        services.approve_codesign(actor=reviewer, invitation=invitation)
    assert CoDesignInvitation.objects.count() == 1 and CoDesignComment.objects.count() == 0


def test_a_published_version_is_not_co_designed_afterwards(draft, designer, employer, reviewer):
    invitation = services.invite_codesigner(actor=designer, credential=draft, employer=employer)
    MicroCredential.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    with pytest.raises(Conflict):
        services.approve_codesign(actor=reviewer, invitation=invitation)
    draft.refresh_from_db()
    with pytest.raises(Conflict):
        services.invite_codesigner(actor=designer, credential=draft, employer=factories.make_organization("employer"))
    assert not draft.co_designed_with.exists()


def test_the_pages_invite_show_the_plan_and_approve(draft, designer, employer, reviewer):
    provider_client = Client()
    provider_client.force_login(designer)
    assert "Co-design with employers" in _page(draft, provider_client)
    url = f"/catalog/{draft.provider.slug}/{draft.slug}/v1/"
    response = provider_client.post(
        f"/employers/codesign/invite/{draft.provider.slug}/{draft.slug}/v1/", {"employer": employer.slug}
    )
    assert response.status_code == 302 and response["Location"] == url
    invitation = CoDesignInvitation.objects.get()
    employer_client = Client()
    employer_client.force_login(reviewer)
    page = employer_client.get(f"/employers/codesign/{invitation.pk}/").content.decode()
    assert "Isolate a circuit before work" in page and "Assessment plan" in page and "Approve the design" in page
    empty = employer_client.post(f"/employers/codesign/{invitation.pk}/", {"action": "comment", "text": ""})
    assert empty.status_code == 400
    employer_client.post(f"/employers/codesign/{invitation.pk}/", {"action": "comment", "text": "Looks right."})
    employer_client.post(f"/employers/codesign/{invitation.pk}/", {"action": "approve", "text": ""})
    assert list(draft.co_designed_with.all()) == [employer]
    dashboard = employer_client.get(f"/employers/{employer.slug}/").content.decode()
    assert "Line work basics" in dashboard
    assert Client().get(f"/employers/codesign/{invitation.pk}/").status_code == 302  # sign in first
    outsider = Client()
    outsider.force_login(factories.make_user())
    assert outsider.get(f"/employers/codesign/{invitation.pk}/").status_code == 404
    assert outsider.get("/employers/codesign/999999/").status_code == 404
