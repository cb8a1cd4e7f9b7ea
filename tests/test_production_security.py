"""F8 of issue 21: production sends HSTS and redirects plain HTTP to HTTPS, both set from the environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
http = Client().get("/api/v1/openapi.json")
https = Client().get("/api/v1/openapi.json", secure=True)
print(json.dumps({
    "redirect": [http.status_code, http.get("Location", "")],
    "hsts": https.get("Strict-Transport-Security", ""),
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
}))
"""


def _probe(tmp_path: Path, **env: str) -> dict:
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_DATA_DIR": str(tmp_path),
        "MICROCRED_DEBUG": "0",
        "MICROCRED_SECRET_KEY": "x" * 50,
        "MICROCRED_KEY_ENCRYPTION_KEYS": "Q1RFU1RfS0VZX1RFU1RfS0VZX1RFU1RfS0VZX1RFU1Q=",
    }
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=base | env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_http_and_sends_hsts(tmp_path: Path) -> None:
    found = _probe(tmp_path)
    assert found["redirect"] == [301, "https://testserver/api/v1/openapi.json"]
    assert found["hsts"] == "max-age=31536000"
    assert found["secure_cookies"] is True


def test_the_environment_sets_both(tmp_path: Path) -> None:
    found = _probe(
        tmp_path,
        MICROCRED_SSL_REDIRECT="0",
        MICROCRED_HSTS_SECONDS="300",
        MICROCRED_HSTS_INCLUDE_SUBDOMAINS="1",
    )
    assert found["redirect"][0] == 200
    assert found["hsts"] == "max-age=300; includeSubDomains"


def test_development_sends_neither(tmp_path: Path) -> None:
    found = _probe(tmp_path, MICROCRED_DEBUG="1")
    assert found["redirect"][0] == 200 and found["hsts"] == ""
