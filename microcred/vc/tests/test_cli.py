"""``microcred verify`` and ``microcred vc sign|keygen`` in a subprocess: exit statuses, reports, no Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from microcred.vc.tests.verify_fixtures import unsigned

ROOT = Path(__file__).resolve().parents[3]


def run(*arguments: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    code = (
        "import sys; from microcred.cli import main; code = main(sys.argv[1:]);"
        "assert 'django.conf' not in sys.modules, 'the vc commands imported Django'; sys.exit(code)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    result = run("vc", "keygen")
    assert result.returncode == 0, result.stderr
    key = json.loads(result.stdout)
    assert key["publicKeyMultibase"].startswith("z6Mk") and key["secretKeyMultibase"]
    path = tmp_path_factory.mktemp("keys") / "key.json"
    path.write_bytes(result.stdout)
    return path


@pytest.fixture(scope="module")
def credential_file(tmp_path_factory, key_file) -> Path:
    key = json.loads(key_file.read_text())
    path = tmp_path_factory.mktemp("credentials") / "unsigned.json"
    path.write_text(json.dumps(unsigned(issuer_id=key["controller"])))
    return path


@pytest.mark.parametrize("fmt", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"])
def test_sign_then_verify(tmp_path, key_file, credential_file, fmt):
    signed = run("vc", "sign", "--key", str(key_file), "--format", fmt, str(credential_file))
    assert signed.returncode == 0, signed.stderr
    path = tmp_path / "signed"
    path.write_bytes(signed.stdout)
    result = run("verify", "--offline", str(path))
    assert result.returncode == 0, result.stdout.decode()
    assert "VALID" in result.stdout.decode() and "NOT VALID" not in result.stdout.decode()
    from_stdin = run("verify", "--offline", "--json", "-", stdin=signed.stdout)
    assert from_stdin.returncode == 0
    report = json.loads(from_stdin.stdout)
    assert report["valid"] is True
    assert report["format"] == ("vc-jwt" if fmt == "vc-jwt" else "data-integrity")


def test_tampered_file_fails_and_names_the_check(tmp_path, key_file, credential_file):
    signed = run("vc", "sign", "--key", str(key_file), str(credential_file))
    document = json.loads(signed.stdout)
    document["credentialSubject"]["achievement"]["name"] = "Something else"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    result = run("verify", "--offline", str(path))
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "NOT VALID" in out
    assert "fail  proof" in out and "signature_invalid" in out
    as_json = run("verify", "--offline", "--json", str(path))
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["valid"] is False
    assert {"code": "proof", "reason": "signature_invalid"}.items() <= next(
        check for check in report["checks"] if check["outcome"] == "fail"
    ).items()


def test_garbage_input_is_a_report_not_a_traceback(tmp_path):
    path = tmp_path / "garbage.bin"
    path.write_bytes(b"\xff\x00" * 100)
    result = run("verify", "--json", str(path))
    assert result.returncode == 1
    assert json.loads(result.stdout)["checks"][0]["reason"] == "not_utf8"
    assert b"Traceback" not in result.stderr


def test_unreadable_source_exits_2(tmp_path):
    result = run("verify", str(tmp_path / "missing.json"))
    assert result.returncode == 2
    assert b"cannot read" in result.stderr
    offline_url = run("verify", "--offline", "https://example.org/credential.json")
    assert offline_url.returncode == 2


def test_sign_refuses_a_bad_key_file(tmp_path, credential_file):
    key = tmp_path / "bad.json"
    key.write_text(json.dumps({"publicKeyMultibase": "z6Mk"}))
    result = run("vc", "sign", "--key", str(key), str(credential_file))
    assert result.returncode == 2
    assert b"secretKeyMultibase" in result.stderr


def test_verify_a_baked_png(tmp_path, key_file, credential_file):
    import io

    from PIL import Image

    from microcred.vc import baking

    signed = run("vc", "sign", "--key", str(key_file), str(credential_file))
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    path = tmp_path / "badge.png"
    path.write_bytes(baking.bake_png(buffer.getvalue(), json.loads(signed.stdout)))
    result = run("verify", "--offline", str(path))
    assert result.returncode == 0, result.stdout.decode()
    assert "PNG" in result.stdout.decode()


def test_bench_runs_and_prints_every_figure(tmp_path):
    result = run("bench", "vc", "--seconds", "0.01", "--sample", str(tmp_path / "absent.json"))
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "raw Ed25519" in out
    for fmt in ("vc-jwt", "eddsa-jcs-2022", "eddsa-rdfc-2022"):
        assert fmt in out
    assert "absent: skipped" in out
    assert "≥ 300/s" in out and "≥ 50%" in out


def test_verify_from_a_local_url(tmp_path, key_file, credential_file):
    import functools
    import http.server
    import threading

    signed = run("vc", "sign", "--key", str(key_file), str(credential_file))
    (tmp_path / "credential.json").write_bytes(signed.stdout)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/credential.json"
        refused = run("verify", url)
        assert refused.returncode == 2 and b"https" in refused.stderr
        allowed = run("verify", "--allow-private", "--json", url)
        assert allowed.returncode == 0, allowed.stdout.decode() + allowed.stderr.decode()
        assert json.loads(allowed.stdout)["valid"] is True
    finally:
        server.shutdown()
        server.server_close()
