"""Shared test set-up: the real database, helpers that read like the product, browser fixtures."""

from __future__ import annotations

import pytest

from microcred.testing.browser import *  # noqa: F403  (fixtures and hooks are discovered by name)
from microcred.testing.fixtures import *  # noqa: F403


def pytest_configure(config: pytest.Config) -> None:
    from microcred.cli import compile_messages

    compile_messages()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.fixturenames or "page" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
