"""The pages of issue 21 (F3, F7) as a person sees them: the API tokens page and the 429 page, screenshotted at
1280 px and 390 px and checked by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from microcred.testing.browser import ARTIFACTS, log_in
from microcred.testing.factories import make_user
from microcred.testing.pages import WIDTHS, axe_violations, check_page, check_this_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_tokens_page(page) -> None:
    user = make_user(email="lena@example.org")
    log_in(page, user.email)
    page.goto("/accounts/tokens/")
    page.get_by_label("Name").fill("Applicant tracking system")
    page.get_by_label("Issue and revoke credentials").check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("mc_")
    check_page(page, "api-tokens")
    page.get_by_role("button", name="Revoke Applicant tracking system").click()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    assert secret not in page.content()


def test_the_too_many_attempts_page(browser, live_server) -> None:
    make_user(email="lena@example.org")
    context = browser.new_context(base_url=live_server.url, locale="fr-CA", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        for _ in range(6):
            page.get_by_label("Adresse courriel").fill("lena@example.org")
            page.get_by_label("Mot de passe").fill("wrong-guess")
            page.get_by_role("button", name="Se connecter").click()
            if page.get_by_role("heading", name="Trop de tentatives").count():
                break
        expect(page.get_by_role("heading", name="Trop de tentatives")).to_be_visible()
        folder = ARTIFACTS / "screens"
        folder.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
            page.screenshot(path=str(folder / f"too-many-attempts-{width}.png"), full_page=True)
            assert axe_violations(page) == []
            assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    finally:
        context.close()


def test_the_verifier_names_an_unregistered_issuer_and_an_imitation(browser, live_server) -> None:
    import json

    from microcred.issuing.tests.test_verify_lookalikes import _self_signed
    from microcred.testing.factories import make_organization

    make_organization("provider", name="Grand River University")
    context = browser.new_context(base_url=live_server.url, locale="en-CA", bypass_csp=True)
    page = context.new_page()
    for name, headline, screen in [
        ("Lakeshore Welding Guild", "Verified, from an unregistered issuer", "verify-unregistered-issuer"),
        ("Grand River University", "Not verified", "verify-imitated-issuer"),
    ]:
        page.goto("/verify/")
        page.get_by_label("Paste a credential (JSON or JWT)").fill(json.dumps(_self_signed(name)))
        page.get_by_role("button", name="Verify", exact=True).click()
        expect(page.get_by_role("heading", name=headline)).to_be_visible()
        check_this_page(page, screen)
    context.close()
