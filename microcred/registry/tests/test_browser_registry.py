"""In a real browser: a provider's admin sets up publishing to the Credential Registry, sees a version whose
publication failed (the registry was down) with the registry's error, sends it again and sees it in the registry;
and imports a CTDL credential with its report. Each page screenshot at 1280 and 390 px and checked by axe-core."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from microcred.registry.models import Publication, PublicationStatus
from microcred.registry.tests.conftest import API_KEY, ORG_CTID
from microcred.registry.tests.registry_server import RESOURCES
from microcred.registry.tests.test_ctdl import REGISTRY_EXPORT
from microcred.testing.factories import PASSWORD
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_publishes_to_the_registry_and_sees_each_versions_state(page, registry, admin, provider, published):  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"/organizations/{provider.slug}/registry/")
    page.locator("#id_assistant_url").fill(registry.url)
    page.locator("#id_api_key").fill(API_KEY)
    page.locator("#id_organization_ctid").fill(ORG_CTID)
    page.locator("#id_resource_base").fill(RESOURCES)
    page.locator("#id_enabled").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The registry settings are saved.")).to_be_visible()
    check_page(page, "registry-settings")

    registry.fail_next = 100
    credential = published("Welding Safety")
    assert Publication.objects.get(credential=credential).status == PublicationStatus.FAILED
    page.goto(f"/catalog/{provider.slug}/{credential.slug}/v1/")
    expect(page.get_by_text("The registry is down for maintenance", exact=False)).to_be_visible()
    check_page(page, "registry-failed")
    registry.fail_next = 0
    page.get_by_role("button", name="Send to the registry again").click()
    page.wait_for_load_state()
    assert page.locator(".registry-status").inner_text() == "In the registry"

    page.goto(f"/organizations/{provider.slug}/registry/import/")
    page.locator("#id_document").fill(json.dumps(REGISTRY_EXPORT))
    page.get_by_role("button", name="Import as a draft").click()
    page.wait_for_load_state()
    expect(page.get_by_text("ceterms:naics", exact=False)).to_be_visible()
    check_page(page, "registry-imported")
