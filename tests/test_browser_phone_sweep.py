"""Every page a role reaches from its navigation and its home, on the demo, fits a 390 px phone and passes axe-core
(WCAG 2.2 AA, target size included) there: the shared page check at 390 px on each (the journeys' own tests check
1280 px), failures gathered so one run names every page that breaks. The sweep browses in a phone-sized context that
lets axe-core past the Content-Security-Policy, so each page is checked as loaded, not loaded again in a twin; the
journeys' browser tests keep the policy on."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from microcred.demo.loader import load_demo
from microcred.demo.scenario import DEMO_PASSWORD
from microcred.testing.pages import check_this_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROLES = (
    "",  # anonymous
    "maya.singh@learner.example",
    "amira.haddad@grandriver.example",
    "luc.tremblay@grandriver.example",
    "grace.okafor@grandriver.example",
    "career.centre@grandriver.example",
    "hr@maplegrid.example",
    "admin@microcred.example",
)
SKIP = ("/accounts/logout", "/api/", "/admin/", "/i18n/", "/static/", "/media/", ".csv", ".json", ".png", ".pdf",
        ".svg", "/download", "/export")  # fmt: skip
LINKS = """() => [...document.querySelectorAll('header a[href], main a[href]')]
  .map(a => a.href).filter(h => h.startsWith(location.origin))"""


def pages_of(page: Any, base: str) -> list[str]:
    found = []
    for href in page.evaluate(LINKS):
        parts = urlsplit(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not any(s in path for s in SKIP) and path not in found:
            found.append(path)
    return found


def test_every_page_of_every_role_fits_a_phone(browser: Any, live_server: Any) -> None:
    load_demo()
    context = browser.new_context(
        base_url=live_server.url, locale="en-CA", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    seen: set[str] = set()
    failures: list[str] = []
    for email in ROLES:
        page.context.clear_cookies()
        if email:
            page.goto("/accounts/login/")
            page.get_by_label("E-mail address").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
        start = urlsplit(page.url).path if email else "/"
        page.goto(start)
        for path in [start, *pages_of(page, live_server.url)][:15]:
            key = f"{email}:{path.split('?')[0]}"
            if key in seen:
                continue
            seen.add(key)
            response = page.goto(path)
            if response is None or response.status >= 400:
                continue
            name = "sweep-" + (email.split("@")[0] or "anonymous") + "-" + (path.strip("/").replace("/", "-") or "home")
            try:
                check_this_page(page, name[:120], widths=(390,))
            except (AssertionError, pytest.fail.Exception) as error:
                failures.append(f"{email or 'anonymous'} {path}: {str(error)[:600]}")
    context.close()
    assert failures == [], "\n".join(failures)
