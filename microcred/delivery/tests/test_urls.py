"""Every route of the delivery package declares who may call it, and behaves as declared for anonymous callers."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.delivery import urls


def test_every_route_declares_its_access() -> None:
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names == set(urls.ACCESS)


@pytest.mark.django_db
def test_public_routes_let_anonymous_callers_in_and_own_routes_do_not() -> None:
    client = Client()
    assert client.get("/.well-known/openid-credential-issuer").status_code == 200
    assert client.get("/.well-known/oauth-authorization-server").status_code == 200
    assert client.post("/oid4vci/nonce").status_code == 200
    assert client.post("/oid4vci/token", "", content_type="application/x-www-form-urlencoded").status_code == 400
    assert client.get("/oid4vci/offers/unknown.token").status_code == 410
    assert urls.ACCESS["add_to_wallet"].kind == "own"
    response = client.get("/wallet/credentials/00000000-0000-4000-8000-000000000000/add-to-wallet/")
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.django_db
def test_wrong_methods_are_405() -> None:
    client = Client()
    assert client.get("/oid4vci/token").status_code == 405
    assert client.get("/oid4vci/credential").status_code == 405
    assert client.post("/.well-known/openid-credential-issuer").status_code == 405
