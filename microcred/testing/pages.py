"""What a person sees: screenshots of a page at desktop and phone widths, and axe-core's accessibility check.

``check_page(page, "competency")`` saves ``test-artifacts/screens/competency-1280.png`` and ``…-390.png`` (full
page) and runs axe-core (from npm, installed by ``make node-deps`` into ``microcred/testing/node``) at each width;
any violation fails the test with its rule, impact and the elements it names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from microcred.testing.browser import ARTIFACTS

AXE = Path(__file__).resolve().parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)
# WCAG 2.1 A and AA, as axe tags them (best-practice rules are advice, not failures)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed; `make node-deps` installs it")
        pytest.skip("axe-core is not installed (make node-deps)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {
            "rule": v["id"],
            "impact": v.get("impact"),
            "help": v.get("help"),
            "nodes": [", ".join(node.get("target", [])) for node in v.get("nodes", [])][:5],
        }
        for v in result["violations"]
    ]


WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''}: `
    + (e.textContent || '').trim().slice(0, 40))
  .slice(0, 8)"""


def wide(page: Any) -> list[str]:
    """The elements that stick out past the right edge of the screen."""
    return page.evaluate(WIDE)


def check_page(page: Any, name: str, widths: tuple[int, ...] = WIDTHS) -> list[Path]:
    """Screenshots at each width (full page), and no axe-core violation at any of them; returns the files.

    axe-core is injected into a twin of the page (same URL, cookies and language) in a context that lets it past
    the platform's Content-Security-Policy; the page under test keeps its policy, so a journey still fails on
    anything the policy blocks."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    twin_context = page.context.browser.new_context(
        storage_state=page.context.storage_state(),
        bypass_csp=True,
        locale=page.evaluate("() => navigator.language"),
    )
    shots = []
    try:
        twin = twin_context.new_page()
        for width in widths:
            twin.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
            twin.goto(page.url)
            twin.wait_for_load_state()
            path = folder / f"{name}-{width}.png"
            twin.screenshot(path=str(path), full_page=True)
            shots.append(path)
            violations = axe_violations(twin)
            assert violations == [], f"axe-core at {width} px on {page.url}: {violations}"
            overflow = twin.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"at {width} px the page is {overflow} px wider than the screen: {wide(twin)}"
    finally:
        twin_context.close()
    return shots


def check_this_page(page: Any, name: str, widths: tuple[int, ...] = WIDTHS) -> list[Path]:
    """As :func:`check_page`, on the page as it stands (the answer to a form's POST, which a twin could not load
    again); its context must bypass the Content-Security-Policy (``bypass_csp=True``) for axe-core to run."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
        path = folder / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)
        violations = axe_violations(page)
        assert violations == [], f"axe-core at {width} px on {page.url}: {violations}"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"at {width} px the page is {overflow} px wider than the screen: {wide(page)}"
    return shots
