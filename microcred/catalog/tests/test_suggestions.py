"""ESCO skills suggested for learning outcomes: ranking, accept (an alignment), reject (remembered), who may,
bad input, published versions, the page and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.audit.models import AuditEntry
from microcred.catalog import services, suggestions
from microcred.catalog.models import Alignment, MicroCredential, RejectedSkillSuggestion
from microcred.catalog.tests.conftest import draft, publish
from microcred.catalog.tests.esco_sample import LIGHTS, SPREADSHEETS, TEAM, import_sample
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.frameworks.models import Framework
from microcred.testing.factories import make_member, make_organization

OUTCOMES = [
    "Lead and supervise a team of people on a building site",
    "Install light fixtures in rooms following the electrical plan",
]


@pytest.fixture
def esco(tmp_path: Path, db: None) -> Framework:
    return import_sample(tmp_path / "esco")


@pytest.fixture
def credential(admin: User, provider: Organization) -> MicroCredential:
    return draft(admin, provider, title="Site Supervision", learning_outcomes=OUTCOMES)


def uris(found: suggestions.Suggestions, position: int) -> list[str]:
    return [s.uri for s in found.outcomes[position].suggestions]


def skill(esco: Framework, uri: str) -> int:
    return esco.competencies.get(uri=uri).pk


def test_each_outcome_gets_the_esco_skills_it_mentions(esco: Framework, credential: MicroCredential) -> None:
    found = suggestions.suggest(credential)
    assert found.framework == esco and found.engine in ("lexical", "semantic", "hybrid")
    assert [o.position for o in found.outcomes] == [0, 1]
    assert uris(found, 0)[0] == TEAM
    assert uris(found, 1)[0] == LIGHTS
    assert all(0 < s.score <= 1 for o in found.outcomes for s in o.suggestions)


def test_without_esco_nothing_is_suggested(credential: MicroCredential) -> None:
    found = suggestions.suggest(credential)
    assert found.framework is None and found.engine == "" and found.outcomes[0].suggestions == []


def test_accept_aligns_the_outcome_and_the_skill_is_no_longer_suggested(
    admin: User, esco: Framework, credential: MicroCredential
) -> None:
    alignment = suggestions.accept(actor=admin, credential=credential, outcome=0, competency=skill(esco, TEAM))
    assert alignment.outcome_position == 0 and alignment.target_url == TEAM and alignment.label == "manage a team"
    assert AuditEntry.objects.filter(action="catalog.align", target_id=str(credential.pk)).exists()
    assert TEAM not in uris(suggestions.suggest(credential), 0)
    with pytest.raises(Conflict) as raised:
        suggestions.accept(actor=admin, credential=credential, outcome="0", competency=TEAM)  # by URI too
    assert raised.value.code == "already_aligned"


def test_a_skill_aligned_to_the_whole_credential_is_not_suggested(
    admin: User, esco: Framework, credential: MicroCredential
) -> None:
    from microcred.catalog import alignments

    alignments.align(actor=admin, credential=credential, competency=esco.competencies.get(uri=LIGHTS))
    assert LIGHTS not in uris(suggestions.suggest(credential), 1)


def test_reject_is_remembered_per_outcome_and_copied_to_the_next_version(
    admin: User, reviewer: User, esco: Framework, credential: MicroCredential
) -> None:
    suggestions.reject(actor=admin, credential=credential, outcome=0, competency=skill(esco, TEAM))
    found = suggestions.suggest(credential)
    assert TEAM not in uris(found, 0)
    assert AuditEntry.objects.filter(action="catalog.reject_skill_suggestion").count() == 1
    with pytest.raises(Conflict) as raised:
        suggestions.reject(actor=admin, credential=credential, outcome=0, competency=skill(esco, TEAM))
    assert raised.value.code == "already_rejected"
    publish(admin, reviewer, credential)
    following = services.start_new_version(actor=admin, credential=credential)
    assert RejectedSkillSuggestion.objects.filter(credential=following, outcome_position=0).count() == 1
    assert TEAM not in uris(suggestions.suggest(following), 0)
    # accepting later anyway clears the rejection
    suggestions.accept(actor=admin, credential=following, outcome=0, competency=TEAM)
    assert not RejectedSkillSuggestion.objects.filter(credential=following).exists()


def test_only_the_providers_admins_decide(
    admin: User, reviewer: User, learner: User, esco: Framework, credential: MicroCredential
) -> None:
    other_admin = make_member(make_organization("provider", name="Other College"), "admin")
    for person in (reviewer, learner, other_admin):
        for decide in (suggestions.accept, suggestions.reject):
            with pytest.raises(PermissionDenied):
                decide(actor=person, credential=credential, outcome=0, competency=skill(esco, TEAM))
    assert not Alignment.objects.exists() and not RejectedSkillSuggestion.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "competency", "field", "code"),
    [
        (2, TEAM, "outcome", "not_found"),
        (-1, TEAM, "outcome", "not_found"),
        ("1e9", TEAM, "outcome", "invalid"),
        (None, TEAM, "outcome", "invalid"),
        ({"$gt": 0}, TEAM, "outcome", "invalid"),
        (True, TEAM, "outcome", "invalid"),
        (10**30, TEAM, "outcome", "not_found"),
        (0, "http://data.europa.eu/esco/skill/unknown", "competency", "not_found"),
        (0, 999_999, "competency", "not_found"),
        (0, ["x"], "competency", "not_found"),
        (0, "9" * 40, "competency", "not_found"),
        (0, "x" * 5000, "competency", "not_found"),
    ],
)
def test_bad_input_is_refused_with_a_code(
    admin: User, esco: Framework, credential: MicroCredential, outcome: Any, competency: Any, field: str, code: str
) -> None:
    for decide in (suggestions.accept, suggestions.reject):
        with pytest.raises(ValidationFailed) as raised:
            decide(actor=admin, credential=credential, outcome=outcome, competency=competency)
        assert (raised.value.errors[0].field, raised.value.errors[0].code) == (field, code)
    assert not Alignment.objects.exists() and not RejectedSkillSuggestion.objects.exists()


def test_a_competency_of_another_framework_is_not_an_esco_skill(
    admin: User, provider: Organization, esco: Framework, credential: MicroCredential
) -> None:
    from microcred.frameworks import services as frameworks

    own = frameworks.create_framework(actor=admin, organization=provider, title="Our own")
    item = frameworks.add_competency(actor=admin, framework=own, statement="Manage a team")
    with pytest.raises(ValidationFailed) as raised:
        suggestions.accept(actor=admin, credential=credential, outcome=0, competency=item.pk)
    assert raised.value.errors[0].code == "not_found"


def test_without_esco_a_decision_says_so(admin: User, credential: MicroCredential) -> None:
    with pytest.raises(ValidationFailed) as raised:
        suggestions.reject(actor=admin, credential=credential, outcome=0, competency=1)
    assert raised.value.errors[0].code == "no_framework"


def test_a_published_version_is_frozen(
    admin: User, reviewer: User, esco: Framework, credential: MicroCredential
) -> None:
    publish(admin, reviewer, credential)
    for decide in (suggestions.accept, suggestions.reject):
        with pytest.raises(Conflict) as raised:
            decide(actor=admin, credential=credential, outcome=0, competency=skill(esco, TEAM))
        assert raised.value.code == "not_editable"
    assert not RejectedSkillSuggestion.objects.exists()


# --- the alignment page --------------------------------------------------------------------------


def align_url(credential: MicroCredential) -> str:
    return f"/catalog/{credential.provider.slug}/{credential.slug}/v{credential.version}/align/"


def test_the_page_shows_a_panel_per_outcome_and_decides(
    client, admin: User, esco: Framework, credential: MicroCredential
) -> None:
    client.force_login(admin)
    page = client.get(align_url(credential)).content.decode()
    assert "Suggested ESCO skills" in page and "Learning outcome 2" in page
    assert "manage a team" in page and "install light fixtures" in page
    assert "engine" in page
    response = client.post(
        align_url(credential) + "suggestions/",
        {"outcome": "1", "competency": str(skill(esco, LIGHTS)), "decision": "accept"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/align/#outcome-1")
    assert credential.alignments.get().target_url == LIGHTS
    client.post(
        align_url(credential) + "suggestions/",
        {"outcome": "0", "competency": str(skill(esco, TEAM)), "decision": "reject"},
    )
    assert RejectedSkillSuggestion.objects.get().competency.uri == TEAM
    for outcome, decision in (("7", "accept"), ("0", "maybe")):
        bad = client.post(
            align_url(credential) + "suggestions/", {"outcome": outcome, "competency": TEAM, "decision": decision}
        )
        assert bad.status_code == 400


def test_the_page_says_when_no_esco_framework_is_loaded(client, admin: User, credential: MicroCredential) -> None:
    client.force_login(admin)
    assert "No ESCO skills framework is loaded" in client.get(align_url(credential)).content.decode()


def test_the_page_escapes_outcome_text(client, admin: User, provider: Organization, esco: Framework) -> None:  # type: ignore[no-untyped-def]
    hostile = draft(admin, provider, title="Hostile", learning_outcomes=["<script>alert(1)</script> manage a team"])
    client.force_login(admin)
    page = client.get(align_url(hostile)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_others_cannot_decide_through_the_page(
    client, learner: User, esco: Framework, credential: MicroCredential
) -> None:
    client.force_login(learner)
    response = client.post(
        align_url(credential) + "suggestions/",
        {"outcome": "0", "competency": str(skill(esco, TEAM)), "decision": "accept"},
    )
    assert response.status_code == 404 and not Alignment.objects.exists()


# --- the API -------------------------------------------------------------------------------------


def api_path(credential: MicroCredential) -> str:
    version = f"{credential.provider.slug}/{credential.slug}/versions/{credential.version}"
    return f"catalog/credentials/{version}/skill-suggestions"


def test_the_api_lists_accepts_and_rejects(api_as, admin: User, esco: Framework, credential: MicroCredential) -> None:
    api = api_as(admin)
    body = api.get(api_path(credential) + "?limit=3").json_body
    assert body["framework"]["slug"] == esco.slug and body["editable"] is True
    assert body["outcomes"][0]["suggestions"][0]["uri"] == TEAM and len(body["outcomes"][0]["suggestions"]) <= 3
    made = api.post(api_path(credential) + "/accept", {"outcome": 0, "competency": TEAM})
    assert made.status_code == 201 and made.json_body["label"] == "manage a team"
    again = api.post(api_path(credential) + "/accept", {"outcome": 0, "competency": TEAM})
    assert again.status_code == 409 and again.json_body["code"] == "already_aligned"
    rejected = api.post(api_path(credential) + "/reject", {"outcome": 1, "competency": skill(esco, LIGHTS)})
    assert rejected.status_code == 201
    body = api.get(api_path(credential)).json_body
    assert TEAM not in [s["uri"] for s in body["outcomes"][0]["suggestions"]]
    assert LIGHTS not in [s["uri"] for s in body["outcomes"][1]["suggestions"]]


def test_the_api_refuses_bad_input_and_others(
    api_as, admin: User, learner: User, esco: Framework, credential: MicroCredential
) -> None:
    api = api_as(admin)
    out_of_range = api.post(api_path(credential) + "/accept", {"outcome": 5, "competency": TEAM})
    assert out_of_range.status_code in (400, 422)
    assert "outcome" in str(out_of_range.json_body) and "not_found" in str(out_of_range.json_body)
    unknown = api.post(api_path(credential) + "/reject", {"outcome": 0, "competency": SPREADSHEETS + "x"})
    assert unknown.status_code in (400, 422) and "not_found" in str(unknown.json_body)
    assert api.post(api_path(credential) + "/accept", raw=b"[1, 2").status_code in (400, 422)
    assert api.post(api_path(credential) + "/accept", raw=b"[" * 5000 + b"]" * 5000).status_code in (400, 413, 422)
    assert api.post(api_path(credential) + "/accept", [1, 2]).status_code in (400, 422)
    for person in (learner, None):
        caller = api_as(person)
        assert caller.get(api_path(credential)).status_code in (401, 403, 404)
        assert caller.post(api_path(credential) + "/accept", {"outcome": 0, "competency": TEAM}).status_code in (
            401,
            403,
            404,
        )
    assert not Alignment.objects.exists()
