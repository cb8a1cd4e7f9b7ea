"""``microcred bench exchange``: complete OID4VCI pre-authorized issuances per second, over HTTP on loopback.

Sets up a throwaway SQLite database with one provider, one learner and one issued credential, and creates
``--count`` credential offers per run (each single-use). Then:

1. bare signing: ``issuing.sign_holder_copy`` in this process, one after another (the work the credential endpoint
   cannot avoid: compose and sign one bound copy);
2. HTTP, with 1 and then 2 gunicorn workers (``--threads`` threads each, started and stopped here on a free port):
   ``--clients`` wallets in threads with keep-alive connections, each issuance being the whole exchange a wallet
   makes: ``POST /oid4vci/token`` (pre-authorized code + tx_code), ``POST /oid4vci/nonce``, a fresh Ed25519 key
   proof signed with joserfc, ``POST /oid4vci/credential``. An issuance counts when the credential comes back.

Prints issuances/s and p50/p95/p99 latency of a complete issuance, and the rate per worker (target: 50/s).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time
import warnings
from typing import Any
from urllib.parse import urlencode

from microcred.bench.sandbox import migrate, new_workdir
from microcred.bench.verify import HEADER, _environment, _start_server, _stop_server, free_port, line

TARGET_PER_WORKER = 50.0
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=300, help="issuances per HTTP run (default 300)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent wallets (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--workers", default="1,2", help="gunicorn worker counts to run, comma-separated")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop each HTTP run after this long")


def run(args: argparse.Namespace) -> int:
    if args.count < 1 or args.clients < 1:
        print("--count and --clients must be at least 1")
        return 2
    workdir = new_workdir("exchange")
    port = free_port()
    environment = _environment(workdir, port)
    os.environ.update(environment)
    migrate()
    from django.conf import settings

    settings.PUBLIC_BASE_URL = environment["MICROCRED_PUBLIC_URL"]
    credential, learner = _issued()
    print(f"microcred bench exchange: {args.count:,} issuances per run, database {environment['DATABASE_URL']}")
    print("\nBare signing: issuing.sign_holder_copy (eddsa-rdfc-2022), one process, one after another")
    print(HEADER)
    signing = _bare_signing(credential, min(args.count, 200))
    worker_counts = [int(value) for value in args.workers.split(",") if value.strip().isdigit()]
    rates: dict[int, float] = {}
    failed = 0
    for workers in worker_counts:
        offers = _offers(credential, learner, args.count)
        print(
            f"\nHTTP: token + nonce + key proof + credential, {args.clients} wallets, gunicorn {workers} "
            f"worker(s) × {args.threads} threads on 127.0.0.1:{port}"
        )
        server_args = argparse.Namespace(workers=workers, threads=args.threads)
        server = _start_server(port, server_args, environment, workdir)
        try:
            print(HEADER)
            rates[workers], failures = _http(offers, port, args)
            failed += failures
        finally:
            _stop_server(server)
    print()
    print(f"  bare signing: {signing:,.0f} copies/s")
    for workers, rate in rates.items():
        per_worker = rate / workers
        verdict = "meets" if per_worker >= TARGET_PER_WORKER else "does NOT meet"
        print(
            f"  {workers} worker(s): {rate:,.1f} issuances/s, {per_worker:,.1f} per worker "
            f"({verdict} the {TARGET_PER_WORKER:.0f}/s target)"
        )
    if failed:
        print(f"  {failed} issuance(s) failed: the figures above are not a measurement of complete issuances")
        return 1
    return 0


def _issued() -> tuple[Any, Any]:
    from microcred.issuing import services as issuing
    from microcred.testing.factories import make_organization, make_user

    provider = make_organization("provider", name="Bench College")
    learner = make_user(email="bench.learner@example.org", name="Bench Learner")
    achievement = {
        "id": "https://bench.example/achievements/welding",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": "Welding safety",
        "description": "Works safely at a welding station.",
        "criteria": {"narrative": "Pass the practical assessment."},
    }
    credential = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=achievement,
        recipient=learner,
        recipient_identifier=learner.email,
    )
    return credential, learner


def _bare_signing(credential: Any, count: int) -> float:
    from microcred.issuing import services as issuing

    latencies = []
    started = time.perf_counter()
    for index in range(count):
        begin = time.perf_counter()
        issuing.sign_holder_copy(
            actor=None, credential=credential, holder_id=f"did:example:{index}", proof_format="eddsa-rdfc-2022"
        )
        latencies.append(time.perf_counter() - begin)
    return line("sign_holder_copy", count, time.perf_counter() - started, latencies, 0)


def _offers(credential: Any, learner: Any, count: int) -> list[tuple[str, str]]:
    from microcred.delivery import services

    made = []
    for _ in range(count):
        offer = services.create_offer(actor=learner, credential_public_id=credential.public_id)
        made.append((offer.pre_authorized_code, offer.tx_code))
    return made


def _proof(key: Any, kid: str, nonce: str, audience: str) -> str:
    from joserfc import jws
    from joserfc.errors import SecurityWarning

    warnings.filterwarnings("ignore", category=SecurityWarning)  # "EdDSA" (RFC 9864 prefers "Ed25519"): wallets send it

    header = {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": kid}
    claims = {"aud": audience, "iat": int(time.time()), "nonce": nonce}
    return jws.serialize_compact(header, json.dumps(claims), key, algorithms=["EdDSA"])


def _holder() -> tuple[Any, str]:
    import base64

    from joserfc.jwk import OKPKey

    from microcred.vc.keys import did_key_from_public_multibase, public_key_to_multibase

    key = OKPKey.generate_key("Ed25519")
    x = key.as_dict(private=False)["x"]
    did = did_key_from_public_multibase(public_key_to_multibase(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))))
    return key, f"{did}#{did.removeprefix('did:key:')}"


def _exchange(connection: http.client.HTTPConnection, code: str, tx_code: str, key: Any, kid: str, aud: str) -> bool:
    form = urlencode({"grant_type": GRANT, "pre-authorized_code": code, "tx_code": tx_code})
    connection.request(
        "POST", "/oid4vci/token", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = connection.getresponse()
    token = json.loads(response.read())
    if response.status != 200:
        return False
    connection.request("POST", "/oid4vci/nonce", body=b"")
    response = connection.getresponse()
    nonce = json.loads(response.read())["c_nonce"]
    body = json.dumps(
        {
            "credential_configuration_id": "OpenBadgeCredential_ldp_vc",
            "proofs": {"jwt": [_proof(key, kid, nonce, aud)]},
        }
    )
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token['access_token']}"}
    connection.request("POST", "/oid4vci/credential", body=body, headers=headers)
    response = connection.getresponse()
    answer = json.loads(response.read())
    return response.status == 200 and bool(answer["credentials"][0]["credential"]["proof"])


def _http(offers: list[tuple[str, str]], port: int, args: argparse.Namespace) -> tuple[float, int]:
    audience = f"http://127.0.0.1:{port}"
    pending = iter(offers).__next__
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]
    deadline = time.monotonic() + args.max_seconds

    def take() -> tuple[str, str] | None:
        with lock:
            if time.monotonic() > deadline:
                return None
            try:
                return pending()
            except StopIteration:
                return None

    def wallet() -> None:
        key, kid = _holder()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        bad = 0
        while (offer := take()) is not None:
            begin = time.perf_counter()
            try:
                ok = _exchange(connection, *offer, key, kid, audience)
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            mine.append(time.perf_counter() - begin)
            bad += not ok
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=wallet) for _ in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = len(latencies) - failures[0]
    return line("HTTP issuance", done, time.perf_counter() - started, latencies, failures[0]), failures[0]
