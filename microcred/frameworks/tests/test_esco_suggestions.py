"""Framework and competency pages: "Suggest ESCO skills" makes the crosswalk to ESCO with suggestions to review;
the crosswalk form offers the available ranking methods."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from microcred.accounts.models import Organization, User
from microcred.catalog.tests.esco_sample import LIGHTS, TEAM, import_sample
from microcred.frameworks import services
from microcred.frameworks.models import Crosswalk, Framework, LinkStatus


@pytest.fixture(autouse=True)
def immediate_tasks(settings) -> None:  # type: ignore[no-untyped-def]
    """The ranking runs as a background task; here the task runs as soon as the request's transaction commits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def esco(tmp_path: Path, db: None) -> Framework:
    return import_sample(tmp_path / "esco")


@pytest.fixture
def own(admin: User, provider: Organization) -> Framework:
    framework = services.create_framework(actor=admin, organization=provider, title="Site roles")
    services.add_competency(actor=admin, framework=framework, statement="Lead a team of people on a site", code="R1")
    services.add_competency(actor=admin, framework=framework, statement="Fit light fixtures in rooms", code="R2")
    return framework


def page_of(framework: Framework) -> str:
    return f"/frameworks/{framework.slug}/v/{framework.version}/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_framework_page_offers_esco_suggestions_to_its_editors(
    admin: User, learner: User, esco: Framework, own: Framework
) -> None:
    assert "Suggest ESCO skills" in signed_in(admin).get(page_of(own)).content.decode()
    assert "Suggest ESCO skills" not in signed_in(learner).get(page_of(own)).content.decode()
    assert "Suggest ESCO skills" not in Client().get(page_of(own)).content.decode()
    assert "Suggest ESCO skills" not in signed_in(admin).get(page_of(esco)).content.decode()  # ESCO itself


def test_without_esco_there_is_no_action(admin: User, own: Framework) -> None:
    client = signed_in(admin)
    assert "Suggest ESCO skills" not in client.get(page_of(own)).content.decode()
    response = client.post(page_of(own) + "suggest-esco/")
    assert response.status_code == 404 and not Crosswalk.objects.exists()


def test_suggest_esco_skills_opens_the_crosswalk_with_suggestions(
    admin: User, esco: Framework, own: Framework, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_of(own) + "suggest-esco/")
    assert response.status_code == 302
    crosswalk = Crosswalk.objects.get(source_framework=own, target_framework=esco)
    assert response["Location"] == f"/frameworks/crosswalks/{crosswalk.pk}/"
    top = {}
    for link in crosswalk.links.order_by("-score"):
        top.setdefault(link.source.code, link.target.uri)
    assert top == {"R1": TEAM, "R2": LIGHTS}
    review = client.get(response["Location"]).content.decode()
    assert "manage a team" in review and "Accept" in review
    assert "suggestions to review" in review and "data-live" not in review  # the run is over
    link = crosswalk.links.get(source__code="R1", target__uri=TEAM)
    client.post(f"{response['Location']}decide/", {"link": link.pk, "accept": "1", "relation": "closeMatch"})
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(page_of(own) + "suggest-esco/")  # the same crosswalk, decided pairs kept
    assert again["Location"] == response["Location"] and Crosswalk.objects.count() == 1
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED


def test_a_competency_page_suggests_for_that_competency_only(
    admin: User, esco: Framework, own: Framework, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(admin)
    item = own.competencies.get(code="R2")
    competency_page = f"{page_of(own)}c/{item.identifier}/"
    assert "Suggest ESCO skills" in client.get(competency_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_of(own) + "suggest-esco/", {"competency": item.identifier})
    assert response.status_code == 302
    crosswalk = Crosswalk.objects.get()
    assert set(crosswalk.links.values_list("source__code", flat=True)) == {"R2"}
    assert client.post(page_of(own) + "suggest-esco/", {"competency": "nope"}).status_code == 404


def test_others_cannot_make_the_crosswalk(learner: User, esco: Framework, own: Framework) -> None:
    assert signed_in(learner).post(page_of(own) + "suggest-esco/").status_code == 404
    assert Client().post(page_of(own) + "suggest-esco/").status_code == 302  # to the login page
    assert not Crosswalk.objects.exists()


def test_the_crosswalk_form_offers_the_available_methods(
    admin: User, esco: Framework, own: Framework, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(admin)
    page = client.get(page_of(own)).content.decode()
    assert "Suggest links with" in page and 'value="bm25"' in page
    assert 'value="semantic"' not in page  # no embeddings computed here
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_of(own) + "crosswalk/", {"target": esco.pk, "method": "bm25"})
    crosswalk = Crosswalk.objects.get()
    assert response["Location"] == f"/frameworks/crosswalks/{crosswalk.pk}/"
    assert crosswalk.links.filter(status=LinkStatus.SUGGESTED, method="bm25").exists()
    crosswalk.links.all().delete()
    client.post(f"/frameworks/crosswalks/{crosswalk.pk}/decide/", {"suggest": "1", "method": "semantic"})
    assert not crosswalk.links.exists()  # not available: refused
    client.post(page_of(own) + "crosswalk/", {"target": esco.pk, "method": "telepathy"})
    assert not crosswalk.links.exists()


def test_the_api_takes_a_method(api_as, admin: User, provider: Organization, esco: Framework, own: Framework) -> None:  # type: ignore[no-untyped-def]
    crosswalk = services.create_crosswalk(
        actor=admin, organization=provider, source_framework=own, target_framework=esco
    )
    api = api_as(admin)
    refused = api.post(f"crosswalks/{crosswalk.pk}/suggest", {"method": "telepathy"})
    assert refused.status_code in (400, 422) and "method" in str(refused.json_body)
    made = api.post(f"crosswalks/{crosswalk.pk}/suggest", {"method": "bm25", "perSource": 1})
    assert made.status_code == 200 and made.json_body == {"suggested": 2, "methods": ["bm25"]}


def test_the_ranked_search_takes_a_method(api_as, esco: Framework) -> None:  # type: ignore[no-untyped-def]
    base = f"frameworks/{esco.slug}/versions/{esco.version}/suggestions?q=lead%20a%20team%20of%20people"
    anonymous = api_as()
    assert anonymous.get(base).json_body["results"][0]["uri"] == TEAM
    assert anonymous.get(base + "&method=bm25").json_body["results"][0]["uri"] == TEAM
    for method in ("hybrid", "telepathy"):  # hybrid: no embeddings computed here
        refused = anonymous.get(f"{base}&method={method}")
        assert refused.status_code in (400, 422) and "invalid_choice" in str(refused.json_body)


def test_a_large_framework_is_ranked_off_the_request_with_its_progress_shown(
    admin: User, esco: Framework, own: Framework, settings
) -> None:  # type: ignore[no-untyped-def]
    """No worker runs here: the request only queues the run, and the page shows where it is until it ends."""
    from microcred.frameworks import suggestion_runs
    from microcred.frameworks.models import SuggestionRun

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for index in range(40):
        statement = f"Fit light fixture model {index}"
        services.add_competency(actor=admin, framework=own, statement=statement, code=f"L{index}")
    client = signed_in(admin)
    response = client.post(page_of(own) + "suggest-esco/")
    crosswalk = Crosswalk.objects.get()
    run = SuggestionRun.objects.get(crosswalk=crosswalk)
    assert not crosswalk.links.exists() and run.status == "queued" and run.total == 42  # nothing ranked in the request
    page = client.get(response["Location"]).content.decode()
    assert "0 of 42 competencies ranked" in page and 'data-live="2"' in page and "Check again" in page
    finished = suggestion_runs.run_suggestions(run.pk)
    assert finished.status == "done" and finished.done == 42 and finished.suggested == crosswalk.links.count() > 0
    assert suggestion_runs.run_suggestions(run.pk).suggested == finished.suggested  # a finished run is left as it is
    page = client.get(response["Location"]).content.decode()
    assert "data-live" not in page and "suggestions to review" in page


def test_a_run_whose_author_lost_the_right_fails_with_the_reason(
    admin: User, provider: Organization, esco: Framework, own: Framework
) -> None:
    from microcred.accounts.models import Membership
    from microcred.frameworks import suggestion_runs

    crosswalk = services.create_crosswalk(
        actor=admin, organization=provider, source_framework=own, target_framework=esco
    )
    run = suggestion_runs.start_suggestions(actor=admin, crosswalk=crosswalk, method="bm25", enqueue=False)
    Membership.objects.filter(user=admin).delete()
    failed = suggestion_runs.run_suggestions(run.pk)
    assert failed.status == "failed" and failed.error["code"] and not crosswalk.links.exists()
