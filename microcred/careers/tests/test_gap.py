"""Learner skills from verified credentials (issued here, through crosswalks, imported), the gap and the ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from microcred.careers import selectors
from microcred.careers.tests.conftest import ESCO, issue_for, make_credential, make_esco
from microcred.catalog.models import Alignment
from microcred.errors import NotFound, ValidationFailed
from microcred.frameworks.models import Competency, Crosswalk, CrosswalkLink, Framework
from microcred.skills.models import JobPosting, PostingSkill
from microcred.wallet.models import ImportedCredential

pytestmark = pytest.mark.django_db


def _titles(analysis: selectors.Analysis) -> list[str]:
    return [r.credential.title for r in analysis.recommendations]


def test_learner_holds_the_skills_of_issued_credentials(world: dict[str, Any], learner) -> None:  # type: ignore[no-untyped-def]
    issue_for(world["credentials"]["teams"], learner)
    held = selectors.learner_skills(learner)
    teamwork = world["skills"]["teamwork"]
    assert list(held) == [teamwork.pk]
    assert held[teamwork.pk].sources == ["Team player"]
    assert held[teamwork.pk].label == "work in teams"


def test_revoked_suspended_and_expired_credentials_do_not_count(world: dict[str, Any], learner) -> None:  # type: ignore[no-untyped-def]
    issued = issue_for(world["credentials"]["teams"], learner)
    issued.revoked_at = timezone.now()
    issued.save()
    second = issue_for(world["credentials"]["code"], learner)
    second.suspended_at = timezone.now()
    second.save()
    third = issue_for(world["credentials"]["office"], learner)
    third.document = {**third.document, "validUntil": "2001-01-01T00:00:00Z"}
    third.save()
    assert selectors.learner_skills(learner) == {}


def test_crosswalk_exact_or_close_confirmed_links_give_esco_skills(world: dict[str, Any], learner, provider) -> None:  # type: ignore[no-untyped-def]
    own = Framework.objects.create(title="College skills", organization=provider)
    collaboration = Competency.objects.create(framework=own, short_name="Collaboration", statement="Collaborate")
    drawing = Competency.objects.create(framework=own, short_name="Drawing", statement="Draw")
    sums = Competency.objects.create(framework=own, short_name="Sums", statement="Add up")
    crosswalk = Crosswalk.objects.create(
        organization=provider, source_framework=own, target_framework=world["framework"]
    )
    skills = world["skills"]
    CrosswalkLink.objects.create(
        crosswalk=crosswalk, source=collaboration, target=skills["teamwork"], relation="exactMatch", status="confirmed"
    )
    CrosswalkLink.objects.create(
        crosswalk=crosswalk, source=drawing, target=skills["drafting"], relation="closeMatch", status="suggested"
    )  # not accepted
    CrosswalkLink.objects.create(
        crosswalk=crosswalk, source=sums, target=skills["spreadsheets"], relation="related", status="confirmed"
    )  # too loose
    credential = make_credential(provider, "College teamwork", [collaboration, drawing, sums], hours="5", cost="0")
    issue_for(credential, learner)
    held = selectors.learner_skills(learner)
    assert list(held) == [skills["teamwork"].pk]
    assert held[skills["teamwork"].pk].sources == ["College teamwork"]


def test_an_older_esco_version_counts_by_uri(world: dict[str, Any], learner, provider) -> None:  # type: ignore[no-untyped-def]
    older = Framework.objects.create(title="ESCO", version="1.1", source_format="esco", status="superseded")
    Framework.objects.filter(pk=older.pk).update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    old_code = Competency.objects.create(
        framework=older, short_name="interpret electrical code (old)", statement="x", uri=f"{ESCO}code"
    )
    credential = make_credential(provider, "Old code", [old_code], hours="1", cost="0")
    issue_for(credential, learner)
    assert list(selectors.learner_skills(learner)) == [world["skills"]["code"].pk]
    # and a credential aligned to the old version is recommended for the current skill
    analysis = selectors.analyse({}, selectors.occupation_target(world["occupation"]))
    assert "Old code" in _titles(analysis)


def test_verified_imported_credentials_count_by_esco_target_url(world: dict[str, Any], learner) -> None:  # type: ignore[no-untyped-def]
    def imported(verified: bool, url: str, valid_until: str | None = None) -> None:
        document = {
            "credentialSubject": {"achievement": {"name": "Elsewhere", "alignment": [{"targetUrl": url}]}},
        }
        if valid_until:
            document["validUntil"] = valid_until
        ImportedCredential.objects.create(
            owner=learner,
            format="ob3-json",
            raw=b"{}",
            credential=document,
            report={"valid": verified},
            verified=verified,
            sha256=url + str(valid_until),
            name="Elsewhere badge",
            verified_at=timezone.now(),
        )

    imported(True, f"{ESCO}blueprints")
    imported(False, f"{ESCO}drafting")  # failed verification
    imported(True, f"{ESCO}safety", valid_until="2001-01-01T00:00:00Z")  # expired since
    imported(True, "https://example.org/not-esco")
    held = selectors.learner_skills(learner, text_linking=False)
    assert list(held) == [world["skills"]["blueprints"].pk]
    assert held[world["skills"]["blueprints"].pk].sources == ["Elsewhere badge"]


def test_gap_and_ranked_recommendations_in_the_known_order(world: dict[str, Any], learner) -> None:  # type: ignore[no-untyped-def]
    issue_for(world["credentials"]["teams"], learner)
    target = selectors.occupation_target(world["occupation"])
    assert target.unlinked == ["Hot tech without ESCO"]
    analysis = selectors.learner_analysis(learner, target)
    gap = analysis.gap
    assert [s.label for s in gap.held] == ["work in teams"]
    assert [s.label for s in gap.missing_essential] == [
        "apply health and safety standards",
        "install electrical wiring",
        "interpret electrical code",
    ]
    assert [s.label for s in gap.missing_optional] == ["use CAD software", "use spreadsheet software"]
    assert gap.percent == 17 and gap.essential_percent == 25
    # value 2 at 0.1/h, value 2 at 0.05/h, value 1.25, value 0.5; the held "Team player" is not offered again
    assert _titles(analysis) == ["Wiring short", "Wiring long", "Code basics", "Office tools"]
    first = analysis.recommendations[0]
    assert first.essential_labels == ["apply health and safety standards", "install electrical wiring"]
    assert [r.credential.title for r in analysis.plan] == ["Code basics", "Wiring short"]
    assert analysis.plan_hours == 30 and analysis.plan_cost == 900 and analysis.uncovered == []
    assert analysis.plan_currency == "CAD"  # fees are added only within one currency
    analysis.plan[0].credential.currency = "USD"
    if analysis.plan[0].credential.cost:
        assert analysis.plan_currency == ""
    assert analysis.sources_of(world["skills"]["teamwork"].pk) == ["Team player"]


def test_filters_region_mode_and_cost(world: dict[str, Any]) -> None:
    target = selectors.occupation_target(world["occupation"])
    assert _titles(selectors.analyse({}, target, selectors.Filters(region="ON"))) == ["Wiring short"]
    assert _titles(selectors.analyse({}, target, selectors.Filters(delivery_mode="online"))) == [
        "Wiring long",
        "Code basics",
        "Team player",
        "Office tools",
    ]
    cheap = selectors.parse_filters({"max_cost": "50"})
    assert cheap.max_cost == Decimal("50")
    assert _titles(selectors.analyse({}, target, cheap)) == ["Code basics", "Team player", "Office tools"]


@pytest.mark.parametrize(
    "params",
    [
        {"region": "XX"},
        {"mode": "<script>"},
        {"max_cost": "-1"},
        {"max_cost": "NaN"},
        {"max_cost": "1e999"},
        {"max_cost": "abc"},
        {"region": "ON" * 500},
    ],
)
def test_bad_filters_are_refused(params: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed):
        selectors.parse_filters(params)


@pytest.mark.parametrize("raw", ["999999", "abc", "", None, "1" * 40, "-1", "<script>"])
def test_unknown_occupation_is_not_found(raw: Any, db: None) -> None:
    with pytest.raises(NotFound):
        selectors.occupation_by_id(raw)


def test_job_posting_target_essential_by_score(world: dict[str, Any]) -> None:
    posting = JobPosting.objects.create(
        fingerprint="f" * 64, title="Apprentice electrician", text="...", posted_on=datetime(2026, 5, 1).date()
    )
    skills = world["skills"]
    PostingSkill.objects.create(posting=posting, competency=skills["wiring"], score=0.9, engine="lexical")
    PostingSkill.objects.create(posting=posting, competency=skills["drafting"], score=0.3, engine="lexical")
    target = selectors.posting_target(posting)
    assert [(s.label, s.essential) for s in target.skills] == [
        ("install electrical wiring", True),
        ("use CAD software", False),
    ]
    analysis = selectors.analyse({}, target)
    assert _titles(analysis)[:2] == ["Wiring short", "Wiring long"]


def test_search_occupations_and_skills(world: dict[str, Any]) -> None:
    assert [o.title for o in selectors.search_occupations("electric")] == ["Electrician"]
    assert [o.title for o in selectors.search_occupations("sparky")] == ["Electrician"]
    assert selectors.search_occupations("") == []
    assert selectors.search_occupations("%' OR 1=1 --" * 50) == []
    assert [c.short_name for c in selectors.search_skills("wiring")] == ["install electrical wiring"]


def test_no_esco_framework_gives_no_learner_skills(provider, learner) -> None:  # type: ignore[no-untyped-def]
    _, skills = make_esco()
    Framework.objects.update(status="retired")
    credential = make_credential(provider, "Anything", [skills["wiring"]], hours="1", cost="0")
    issue_for(credential, learner)
    held = selectors.learner_skills(learner)
    assert list(held) == [skills["wiring"].pk]  # competencies stand for themselves
    assert Alignment.objects.count() == 1
    _ = timedelta


def test_missing_skills_employers_ask_for_are_marked_in_demand(world: dict[str, Any]) -> None:
    skills = world["skills"]
    for n in range(5):  # the in-demand rule: at least 5 postings and 5 % of the last twelve months
        posting = JobPosting.objects.create(
            fingerprint=f"demand-{n}", title="Electrician", text="Install electrical wiring.", region="ON",
            posted_on=timezone.now().date() - timedelta(days=10 * n), extracted_at=timezone.now(),
        )  # fmt: skip
        PostingSkill.objects.create(posting=posting, competency=skills["wiring"], score=0.9, engine="lexical")
    analysis = selectors.analyse({}, selectors.occupation_target(world["occupation"]))
    assert analysis.in_demand == {skills["wiring"].pk}
    assert not selectors.analyse(
        {}, selectors.occupation_target(world["occupation"]), selectors.Filters(region="QC")
    ).in_demand  # no posting in Quebec asks for it


def test_a_missing_skill_related_to_a_held_one_is_a_head_start(world: dict[str, Any], learner, client) -> None:  # type: ignore[no-untyped-def]
    """ESCO's skill–skill relations: "install electrical wiring" draws on "read blueprints"; "work in teams" is
    drawn on by "apply health and safety standards". A learner who holds the related skill is told so."""
    from microcred.frameworks.models import CompetencyRelation

    s = world["skills"]
    framework = world["framework"]
    CompetencyRelation.objects.create(framework=framework, source=s["wiring"], target=s["blueprints"], kind="optional")
    CompetencyRelation.objects.create(framework=framework, source=s["safety"], target=s["teamwork"], kind="essential")
    CompetencyRelation.objects.create(framework=framework, source=s["code"], target=s["teamwork"], kind="broader")
    provider = world["credentials"]["teams"].provider
    blueprints = make_credential(provider, "Blueprints", [s["blueprints"]], hours="2", cost="0")
    issue_for(world["credentials"]["teams"], learner)
    issue_for(blueprints, learner)
    analysis = selectors.learner_analysis(learner, selectors.occupation_target(world["occupation"]))
    related = {skill.label: labels for skill, labels in analysis.missing_related}
    assert related["install electrical wiring"] == ["read blueprints"]
    assert related["apply health and safety standards"] == ["work in teams"]
    assert related["interpret electrical code"] == []  # the hierarchy is not a head start
    client.force_login(learner)
    page = client.get(f"/careers/?occupation={world['occupation'].pk}").content.decode()
    assert "A head start: you hold the related read blueprints" in page
