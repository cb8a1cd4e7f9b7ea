"""``microcred verify`` and ``microcred vc sign|keygen``: the credential core from the command line, without Django.

``microcred verify FILE|URL|-`` reads a JSON credential, a VC-JWT or a baked PNG/SVG badge, prints
the report (``--json`` for the machine-readable form) and exits 0 only when the credential is valid
(1 when it is not, 2 when the input could not be read at all). A URL is fetched over https only,
with the resolver's size, time and address limits, and must answer JSON (a credential; images and
JWTs are verified from files or stdin); ``--offline`` resolves ``did:key`` only and checks no
status, except for a verification bundle (``microcred.vc.bundle``), whose DID documents and status lists
are read from the bundle alone, and whose status age is printed;
``--allow-private`` lets local test servers (loopback, private addresses) answer.

``microcred vc keygen`` prints a key file; ``microcred vc sign --key KEYFILE`` signs a credential
with it (``eddsa-rdfc-2022`` by default, or ``eddsa-jcs-2022``, or ``vc-jwt``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
FORMATS = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt")


def register(subparsers: argparse._SubParsersAction) -> None:
    verify = subparsers.add_parser(
        "verify",
        help="verify a credential (JSON, VC-JWT or baked PNG/SVG) from a file, an https URL or stdin",
        description="Verify a credential and print the report. Exit status 0 only when it is valid.",
    )
    verify.add_argument("source", metavar="FILE|URL|-", help="a file, an https:// URL, or - for standard input")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("--offline", action="store_true", help="no network: did:key keys only, no status lists")
    verify.add_argument("--allow-private", action="store_true", help="allow loopback and private addresses")
    verify.add_argument("--no-status", action="store_true", help="do not check revocation or suspension")
    verify.add_argument("--max-bytes", type=int, default=1024 * 1024, help=argparse.SUPPRESS)
    verify.set_defaults(func=cmd_verify)

    vc = subparsers.add_parser("vc", help="sign credentials and make keys locally")
    commands = vc.add_subparsers(dest="vc_command", required=True, metavar="COMMAND")
    sign = commands.add_parser("sign", help="sign a credential with a key file; prints the signed credential")
    sign.add_argument("source", metavar="FILE|-", help="the unsigned credential (JSON), or - for standard input")
    sign.add_argument("--key", required=True, metavar="KEYFILE", help="a key file made by `microcred vc keygen`")
    sign.add_argument("--format", choices=FORMATS, default="eddsa-rdfc-2022")
    sign.add_argument(
        "--verification-method",
        metavar="VM",
        help="the key's id (default: the key file's id, or the did:key of the key)",
    )
    sign.add_argument("--created", help="the proof's created time (default: now)")
    sign.set_defaults(func=cmd_sign)
    keygen = commands.add_parser("keygen", help="print a new Ed25519 key file (keep it secret)")
    keygen.set_defaults(func=cmd_keygen)


# --- verify -----------------------------------------------------------------------------------------


def _read_source(source: str, args: argparse.Namespace) -> bytes:
    limit = args.max_bytes
    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
    elif source.startswith(("https://", "http://")):
        data = _fetch(source, args)
    else:
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    return data  # verify() refuses what passes the limit, with its own reason


def _fetcher(args: argparse.Namespace, max_bytes: int) -> Any:
    """A resolver used as a bounded https fetcher (http only for the host named, with --allow-private)."""
    from urllib.parse import urlsplit

    from microcred.vc import did

    hosts = {urlsplit(args.source).hostname or ""} if args.allow_private else set()
    return did.Resolver(allow_private=args.allow_private, allow_http_hosts=hosts, max_bytes=max_bytes, cache_seconds=0)


def _fetch(url: str, args: argparse.Namespace) -> bytes:
    if args.offline:
        raise OSError("--offline: the credential cannot be fetched from a URL")
    if not url.startswith("https://") and not args.allow_private:
        raise OSError("only https:// URLs are fetched (use --allow-private for a local test server)")
    return _fetcher(args, args.max_bytes).fetch(url)


def _refuse_network(url: str) -> bytes:
    from microcred.vc.errors import ResolutionError

    raise ResolutionError(f"--offline: {url} was not fetched.", code="resolution_network_refused")


def _resolver(args: argparse.Namespace) -> Any:
    from microcred.vc import did

    if args.offline:
        return did.Resolver(_refuse_network)
    return did.Resolver(allow_private=args.allow_private)


def _status_fetcher(args: argparse.Namespace) -> Any:
    if args.offline or args.no_status:
        return None
    fetcher = _fetcher(args, args.max_bytes)

    def fetch(url: str) -> Any:
        return json.loads(fetcher.fetch(url))

    return fetch


def cmd_verify(args: argparse.Namespace) -> int:
    from microcred.vc.verify import verify

    try:
        data = _read_source(args.source, args)
    except Exception as exc:
        print(f"microcred verify: cannot read {args.source}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    from microcred.vc import bundle

    if bundle.looks_like_bundle(data):
        return _verify_bundle(data, args)
    report = verify(
        data,
        resolver=_resolver(args),
        status_fetcher=_status_fetcher(args),
        max_bytes=args.max_bytes,
        check_status=not args.no_status,
    )
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(_human(report, args.source))
    return EXIT_VALID if report.valid else EXIT_INVALID


def _verify_bundle(data: bytes, args: argparse.Namespace) -> int:
    """A verification bundle (``microcred.vc.bundle``): everything from the bundle, never the network."""
    from microcred.vc import bundle

    result = bundle.verify_bundle(data, check_status=not args.no_status)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return EXIT_VALID if result.valid else EXIT_INVALID
    if result.report is not None:
        print(_human(result.report, args.source))
    verdict = "VALID" if result.valid else "NOT VALID"
    reason = f" [{result.reason}]" if result.reason else ""
    print(f"{args.source}: bundle {verdict}{reason}: {result.message}")
    if result.status_checked_at is not None:
        print(f"  {result.status_sentence()}")
    return EXIT_VALID if result.valid else EXIT_INVALID


def _human(report: Any, source: str) -> str:
    lines = [f"{source}: {'VALID' if report.valid else 'NOT VALID'}"]
    if report.format:
        lines[0] += f" ({report.format}" + (f", issuer {report.issuer}" if report.issuer else "") + ")"
    for check in report.checks:
        reason = f" [{check.reason}]" if check.reason and check.outcome == "fail" else ""
        lines.append(f"  {check.outcome:<4}  {check.code:<12}  {check.message}{reason}")
    return "\n".join(lines)


# --- sign and keygen ----------------------------------------------------------------------------------


def load_key_file(path: str) -> tuple[Any, dict[str, Any]]:
    """The key pair in a key file (``secretKeyMultibase`` or ``privateKeyMultibase``), and the file's JSON."""
    from microcred.vc.errors import InvalidKey
    from microcred.vc.keys import Ed25519KeyPair

    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise InvalidKey("A key file is a JSON object.")
    secret = document.get("secretKeyMultibase") or document.get("privateKeyMultibase")
    if not isinstance(secret, str):
        raise InvalidKey("The key file has no secretKeyMultibase.")
    key = Ed25519KeyPair.from_multibase(secret)
    public = document.get("publicKeyMultibase")
    if public is not None and public != key.public_key_multibase:
        raise InvalidKey("The key file's publicKeyMultibase does not match its secret key.")
    return key, document


def cmd_sign(args: argparse.Namespace) -> int:
    from microcred.vc.errors import VCError

    try:
        key, document = load_key_file(args.key)
        raw = sys.stdin.buffer.read() if args.source == "-" else Path(args.source).read_bytes()
        credential = json.loads(raw)
        if not isinstance(credential, dict):
            raise VCError("The credential to sign is not a JSON object.", code="not_object")
        vm = args.verification_method or document.get("id") or key.did_key_verification_method
        print(sign_document(credential, key, verification_method=vm, fmt=args.format, created=args.created))
    except (OSError, ValueError, VCError) as exc:
        print(f"microcred vc sign: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    return 0


def sign_document(
    credential: dict[str, Any], key: Any, *, verification_method: str, fmt: str, created: str | None
) -> str:
    """The signed credential as text: JSON for Data Integrity, the compact JWT for ``vc-jwt``."""
    if fmt == "vc-jwt":
        from microcred.vc import jwt

        return jwt.sign_jwt(credential, key, kid=verification_method)
    from microcred.vc import data_integrity

    signed = data_integrity.sign(
        credential, key, verification_method=verification_method, cryptosuite=fmt, created=created
    )
    return json.dumps(signed, indent=2, ensure_ascii=False)


def cmd_keygen(args: argparse.Namespace) -> int:
    from microcred.vc.keys import Ed25519KeyPair

    key = Ed25519KeyPair.generate()
    print(
        json.dumps(
            {
                "id": key.did_key_verification_method,
                "type": "Multikey",
                "controller": key.did_key,
                "publicKeyMultibase": key.public_key_multibase,
                "secretKeyMultibase": key.secret_key_multibase,
            },
            indent=2,
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m microcred.vc.cli``: the same commands without the rest of microcred."""
    parser = argparse.ArgumentParser(prog="microcred")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
