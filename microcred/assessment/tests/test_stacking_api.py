"""The stacking API: trust list, recognition agreements, editing a pathway, a learner's ladder, a provider's preview."""

from __future__ import annotations

import pytest

from microcred.assessment.tests.test_stacking import FIRST_AID, TRUSTED_SEED, Stack, did_of, external_credential
from microcred.catalog.formats import ctid
from microcred.testing.factories import make_member, make_organization, make_user
from microcred.wallet import services as wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def stack(db: None) -> Stack:
    return Stack()


def test_the_trust_list_through_the_api(stack, api_as) -> None:
    base = f"catalog/providers/{stack.provider.slug}/trust"
    assert api_as(stack.assessor).get(base).status_code == 403
    listed = api_as(stack.admin).get(base).json_body
    assert [e["issuerDid"] for e in listed] == [did_of(TRUSTED_SEED)]
    made = api_as(stack.admin).post(base, {"issuer_did": "did:web:birch.example", "name": "Birch"})
    assert made.status_code == 201 and made.json_body["name"] == "Birch"
    assert (
        api_as(stack.admin).post(base, {"issuer_did": "did:web:birch.example"}).json_body["code"] == "already_trusted"
    )
    assert api_as(stack.admin).post(base, {"issuer_did": 7}).status_code == 400
    assert api_as(stack.admin).post(base, {"organization": "nobody"}).status_code == 400
    assert api_as(stack.admin).delete(f"{base}/{made.json_body['id']}").status_code == 204
    assert api_as(stack.admin).delete(f"{base}/{made.json_body['id']}").status_code == 404
    assert api_as(stack.admin).delete(f"{base}/²").status_code == 404


def test_an_agreement_through_the_api(stack, api_as) -> None:
    birch = make_organization("provider", name="Birch Institute")
    birch_admin = make_member(birch, "admin")
    html = stack.course("HTML basics", credits="2", provider=birch)
    web = f"{stack.provider.slug}/{stack.web.slug}/{stack.web.version}"
    body = {
        "recognising": stack.provider.slug,
        "recognised": birch.slug,
        "achievement": ctid(html),
        "achievement_name": "HTML basics",
        "satisfies": web,
    }
    proposed = api_as(birch_admin).post(f"catalog/providers/{birch.slug}/agreements", body)
    assert proposed.status_code == 201 and proposed.json_body["status"] == "proposed"
    number = proposed.json_body["id"]
    assert (
        api_as(birch_admin)
        .post(f"catalog/providers/{birch.slug}/agreements", {**body, "satisfies": "x/y/z"})
        .status_code
        == 400
    )
    listed = api_as(stack.admin).get(f"catalog/providers/{stack.provider.slug}/agreements").json_body
    assert [a["id"] for a in listed] == [number]
    approved = api_as(stack.admin).post(f"catalog/providers/{stack.provider.slug}/agreements/{number}/approve")
    assert approved.json_body["status"] == "approved"
    again = api_as(stack.admin).post(f"catalog/providers/{stack.provider.slug}/agreements/{number}/approve")
    assert again.status_code == 409
    assert (
        api_as(stack.admin).post(f"catalog/providers/{stack.provider.slug}/agreements/{number}/dance").status_code
        == 404
    )
    withdrawn = api_as(birch_admin).post(f"catalog/providers/{birch.slug}/agreements/{number}/withdraw")
    assert withdrawn.json_body["status"] == "withdrawn"


def test_editing_a_pathway_the_ladder_and_the_preview_through_the_api(stack, api_as) -> None:
    learner = make_user()
    wallet.import_credential(owner=learner, data=external_credential(TRUSTED_SEED))
    path = f"catalog/providers/{stack.provider.slug}/pathways/{stack.pathway.slug}"
    web = f"{stack.provider.slug}/{stack.web.slug}/{stack.web.version}"
    body = {
        "title": "Workplace web",
        "kind": "certificate",
        "members": [web],
        "external_components": [{"achievement": FIRST_AID, "name": "First aid", "credits": "1"}],
        "rule": "n_of",
        "required_count": 1,
        "resulting_credential": f"{stack.provider.slug}/{stack.certificate.slug}/{stack.certificate.version}",
    }
    assert api_as(stack.assessor).call("put", path, body).status_code == 403
    edited = api_as(stack.admin).call("put", path, body)
    assert edited.status_code == 200 and edited.json_body["rule"] == "n_of"
    assert api_as(stack.admin).call("put", path, {**body, "required_count": 3}).status_code == 400
    assert api_as(stack.admin).call("put", path, {**body, "members": ["a/b/c"]}).status_code == 400
    ladder = api_as(learner).get(f"catalog/pathways/{stack.pathway.slug}/standing").json_body
    assert ladder["complete"] is True
    assert [(c["component"], c["source"]) for c in ladder["credits_by_source"]] == [("First aid", "imported")]
    preview = api_as(stack.admin).get(f"catalog/pathways/{stack.pathway.slug}/preview")
    assert preview.status_code == 200 and set(preview.json_body["learnersByComponentsHeld"]) == {"0", "1", "2"}
    assert api_as(learner).get(f"catalog/pathways/{stack.pathway.slug}/preview").status_code == 403
    assert api_as(learner).get("catalog/pathways/nope/standing").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"members": 5},
        {"members": "abc"},
        {"members": [None, 3, {"a": 1}]},
        {"external_components": "x"},
        {"external_components": [1, {"achievement": 5}, {"achievement": "a", "credits": {"x": 1}}]},
        {"rule": ["n_of"], "required_count": "2"},
        {"rule": "min_credits", "min_credits": "abc"},
        {"resulting_credential": 5},
        {"resulting_credential": "a/b/²"},
        {"title": {"x": 1}, "kind": [], "description": 3},
    ],
)
def test_hostile_pathway_edits_are_4xx_and_change_nothing(stack, api_as, body) -> None:
    path = f"catalog/providers/{stack.provider.slug}/pathways/{stack.pathway.slug}"
    web = f"{stack.provider.slug}/{stack.web.slug}/{stack.web.version}"
    answer = api_as(stack.admin).call("put", path, {"title": "T", "kind": "certificate", "members": [web], **body})
    assert answer.status_code == 400 and answer.json_body["code"]
    stack.pathway.refresh_from_db()
    assert stack.pathway.title == "Workplace web"


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("trust", {"issuer_did": 7}),
        ("trust", {"issuer_did": "did:web:a.example", "organization": 3}),
        ("trust", {"organization": ["x"]}),
        ("agreements", {"recognising": 1, "recognised": None}),
        ("agreements", {"recognising": "x", "recognised": "y", "achievement": 3, "satisfies": "a/b"}),
        ("agreements", {"previous": "²"}),
    ],
)
def test_hostile_trust_and_agreement_bodies_are_4xx(stack, api_as, route, body) -> None:
    answer = api_as(stack.admin).post(f"catalog/providers/{stack.provider.slug}/{route}", body)
    assert 400 <= answer.status_code < 500 and answer.json_body["code"]
