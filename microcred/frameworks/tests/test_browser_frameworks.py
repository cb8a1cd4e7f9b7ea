"""In a real browser: import a CASE file through the page, browse the tree, align a micro-credential to a competency."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from microcred.catalog.tests.conftest import draft
from microcred.frameworks import imports
from microcred.frameworks.models import FrameworkImport
from microcred.frameworks.tests.conftest import as_bytes, case_package
from microcred.testing.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_browse_and_align(page, provider, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FRAMEWORK_IMPORT_DIR = tmp_path / "uploads"
    admin = make_member(provider, "admin", email="admin@maple.example")
    credential = draft(admin, provider, title="Data for Decisions", learning_outcomes=["Frame a problem with data"])
    package = tmp_path / "future-ready-talent.json"
    package.write_bytes(as_bytes(case_package()))

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@maple.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto("/frameworks/")
    page.get_by_role("link", name="Import a framework for Maple College").click()
    page.get_by_label("Format").select_option("case")
    page.get_by_label("File").set_input_files(str(package))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Import of future-ready-talent.json")).to_be_visible()
    imports.run_import(FrameworkImport.objects.get().pk)  # what the task worker does
    page.reload()
    page.get_by_role("link", name="Future-ready talent").click()

    expect(page.get_by_role("link", name="FRT-1 Thinking")).to_be_visible()
    expect(page.get_by_text("Solve complex problems with data")).not_to_be_visible()
    page.locator("summary", has_text="Thinking").first.click()  # the level loads when opened
    page.get_by_role("link", name="FRT-1.1 Problem solving").click()
    expect(page.get_by_text("Solve complex problems with data").first).to_be_visible()
    expect(page.get_by_text("analytical thinking")).to_be_visible()
    page.go_back()
    page.get_by_label("Search this framework").fill("critically")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="FRT-1.2 Think critically about sources")).to_be_visible()

    page.goto(f"/catalog/{provider.slug}/{credential.slug}/v1/")
    page.get_by_role("link", name="Align to competencies").click()
    page.get_by_label("Search", exact=True).fill("problems")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("listitem").filter(has_text="Problem solving").get_by_role("button", name="Align").click()
    page.wait_for_load_state()
    expect(page.locator(".alignments").get_by_text("Problem solving")).to_be_visible()
    assert credential.alignments.get().target_code == "FRT-1.1"


def test_esco_suggestions_show_their_progress_then_the_links_to_review(  # type: ignore[no-untyped-def]
    page, provider, tmp_path: Path, settings
) -> None:
    from microcred.catalog.tests.esco_sample import import_sample
    from microcred.frameworks import services, suggestion_runs
    from microcred.frameworks.models import SuggestionRun
    from microcred.testing.pages import check_page

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker: we run it
    import_sample(tmp_path / "esco")
    admin = make_member(provider, "admin", email="admin@maple.example")
    own = services.create_framework(actor=admin, organization=provider, title="Site roles")
    services.add_competency(actor=admin, framework=own, statement="Lead a team of people on a site", code="R1")
    services.add_competency(actor=admin, framework=own, statement="Fit light fixtures in rooms", code="R2")

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@maple.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"/frameworks/{own.slug}/v/{own.version}/")
    page.get_by_role("button", name="Suggest ESCO skills").first.click()
    page.wait_for_load_state()
    progress = page.locator("#suggestion-progress")
    assert "0 of 2 competencies ranked" in progress.inner_text()
    check_page(page, "crosswalk-suggestions-running")
    suggestion_runs.run_suggestions(SuggestionRun.objects.get().pk)  # what the task worker does
    page.wait_for_function("() => !document.querySelector('progress')")  # live.js swaps the result in
    assert "suggestions to review" in page.locator("#suggestion-progress").inner_text()
    expect(page.get_by_role("button", name="Accept").first).to_be_visible()
    check_page(page, "crosswalk-suggestions-done")
