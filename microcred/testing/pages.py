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
# WCAG 2.1 A and AA and 2.2 AA, as axe tags them (best-practice rules are advice, not failures)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core ships WCAG 2.2's target size (2.5.8, at least 24 by 24 px) switched off; the checks switch it on
AXE_RULES = {"target-size": {"enabled": True}}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed; `make node-deps` installs it")
        pytest.skip("axe-core is not installed (make node-deps)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "([tags, rules]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, rules: rules})",
        [AXE_TAGS, AXE_RULES],
    )
    return [
        {
            "rule": v["id"],
            "impact": v.get("impact"),
            "help": v.get("help"),
            "nodes": [", ".join(node.get("target", [])) for node in v.get("nodes", [])][:5],
        }
        for v in result["violations"]
    ]


# The elements that stick out past the right edge (not those inside a scrolling box), widest first, each named as a
# CSS path with its box.
WIDE = """() => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + [...e.classList].map(c => '.' + c).join('');
  const path = e => { const parts = []; for (let n = e; n && n !== document.body && parts.length < 4;
    n = n.parentElement) parts.unshift(name(n)); return parts.join(' > '); };
  const clipped = e => { for (let n = e.parentElement; n && n !== document.body; n = n.parentElement)
    if (getComputedStyle(n).overflowX !== 'visible') return true; return false; };
  return [...document.querySelectorAll('body *')]
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.right > window.innerWidth + 1 && r.width > 0 && !clipped(e))
    .sort(([, a], [, b]) => b.width - a.width)
    .slice(0, 5)
    .map(([e, r]) => `${path(e)} (${Math.round(r.width)} px wide, right edge at ${Math.round(r.right)} px): `
      + JSON.stringify((e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40)));
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def wide(page: Any) -> list[str]:
    """The elements that stick out past the right edge of the screen, widest first."""
    return page.evaluate(WIDE)


def assert_fits(page: Any, width: int) -> None:
    """No page wider than the screen: ``document.documentElement.scrollWidth <= window.innerWidth``; the failure
    names the widest element that sticks out."""
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        culprits = "\n  ".join(wide(page)) or "(no element found; a pseudo-element or margin?)"
        pytest.fail(f"at {width} px {page.url} is {overflow} px wider than the screen; widest first:\n  {culprits}")


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
            assert_fits(twin, width)
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
        assert_fits(page, width)
    return shots
