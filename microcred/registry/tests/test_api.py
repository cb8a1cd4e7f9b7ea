"""The registry domain through the HTTP API: settings, a version's registry state, CTDL imports; refusals are 4xx
with a field and a code, and write nothing."""

from __future__ import annotations

import pytest

from microcred.registry.models import RegistrySettings
from microcred.registry.tests.conftest import API_KEY, ORG_CTID
from microcred.registry.tests.registry_server import RESOURCES
from microcred.registry.tests.test_ctdl import REGISTRY_EXPORT

pytestmark = pytest.mark.django_db(transaction=True)


def test_settings_state_and_import_through_the_api(api_as, registry, admin, reviewer, provider, published) -> None:
    body = {
        "assistant_url": registry.url,
        "api_key": API_KEY,
        "organization_ctid": ORG_CTID,
        "resource_base": RESOURCES,
    }
    assert api_as(reviewer).call("put", f"/registry/providers/{provider.slug}/settings", body).status_code == 403
    response = api_as(admin).call("put", f"/registry/providers/{provider.slug}/settings", body)
    assert response.status_code == 200 and response.json_body["api_key_hint"] == API_KEY[-4:]
    assert API_KEY not in str(response.json_body)

    credential = published("Data Literacy")
    state = api_as(admin).get(f"/registry/credentials/{provider.slug}/{credential.slug}/versions/1/publications")
    assert state.status_code == 200
    assert state.json_body["publications"][0]["status"] == "succeeded"
    assert state.json_body["ctid"] in registry.resources

    made = api_as(admin).post(f"/registry/providers/{provider.slug}/ctdl-imports", REGISTRY_EXPORT)
    assert made.status_code == 201 and made.json_body["status"] == "draft"
    assert any("ceterms:naics" in note for note in made.json_body["notes"])


def test_refusals_are_4xx_with_a_code_and_write_nothing(api_as, registry, admin, provider) -> None:
    bad = api_as(admin).call(
        "put",
        f"/registry/providers/{provider.slug}/settings",
        {"assistant_url": "http://evil.example/", "api_key": API_KEY, "organization_ctid": ORG_CTID},
    )
    assert bad.status_code == 400
    assert {"field": "assistant_url", "code": "invalid_url"}.items() <= bad.json_body["errors"][0].items()
    assert not RegistrySettings.objects.exists()
    refused = api_as(admin).post(f"/registry/providers/{provider.slug}/ctdl-imports", {"@type": "ceterms:Course"})
    assert refused.status_code == 400 and refused.json_body["errors"][0]["code"] == "unsupported_type"
    assert api_as(admin).post("/registry/providers/nobody/ctdl-imports", REGISTRY_EXPORT).status_code == 404
