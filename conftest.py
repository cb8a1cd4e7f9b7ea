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
    from django.conf import settings

    from microcred.cli import compile_messages

    compile_messages()
    # Production hashing (a million PBKDF2 rounds) costs a third of a second of CPU per account made or signed in, and
    # the suite makes thousands; its accounts are throwaway, so they use Django's fast test hasher. The servers that
    # tests start in their own processes (two app servers, bench load, the crash tests) keep the production hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The fixtures through which a test reaches the test database; pytest-django refuses the database to any other test.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def _long_first(items: list[pytest.Item]) -> None:
    """The files that hold a slow test (marked ``slow`` or ``single_database``) first, each file's tests together and
    in order: pytest-xdist hands whole files to its workers in this order, so a long one starts early instead of
    keeping one worker busy while the other has nothing left."""
    slow = {
        item.path
        for item in items
        if item.get_closest_marker("slow") is not None or item.get_closest_marker("single_database") is not None
    }
    items.sort(key=lambda item: item.path not in slow)  # stable: the order within each group is kept


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _long_first(items)
    for item in items:
        if "browser" in item.fixturenames or "page" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        fixtures = set(item.fixturenames)
        if (
            item.get_closest_marker("django_db")
            or item.get_closest_marker("configured_database")
            or fixtures & DATABASE_FIXTURES
        ):
            item.add_marker(pytest.mark.database)
