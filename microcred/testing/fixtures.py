"""pytest fixtures for the whole suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from microcred.accounts.models import Organization, User
from microcred.testing import factories


@pytest.fixture(autouse=True, scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The suite's data folder (evidence, uploads, models, the static span table) is its own, not the checkout's
    ``var/``: what one run or a developer's demo left there must not change a test's outcome."""
    from django.conf import settings

    previous = settings.DATA_DIR
    settings.DATA_DIR = tmp_path_factory.mktemp("data")
    yield settings.DATA_DIR
    settings.DATA_DIR = previous


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with an empty cache (it outlives a test; brute-force counts are in the database)."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def provider(db: None) -> Organization:
    return factories.make_organization("provider", name="Maple College")


@pytest.fixture
def employer(db: None) -> Organization:
    return factories.make_organization("employer", name="Grid Power Inc")


@pytest.fixture
def learner(db: None) -> User:
    return factories.make_user(email="learner@example.org", name="Lena Learner")


class ApiClient:
    """Calls the JSON API as a signed-in user (session) or anonymously, and decodes the answer."""

    def __init__(self, user: User | None = None) -> None:
        self.client = Client(enforce_csrf_checks=False)
        if user is not None:
            self.client.force_login(user)

    def call(self, method: str, path: str, body: Any = None, raw: bytes | None = None, **headers: str):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"content_type": "application/json"}
        if data is not None:
            kwargs["data"] = data
        response = getattr(self.client, method)(f"/api/v1/{path.lstrip('/')}", headers=headers or None, **kwargs)
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str, **headers: str):
        return self.call("get", path, **headers)

    def post(self, path: str, body: Any = None, **kwargs: Any):
        return self.call("post", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any):
        return self.call("patch", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.call("delete", path, **kwargs)


@pytest.fixture
def api_as():
    def build(user: User | None = None) -> ApiClient:
        return ApiClient(user)

    return build


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database migrated once per session, in its own process, as `microcred migrate` leaves it: a
    fresh migrate costs 30-60 s of CPU here (SQLite rebuilds a table for most schema changes), and several tests
    start their own processes on a new SQLite database."""
    from filelock import FileLock

    # Under pytest-xdist each worker has its own base folder below a shared one: the first worker migrates, the
    # other waits for it and uses the same file (the tests only ever copy it).
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "migrated-sqlite"
    database = folder / "template.sqlite3"
    with FileLock(str(root / "migrated-sqlite.lock")):
        if not database.exists():
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / "template.partial.sqlite3"
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{partial}", "MICROCRED_DATA_DIR": str(folder / "data")}
            command = [sys.executable, "-m", "microcred.cli", "migrate", "--no-input", "-v", "0"]
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)  # noqa: S603
            assert done.returncode == 0, done.stderr[-3000:]
            partial.rename(database)
    return database


@pytest.fixture
def migrated_sqlite(migrated_sqlite_template: Path) -> Callable[[Path], str]:
    """Copies the session's migrated database to a path; returns its DATABASE_URL (the test's processes may still run
    `migrate`, which then has nothing to do)."""

    def copy(destination: Path) -> str:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_sqlite_template, destination)
        return f"sqlite:///{destination}"

    return copy
