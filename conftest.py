"""Shared test set-up: the real database, helpers that read like the product, browser fixtures."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from microcred.testing.browser import *  # noqa: F403  (fixtures and hooks are discovered by name)
from microcred.testing.fixtures import *  # noqa: F403

# CI explores the same examples on every run, so a submission's result does not depend on chance;
# development machines keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    from microcred.cli import compile_messages

    compile_messages()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.fixturenames or "page" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
