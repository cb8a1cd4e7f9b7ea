"""In a real browser, what every page shares: the navigation folds behind a "Menu" button on a phone (and works
without JavaScript), the favicon, and the API documentation running under the Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from microcred.testing.browser import log_in
from microcred.testing.factories import make_user
from microcred.testing.pages import assert_fits, check_page

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def test_the_navigation_folds_behind_a_menu_button_on_a_phone(page: Any) -> None:
    make_user(email="sam@example.org", name="Samantha Rivera-Tremblay")
    log_in(page, "sam@example.org")
    page.goto("/wallet/")
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Menu")
    wallet = nav.get_by_role("link", name="My wallet")
    assert not toggle.is_visible() and wallet.is_visible()  # desktop: all the links, no button
    check_page(page, "site-navigation")

    page.set_viewport_size(PHONE)
    # the menu folds when the media query's change event arrives, which may come a moment after the resize
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert_fits(page, 390)
    assert toggle.is_visible()
    assert not wallet.is_visible() and not nav.get_by_role("button", name="Log out").is_visible()
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["width"] <= 390 and header["height"] < 80
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and wallet.is_visible()
    page.screenshot(path=str(check_page.__globals__["ARTIFACTS"] / "screens" / "site-navigation-open-390.png"))
    assert_fits(page, 390)
    page.keyboard.press("Tab")  # into the menu, then Escape closes it and gives focus back to the button
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not wallet.is_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('nav-toggle')")
    toggle.click()
    wallet.click()
    page.wait_for_load_state()
    assert page.url.endswith("/wallet/")

    page.set_viewport_size({"width": 1280, "height": 900})  # back to a wide window: the menu shows again
    expect(wallet).to_be_visible()
    assert not toggle.is_visible()


def test_without_javascript_the_whole_navigation_shows_and_fits(browser: Any, live_server: Any) -> None:
    make_user(email="sam@example.org")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, "sam@example.org")
        page.goto("/catalog/")
        nav = page.get_by_role("navigation", name="Main")
        assert not nav.get_by_role("button", name="Menu").is_visible()
        assert nav.get_by_role("link", name="My wallet").is_visible()
        assert nav.get_by_role("button", name="Log out").is_visible()
        assert_fits(page, 390)
    finally:
        context.close()


def test_a_favicon_and_no_404_for_favicon_ico(page: Any) -> None:
    page.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href and href.endswith(".svg")
    icon = page.request.get(href)
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    legacy = page.request.get("/favicon.ico", max_redirects=0)
    assert legacy.status == 302 and legacy.headers["location"] == href
    assert page.request.get("/favicon.ico").status == 200


def test_the_api_documentation_runs_under_the_content_security_policy(page: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto("/api/v1/docs")
    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20  # the operations are rendered
    assert page.get_by_text("microcred API").first.is_visible()
    assert not [p for p in problems if "Content Security Policy" in p or "Content-Security-Policy" in p], problems
    assert problems == []
    page.screenshot(path=str(check_page.__globals__["ARTIFACTS"] / "screens" / "api-docs-1280.png"))


def test_the_page_check_fails_small_targets_and_pages_wider_than_the_screen(browser: Any, live_server: Any) -> None:
    from microcred.testing.pages import axe_violations

    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport=PHONE)  # axe-core goes in
    try:
        page = context.new_page()
        page.goto("/")
        page.evaluate(
            """() => { const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<p><button style="all: unset; width: 10px; height: 10px">a</button>'
              + '<button style="all: unset; width: 10px; height: 10px">b</button></p>'
              + '<table class="too-wide" style="width: 900px"><tr><td>wide</td></tr></table>'); }"""
        )
        assert "target-size" in [v["rule"] for v in axe_violations(page)]  # WCAG 2.2, 2.5.8: switched on
        with pytest.raises(pytest.fail.Exception) as failure:
            assert_fits(page, 390)
        message = str(failure.value)
        assert "wider than the screen" in message and "table.too-wide (900 px wide" in message.split("\n")[1]
    finally:
        context.close()
