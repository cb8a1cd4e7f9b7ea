"""The suite runs on the database DATABASE_URL names: SQLite by default, PostgreSQL under scripts/with-postgres."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_configured_database() -> None:
    url = os.environ.get("DATABASE_URL", "sqlite:")
    expected = "postgresql" if url.startswith(("postgres:", "postgresql:")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
