"""Two microcred servers on loopback exchange credentials through the Open Badges 3.0 API: the learner connects their
wallet on server A (the live server) to server B (a second microcred in its own process, with its own database),
consents at B, brings B's credential into A (verified against B's did:web and status list before it is kept), and
sends one of A's credentials to B (which verifies it against A's)."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from microcred.bench.verify import _environment, free_port
from microcred.issuing import services as issuing
from microcred.oauth.tests.conftest import TIMEOUT, browser_of, csrf_of
from microcred.obapi.models import Connection
from microcred.testing import factories
from microcred.wallet.models import ImportedCredential
from microcred.wallet.tests.conftest import make_achievement

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
B_LEARNER = "maya.singh@learner.example"
SETUP_B = f"""
from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.wallet.tests.conftest import make_achievement
provider = factories.make_organization("provider", name="Northern Polytechnic")
learner = factories.make_user(email="{B_LEARNER}", name="Maya Singh")
achievement = make_achievement("Solar installation", slug="solar")
issuing.issue_credential(
    actor=None, organization=provider, achievement=achievement, recipient=learner, recipient_identifier=learner.email
)
"""


@pytest.fixture
def other(tmp_path: Path, live_server: Any, settings: Any, migrated_sqlite: Callable[[Path], str]) -> Iterator[str]:
    """Server B: microcred in its own process and database, on 127.0.0.1 (A is on localhost: separate cookies)."""
    port = free_port()
    b_host, a_host = f"127.0.0.1:{port}", urlsplit(live_server.url).netloc
    environment = {
        **os.environ,
        **_environment(tmp_path, port),
        "DATABASE_URL": migrated_sqlite(tmp_path / "bench.sqlite3"),
        "MICROCRED_SSL_REDIRECT": "0",
        "MICROCRED_SECURE_COOKIES": "0",
        "MICROCRED_LOCAL_HTTP_HOSTS": f"{a_host},{b_host}",
        "MICROCRED_VC_VERIFY_ALLOW_NETWORK": "1",
        "MICROCRED_LOG_LEVEL": "ERROR",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=environment, check=True)
    subprocess.run([*manage, "shell", "-c", SETUP_B], cwd=ROOT, env=environment, check=True)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=environment, check=True)
    log = (tmp_path / "b.log").open("wb")
    server = subprocess.Popen(
        [*manage, "runserver", b_host, "--noreload"], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://{b_host}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/ims/ob/v3p0/discovery", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((tmp_path / "b.log").read_text()[-3000:])
            time.sleep(0.3)
        settings.PUBLIC_BASE_URL = live_server.url
        settings.LOCAL_HTTP_HOSTS = [a_host, b_host]
        settings.VC_VERIFY_ALLOW_NETWORK = True
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _form(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    page = session.get(url, timeout=TIMEOUT)
    return session.post(
        url, data={"csrfmiddlewaretoken": csrf_of(page.text), **data}, timeout=TIMEOUT, allow_redirects=False
    )


def test_two_microcred_servers_exchange_credentials(other, live_server) -> None:
    a = live_server.url
    learner = factories.make_user(email="maya.a@learner.example", name="Maya Singh")
    mine = issuing.issue_credential(
        actor=None,
        organization=factories.make_organization("provider", name="Maple College"),
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    browser = browser_of(a, learner)

    started = _form(browser, f"{a}/wallet/platforms/", {"url": other})
    assert started.status_code == 302, started.text[:500]
    page = browser.get(a + started.headers["Location"], timeout=TIMEOUT).text
    consent_url = html.unescape(re.search(r'<a class="button" href="([^"]+)"', page).group(1))
    assert consent_url.startswith(f"{other}/oauth/authorize?")

    # at B: sign in, then allow
    answer = browser.get(consent_url, timeout=TIMEOUT, allow_redirects=False)
    login_url = other + answer.headers["Location"]
    answer = _form(browser, login_url, {"username": B_LEARNER, "password": factories.PASSWORD})
    assert answer.status_code == 302, answer.text[:300]
    answer = _form(browser, other + answer.headers["Location"], {"decision": "allow"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"{a}/wallet/platforms/callback")

    # back at A: the code is traded for tokens, server to server
    back = browser.get(answer.headers["Location"], timeout=TIMEOUT)
    assert "Connected to microcred." in back.text, back.text[:2000]
    connection = Connection.objects.get()
    assert (
        connection.status == "connected" and connection.access_token and b"." not in bytes(connection.access_token)[:1]
    )

    pulled = _form(browser, f"{a}/wallet/platforms/", {})  # a CSRF token for the next form
    token = csrf_of(browser.get(f"{a}/wallet/platforms/", timeout=TIMEOUT).text)
    pulled = browser.post(
        f"{a}/wallet/platforms/{connection.public_id}/pull", data={"csrfmiddlewaretoken": token}, timeout=TIMEOUT
    )
    assert "1 added, 0 updated, 0 refused" in pulled.text, pulled.text[:3000]
    (brought,) = ImportedCredential.objects.filter(owner=learner)
    assert brought.verified and brought.name == "Solar installation"
    assert brought.credential["issuer"]["id"].startswith("did:web:127.0.0.1")

    pushed = browser.post(
        f"{a}/wallet/platforms/{connection.public_id}/push",
        data={"csrfmiddlewaretoken": token, "credential": str(mine.public_id)},
        timeout=TIMEOUT,
    )
    assert "Sent to microcred." in pushed.text, pushed.text[:3000]
