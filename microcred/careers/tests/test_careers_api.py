"""The careers API: a learner's gap, practitioners' clients and shortlists, errors as 4xx with codes."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.careers import services
from microcred.careers.tests.conftest import issue_for
from microcred.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def test_learner_gap_api(world: dict[str, Any], learner, api_as) -> None:  # type: ignore[no-untyped-def]
    issue_for(world["credentials"]["teams"], learner)
    api = api_as(learner)
    response = api.get(f"careers/gap?occupation={world['occupation'].pk}")
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert [s["label"] for s in body["held"]] == ["work in teams"]
    assert body["held"][0]["sources"] == ["Team player"]
    assert body["missingEssential"][0]["essential"] is True
    assert [r["title"] for r in body["recommendations"]] == [
        "Wiring short",
        "Wiring long",
        "Code basics",
        "Office tools",
    ]
    assert body["recommendations"][2]["cost"] == "0.00"
    assert body["plan"]["hours"] == 30
    assert api.get("careers/gap?occupation=987654").json_body["code"] == "occupation_not_found"
    assert api.get("careers/gap?occupation=987654").status_code == 404
    assert api.get("careers/gap").status_code == 400
    bad = api.get(f"careers/gap?occupation={world['occupation'].pk}&max_cost=-3")
    assert bad.status_code == 400 and bad.json_body["errors"][0]["field"] == "max_cost"
    assert api_as().get(f"careers/gap?occupation={world['occupation'].pk}").status_code == 401


def test_practitioner_api(world: dict[str, Any], provider, api_as) -> None:  # type: ignore[no-untyped-def]
    practitioner = make_member(provider, "practitioner")
    api = api_as(practitioner)
    created = api.post("careers/clients", {"display_name": "Sam"})
    assert created.status_code == 201
    pk = created.json_body["id"]
    assert api.post("careers/clients", {"display_name": "x" * 500}).status_code == 400
    assert api.post("careers/clients", {"display_name": "Eve", "organization": "nope"}).status_code == 400
    assert api.get(f"careers/clients/{pk}/gap").status_code == 400  # no target yet
    assert api.call("put", f"careers/clients/{pk}/target", {"occupation": 424242}).status_code == 404
    target = api.call("put", f"careers/clients/{pk}/target", {"occupation": world["occupation"].pk})
    assert target.status_code == 200 and target.json_body["targetOccupation"] == world["occupation"].pk
    gap = api.get(f"careers/clients/{pk}/gap?mode=online")
    assert gap.json_body["recommendations"][0]["title"] == "Wiring long"
    code = world["credentials"]["code"].pk
    added = api.post(f"careers/clients/{pk}/shortlist", {"credential": code, "note": "cheap"})
    assert added.status_code == 201
    assert api.post(f"careers/clients/{pk}/shortlist", {"credential": code}).status_code == 409
    assert api.post(f"careers/clients/{pk}/shortlist", {"credential": {"$ne": 1}}).status_code == 400
    deep = "[" * 5000 + "]" * 5000
    assert api.post(f"careers/clients/{pk}/shortlist", raw=deep.encode()).status_code == 400
    assert [i["title"] for i in api.get(f"careers/clients/{pk}/shortlist").json_body] == ["Code basics"]

    other = api_as(make_member(make_organization("provider"), "practitioner"))
    assert other.get(f"careers/clients/{pk}").status_code == 404
    assert other.get(f"careers/clients/{pk}/shortlist").status_code == 404
    assert other.call("delete", f"careers/clients/{pk}/shortlist/{added.json_body['id']}").status_code == 404
    assert other.get("careers/clients").json_body == []
    assert api_as(make_member(provider, "admin")).get("careers/clients").status_code == 403

    assert api.call("delete", f"careers/clients/{pk}/shortlist/{added.json_body['id']}").status_code == 204
    assert api.get(f"careers/clients/{pk}/shortlist").json_body == []
    assert services.MAX_SHORTLIST == 50
