"""The events other domains tell: an award, a design sent for review, a co-design invitation, a share link opened."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from microcred.accounts.services import add_member
from microcred.assessment.services import evaluations, evidence
from microcred.catalog.services import create_draft, submit_for_review
from microcred.employers.services import invite_codesigner
from microcred.notifications.models import Kind, Notification
from microcred.testing.factories import make_member, make_user
from microcred.wallet.models import ShareKind, ShareLink, ShareView
from microcred.wallet.services import record_share_view

pytestmark = pytest.mark.django_db


def test_an_award_notifies_the_learner_and_emails_them(
    wil, immediate_tasks, django_capture_on_commit_callbacks
) -> None:
    learner = make_user(email="maya.singh@learner.example")
    enrolment = wil.enrol(learner)
    with django_capture_on_commit_callbacks(execute=True):
        evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score="82")
        wil.designate(enrolment)  # the workplace evaluation is the designated supervisor's (issue 18)
        evaluations.record_evaluation(
            actor=wil.supervisor,
            enrolment=enrolment,
            component=wil.workplace,
            ratings={"communication": "superior", "collaboration": "superior"},
        )
    (notification,) = Notification.objects.filter(recipient=learner, kind=Kind.CREDENTIAL_AWARDED)
    award = enrolment.award
    assert notification.kind == Kind.CREDENTIAL_AWARDED
    assert notification.title == "You were awarded “Communication and Collaboration at Work”"
    assert notification.url == f"/wallet/credentials/{award.issued_credential.public_id}/"
    assert [m.to for m in mail.outbox if m.subject == notification.title] == [[learner.email]]
    assert not Notification.objects.exclude(recipient=learner).exists()
    # each recorded result was news too
    reviewed = Notification.objects.filter(recipient=learner, kind=Kind.EVIDENCE_REVIEWED).order_by("pk")
    assert [n.title for n in reviewed] == [
        "Your result for “PD course” is recorded",
        "Your result for “Workplace evaluation” is recorded",
    ]
    assert reviewed[0].url == f"/assessment/enrolments/{enrolment.pk}/"


def test_submitted_evidence_asks_the_providers_assessors_for_an_evaluation(wil) -> None:
    learner = make_user(name="Maya Singh")
    enrolment = wil.enrol(learner)
    evidence.submit_evidence(
        actor=learner, enrolment=enrolment, kind="reflection", title="My co-op term", text="What I learned."
    )
    (notification,) = Notification.objects.filter(kind=Kind.EVALUATION_REQUESTED)
    assert notification.recipient == wil.assessor  # the provider's assessor; not the employer's, not the admin
    assert notification.title == "Maya Singh submitted evidence for “Communication and Collaboration at Work”"
    assert notification.body == "Evidence “My co-op term” awaits your evaluation."
    assert notification.url == f"/assessment/enrolments/{enrolment.pk}/"


def test_a_design_sent_for_review_notifies_the_providers_reviewers_but_not_its_designers(wil) -> None:
    second_reviewer = make_member(wil.provider, "reviewer")
    designer_reviewer = make_member(wil.provider, "admin")  # an admin who also reviews, but not their own design
    add_member(actor=None, organization=wil.provider, user=designer_reviewer, role="reviewer")
    draft = create_draft(
        actor=designer_reviewer, provider=wil.provider, title="Site Safety", delivery_mode="online", workload_hours="8"
    )
    submit_for_review(actor=wil.admin, credential=draft)
    notified = set(Notification.objects.filter(kind=Kind.DESIGN_AWAITING_REVIEW).values_list("recipient", flat=True))
    assert notified == {wil.reviewer.pk, second_reviewer.pk}
    notification = Notification.objects.filter(recipient=wil.reviewer).get()
    assert notification.title == "“Site Safety” awaits your review"
    assert notification.url.endswith(f"/{draft.slug}/v{draft.version}/")


def test_a_codesign_invitation_notifies_the_employers_admins(wil) -> None:
    employer_admin = make_member(wil.employer, "admin")
    draft = create_draft(
        actor=wil.admin, provider=wil.provider, title="Grid Basics", delivery_mode="online", workload_hours="8"
    )
    invitation = invite_codesigner(actor=wil.admin, credential=draft, employer=wil.employer, message="Check 100% %(x)s")
    (notification,) = Notification.objects.filter(kind=Kind.CODESIGN_INVITATION)
    assert notification.recipient == employer_admin  # not the employer's workplace assessor
    assert notification.title == "Grand River University invites Maple Grid Energy to co-design “Grid Basics”"
    assert notification.body == "Check 100% %(x)s" and notification.url == f"/employers/codesign/{invitation.pk}/"


def _link(owner) -> ShareLink:
    token = secrets.token_urlsafe(16)
    return ShareLink.objects.create(
        owner=owner,
        kind=ShareKind.SET,
        label="For Maple Grid",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(days=30),
    )


def test_a_share_view_notifies_the_owner_at_most_once_per_link_and_day() -> None:
    owner = make_user()
    link, other = _link(owner), _link(owner)
    record_share_view(link=link, outcome="valid")
    record_share_view(link=link, outcome="valid", viewer=make_user())
    record_share_view(link=other, outcome="valid")
    notifications = Notification.objects.filter(recipient=owner, kind=Kind.SHARE_LINK_VIEWED)
    assert notifications.count() == 2
    assert notifications.filter(title="Someone opened your share link “For Maple Grid”").count() == 2
    # the next day's first view notifies again
    ShareView.objects.filter(link=link).update(viewed_at=timezone.now() - timedelta(days=1, hours=1))
    record_share_view(link=link, outcome="valid")
    assert notifications.count() == 3


def test_the_owner_opening_their_own_link_is_not_news() -> None:
    owner = make_user()
    record_share_view(link=_link(owner), outcome="valid", viewer=owner)
    assert not Notification.objects.exists()
