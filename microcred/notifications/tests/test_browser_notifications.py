"""In a real browser: a learner whose credential was just awarded sees the unread count in the navigation, reads the
notification, opens the credential from it, and turns off e-mail for share-link views."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from microcred.assessment.services import evaluations
from microcred.notifications.models import NotificationPreference
from microcred.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_receives_the_award_notification_in_the_app(page, wil) -> None:
    learner = make_user(email="maya.singh@learner.example", name="Maya Singh")
    enrolment = wil.enrol(learner)
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score="82")
    wil.designate(enrolment)  # the workplace evaluation is the designated supervisor's (issue 18)
    evaluations.record_evaluation(
        actor=wil.supervisor,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
    )

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    navigation = page.get_by_role("navigation", name="Main")
    link = navigation.get_by_role("link", name="Notifications 3 unread")  # two results recorded, one award
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    award = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="You were awarded “Communication and Collaboration at Work”")
    )
    award.get_by_role("button", name="Open").click()
    page.wait_for_url(f"**/wallet/credentials/{enrolment.award.issued_credential.public_id}/")
    expect(page.get_by_role("link", name="Notifications 2 unread")).to_be_visible()

    page.goto("/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All notifications are marked as read.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications")).to_be_visible()

    page.get_by_role("link", name="Choose which notifications you receive").click()
    page.get_by_label("Someone opened one of my share links: by e-mail").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    preference = NotificationPreference.objects.get(user=learner, kind="share_link_viewed")
    assert preference.in_app and not preference.email
