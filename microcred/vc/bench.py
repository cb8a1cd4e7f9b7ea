"""``microcred bench vc``: signatures and verifications per second, on one core, against the Ed25519 limit.

Prints raw Ed25519 sign/s and verify/s (``cryptography``, the physical limit of this machine), then
for VC-JWT, ``eddsa-jcs-2022`` and ``eddsa-rdfc-2022`` on (a) a typical micro-credential and (b)
the 1EdTech complete sample: sign/s, the full ``verify()`` (did:key resolution, no status) per
second, and the bare proof check per second, each with its ratio to the raw figure. Targets are
printed beside the figures they concern. Tests never assert timings; this does the measuring.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# the 1EdTech sample in ../shared beside the project (vc imports no Django, so no settings here)
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEFAULT_SAMPLE = str(SHARED / "standards" / "samples" / "ob30-complete.json")
FORMATS = ("vc-jwt", "eddsa-jcs-2022", "eddsa-rdfc-2022")
JWT_VERIFY_TARGET = 0.5  # of raw Ed25519 verify/s
RDFC_VERIFY_TARGET = 300.0  # per second, typical credential
HEADER = f"  {'format':<17}{'sign/s':>10}{'ratio':>8}{'verify()/s':>13}{'ratio':>8}{'proof/s':>10}{'ratio':>8}  valid"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement (default 1.0)")
    parser.add_argument("--sample", default=DEFAULT_SAMPLE, help="the large credential (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON as well")


def rate(action: Callable[[], Any], seconds: float) -> float:
    """Calls per second of ``action`` over about ``seconds`` (after one warm-up call)."""
    action()
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    batch = 1
    while True:
        for _ in range(batch):
            action()
        count += batch
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)
        batch = min(batch * 2, 256)


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            core = min(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {core})
            return f"pinned to CPU {core}"
        except OSError:
            pass
    return "not pinned (one thread)"


def typical_credential(issuer_id: str) -> dict[str, Any]:
    from microcred.vc import compose

    return compose.open_badge_credential(
        id="urn:uuid:0b2f6f0e-8f5e-4b8e-9a53-1c1f0a6b2d11",
        issuer={"id": issuer_id, "name": "Example University"},
        achievement={
            "id": "https://university.example/achievements/data-analysis",
            "name": "Data analysis with Python",
            "description": "Cleans, analyses and plots data sets.",
            "criteria": {"narrative": "Pass three graded projects."},
            "achievementType": "MicroCredential",
            "creditsAvailable": 3,
        },
        subject_id="did:example:ebfeb1f712ebc6f1c276e12ec21",
        valid_from="2026-01-15T09:00:00Z",
        valid_until="2036-01-15T09:00:00Z",
    )


def sample_credential(path: str, issuer_id: str, endorser: Any) -> tuple[dict[str, Any] | None, str]:
    """The sample, issued by ``issuer_id``, its embedded endorsements re-signed by ``endorser`` (so they verify)."""
    from microcred.vc import data_integrity
    from microcred.vc.loader import OB_EXTENSIONS

    file = Path(path)
    if not file.is_file():
        return None, f"sample {path} is absent: skipped"
    document = json.loads(file.read_text(encoding="utf-8"))
    document.pop("proof", None)
    document.pop("credentialStatus", None)  # no status in this benchmark
    document["issuer"]["id"] = issuer_id
    count = 0

    def resign(holder: dict[str, Any]) -> None:
        nonlocal count
        entries = holder.get("endorsement")
        if not isinstance(entries, list):
            return
        fresh = []
        for entry in entries:
            entry = copy.deepcopy(entry)
            entry.pop("proof", None)
            entry.pop("credentialStatus", None)
            entry.pop("validUntil", None)  # the sample's endorsements have expired
            entry["issuer"]["id"] = endorser.did_key
            if OB_EXTENSIONS not in entry["@context"]:  # the sample's endorsements use its extension terms
                entry["@context"].append(OB_EXTENSIONS)
            fresh.append(data_integrity.sign(entry, endorser, verification_method=endorser.did_key_verification_method))
            count += 1
        holder["endorsement"] = fresh

    resign(document)
    resign(document["issuer"])
    achievement = document["credentialSubject"]["achievement"]
    resign(achievement)
    if isinstance(achievement.get("creator"), dict):
        resign(achievement["creator"])
    return document, f"{count} embedded endorsements, re-signed with a did:key and verified too"


def run(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from microcred.vc import canonical, data_integrity, did, jwt
    from microcred.vc.keys import Ed25519KeyPair
    from microcred.vc.verify import verify

    seconds = args.seconds
    print(f"microcred bench vc — {pin_one_core()}, {seconds:.1f} s per figure")

    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    message = os.urandom(64)
    signature = private.sign(message)
    raw_sign = rate(lambda: private.sign(message), seconds)
    raw_verify = rate(lambda: public.verify(signature, message), seconds)
    print(f"\nraw Ed25519 (cryptography, 64-byte message): sign {raw_sign:,.0f}/s   verify {raw_verify:,.0f}/s")

    key = Ed25519KeyPair.generate()
    endorser = Ed25519KeyPair.generate()
    vm = key.did_key_verification_method
    resolver = did.Resolver()
    credentials = {"typical": (typical_credential(key.did_key), "")}
    sample, note = sample_credential(args.sample, key.did_key, endorser)
    credentials["ob30-complete"] = (sample, note)  # type: ignore[assignment]

    figures: list[dict[str, Any]] = []
    for name, (credential, note) in credentials.items():
        if credential is None:
            print(f"\n{name}: {note}")
            continue
        quads = len(canonical.canonicalize(credential).splitlines())
        size = len(json.dumps(credential))
        print(f"\n{name}: {quads} quads, {size:,} bytes of JSON" + (f"; {note}" if note else ""))
        print(HEADER)
        for fmt in FORMATS:
            sign, signed, bare = _actions(fmt, credential, key, vm, data_integrity, jwt)
            report = verify(signed, resolver=resolver, check_status=False)
            sign_rate = rate(sign, seconds)
            verify_rate = rate(lambda: verify(signed, resolver=resolver, check_status=False), seconds)  # noqa: B023
            bare_rate = rate(bare, seconds)
            figure = {
                "credential": name,
                "format": fmt,
                "quads": quads,
                "sign_per_s": round(sign_rate, 1),
                "verify_per_s": round(verify_rate, 1),
                "proof_check_per_s": round(bare_rate, 1),
                "sign_ratio": round(sign_rate / raw_sign, 4),
                "verify_ratio": round(verify_rate / raw_verify, 4),
                "proof_check_ratio": round(bare_rate / raw_verify, 4),
                "valid": report.valid,
            }
            figures.append(figure)
            print(
                f"  {fmt:<17}{sign_rate:>10,.0f}{sign_rate / raw_sign:>8.1%}{verify_rate:>13,.0f}"
                f"{verify_rate / raw_verify:>8.1%}{bare_rate:>10,.0f}{bare_rate / raw_verify:>8.1%}  {report.valid}"
            )
            if not report.valid:
                failure = report.first_failure
                print(f"    (not valid: {failure.code if failure else '?'} {failure.reason if failure else ''})")

    print("\ntargets:")
    for figure in figures:
        if figure["credential"] == "typical" and figure["format"] == "vc-jwt":
            for label, key_name in (("verify()", "verify_ratio"), ("proof check", "proof_check_ratio")):
                met = "met" if figure[key_name] >= JWT_VERIFY_TARGET else "NOT met"
                print(f"  VC-JWT {label} ≥ 50% of raw Ed25519 verify: {figure[key_name]:.1%} — {met}")
        if figure["credential"] == "typical" and figure["format"] == "eddsa-rdfc-2022":
            for label, key_name in (("verify()", "verify_per_s"), ("proof check", "proof_check_per_s")):
                met = "met" if figure[key_name] >= RDFC_VERIFY_TARGET else "NOT met"
                value = figure[key_name]
                print(f"  eddsa-rdfc-2022 {label} of the typical credential ≥ 300/s: {value:,.0f}/s — {met}")
    if args.json:
        print(json.dumps({"raw": {"sign_per_s": raw_sign, "verify_per_s": raw_verify}, "figures": figures}, indent=2))
    return 0


def _actions(fmt: str, credential: dict[str, Any], key: Any, vm: str, data_integrity: Any, jwt: Any) -> tuple:
    """(sign, signed credential, bare proof check) for one format."""
    if fmt == "vc-jwt":
        token = jwt.sign_jwt(credential, key, kid=vm)
        public = key.public_bytes

        def bare_jwt() -> None:
            parts = jwt.decode_jwt(token)
            jwt.verify_jwt_signature(parts, public)
            if jwt.check_claims(parts):
                raise AssertionError("claims")

        return (lambda: jwt.sign_jwt(credential, key, kid=vm)), token, bare_jwt
    created = "2026-01-15T09:00:00Z"
    signed = data_integrity.sign(credential, key, verification_method=vm, cryptosuite=fmt, created=created)
    proof = data_integrity.proofs_of(signed)[0]
    public = key.public_bytes
    return (
        lambda: data_integrity.sign(credential, key, verification_method=vm, cryptosuite=fmt, created=created),
        signed,
        lambda: data_integrity.verify_proof(signed, proof, public),
    )
