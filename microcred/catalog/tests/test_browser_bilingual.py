"""Bilingual content in a real browser: a designer writes a credential in English and French; a reader who
chose French sees the French texts in the catalog, on the record and in their wallet, English where a text has
no French."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.accounts.permissions import SYSTEM
from microcred.assessment.services.awards import achievement_for
from microcred.catalog import services
from microcred.catalog.models import MicroCredential
from microcred.issuing.services import issue_credential
from microcred.testing.browser import log_in
from microcred.testing.factories import PASSWORD, make_member, make_user
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bilingual_design_is_read_in_french(page: Any, provider: Any) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    reviewer = make_member(provider, "reviewer", email="reviewer@maple.example")
    provider.translations = {"fr": {"name": "Collège Érable"}}
    provider.save()

    log_in(page, "admin@maple.example")
    page.goto(f"/catalog/manage/{provider.slug}/new/")
    page.get_by_label("Title", exact=True).fill("Data Literacy")
    page.get_by_label("Summary", exact=True).fill("Read and question data.")
    page.get_by_label("Learning outcomes", exact=True).fill("Read a table\nCritique a chart")
    page.get_by_label("Delivery mode").select_option("online")
    page.get_by_label("Workload (hours)").fill("12")
    page.get_by_label("Second language", exact=True).select_option("fr")
    page.get_by_label("Name of the credential in the second language").fill("Littératie des données")
    page.get_by_label("Overview in the second language").fill("Lire et remettre en question les données.")
    page.get_by_label("Learning outcomes in the second language").fill("Lire un tableau")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name="Data Literacy").wait_for()
    page.get_by_role("link", name="Edit draft").click()
    assert page.get_by_label("Name of the credential in the second language").input_value() == "Littératie des données"
    check_page(page, "bilingual-design-form")

    made = MicroCredential.objects.get()
    services.submit_for_review(actor=admin, credential=made)
    services.review(actor=reviewer, credential=made, decision="approved")
    made = services.publish(actor=admin, credential=made)
    learner = make_user(email="lena@example.org", name="Léna Apprenante")
    issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=achievement_for(made, []),
        recipient=learner,
        recipient_identifier=learner.email,
    )

    page.get_by_role("button", name="Français").click()
    page.goto("/catalog/")
    card = page.locator(".results .card").first
    assert card.locator(".card-title").inner_text() == "Littératie des données"
    assert "Lire et remettre en question les données." in card.inner_text()
    check_page(page, "bilingual-catalog-fr")
    page.get_by_role("link", name="Littératie des données").click()
    page.get_by_role("heading", name="Littératie des données").wait_for()
    body = page.locator("main").inner_text()
    assert "Lire un tableau" in body and "Critique a chart" in body  # the outcome with no French: in English
    assert "Collège Érable" in body
    check_page(page, "bilingual-credential-fr")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    log_in_fr(page, "lena@example.org")
    page.goto("/wallet/")
    assert "Littératie des données" in page.locator("main").inner_text()
    check_page(page, "bilingual-wallet-fr")


def log_in_fr(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
