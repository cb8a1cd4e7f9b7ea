"""Issue 17, part 1, as people read it: an awarded credential's end of validity is a date in the reader's language
(not an ISO string), its results are words ("PD course: 82 %", "communication: superior", not level URLs), and the
employers' endorsements and signed attestations are shown on the wallet, share, record and verify pages; the verify
page and API list each embedded endorsement and attestation with its own outcome."""

from __future__ import annotations

import copy
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from microcred.assessment.models import Award
from microcred.assessment.services import evaluations
from microcred.employers import services as employers
from microcred.issuing import credential_summary
from microcred.testing.factories import make_member, make_user
from microcred.wallet import services as wallet
from microcred.wallet import summaries

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def awarded(wil, capture):
    wil.credential.validity_months = 24
    wil.credential.save(update_fields=["validity_months"])
    employers.endorse(
        actor=make_member(wil.employer, "admin"),
        employer=wil.employer,
        credential=wil.credential,
        comment="Hire-ready.",
    )
    enrolment = wil.enrol(make_user(email="maya@learner.example", name="Maya Singh"))
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score="82")
    with capture(execute=True):
        _, token = evaluations.invite_supervisor(
            actor=wil.admin,
            enrolment=enrolment,
            organization=wil.employer,
            email="marc@maplegrid.example",
            name="Marc Gagnon",
            components=[wil.workplace],
            link_base="http://testserver/assessment/supervise/",
        )
    assert mail.outbox
    evaluations.record_evaluation(
        actor=None,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
        attestation="I supervised this co-op work term.",
        invitation=evaluations.invitation_for_token(token),
    )
    return Award.objects.get(enrolment=enrolment).issued_credential


def _main(html: str) -> str:
    return html.split("<main", 1)[-1].split("</main>", 1)[0]


def _shows_the_promises(html: str, *, french: bool = False) -> None:
    main = _main(html)
    year = str(timezone.localdate().year + 2)
    assert year in main and not ISO.search(re.sub(r'datetime="[^"]*"', "", main)), main
    assert "PD course: 82\u00a0%" in main or "PD course : 82\u00a0%" in main
    assert ("communication: superior" in main) or ("communication : superior" in main)
    assert "#level-" not in main
    assert "I supervised this co-op work term." in main and "Hire-ready." in main
    assert "Maple Grid Energy" in main
    if french:
        assert "Valide jusqu’au" in main or "Valide jusqu'au" in main
        assert any(
            month in main
            for month in (
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            )
        )


def test_results_read_as_words_not_level_urls() -> None:
    achievement = {
        "resultDescription": [
            {"id": "urn:a#c", "name": "PD course", "resultType": "Percent", "valueMax": "100"},
            {
                "id": "urn:a#k",
                "name": "Communication",
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": [{"id": "urn:a#l1", "name": "Superior"}],
            },
            {"id": "urn:a#p", "name": "Project", "resultType": "RawScore", "valueMax": "40"},
        ]
    }
    described = credential_summary.result_descriptions(achievement)
    words = credential_summary.result_words
    assert words({"resultDescription": "urn:a#c", "value": "82"}, described) == "PD course: 82\u00a0%"
    assert words({"resultDescription": "urn:a#k", "achievedLevel": "urn:a#l1"}, described) == "Communication: Superior"
    assert words({"resultDescription": "urn:a#p", "value": "31"}, described) == "Project: 31 of 40"
    assert words({"value": "7"}, {}) == "7"  # a credential from elsewhere that describes nothing
    credential = {
        "credentialSubject": {
            "achievement": achievement,
            "result": [{"resultDescription": "urn:a#k", "achievedLevel": "urn:a#l1"}],
        },
        "validUntil": "2028-12-05T08:00:00Z",
    }
    assert summaries.summarize(credential).results == ["Communication: Superior"]
    summary = credential_summary.summarize(credential)
    assert summary.results == ["Communication: Superior"] and summary.valid_until_at.year == 2028


def test_the_wallet_share_and_record_pages_show_validity_results_endorsements_and_attestations(
    wil, django_capture_on_commit_callbacks
) -> None:
    issued = awarded(wil, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(issued.recipient)
    _shows_the_promises(client.get(f"/wallet/credentials/{issued.public_id}/").content.decode())
    _shows_the_promises(client.get("/wallet/record/").content.decode())
    french = client.get(f"/wallet/credentials/{issued.public_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    _shows_the_promises(french, french=True)
    _, token = wallet.create_share_link(
        owner=issued.recipient, kind="credential", credentials=[issued], expires_at=timezone.now() + timedelta(days=3)
    )
    _shows_the_promises(Client().get(f"/wallet/s/{token}/").content.decode())


def test_the_verify_page_lists_each_endorsement_and_attestation_with_its_outcome(
    wil, django_capture_on_commit_callbacks
) -> None:
    issued = awarded(wil, django_capture_on_commit_callbacks)
    page = Client().post("/verify/", {"credential": json.dumps(issued.document)}).content.decode()
    _shows_the_promises(page)
    embedded = _main(page).split('<ul class="embedded">', 1)[1].split("</ul>", 1)[0]
    assert embedded.count("<li>") == 2 and embedded.count("Passed") == 2
    assert "Attestation of the learner" in embedded and "Endorsement of the achievement" in embedded
    assert "Maple Grid Energy" in embedded

    tampered = copy.deepcopy(issued.document)
    tampered["endorsement"][0]["credentialSubject"]["endorsementComment"] = "The best co-op student ever."
    answer = Client().post("/api/v1/verify", json.dumps({"credential": tampered}), content_type="application/json")
    body = answer.json()
    assert body["verified"] is False
    (line,) = [c for c in body["checks"] if c["code"] == "endorsements"]
    assert line["outcome"] == "fail"
    by_kind = {item["kind"]: item for item in line["items"]}
    attestation = by_kind["Attestation of the learner's work"]
    assert attestation["valid"] is False and attestation["reason"] == "signature_invalid"
    assert attestation["issuer_name"] == "Maple Grid Energy" and attestation["message"]
    assert by_kind["Endorsement of the achievement"]["valid"] is True
    page = Client().post("/verify/", {"credential": json.dumps(tampered)}).content.decode()
    assert "Not verified" in page and '<span class="badge bad">Failed</span> Attestation' in page
