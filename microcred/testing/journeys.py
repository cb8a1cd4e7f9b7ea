"""Counting what a person does on a journey in the browser tests (issue 18: "note the clicks each journey takes,
before and after").

``Steps(page)`` wraps the few Playwright calls a journey makes on a person's behalf and counts them by kind: clicks
(a link, a button, a box ticked), fields filled or chosen, and addresses typed into the browser. What the test does
without a person (reading the database, a twin page for screenshots) is not counted; a journey's test asserts its
counts, so a change that adds a step to a journey shows up as a failing number, to be weighed and updated on
purpose. README's "Clicks per journey" table holds the figures, with the counts before issue 18.
"""

from __future__ import annotations

from typing import Any


class Steps:
    """Clicks, fields and typed addresses of one journey (or one person's part of it)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.clicks = 0
        self.fields = 0
        self.addresses = 0

    @property
    def actions(self) -> int:
        return self.clicks + self.fields + self.addresses

    def click(self, locator: Any, *, wait: bool = True) -> None:
        locator.click()
        if wait:
            self.page.wait_for_load_state()
        self.clicks += 1

    def check(self, locator: Any) -> None:
        locator.check()
        self.clicks += 1

    def fill(self, locator: Any, value: str) -> None:
        locator.fill(value)
        self.fields += 1

    def select(self, locator: Any, **option: Any) -> None:
        locator.select_option(**option)
        self.fields += 1

    def goto(self, address: str) -> None:
        """An address the person types (or pastes) into the browser; a test's own set-up uses ``page.goto``."""
        self.page.goto(address)
        self.addresses += 1

    def counts(self) -> tuple[int, int, int]:
        """``(clicks, fields, addresses)``, for a test to assert in one line."""
        return (self.clicks, self.fields, self.addresses)

    def __str__(self) -> str:
        return f"{self.actions} actions: {self.clicks} clicks, {self.fields} fields, {self.addresses} addresses typed"
