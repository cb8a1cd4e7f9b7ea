"""``microcred bench verify``: credentials verified per second, through the library and through the HTTP API.

Sets up a throwaway SQLite database in a temporary directory with one provider and its signing key, and
signs ``--count`` distinct credentials in each proof format (each with its own revocation and suspension
entries in the provider's real status lists). Then:

1. the library: ``vc.verify.verify()`` on each credential, one after another in this process, with the
   provider's DID document and status lists served from memory (as a verifier with a warm cache has them); once
   as each call on its own does it (the status lists verified again every time), once sharing a
   ``VerifiedListCache`` across the calls, as the server does;
2. the HTTP API: ``POST /api/v1/verify`` with ``--clients`` concurrent clients (threads with keep-alive
   connections) against gunicorn on 127.0.0.1 (a free port, started and stopped here), which reads the DID
   document and the status lists from the database as production does.

Prints credentials/s and p50/p95/p99 latency for each, and the ratio library-JWT / HTTP-JWT (target: the
HTTP figure within 3× of the library's). Every answer is checked to be "verified"; a failure is reported and
makes the command exit 1.
The request loop is bounded by ``--count`` and by ``--max-seconds``, and the server is always stopped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from microcred.bench.sandbox import migrate, new_workdir

FORMATS = ("vc-jwt", "eddsa-jcs-2022", "eddsa-rdfc-2022")
HTTP_TARGET_RATIO = 3.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=10_000, help="credentials per proof format (default 10,000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument(
        "--http-formats", default="vc-jwt", help="proof formats sent through HTTP, comma-separated (default vc-jwt)"
    )
    parser.add_argument("--max-seconds", type=float, default=600, help="stop each HTTP run after this long")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def line(label: str, count: int, seconds: float, latencies: list[float], failures: int) -> float:
    rate = count / seconds if seconds > 0 else float("inf")
    p50, p95, p99 = (percentile(latencies, f) * 1000 for f in (0.50, 0.95, 0.99))
    extra = f"   {failures} NOT VERIFIED" if failures else ""
    print(f"  {label:<36}{count:>8,}{rate:>12,.0f}/s{p50:>10.2f}{p95:>10.2f}{p99:>10.2f}{extra}")
    return rate


HEADER = f"  {'':<36}{'count':>8}{'creds/s':>14}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}"


def _environment(workdir: Path, port: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "MICROCRED_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MICROCRED_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "MICROCRED_DEBUG": "0",
        "MICROCRED_SECRET_KEY": secrets.token_urlsafe(50),
        "MICROCRED_KEY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "MICROCRED_ALLOWED_HOSTS": "127.0.0.1",
        "MICROCRED_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        # Every simulated client comes from the one loopback address: the per-address brute-force limits of the
        # verifiers and of OID4VCI would otherwise turn most of a run into 429s.
        "MICROCRED_THROTTLES": "verify.address=10000000/60,vc_verify.address=10000000/60,oid4vci.address=10000000/60",
        # plain HTTP on loopback, as behind a TLS proxy: no redirect to HTTPS (production's default)
        "MICROCRED_SSL_REDIRECT": "0",
    }


def run(args: argparse.Namespace) -> int:
    if args.count < 1 or args.clients < 1:
        print("--count and --clients must be at least 1")
        return 2
    workdir = new_workdir("verify")
    port = free_port()
    environment = _environment(workdir, port)
    os.environ.update(environment)
    migrate()
    print(f"microcred bench verify: {args.count:,} credentials per format, database {environment['DATABASE_URL']}")
    started = time.perf_counter()
    credentials = _sign_credentials(args.count)
    print(f"  signed {args.count * len(FORMATS):,} credentials in {time.perf_counter() - started:.1f} s")
    print("\nLibrary: vc.verify.verify(), one process, one after another (DID document and status lists in memory)")
    print(HEADER)
    failures = 0
    library: dict[str, float] = {}
    kept: dict[str, float] = {}
    for table, keep_lists in ((library, False), (kept, True)):
        for fmt in FORMATS:
            table[fmt], failed = _library(fmt, credentials[fmt], keep_lists=keep_lists)
            failures += failed
    http_formats = [fmt for fmt in args.http_formats.split(",") if fmt in FORMATS]
    print(
        f"\nHTTP: POST /api/v1/verify, {args.clients} clients, gunicorn "
        f"{args.workers} workers × {args.threads} threads on 127.0.0.1:{port}"
    )
    server = _start_server(port, args, environment, workdir)
    http: dict[str, float] = {}
    try:
        print(HEADER)
        for fmt in http_formats:
            http[fmt], failed = _http(fmt, credentials[fmt], port, args)
            failures += failed
    finally:
        _stop_server(server)
    if "vc-jwt" in http:
        ratio = library["vc-jwt"] / http["vc-jwt"] if http["vc-jwt"] else float("inf")
        verdict = "within" if ratio <= HTTP_TARGET_RATIO else "NOT within"
        print(f"\n  library-JWT / HTTP-JWT = {ratio:.2f}× ({verdict} the {HTTP_TARGET_RATIO:.0f}× target)")
        ratio = kept["vc-jwt"] / http["vc-jwt"] if http["vc-jwt"] else float("inf")
        print(f"  library-JWT with its status lists kept (as the server keeps them) / HTTP-JWT = {ratio:.2f}×")
    if failures:
        print(f"\n  {failures:,} verifications did not say 'verified': these figures are not worth reading")
        return 1
    return 0


def _sign_credentials(count: int) -> dict[str, list[Any]]:
    """``count`` distinct signed credentials per format, signed with the provider's key, with live status entries."""
    from django.db import transaction
    from django.utils import timezone

    from microcred.issuing import identity, services
    from microcred.issuing.models import StatusPurpose
    from microcred.testing.factories import make_organization
    from microcred.vc import compose, data_integrity, jwt, status
    from microcred.vc.dates import format_date_time

    provider = make_organization("provider", name="Bench College")
    pair, key = services.signing_key(provider)
    method = identity.signing_method_id(provider, key)
    issuer = identity.issuer_profile(provider, key)
    achievement = {
        "id": "https://bench.example/achievements/welding",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": "Welding safety",
        "description": "Works safely at a welding station.",
        "criteria": {"narrative": "Pass the practical assessment."},
    }
    valid_from = format_date_time(timezone.now())
    out: dict[str, list[Any]] = {fmt: [] for fmt in FORMATS}
    with transaction.atomic():
        for fmt in FORMATS:
            for _ in range(count):
                entries = []
                for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION):
                    status_list, index = services.allocate_status_index(provider, purpose)
                    entries.append(
                        status.status_entry(
                            list_url=identity.status_list_url(status_list.public_id), index=index, purpose=purpose
                        )
                    )
                unsigned = compose.open_badge_credential(
                    id=f"urn:uuid:{uuid.uuid4()}",
                    issuer=issuer,
                    achievement=achievement,
                    subject_id=f"did:example:{uuid.uuid4().hex}",
                    valid_from=valid_from,
                    credential_status=entries,
                )
                if fmt == "vc-jwt":
                    out[fmt].append(jwt.sign_jwt(unsigned, pair, kid=method))
                else:
                    out[fmt].append(data_integrity.sign(unsigned, pair, verification_method=method, cryptosuite=fmt))
    return out


def _library(fmt: str, credentials: list[Any], keep_lists: bool = False) -> tuple[float, int]:
    """``keep_lists``: share one ``VerifiedListCache`` across the calls, as the server does; otherwise each call
    verifies the credential's status lists again (what one ``verify()`` on its own does)."""
    from microcred.issuing import verification
    from microcred.vc import did, verify
    from microcred.vc.status_cache import VerifiedListCache

    documents: dict[str, bytes] = {}

    def fetch(url: str) -> bytes:
        if url not in documents:
            documents[url] = verification.fetch(url)  # once, from the database; then from memory
        return documents[url]

    resolver = did.Resolver(fetch=fetch)
    status_lists: dict[str, Any] = {}

    def status_fetcher(url: str) -> Any:
        if url not in status_lists:
            status_lists[url] = json.loads(fetch(url))
        return status_lists[url]

    cache = VerifiedListCache() if keep_lists else None
    verify.verify(credentials[0], resolver=resolver, status_fetcher=status_fetcher, status_list_cache=cache)  # warm-up
    latencies = []
    failures = 0
    started = time.perf_counter()
    for credential in credentials:
        begin = time.perf_counter()
        report = verify.verify(credential, resolver=resolver, status_fetcher=status_fetcher, status_list_cache=cache)
        latencies.append(time.perf_counter() - begin)
        failures += not report.valid
    label = f"library {fmt}" + (", lists kept" if keep_lists else "")
    return line(label, len(credentials), time.perf_counter() - started, latencies, failures), failures


def _start_server(port: int, args: argparse.Namespace, environment: dict[str, str], workdir: Path) -> Any:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "microcred.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own fixed command line
        command, env={**os.environ, **environment}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start; see {workdir / 'gunicorn.log'}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("POST", "/api/v1/verify", body=b"{}", headers={"Content-Type": "application/json"})
            if connection.getresponse().status == 400:  # alive, and answering the API (no credential given)
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    _stop_server(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _stop_server(server: Any, grace: float = 15) -> None:
    """SIGTERM to the process group (a server or task worker finishes what it is doing), SIGKILL after ``grace`` s."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _http(fmt: str, credentials: list[Any], port: int, args: argparse.Namespace) -> tuple[float, int]:
    bodies = [json.dumps({"credential": credential}).encode() for credential in credentials]
    next_index = iter(range(len(bodies))).__next__
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]
    deadline = time.monotonic() + args.max_seconds

    def take() -> int | None:
        with lock:
            if time.monotonic() > deadline:
                return None
            try:
                return next_index()
            except StopIteration:
                return None

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        bad = 0
        while (index := take()) is not None:
            begin = time.perf_counter()
            try:
                connection.request(
                    "POST", "/api/v1/verify", body=bodies[index], headers={"Content-Type": "application/json"}
                )
                response = connection.getresponse()
                answer = response.read()
                ok = response.status == 200 and json.loads(answer).get("verified") is True
            except (OSError, http.client.HTTPException, ValueError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            mine.append(time.perf_counter() - begin)
            bad += not ok
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    _warm(port, bodies[0])
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate = line(f"HTTP {fmt}", len(latencies), time.perf_counter() - started, latencies, failures[0])
    return rate, failures[0]


def _warm(port: int, body: bytes, times: int = 20) -> None:
    """A few requests first, so each worker has loaded Django and its caches before timing starts."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(times):
        connection.request("POST", "/api/v1/verify", body=body, headers={"Content-Type": "application/json"})
        connection.getresponse().read()
    connection.close()
