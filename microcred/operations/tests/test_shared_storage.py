"""Several app servers (issue 20): two microcred servers (gunicorn, production settings, each its own data folder)
share one database and one S3-compatible bucket (moto's server on loopback). Evidence uploaded through one is
served by the other, to the same people only; a catalog image is served by both; sessions work on either server;
the brute-force counts are shared; ``microcred backup`` and ``restore`` carry the bucket's files."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from PIL import Image

from microcred.bench.verify import _environment, free_port
from microcred.testing.factories import PASSWORD
from microcred.testing.object_storage import Bucket, s3_server

pytestmark = pytest.mark.configured_database  # its servers' databases are made on the pass's PostgreSQL server

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 30
SETUP = """
import json
from io import BytesIO
from PIL import Image
from microcred.assessment.services.enrolment import enrol
from microcred.catalog.services import set_image
from microcred.testing import factories
from microcred.testing.assessment import as_draft, make_published_credential
provider = factories.make_organization("provider", name="Grand River University")
admin = factories.make_member(provider, "admin", email="admin@gru.example")
factories.make_member(provider, "assessor", email="assessor@gru.example")
factories.make_user(email="stranger@example.org", name="Sam Stranger")
factories.make_user(email="target@example.org", name="Tia Target")
learner = factories.make_user(email="learner@example.org", name="Lena Learner")
credential = make_published_credential(provider, title="Safe welding")
image = BytesIO()
Image.new("RGB", (64, 64), (200, 30, 30)).save(image, "PNG")
image.seek(0)
with as_draft(credential):
    set_image(actor=admin, credential=credential, upload=image)
enrolment = enrol(actor=learner, learner=learner, credential=credential)
print(json.dumps({"enrolment": enrolment.pk, "image": credential.image.url, "image_name": credential.image.name}))
"""


@pytest.fixture
def s3() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


def _bucket(endpoint: str, name: str) -> Bucket:
    return Bucket(endpoint, name).create()


class Databases:
    """The servers' databases: SQLite files, or fresh databases on the PostgreSQL server of scripts/with-postgres."""

    def __init__(self, folder: Path) -> None:
        self.server = os.environ.get("DATABASE_URL", "")
        self.postgres = self.server.startswith(("postgres://", "postgresql://"))
        self.folder = folder
        self.prefix = f"microcred_servers_{secrets.token_hex(4)}"
        self.created: list[str] = []

    def url(self, name: str) -> str:
        if self.postgres:
            return urlunsplit(urlsplit(self.server)._replace(path=f"/{self.prefix}_{name}"))
        return f"sqlite:///{self.folder / name}.sqlite3"

    def create(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (no process may be connected to it)."""
        if self.postgres:
            copy = f" TEMPLATE {self.prefix}_{template}" if template else ""
            with psycopg.connect(self.server, autocommit=True) as connection:
                connection.execute(f"CREATE DATABASE {self.prefix}_{name}{copy}")
            self.created.append(name)
        elif template:
            for suffix in ("", "-wal"):
                if (self.folder / f"{template}.sqlite3{suffix}").exists():
                    shutil.copy(self.folder / f"{template}.sqlite3{suffix}", self.folder / f"{name}.sqlite3{suffix}")
        return self.url(name)

    def drop(self) -> None:
        if self.created:
            with psycopg.connect(self.server, autocommit=True) as connection:
                for name in self.created:
                    connection.execute(f"DROP DATABASE IF EXISTS {self.prefix}_{name} WITH (FORCE)")


@dataclass
class Site:
    a: str
    b: str
    bucket: Bucket
    environment: dict[str, str]
    data: dict[str, Any]
    empty_database: str


def _manage(environment: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def _microcred(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from microcred.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def _serve(environment: dict[str, str], data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    log = (data_dir / "server.log").open("wb")
    command = [sys.executable, "-m", "gunicorn", "microcred.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(
        [*command, "--workers", "1"],
        cwd=ROOT,
        env={**environment, "MICROCRED_DATA_DIR": str(data_dir)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or loading the application
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        time.sleep(0.3)


@pytest.fixture
def site(tmp_path: Path, s3: str, migrated_sqlite: Callable[[Path], str]) -> Iterator[Site]:
    """Servers A and B: one database and one bucket, each its own data folder (nothing shared on disk)."""
    bucket = _bucket(s3, "microcred-files")
    databases = Databases(tmp_path)
    port_a, port_b = free_port(), free_port()
    environment = {
        **os.environ,
        **_environment(tmp_path, port_a),
        **bucket.environment(),
        "DATABASE_URL": databases.create("shared"),
        "MICROCRED_SSL_REDIRECT": "0",
        "MICROCRED_SECURE_COOKIES": "0",
        "MICROCRED_THROTTLES": "login.account=3/900",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    folders = {name: tmp_path / name for name in ("a", "b")}
    for folder in folders.values():
        folder.mkdir()
    if not databases.postgres:  # the session's migrated database: the migrate below then has nothing to do
        migrated_sqlite(tmp_path / "shared.sqlite3")
    _manage(environment, "migrate", "--no-input", "-v", "0")
    empty = databases.create("empty", template="shared")  # migrated and empty, for the restore: one migrate fewer
    data = json.loads(_manage(environment, "shell", "-c", SETUP).strip().splitlines()[-1])
    _manage({**environment, "MICROCRED_DATA_DIR": str(folders["a"])}, "collectstatic", "--no-input", "-v", "0")
    (folders["b"] / "static").symlink_to(folders["a"] / "static")  # static files are per server; no need to wait
    servers = {name: _serve(environment, folders[name], port) for name, port in (("a", port_a), ("b", port_b))}
    try:
        for name, port in (("a", port_a), ("b", port_b)):
            _wait(f"http://127.0.0.1:{port}", servers[name], folders[name] / "server.log")
        yield Site(f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", bucket, environment, data, empty)
    finally:
        for server in servers.values():
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for server in servers.values():
            server.wait(timeout=30)
        databases.drop()


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _log_in(base: str, email: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": _csrf(page.text), "username": email, "password": password},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    return browser, answer


def _signed_in(base: str, email: str) -> requests.Session:
    browser, answer = _log_in(base, email)
    assert answer.status_code == 302, re.findall(r"(?s)<main.*?</main>", answer.text)[:1]
    return browser


def _noise_png() -> bytes:
    image = Image.frombytes("RGB", (128, 128), os.urandom(128 * 128 * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_two_app_servers_share_evidence_images_sessions_and_limits(site: Site, tmp_path: Path) -> None:
    enrolment_path = f"/assessment/enrolments/{site.data['enrolment']}/"
    photo = _noise_png()

    # The learner uploads through A, over HTTP, with a real session and CSRF token.
    learner_a = _signed_in(site.a, "learner@example.org")
    page = learner_a.get(site.a + enrolment_path, timeout=TIMEOUT)
    assert page.status_code == 200, page.text[:500]
    answer = learner_a.post(
        site.a + enrolment_path,
        data={"csrfmiddlewaretoken": _csrf(page.text), "action": "evidence", "kind": "file", "title": "Weld bead"},
        files={"file": ("bead.png", photo, "image/png")},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:2000]

    # The bytes are in the bucket, under evidence/, with no public grant; nothing on A's disk.
    stored = {key: data for key, data in site.bucket.objects().items() if key.startswith("evidence/")}
    assert list(stored.values()) == [photo]
    (key,) = stored
    grants = site.bucket.client().get_object_acl(Bucket=site.bucket.name, Key=key)["Grants"]
    assert not [grant for grant in grants if "AllUsers" in grant["Grantee"].get("URI", "")]
    assert not (tmp_path / "a" / "evidence").exists()

    # B lists it on the enrolment page and serves it to the learner (the session of A, shared: same database)...
    page = learner_a.get(site.b + enrolment_path, timeout=TIMEOUT)
    link = re.search(r'href="(/assessment/evidence/[0-9a-f-]+/)"', page.text)
    assert page.status_code == 200 and link, page.text[:1000]
    evidence_url = site.b + link.group(1)
    download = learner_a.get(evidence_url, timeout=TIMEOUT)
    assert download.status_code == 200 and download.content == photo
    assert download.headers["Content-Type"] == "image/png" and download.headers["X-Content-Type-Options"] == "nosniff"
    # ...and a fresh session signed in on B.
    assert _signed_in(site.b, "learner@example.org").get(evidence_url, timeout=TIMEOUT).content == photo

    # The provider's assessor, signed in on B: the same bytes. A stranger and an anonymous visitor: 404, as on disk.
    assessor = _signed_in(site.b, "assessor@gru.example")
    assert assessor.get(evidence_url, timeout=TIMEOUT).content == photo
    assert assessor.get(site.a + link.group(1), timeout=TIMEOUT).content == photo
    assert _signed_in(site.b, "stranger@example.org").get(evidence_url, timeout=TIMEOUT).status_code == 404
    assert requests.get(evidence_url, timeout=TIMEOUT).status_code == 404
    assert requests.get(f"{site.a}/media/{key}", timeout=TIMEOUT).status_code == 404  # not a public upload

    # The catalog image: in the bucket under media/, served at the same /media/ address by both servers.
    image = site.bucket.objects()[f"media/{site.data['image_name']}"]
    assert site.data["image"] == f"/media/{site.data['image_name']}"
    for base in (site.a, site.b):
        served = requests.get(base + site.data["image"], timeout=TIMEOUT)
        assert served.status_code == 200 and served.content == image and served.headers["Content-Type"] == "image/png"

    # Wrong passwords are counted in the shared database: 2 on A and 1 on B reach the limit of 3 on both.
    for base in (site.a, site.a, site.b):
        assert _log_in(base, "target@example.org", "wrong password, again")[1].status_code == 200
    assert _log_in(site.b, "target@example.org", "wrong password, again")[1].status_code == 429
    assert _log_in(site.a, "target@example.org")[1].status_code == 429

    # The backup carries the bucket's files; the restore puts them into another bucket.
    archive = tmp_path / "backup.tar.gz"
    taken = _microcred(site.environment, "backup", str(archive))
    assert taken.returncode == 0, taken.stdout + taken.stderr
    other = _bucket(site.bucket.endpoint, "microcred-restored")
    restored_environment = {
        **site.environment,
        **other.environment(),
        "DATABASE_URL": site.empty_database,
    }
    restored = _microcred(restored_environment, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert other.objects() == site.bucket.objects()
