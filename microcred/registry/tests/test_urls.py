"""Every page of the registry package declares who may open it, and behaves so for anonymous callers."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.registry import urls


def test_every_route_declares_its_access() -> None:
    assert {pattern.name for pattern in urls.urlpatterns} == set(urls.ACCESS)


@pytest.mark.django_db
def test_anonymous_callers_are_asked_to_sign_in_or_get_a_404() -> None:
    client = Client()
    for path in ("/organizations/any/registry/", "/organizations/any/registry/import/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response["Location"], path
    assert client.post("/registry/publications/1/retry/").status_code == 302
    assert client.get("/registry/publications/1/retry/").status_code in (302, 405)
    assert client.get("/registry/nobody/nothing/v1/ctdl.json").status_code == 404
