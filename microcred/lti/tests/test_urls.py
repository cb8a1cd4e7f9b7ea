"""Every route of the LTI package declares who may call it, and behaves as declared for anonymous callers."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.lti import urls


def test_every_route_declares_its_access() -> None:
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names == set(urls.ACCESS)


@pytest.mark.django_db
def test_public_routes_answer_anonymous_callers_and_the_rest_ask_to_sign_in() -> None:
    client = Client()
    keys = client.get("/lti/jwks").json()["keys"]
    assert keys and all(set(k) >= {"kty", "n", "e", "kid", "alg", "use"} and "d" not in k for k in keys)
    assert client.get("/lti/login").status_code == 400  # no issuer: refused, not a 500
    assert client.post("/lti/launch").status_code == 400  # no state, no id_token
    for path in ("/lti/deep-link/abc/", "/lti/courses/1/", "/organizations/any/lti/", "/organizations/any/lti/1/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response["Location"], path


@pytest.mark.django_db
def test_wrong_methods_are_405() -> None:
    client = Client()
    assert client.post("/lti/jwks").status_code == 405
    assert client.get("/lti/launch").status_code == 405
