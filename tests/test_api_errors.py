"""Requests that reach no API view still get the API's JSON error body below ``/api/`` (issue 21): a path no route
matches, a method a route does not have (both APIs), a request Django refuses before routing. Outside ``/api/`` the
site's pages are unchanged."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nonexistent", "/api/v1/me/", "/api/v1/organizations/a%2Fb", "/api/v1/organizations/a%2Fb/members"],
)
def test_a_path_no_api_route_matches_is_a_json_404(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    assert _error(response)["code"] == "no_such_route"


@pytest.mark.parametrize(("method", "path"), [("put", "/api/v1/me"), ("get", "/credentials/issue")])
def test_a_method_the_route_does_not_have_is_a_json_405_with_allow(method: str, path: str) -> None:
    response = getattr(Client(), method)(path)
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"
    assert response["Allow"] in ("GET", "POST")


def test_too_many_query_fields_is_a_json_400_not_a_500(settings) -> None:
    """Django refuses the query string as the view reads it (TooManyFieldsSent): that was a 500, in both APIs."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    settings.VC_API_TEST_MODE = True
    client = Client()
    response = client.get("/api/v1/catalog/credentials?a=1&b=2&c=3")
    assert response.status_code == 400
    assert _error(response)["code"] == "bad_request"
    body = '{"credential": {}}'
    response = client.post("/credentials/issue?a=1&b=2&c=3", data=body, content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "bad_request"


def test_a_request_refused_before_routing_is_a_json_400_below_api() -> None:
    response = Client().get("/api/v1/me", headers={"host": "elsewhere.example"})
    assert response.status_code == 400
    assert _error(response)["code"] == "bad_request"
    page = Client().get("/", headers={"host": "elsewhere.example"})
    assert page.status_code == 400 and not page["Content-Type"].startswith("application/json")


def test_pages_outside_the_api_keep_the_site_pages() -> None:
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/v1/frameworks", {"title": "T", "organization": "a\x00b"}, "organization"),
        ("post", "/api/v1/crosswalks", {"source": "x", "target": "y", "organization": ["\x00"]}, "organization.0"),
        ("post", "/api/v1/frameworks", {"\x00": 1}, "\x00"),
        ("get", "/api/v1/skills/occupations?q=a%00b", None, "q"),
        ("get", "/api/v1/organizations/a%00b", None, "slug"),
    ],
)
def test_a_nul_character_in_any_input_is_a_400_naming_the_field(method, path, body, field, api_as) -> None:
    """Found by the API fuzzing on PostgreSQL (tests/test_api_fuzz.py): PostgreSQL cannot store or compare text with
    NUL, and a slug holding one was a 500 (DataError)."""
    from microcred.testing import factories

    client = Client()
    client.force_login(factories.make_user())
    if body is None:
        response = client.get(path)
    else:
        response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert _error(response)["code"] == "nul_character"
    assert response.json()["field"] == field


def test_a_nul_character_in_a_form_field_is_a_400() -> None:
    from microcred.testing import factories

    client = Client()
    client.force_login(factories.make_user())
    response = client.post("/api/v1/assessment/enrolments/1/evidence", {"kind": "url", "title": "a\x00"})
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "title"


@pytest.mark.parametrize("digits", ["²", "١٢", "𝟙"])  # str.isdigit() says yes to these; int() refuses them
def test_numbers_in_other_scripts_are_a_400_or_ignored_never_a_500(digits: str) -> None:
    """Found by the API fuzzing: ``GET /api/v1/skills/demand?skill=²`` was a 500."""
    client = Client()
    demand = client.get("/api/v1/skills/demand", {"skill": digits})
    assert demand.status_code == 400 and _error(demand)["code"] == "validation_failed"
    assert client.get("/api/v1/catalog/credentials", {"page": digits}).status_code < 500
    assert client.get("/catalog/", {"page": digits, "framework": digits}).status_code < 500
    assert client.get("/skills/demand/", {"skill": digits}).status_code < 500
