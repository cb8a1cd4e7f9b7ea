"""Practitioners' clients: services (permission, validation, audit) and pages (visibility across organizations)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import timezone

from microcred.audit.models import AuditEntry
from microcred.careers import services
from microcred.careers.models import Client, ShortlistItem
from microcred.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from microcred.skills.models import JobPosting, PostingSkill
from microcred.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(db: None):  # type: ignore[no-untyped-def]
    return make_organization("provider", name="Grand River University")


@pytest.fixture
def practitioner(centre):  # type: ignore[no-untyped-def]
    return make_member(centre, "practitioner", email="priya@grandriver.example")


@pytest.fixture
def client_record(centre, practitioner) -> Client:  # type: ignore[no-untyped-def]
    return services.create_client(actor=practitioner, organization=centre, display_name="Sam Client", notes="Shifts")


def _browser(user: Any) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def test_create_client_is_audited(client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    assert client_record.created_by == practitioner
    entry = AuditEntry.objects.get(action="careers.client_created")
    assert entry.actor == practitioner and entry.organization == client_record.organization


def test_only_practitioners_of_the_organization_advise(centre, client_record: Client) -> None:  # type: ignore[no-untyped-def]
    admin = make_member(centre, "admin")
    other = make_member(make_organization("provider"), "practitioner")
    for actor in (admin, other):
        with pytest.raises(PermissionDenied):
            services.create_client(actor=actor, organization=centre, display_name="X")
        with pytest.raises(PermissionDenied):
            services.set_target(actor=actor, client=client_record)


@pytest.mark.parametrize("name", ["", "   ", "x" * 151, None, 12, ["a"], {"$gt": ""}])
def test_bad_client_names_are_refused(centre, practitioner, name: Any) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        services.create_client(actor=practitioner, organization=centre, display_name=name)
    assert not Client.objects.exists()


def test_target_skills_and_shortlist(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    services.set_target(actor=practitioner, client=client_record, occupation=world["occupation"])
    teamwork = world["skills"]["teamwork"]
    assert services.add_held_skills(actor=practitioner, client=client_record, skills=[teamwork.pk]) == [teamwork]
    assert services.add_held_skills(actor=practitioner, client=client_record, skills=[str(teamwork.pk)]) == []
    code = world["credentials"]["code"]
    item = services.add_to_shortlist(actor=practitioner, client=client_record, credential=code, note="Cheapest")
    assert (item.position, item.note, item.added_by) == (0, "Cheapest", practitioner)
    with pytest.raises(Conflict):
        services.add_to_shortlist(actor=practitioner, client=client_record, credential=code)
    second = services.add_to_shortlist(
        actor=practitioner, client=client_record, credential=world["credentials"]["office"]
    )
    assert second.position == 1
    services.remove_from_shortlist(actor=practitioner, item=item)
    assert list(ShortlistItem.objects.values_list("credential__title", flat=True)) == ["Office tools"]
    services.remove_held_skill(actor=practitioner, client=client_record, skill=teamwork.pk)
    with pytest.raises(NotFound):
        services.remove_held_skill(actor=practitioner, client=client_record, skill=teamwork.pk)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "careers.client_target_set",
        "careers.client_skills_added",
        "careers.shortlist_added",
        "careers.shortlist_removed",
        "careers.client_skill_removed",
    } <= actions


@pytest.mark.parametrize("skills", [["abc"], [-1], ["1" * 30], "1,2", [None], [{"id": 1}], list(range(501)), [99999]])
def test_bad_skill_ids_are_refused(world: dict[str, Any], client_record: Client, practitioner, skills: Any) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        services.add_held_skills(actor=practitioner, client=client_record, skills=skills)
    assert not client_record.held_skills.exists()


def test_a_non_esco_competency_is_refused(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    from microcred.frameworks.models import Competency, Framework

    other = Competency.objects.create(framework=Framework.objects.create(title="Other"), statement="Other")
    with pytest.raises(ValidationFailed):
        services.add_held_skills(actor=practitioner, client=client_record, skills=[other.pk])


def test_cv_text_adds_linked_skills(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    added = services.add_skills_from_text(
        actor=practitioner, client=client_record, text="I install electrical wiring in new houses."
    )
    assert world["skills"]["wiring"] in added
    with pytest.raises(ValidationFailed):
        services.add_skills_from_text(actor=practitioner, client=client_record, text="x" * 10_001)


def test_unpublished_credentials_are_not_shortlisted(
    world: dict[str, Any], client_record: Client, practitioner
) -> None:  # type: ignore[no-untyped-def]
    code = world["credentials"]["code"]
    code.status = "draft"
    with pytest.raises(ValidationFailed):
        services.add_to_shortlist(actor=practitioner, client=client_record, credential=code)
    with pytest.raises(ValidationFailed):
        services.add_to_shortlist(actor=practitioner, client=client_record, credential="1")


# ---------------------------------------------------------------- pages


def test_client_pages_for_the_practitioner(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    browser = _browser(practitioner)
    assert b"Sam Client" in browser.get("/careers/clients/").content
    page = browser.get(f"/careers/clients/{client_record.pk}/?q=electric")
    assert page.status_code == 200 and b"Electrician" in page.content
    occupation = world["occupation"].pk
    response = browser.post(f"/careers/clients/{client_record.pk}/target/", {"occupation": occupation})
    assert response.status_code == 302
    wiring = world["skills"]["wiring"]
    for n in range(5):  # employers ask for wiring: the gap marks it, linking to its postings on the dashboard
        posting = JobPosting.objects.create(
            fingerprint=f"p{n}", title="Electrician", text="Install electrical wiring.",
            posted_on=timezone.now().date(), extracted_at=timezone.now(),
        )  # fmt: skip
        PostingSkill.objects.create(posting=posting, competency=wiring, score=0.9, engine="lexical")
    page = browser.get(f"/careers/clients/{client_record.pk}/").content.decode()
    assert page.index("install electrical wiring") < page.index("use CAD software")  # essential first
    assert f'install electrical wiring <a class="badge" href="/skills/demand/?skill={wiring.pk}">In demand</a>' in page
    assert page.index("Wiring short") < page.index("Wiring long") < page.index("Code basics")
    credential = world["credentials"]["code"].pk
    browser.post(f"/careers/clients/{client_record.pk}/shortlist/", {"credential": credential, "note": "<b>go</b>"})
    page = browser.get(f"/careers/clients/{client_record.pk}/").content.decode()
    assert "&lt;b&gt;go&lt;/b&gt;" in page and "<b>go</b>" not in page


def test_new_client_page(centre, practitioner) -> None:  # type: ignore[no-untyped-def]
    browser = _browser(practitioner)
    assert browser.get("/careers/clients/new/").status_code == 200
    response = browser.post("/careers/clients/new/", {"display_name": "", "organization": centre.pk})
    assert response.status_code == 400
    response = browser.post("/careers/clients/new/", {"display_name": "Alex", "organization": centre.pk})
    assert response.status_code == 302
    assert Client.objects.get().display_name == "Alex"
    response = browser.post("/careers/clients/new/", {"display_name": "Eve", "organization": "999999"})
    assert response.status_code == 400


def test_another_organizations_practitioner_gets_not_found(world: dict[str, Any], client_record: Client) -> None:  # type: ignore[no-untyped-def]
    other = make_member(make_organization("provider"), "practitioner")
    browser = _browser(other)
    assert b"Sam Client" not in browser.get("/careers/clients/").content
    pk = client_record.pk
    assert browser.get(f"/careers/clients/{pk}/").status_code == 404
    assert browser.post(f"/careers/clients/{pk}/target/", {"occupation": world["occupation"].pk}).status_code == 404
    credential = world["credentials"]["code"].pk
    assert browser.post(f"/careers/clients/{pk}/shortlist/", {"credential": credential}).status_code == 404
    assert not ShortlistItem.objects.exists()
    client_record.refresh_from_db()
    assert client_record.target_occupation is None


def test_learners_without_the_role_are_refused(client_record: Client, learner) -> None:  # type: ignore[no-untyped-def]
    browser = _browser(learner)
    assert browser.get("/careers/clients/").status_code == 403
    assert browser.get(f"/careers/clients/{client_record.pk}/").status_code == 404
    assert Browser().get("/careers/clients/").status_code == 302  # to the login page


def test_bad_input_on_pages(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    browser = _browser(practitioner)
    pk = client_record.pk
    assert browser.post(f"/careers/clients/{pk}/target/", {"occupation": "999999"}).status_code == 404
    assert browser.post(f"/careers/clients/{pk}/target/", {"occupation": "<script>"}).status_code == 404
    assert browser.get("/careers/clients/99999999999999999999/").status_code == 404
    assert browser.post(f"/careers/clients/{pk}/shortlist/", {"credential": "x"}).status_code == 302
    assert browser.get(f"/careers/clients/{pk}/?max_cost=-5").status_code == 400
    assert browser.get(f"/careers/clients/{pk}/?q=" + "%3Cscript%3E" * 100).status_code == 200
    assert browser.post(f"/careers/clients/{pk}/skills/", {"skill": ["1" * 40]}).status_code == 302
    assert not client_record.held_skills.exists()


def test_learner_gap_page(world: dict[str, Any], learner) -> None:  # type: ignore[no-untyped-def]
    from microcred.careers.tests.conftest import issue_for

    issue_for(world["credentials"]["teams"], learner)
    browser = _browser(learner)
    page = browser.get("/careers/?q=electri")
    assert b"Electrician" in page.content
    page = browser.get(f"/careers/?occupation={world['occupation'].pk}").content.decode()
    assert "Coverage: 17%" in page and "Team player" in page
    assert page.index("Missing essential skills") < page.index("Wiring short")
    assert browser.get("/careers/?occupation=424242").status_code == 404
    assert browser.get("/careers/?occupation=abc").status_code == 404
    assert browser.get(f"/careers/?occupation={world['occupation'].pk}&region=ZZ").status_code == 400


def test_pages_in_french(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    client_record.target_occupation = world["occupation"]
    client_record.save()
    browser = _browser(practitioner)
    browser.cookies["django_language"] = "fr"
    page = browser.get(f"/careers/clients/{client_record.pk}/", headers={"accept-language": "fr"}).content.decode()
    assert "Écart de compétences pour Electrician" in page and "Compétences essentielles manquantes" in page
    assert "Ajouter à la présélection" in page


def test_client_aims_at_a_job_posting(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from microcred.skills.models import JobPosting, PostingSkill

    posting = JobPosting.objects.create(
        fingerprint="p" * 64,
        title="Electrician apprentice",
        text="...",
        employer="Volt Inc",
        posted_on=date(2026, 4, 1),
    )
    PostingSkill.objects.create(posting=posting, competency=world["skills"]["code"], score=0.9, engine="lexical")
    browser = _browser(practitioner)
    page = browser.get(f"/careers/clients/{client_record.pk}/?q=apprentice").content.decode()
    assert "Electrician apprentice" in page and "Volt Inc" in page
    browser.post(f"/careers/clients/{client_record.pk}/target/", {"posting": posting.pk})
    client_record.refresh_from_db()
    assert client_record.target_posting == posting and client_record.target_occupation is None
    page = browser.get(f"/careers/clients/{client_record.pk}/").content.decode()
    assert "Skills gap for Electrician apprentice" in page and "Code basics" in page
    assert browser.post(f"/careers/clients/{client_record.pk}/target/", {"posting": "777777"}).status_code == 404


def test_credentials_the_client_holds_count_as_skills(
    world: dict[str, Any], client_record: Client, practitioner
) -> None:  # type: ignore[no-untyped-def]
    browser = _browser(practitioner)
    page = browser.get(f"/careers/clients/{client_record.pk}/?credential_q=team").content.decode()
    assert "The client holds Team player" in page
    teams = world["credentials"]["teams"]
    browser.post(f"/careers/clients/{client_record.pk}/credentials/", {"credential": teams.pk})
    assert list(client_record.held_credentials.all()) == [teams]
    services.set_target(actor=practitioner, client=client_record, occupation=world["occupation"])
    page = browser.get(f"/careers/clients/{client_record.pk}/").content.decode()
    assert 'work in teams <span class="muted">— Team player' in page
    assert "Coverage: 17%" in page
    browser.post(f"/careers/clients/{client_record.pk}/credentials/", {"remove": teams.pk})
    assert not client_record.held_credentials.exists()
    response = browser.post(f"/careers/clients/{client_record.pk}/credentials/", {"credential": "nope"})
    assert response.status_code == 302 and not client_record.held_credentials.exists()


def test_credentials_held_by_a_client(world: dict[str, Any], client_record: Client, practitioner) -> None:  # type: ignore[no-untyped-def]
    code = world["credentials"]["code"]
    with pytest.raises(NotFound) as not_held:  # removing what the client does not hold is refused, nothing audited
        services.remove_held_credential(actor=practitioner, client=client_record, credential=code)
    assert not_held.value.code == "credential_not_held"
    assert not AuditEntry.objects.filter(action="careers.client_credential_removed").exists()
    browser = _browser(practitioner)
    url = f"/careers/clients/{client_record.pk}/credentials/"
    assert browser.post(url, {"credential": str(code.pk)}).status_code == 302
    assert list(client_record.held_credentials.all()) == [code]
    assert browser.post(url, {"credential": "abc"}).status_code == 302  # shown on the page, nothing added
    page = browser.post(url, {"remove": str(world["credentials"]["wiring_short"].pk)}, follow=True)
    assert "This client does not hold this micro-credential." in page.content.decode()
    assert list(client_record.held_credentials.all()) == [code]
    browser.post(url, {"remove": str(code.pk)})
    assert not client_record.held_credentials.exists()
