"""Browser (issue 17): a learner's awarded credential shows its end of validity as a date, its results in words, the
employer's endorsement and the supervisor's signed attestation, on the wallet page, the share page and the public
verifier, which lists each embedded endorsement and attestation with its own outcome; screenshots at 1280 and 390
px, axe-core clean."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from microcred.assessment.models import Award
from microcred.assessment.services import evaluations
from microcred.employers import services as employers
from microcred.issuing import identity
from microcred.testing.factories import PASSWORD, make_member, make_user
from microcred.testing.pages import check_page
from microcred.wallet import services as wallet

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_credential_shows_its_promises_in_the_wallet_share_and_verify_pages(page, wil) -> None:
    wil.credential.validity_months = 24
    wil.credential.save(update_fields=["validity_months"])
    employers.endorse(
        actor=make_member(wil.employer, "admin"),
        employer=wil.employer,
        credential=wil.credential,
        comment="Hire-ready.",
    )
    learner = make_user(email="maya.singh@learner.example", name="Maya Singh")
    enrolment = wil.enrol(learner)
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score="82")
    _, token = evaluations.invite_supervisor(
        actor=wil.admin,
        enrolment=enrolment,
        organization=wil.employer,
        email="marc@maplegrid.example",
        name="Marc Gagnon",
        components=[wil.workplace],
        link_base="http://testserver/assessment/supervise/",
        notify=False,
    )
    evaluations.record_evaluation(
        actor=None,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
        attestation="I supervised this co-op work term.",
        invitation=evaluations.invitation_for_token(token),
    )
    issued = Award.objects.get(enrolment=enrolment).issued_credential
    year = str(timezone.localdate().year + 2)

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"/wallet/credentials/{issued.public_id}/")
    main = page.locator("main")
    assert year in main.locator("time").last.inner_text()
    expect(main.get_by_text("PD course: 82\u00a0%", exact=True)).to_be_visible()
    expect(main.get_by_text("communication: superior", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="Attested by employers")).to_be_visible()
    expect(main.get_by_text("I supervised this co-op work term.")).to_be_visible()
    check_page(page, "wallet-credential-promises")

    _, share = wallet.create_share_link(
        owner=learner, kind="credential", credentials=[issued], expires_at=timezone.now() + timedelta(days=3)
    )
    page.goto(f"/wallet/s/{share}/")
    expect(page.locator("main").get_by_text("Hire-ready.")).to_be_visible()
    check_page(page, "shared-credential-promises")

    page.goto(f"/verify/?url={identity.public_base_url()}/credentials/{issued.public_id}")
    expect(page.get_by_role("heading", name="Verified")).to_be_visible()
    embedded = page.locator("ul.embedded li")
    expect(embedded).to_have_count(2)
    assert embedded.filter(has_text="Attestation of the learner's work").filter(has_text="Maple Grid Energy").count()
    assert embedded.filter(has_text="Endorsement of the achievement").filter(has_text="Passed").count()
    check_page(page, "verify-embedded-endorsements")
