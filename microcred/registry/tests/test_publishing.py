"""Publishing to a Credential Registry through its Assistant API, against a real HTTP server on loopback that
enforces the Assistant's formats: a published version reaches it, a new version updates it, retiring deprecates
it, and a registry that is down is retried with back-off and then shows its error, never blocking publication."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.catalog import services as catalog
from microcred.catalog.models import Status
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.registry import ctids, services
from microcred.registry.models import Publication, PublicationAction, PublicationStatus, RegistrySettings
from microcred.registry.tests.conftest import API_KEY, ORG_CTID, publish
from microcred.registry.tests.registry_server import RESOURCES

pytestmark = pytest.mark.django_db(transaction=True)


def _states(credential) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(p.action, p.status) for p in Publication.objects.filter(credential=credential).order_by("pk")]


def test_publish_then_update_then_deprecate_reach_the_registry(configured, published, admin, reviewer) -> None:
    first = published("Data Literacy", summary="Read data.", language="en-fr")
    first.translations = {"fr": {"title": "Littératie des données"}}
    first.save(update_fields=["translations"])
    assert _states(first) == [(PublicationAction.PUBLISH, PublicationStatus.SUCCEEDED)]
    ctid = ctids.design_ctid(first)
    stored = configured.resources[ctid]
    assert stored["@id"] == f"{RESOURCES}{ctid}"
    assert stored["ceterms:credentialStatusType"]["ceterms:targetNode"] == "credentialStat:Active"
    assert stored["ceterms:ownedBy"][0]["ceterms:ctid"] == ORG_CTID
    publication = Publication.objects.get(credential=first)
    assert publication.ctid == ctid and publication.envelope_id and publication.attempts == 1

    second = catalog.start_new_version(actor=admin, credential=first)
    catalog.update_draft(actor=admin, credential=second, changes={"cost": "120"})
    second = publish(admin, reviewer, second)
    assert _states(second) == [(PublicationAction.UPDATE, PublicationStatus.SUCCEEDED)]
    assert configured.history == [(ctid, "created"), (ctid, "updated")]
    assert configured.resources[ctid]["ceterms:estimatedCost"][0]["ceterms:price"] == 120.0
    versions = {i["ceterms:identifierValueCode"] for i in configured.resources[ctid]["ceterms:identifier"]}
    assert ctids.version_ctid(second) in versions and ctids.version_ctid(first) not in versions

    catalog.retire(actor=admin, credential=second, reason="replaced")
    assert _states(second)[-1] == (PublicationAction.DEPRECATE, PublicationStatus.SUCCEEDED)
    assert configured.resources[ctid]["ceterms:credentialStatusType"]["ceterms:targetNode"] == (
        "credentialStat:Deprecated"
    )
    assert configured.history[-1] == (ctid, "updated")


def test_a_registry_that_is_down_is_retried_then_succeeds(configured, published) -> None:
    configured.fail_next = 2
    credential = published("Welding Safety")
    publication = Publication.objects.get(credential=credential)
    assert publication.status == PublicationStatus.SUCCEEDED and publication.attempts == 3
    assert configured.requests == 3


def test_a_registry_that_stays_down_fails_with_its_error_without_blocking_publication(
    configured, published, admin
) -> None:
    configured.fail_next = 100
    credential = published("Welding Safety")
    credential.refresh_from_db()
    assert credential.status == Status.PUBLISHED  # publication itself went through
    publication = Publication.objects.get(credential=credential)
    assert publication.status == PublicationStatus.FAILED
    assert publication.attempts == services.MAX_ATTEMPTS == configured.requests
    assert "503" in publication.last_error and "maintenance" in publication.last_error

    client = Client()
    client.force_login(admin)
    page = client.get(f"/catalog/{credential.provider.slug}/{credential.slug}/v1/").content.decode()
    assert "maintenance" in page and "Send to the registry again" in page

    configured.fail_next = 0
    response = client.post(f"/registry/publications/{publication.pk}/retry/")
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.SUCCEEDED
    assert ctids.design_ctid(credential) in configured.resources


def test_a_refused_api_key_fails_at_once_with_the_registrys_words(configured, published, provider) -> None:
    settings_row = RegistrySettings.objects.get(organization=provider)
    from microcred.issuing.keystore import encrypt_secret

    settings_row.api_key = encrypt_secret(b"wrong-key")
    settings_row.save()
    credential = published("Welding Safety")
    publication = Publication.objects.get(credential=credential)
    assert publication.status == PublicationStatus.FAILED and publication.attempts == 1
    assert "401" in publication.last_error and "ApiToken" in publication.last_error


def test_content_the_registry_refuses_is_reported(configured, published, admin, provider) -> None:
    other = "ce-11111111-2222-4333-8444-555555555555"
    services.configure(
        actor=admin,
        organization=provider,
        data={"assistant_url": configured.url, "organization_ctid": other, "resource_base": RESOURCES},
    )
    credential = published("Welding Safety")
    publication = Publication.objects.get(credential=credential)
    assert publication.status == PublicationStatus.FAILED
    assert "does not belong to this organization" in publication.last_error


def test_nothing_is_sent_without_settings_or_when_turned_off(registry, published, admin, provider) -> None:
    assert _states(published("One")) == []
    services.configure(
        actor=admin,
        organization=provider,
        data={"assistant_url": registry.url, "api_key": API_KEY, "organization_ctid": ORG_CTID, "enabled": False},
    )
    assert _states(published("Two")) == []
    assert registry.requests == 0


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"assistant_url": "http://registry.example/assistant"}, "assistant_url", "invalid_url"),
        ({"assistant_url": "ftp://x"}, "assistant_url", "invalid_url"),
        ({"organization_ctid": "ce-not-a-uuid"}, "organization_ctid", "invalid_ctid"),
        ({"api_key": ""}, "api_key", "required"),
        ({"api_key": "two words"}, "api_key", "invalid_key"),
        ({"resource_base": "http://insecure/"}, "resource_base", "invalid_url"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(registry, admin, provider, changes, field, code) -> None:
    data = {"assistant_url": registry.url, "api_key": API_KEY, "organization_ctid": ORG_CTID, **changes}
    with pytest.raises(ValidationFailed) as raised:
        services.configure(actor=admin, organization=provider, data=data)
    assert (field, code) in [(e.field, e.code) for e in raised.value.errors]
    assert not RegistrySettings.objects.filter(organization=provider).exists()


def test_only_a_providers_admin_configures(registry, reviewer, provider) -> None:
    with pytest.raises(PermissionDenied):
        services.configure(
            actor=reviewer,
            organization=provider,
            data={"assistant_url": registry.url, "api_key": API_KEY, "organization_ctid": ORG_CTID},
        )


def test_the_settings_page(registry, admin, reviewer, provider) -> None:
    client = Client()
    client.force_login(reviewer)
    assert client.get(f"/organizations/{provider.slug}/registry/").status_code == 403
    client.force_login(admin)
    assert client.get(f"/organizations/{provider.slug}/registry/").status_code == 200
    bad = client.post(
        f"/organizations/{provider.slug}/registry/",
        {"assistant_url": registry.url, "api_key": API_KEY, "organization_ctid": "nope", "resource_base": RESOURCES},
    )
    assert bad.status_code == 400 and "Enter a CTID" in bad.content.decode()
    good = client.post(
        f"/organizations/{provider.slug}/registry/",
        {
            "assistant_url": registry.url,
            "api_key": API_KEY,
            "organization_ctid": ORG_CTID,
            "resource_base": RESOURCES,
            "enabled": "on",
        },
    )
    assert good.status_code == 302
    saved = RegistrySettings.objects.get(organization=provider)
    assert bytes(saved.api_key) != API_KEY.encode() and saved.api_key_hint == API_KEY[-4:]
    assert ctids.organization_ctid(provider) == ORG_CTID
    page = client.get(f"/organizations/{provider.slug}/registry/").content.decode()
    assert API_KEY not in page


def test_versions_published_before_the_settings_are_sent_on_request(registry, published, admin, provider) -> None:
    earlier = published("Published Before")
    client = Client()
    client.force_login(admin)
    refused = client.post(f"/organizations/{provider.slug}/registry/", {"action": "publish_existing"})
    assert refused.status_code == 409
    services.configure(
        actor=admin,
        organization=provider,
        data={"assistant_url": registry.url, "api_key": API_KEY, "organization_ctid": ORG_CTID,
              "resource_base": RESOURCES},
    )  # fmt: skip
    response = client.post(f"/organizations/{provider.slug}/registry/", {"action": "publish_existing"})
    assert response.status_code == 302
    assert _states(earlier) == [(PublicationAction.PUBLISH, PublicationStatus.SUCCEEDED)]
    assert ctids.design_ctid(earlier) in registry.resources
    client.post(f"/organizations/{provider.slug}/registry/", {"action": "publish_existing"})
    assert len(registry.history) == 1  # nothing sent twice


def test_an_older_versions_late_retry_never_overwrites_a_newer_one(configured, published, admin, reviewer) -> None:
    configured.fail_next = 100
    first = published("Data Literacy")
    old = Publication.objects.get(credential=first)
    assert old.status == PublicationStatus.FAILED
    Publication.objects.filter(pk=old.pk).update(status=PublicationStatus.RETRYING)  # a retry still scheduled
    configured.fail_next = 0
    second = catalog.start_new_version(actor=admin, credential=first)
    catalog.update_draft(actor=admin, credential=second, changes={"cost": "180"})
    second = publish(admin, reviewer, second)
    assert services.attempt(old.pk) == PublicationStatus.REPLACED
    assert configured.resources[ctids.design_ctid(first)]["ceterms:estimatedCost"][0]["ceterms:price"] == 180.0
    Publication.objects.filter(pk=old.pk).update(status=PublicationStatus.FAILED)
    old.refresh_from_db()
    with pytest.raises(Conflict):
        services.retry(actor=admin, publication=old)
