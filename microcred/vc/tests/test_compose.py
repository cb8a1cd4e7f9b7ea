"""Composed credentials follow the OB 3.0 JSON rules, pass the schema and canonicalize without dropped terms."""

from __future__ import annotations

import pytest

from microcred.vc import compose, model, schema
from microcred.vc.errors import VCError

ISSUER = {"id": "https://university.example/issuers/1", "name": "Example University", "url": "https://university.example"}
ACHIEVEMENT = {
    "id": "https://university.example/achievements/python-1",
    "name": "Python for data analysis",
    "description": "Cleans, analyses and plots data sets with Python.",
    "criteria": {"narrative": "Pass the three graded projects."},
    "achievementType": "MicroCredential",
    "creditsAvailable": 3,
    "alignment": [
        {
            "targetName": "Data analysis",
            "targetUrl": "https://esco.example/skill/42",
            "targetFramework": "ESCO",
            "targetCode": "42",
        }
    ],
    "resultDescription": [
        {
            "id": "https://university.example/achievements/python-1/results/grade",
            "name": "Final grade",
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [
                {"id": "https://university.example/levels/a", "name": "Excellent", "points": "4"},
                {"id": "https://university.example/levels/b", "name": "Good", "points": "3"},
            ],
        }
    ],
    "image": "https://university.example/images/python.png",
}
STATUS = [
    {
        "id": "https://university.example/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": "94567",
        "statusListCredential": f"https://university.example/status/{purpose}",
    }
    for purpose in ("revocation", "suspension")
]


def badge(**overrides):
    arguments = {
        "id": "urn:uuid:5f0c2b8e-55b1-4b3b-a3a3-0b7f7ad0c001",
        "issuer": ISSUER,
        "achievement": ACHIEVEMENT,
        "subject_identifier": model.hashed_identity("ada@example.org", "4f1d"),
        "results": [
            {
                "resultDescription": "https://university.example/achievements/python-1/results/grade",
                "achievedLevel": "https://university.example/levels/a",
            }
        ],
        "evidence": [{"id": "https://university.example/evidence/1", "narrative": "Project 3: a dashboard."}],
        "valid_from": "2026-01-15T09:00:00Z",
        "valid_until": "2031-01-15T09:00:00Z",
        "credential_status": STATUS,
        "credits_earned": 3,
    }
    arguments.update(overrides)
    return compose.open_badge_credential(**arguments)


def test_open_badge_credential_shape():
    credential = badge()
    assert credential["@context"] == [compose.CREDENTIALS_V2, compose.OB_V3P0]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["type"] == ["Profile"]
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert "id" not in subject and subject["identifier"][0]["identityHash"].startswith("sha256$")
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["alignment"][0]["type"] == ["Alignment"]
    assert subject["achievement"]["image"] == {"id": ACHIEVEMENT["image"], "type": "Image"}
    assert subject["result"][0]["type"] == ["Result"]
    assert credential["evidence"][0]["type"] == ["Evidence"]
    assert credential["name"] == ACHIEVEMENT["name"]
    assert len(credential["credentialStatus"]) == 2
    assert "null" not in str(credential) and None not in credential.values()


def test_inputs_are_not_modified():
    before = repr(ACHIEVEMENT)
    badge()
    assert repr(ACHIEVEMENT) == before


@pytest.mark.parametrize(
    "overrides",
    [{}, {"subject_id": "did:example:learner", "subject_identifier": None}, {"credential_status": STATUS[0]}],
    ids=["identifier", "id", "one-status"],
)
def test_passes_the_schema_and_the_model(overrides):
    credential = badge(**overrides)
    assert schema.validate(credential) == []
    parsed = model.parse_credential(credential)
    assert model.to_json(parsed) == credential
    assert parsed.credentialSubject.has_identity()


def test_one_status_entry_is_an_object():
    assert isinstance(badge(credential_status=STATUS[0])["credentialStatus"], dict)


def test_subject_must_be_named():
    with pytest.raises(VCError) as caught:
        badge(subject_identifier=None)
    assert caught.value.code == "subject_invalid"


@pytest.mark.parametrize("missing", ["id", "name", "description", "criteria"])
def test_achievement_must_be_complete(missing):
    with pytest.raises(VCError):
        badge(achievement={key: value for key, value in ACHIEVEMENT.items() if key != missing})


def test_bad_dates_are_refused():
    with pytest.raises(VCError) as caught:
        badge(valid_from="15/01/2026")
    assert caught.value.code == "date_invalid"


def test_datetimes_are_formatted():
    from datetime import UTC, datetime

    assert badge(valid_from=datetime(2026, 1, 15, 9, 0, 0, 123, tzinfo=UTC))["validFrom"] == "2026-01-15T09:00:00Z"


def test_endorsement_credential():
    endorsement = compose.endorsement_credential(
        id="urn:uuid:e1",
        issuer={"id": "https://employer.example", "name": "Employer"},
        subject_id=ACHIEVEMENT["id"],
        name="Employer endorsement",
        comment="We hire on this.",
        valid_from="2026-01-01T00:00:00Z",
    )
    assert endorsement["credentialSubject"] == {
        "id": ACHIEVEMENT["id"],
        "type": ["EndorsementSubject"],
        "endorsementComment": "We hire on this.",
    }
    assert schema.validate(endorsement) == []
    with_endorsement = badge(endorsements=[endorsement])
    assert schema.validate(with_endorsement) == []


def test_clr_credential():
    clr = compose.clr_credential(
        id="urn:uuid:clr1",
        issuer=ISSUER,
        credentials=[badge(), badge(id="urn:uuid:other")],
        subject_id="did:example:learner",
        name="Transcript",
        valid_from="2026-02-01T00:00:00Z",
        achievements=[ACHIEVEMENT],
        associations=[{"associationType": "isParentOf", "sourceId": ACHIEVEMENT["id"], "targetId": "urn:x"}],
    )
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert schema.validate(clr) == []
    parsed = model.parse_credential(clr)
    assert isinstance(parsed, model.ClrCredential)
    assert len(parsed.credentialSubject.credentials()) == 2
    with pytest.raises(VCError):
        compose.clr_credential(
            id="x", issuer=ISSUER, credentials=[], subject_id="s", name="n", valid_from="2026-01-01T00:00:00Z"
        )


def test_presentation_envelopes_jwts():
    vp = compose.presentation(credentials=[badge(), "eyJ.a.b"], holder="did:example:learner")
    assert vp["type"] == ["VerifiablePresentation"]
    assert vp["verifiableCredential"][1]["id"] == "data:application/vc+jwt,eyJ.a.b"


def test_canonicalizes_without_dropped_terms():
    canonical = pytest.importorskip("microcred.vc.canonical")
    nquads = canonical.canonicalize(badge())
    assert "Python for data analysis" in nquads
    assert "MicroCredential" in nquads
    assert '"94567"' in nquads and "sha256$" in nquads
    nquads = canonical.canonicalize(badge(subject_id="did:example:learner", subject_identifier=None))
    assert "<did:example:learner>" in nquads


def test_output_shares_nothing_with_the_arguments():
    credential = badge()
    credential["credentialSubject"]["achievement"]["criteria"]["narrative"] = "changed"
    credential["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = "changed"
    assert ACHIEVEMENT["criteria"]["narrative"] == "Pass the three graded projects."
    assert ACHIEVEMENT["alignment"][0]["targetName"] == "Data analysis"
