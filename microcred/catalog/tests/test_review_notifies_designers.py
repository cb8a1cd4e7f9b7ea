"""Issue 18: the designer is told when a review decides (approved, or changes requested with the reviewer's words)."""

from __future__ import annotations

import pytest

from microcred.catalog import services
from microcred.catalog.tests.conftest import draft
from microcred.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_designers_hear_each_review_decision(admin, reviewer, provider) -> None:
    credential = draft(admin, provider)
    services.submit_for_review(actor=admin, credential=credential)
    services.review(actor=reviewer, credential=credential, decision="changes_requested", comment="Add outcomes.")
    (changes,) = Notification.objects.filter(recipient=admin)
    assert changes.title == "Changes were requested on “Data Literacy”" and "Add outcomes." in changes.body
    assert changes.url.endswith(f"/v{credential.version}/")
    services.submit_for_review(actor=admin, credential=credential)
    services.review(actor=reviewer, credential=credential, decision="approved")
    approved = Notification.objects.filter(recipient=admin).order_by("-pk").first()
    assert approved.title == "“Data Literacy” was approved" and "it can now be published" in approved.body
    assert not Notification.objects.filter(recipient=reviewer, title__contains="approved").exists()
