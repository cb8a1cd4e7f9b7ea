"""In a real browser: the learner's "Other platforms" page with a connected platform, and the page that sends them
to another platform's consent page; screenshots at 1280 and 390 px, axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from microcred.obapi.models import Connection, ConnectionStatus
from microcred.testing import factories
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_other_platforms_page(page) -> None:
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    for status, name in ((ConnectionStatus.CONNECTED, "Northern Polytechnic"), (ConnectionStatus.PENDING, "Backpack")):
        Connection.objects.create(
            owner=learner,
            name=name,
            api_base="https://platform.example/ims/ob/v3p0",
            authorization_endpoint="https://platform.example/oauth/authorize",
            token_endpoint="https://platform.example/oauth/token",
            client_id="abc",
            status=status,
        )
    page.goto("/accounts/login/?next=/wallet/platforms/")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Northern Polytechnic")).to_be_visible()
    expect(page.get_by_role("button", name="Bring in my credentials from Northern Polytechnic")).to_be_visible()
    check_page(page, "obapi-other-platforms")
    page.get_by_label("The platform's address").fill("http://insecure.example")
    page.get_by_role("button", name="Connect", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().startswith("Give the platform's https address.")
