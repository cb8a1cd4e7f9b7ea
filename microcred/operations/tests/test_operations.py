"""Operators' endpoints over real HTTP (health, readiness, Prometheus metrics and who may read them), JSON logs,
``check --deploy`` in production mode, and backup → empty database → restore on whichever database runs the suite."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from microcred.accounts.models import Organization, User
from microcred.issuing import services as issuing
from microcred.issuing.models import IssuedCredential
from microcred.issuing.verification import verify_credential
from microcred.operations import backup
from microcred.testing import factories
from microcred.wallet.models import ImportedCredential
from microcred.wallet.services import import_credential
from microcred.wallet.tests.conftest import make_achievement, signed_elsewhere

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_health_readiness_and_metrics_over_http(live_server, settings) -> None:
    base = live_server.url
    assert requests.get(f"{base}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok", "key_encryption": "ok"}
    requests.post(f"{base}/api/v1/verify", json={"credential": signed_elsewhere()}, timeout=30)
    scraped = requests.get(f"{base}/metrics", timeout=10)  # the live server is on loopback: allowed without a token
    assert scraped.status_code == 200 and scraped.headers["Content-Type"].startswith("text/plain")
    text = scraped.text
    assert 'microcred_request_seconds_count{method="GET",route="healthz",status="2xx"}' in text
    assert 'microcred_verifications_total{channel="api",outcome="verified"}' in text
    assert "microcred_task_queue_depth" in text or "# HELP microcred_task_queue_depth" in text
    settings.METRICS_TOKEN = "s3cret-scraper-token"
    assert requests.get(f"{base}/metrics", timeout=10).status_code == 403
    headers = {"Authorization": "Bearer s3cret-scraper-token"}
    assert requests.get(f"{base}/metrics", headers=headers, timeout=10).status_code == 200
    assert requests.post(f"{base}/healthz", timeout=10).status_code == 405


@pytest.mark.django_db
def test_metrics_from_elsewhere_need_the_token(settings) -> None:
    settings.METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403


@pytest.mark.django_db
def test_not_ready_names_what_is_missing(settings) -> None:
    settings.KEY_ENCRYPTION_KEYS = []
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["key_encryption"] == "not configured"


def test_json_logs_are_one_object_per_line(tmp_path: Path) -> None:
    code = "import logging; logging.getLogger('microcred.test').warning('hello %s', 'there')"
    environment = {**os.environ, "MICROCRED_LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "microcred.settings"}
    script = f"import django; django.setup(); {code}"
    printed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    line = json.loads(printed.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there" and line["level"] == "WARNING" and line["logger"] == "microcred.test"


def test_check_deploy_is_clean_in_production_mode() -> None:
    from cryptography.fernet import Fernet

    # The browser tests' harness allows sync ORM calls in the test process; a deployment never does.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "MICROCRED_DEBUG": "0",
        "MICROCRED_SECRET_KEY": "x" * 20 + "-production-secret-key-" + "y" * 30,
        "MICROCRED_ALLOWED_HOSTS": "credentials.example.org",
        "MICROCRED_PUBLIC_URL": "https://credentials.example.org",
        "MICROCRED_KEY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
    }
    command = [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MICROCRED_EVIDENCE_ROOT = tmp_path / "evidence"
    evidence = settings.MEDIA_ROOT / "evidence" / "portfolio.txt"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"weld photos \xe2\x9c\x93")
    learners_file = settings.MICROCRED_EVIDENCE_ROOT / "7" / "0f3a"  # where evidence files live: outside MEDIA_ROOT
    learners_file.parent.mkdir(parents=True)
    learners_file.write_bytes(b"%PDF-1.4 log book")
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    issued = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement(),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    imported = import_credential(owner=learner, data=json.dumps(signed_elsewhere()))
    archive = tmp_path / "backup.tar.gz"
    manifest = backup.backup(archive)
    assert manifest["files"] == {"evidence/portfolio.txt": backup._sha256(evidence.read_bytes())}
    assert manifest["evidence"] == {"7/0f3a": backup._sha256(b"%PDF-1.4 log book")}

    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore(archive)
    call_command("flush", interactive=False, verbosity=0)
    evidence.unlink()
    learners_file.unlink()
    assert not User.objects.exists()

    backup.restore(archive)
    assert evidence.read_bytes() == b"weld photos \xe2\x9c\x93"
    assert learners_file.read_bytes() == b"%PDF-1.4 log book"
    assert Organization.objects.get(slug=provider.slug).name == "Maple College"
    restored = IssuedCredential.objects.get(public_id=issued.public_id)
    assert restored.document == issued.document and verify_credential(restored.document).valid
    again = ImportedCredential.objects.get(public_id=imported.public_id)
    assert bytes(again.raw) == bytes(imported.raw) and again.verified
    assert User.objects.get(email=learner.email).check_password(factories.PASSWORD)


def test_a_damaged_archive_is_refused(tmp_path: Path) -> None:
    import io
    import tarfile

    archive = tmp_path / "bad.tar.gz"
    manifest = {"format": backup.FORMAT, "version": 1, "database": {"sha256": "0" * 64}, "files": {}, "migrations": {}}
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("database.json", b"[]")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="damaged or altered"):
        backup._read(archive)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../../etc/passwd")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(backup.BackupError, match="unexpected member"):
        backup._read(evil)
    assert django_settings.MEDIA_ROOT  # nothing was written anywhere
    logging.getLogger(__name__).debug("refused as expected")


def test_every_route_declares_its_access() -> None:
    from microcred.operations import urls

    assert {pattern.name for pattern in urls.urlpatterns} == set(urls.ACCESS)
