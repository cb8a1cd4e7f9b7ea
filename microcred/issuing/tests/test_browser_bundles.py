"""Browser: a learner downloads a credential's verification bundle and the public verifier checks it (issue 17)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.testing.pages import ARTIFACTS, check_page
from microcred.vc import bundle as vc_bundle
from microcred.wallet.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_downloads_a_bundle_and_the_verifier_states_its_status_age(page, tmp_path) -> None:
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="My wallet", exact=True).click()
    page.get_by_role("link", name="Welding safety").click()
    check_page(page, "wallet-credential-bundle")
    with page.expect_download() as info:
        page.get_by_role("link", name="Verification bundle").click()
    download = info.value
    assert re.fullmatch(r"welding-safety-\d{4}-\d{2}-\d{2}\.bundle\.json", download.suggested_filename)  # title, date
    path = tmp_path / download.suggested_filename
    download.save_as(str(path))
    assert vc_bundle.verify_bundle(path.read_bytes()).valid

    page.goto("/verify/")
    page.get_by_label("Or choose a file").set_input_files(str(path))
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Status as of")).to_be_visible()
    expect(page.get_by_role("heading", name="Verified")).to_be_visible()
    # check_page reloads the page's URL (a GET: the empty form); the verdict is a POST's answer, so shoot it here
    page.screenshot(path=str(ARTIFACTS / "screens" / "verify-bundle-result-1280.png"), full_page=True)
    check_page(page, "verify-bundle")
