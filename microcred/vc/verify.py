"""Verify a credential (JSON-LD with Data Integrity proofs, a VC-JWT, or a baked PNG/SVG) into a report.

``verify()`` never raises: whatever it is given, it answers with a :class:`Report` whose checks run in
a fixed order, each with a stable ``code``, an outcome (``pass``/``fail``/``skip``), a stable
``reason`` when it did not pass, and an English sentence (the Django layer translates by code and
reason). The credential is valid when no check failed and a proof passed.

Order: ``parse`` → ``contexts`` → ``schema`` → ``subject`` → ``proof`` → ``issuer_key`` →
``validity`` → ``status`` → ``endorsements`` (→ ``credentials`` for the credentials a CLR holds).
A failed ``parse`` or ``contexts`` stops there (the rest is skipped): nothing else can be read safely.

Hostile input is bounded before it is parsed: the size (``max_bytes``) and the nesting depth of JSON
(counted without recursion, before ``json.loads``) and of dicts handed in directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from microcred.vc import schema as schema_module
from microcred.vc.dates import parse_date_time
from microcred.vc.errors import ResolutionError, VCError
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2, Loader, inline_context_problem, is_bundled
from microcred.vc.status_cache import VerifiedListCache

# Check codes, in the order they run.
PARSE = "parse"
CONTEXTS = "contexts"
SCHEMA = "schema"
SUBJECT = "subject"
PROOF = "proof"
ISSUER_KEY = "issuer_key"
VALIDITY = "validity"
STATUS = "status"
ENDORSEMENTS = "endorsements"
CREDENTIALS = "credentials"
CHECK_ORDER = (PARSE, CONTEXTS, SCHEMA, SUBJECT, PROOF, ISSUER_KEY, VALIDITY, STATUS, ENDORSEMENTS, CREDENTIALS)

PASS = "pass"  # noqa: S105 - an outcome, not a password
FAIL = "fail"
SKIP = "skip"

# Reasons (``Check.reason``). Errors of the proof and key modules keep their own codes
# (``signature_invalid``, ``proof_malformed``, ``cryptosuite_unsupported``, ``proof_value_malformed``,
# ``canonicalization_limit``, ``undefined_term``, ``jsonld_invalid``, ``context_not_allowed``,
# ``resolution_failed``, ``jwt_malformed``, ``jwt_alg_not_allowed``, ``jwt_claim_mismatch``…).
TOO_LARGE = "too_large"
TOO_DEEP = "too_deep"
NOT_UTF8 = "not_utf8"
NOT_JSON = "not_json"
NOT_OBJECT = "not_object"
UNBAKE_FAILED = "unbake_failed"
CONTEXT_MISSING = "context_missing"
CONTEXT_FIRST = "context_first_invalid"
CONTEXT_NOT_BUNDLED = "context_not_bundled"
CONTEXT_INLINE = "context_inline"
SCHEMA_INVALID = "schema_invalid"
SUBJECT_MISSING = "subject_missing"
SUBJECT_UNIDENTIFIED = "subject_unidentified"
IDENTIFIER_MALFORMED = "identifier_malformed"
PROOF_MISSING = "proof_missing"
PROOF_MALFORMED = "proof_malformed"
PROOF_PURPOSE = "proof_purpose_mismatch"
KEY_UNRESOLVED = "key_unresolved"
ISSUER_MISSING = "issuer_missing"
CONTROLLER_MISMATCH = "controller_mismatch"
NOT_AUTHORIZED = "not_authorized_for_assertion"
DATE_INVALID = "date_invalid"
DATE_MISSING = "date_missing"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
REVOKED = "revoked"
SUSPENDED = "suspended"
STATUS_UNAVAILABLE = "status_unavailable"
STATUS_LIST_INVALID = "status_list_invalid"
STATUS_LIST_ISSUER = "status_list_issuer_mismatch"
STATUS_ENTRY_MALFORMED = "status_entry_malformed"
ENDORSEMENT_INVALID = "endorsement_invalid"
CREDENTIAL_INVALID = "embedded_credential_invalid"
TOO_MANY = "too_many"
INTERNAL_ERROR = "internal_error"
NOT_REACHED = "not_reached"

# The reasons this module gives (the proof, key, JWT, status and baking modules add their own codes).
REASON_CODES = (
    TOO_LARGE, TOO_DEEP, NOT_UTF8, NOT_JSON, NOT_OBJECT, UNBAKE_FAILED, CONTEXT_MISSING, CONTEXT_FIRST,
    CONTEXT_NOT_BUNDLED, CONTEXT_INLINE, SCHEMA_INVALID, SUBJECT_MISSING, SUBJECT_UNIDENTIFIED, IDENTIFIER_MALFORMED,
    PROOF_MISSING, PROOF_MALFORMED, PROOF_PURPOSE, KEY_UNRESOLVED, ISSUER_MISSING, CONTROLLER_MISMATCH, NOT_AUTHORIZED,
    DATE_INVALID, DATE_MISSING, NOT_YET_VALID, EXPIRED, REVOKED, SUSPENDED, STATUS_UNAVAILABLE, STATUS_LIST_INVALID,
    STATUS_LIST_ISSUER, STATUS_ENTRY_MALFORMED, ENDORSEMENT_INVALID, CREDENTIAL_INVALID, TOO_MANY, INTERNAL_ERROR,
    NOT_REACHED,
)  # fmt: skip

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_PROOFS = 8
MAX_ENDORSEMENTS = 16
MAX_CLR_CREDENTIALS = 256
MAX_STATUS_ENTRIES = 4
MAX_NESTED_DEPTH = 2  # endorsements of endorsements, credentials in a CLR
CLOCK_SKEW = timedelta(minutes=5)

DATA_INTEGRITY = "data-integrity"
VC_JWT = "vc-jwt"

_COMPACT_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HASHED_IDENTITY = re.compile(r"^(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$")

StatusFetcher = Callable[[str], Any]


@dataclass
class Check:
    code: str
    outcome: str
    message: str
    reason: str | None = None
    details: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "outcome": self.outcome, "message": self.message}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.details is not None:
            out["details"] = self.details
        return out


@dataclass
class Report:
    valid: bool = False
    checks: list[Check] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    format: str | None = None
    issuer: str | None = None

    def check(self, code: str) -> Check | None:
        return next((check for check in self.checks if check.code == code), None)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.outcome == FAIL]

    @property
    def first_failure(self) -> Check | None:
        failures = self.failures
        return failures[0] if failures else None

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "format": self.format,
            "issuer": self.issuer,
            "checks": [check.to_json() for check in self.checks],
            "credential": self.credential,
        }


class _Stop(Exception):
    """A check failed in a way that leaves nothing else to check."""


# --- bounds on hostile input -------------------------------------------------------------------


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether JSON text nests arrays/objects deeper than ``limit`` (a scan, no recursion, no parsing)."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _object_bounds(value: Any, max_depth: int, max_values: int) -> str | None:
    """``too_deep`` / ``too_large`` when a Python value passes the bounds (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_values:
            return TOO_LARGE  # also how a cycle (which JSON cannot express) ends
        if isinstance(item, dict | list):
            if depth > max_depth:
                return TOO_DEEP
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


# --- the verifier --------------------------------------------------------------------------------


def verify(
    credential_or_jwt: dict[str, Any] | str | bytes,
    *,
    resolver: Any = None,
    status_fetcher: StatusFetcher | None = None,
    now: datetime | None = None,
    loader: Loader | None = None,
    max_bytes: int = MAX_BYTES,
    check_status: bool = True,
    status_list_cache: VerifiedListCache | None = None,
) -> Report:
    """Verify a credential; never raises. See the module docstring for the checks.

    ``status_list_cache``: status-list credentials verified before (by this or other calls sharing it) are not
    verified again while the very same document is served (``microcred.vc.status_cache``).
    """
    context = _Context(
        resolver=resolver,
        status_fetcher=status_fetcher,
        now=now or datetime.now(UTC),
        loader=loader,
        max_bytes=max_bytes,
        check_status=check_status,
        status_list_cache=status_list_cache,
    )
    return _verify(credential_or_jwt, context, depth=0)


@dataclass
class _Context:
    resolver: Any
    status_fetcher: StatusFetcher | None
    now: datetime
    loader: Loader | None
    max_bytes: int
    check_status: bool
    status_lists: dict[str, Any] = field(default_factory=dict)
    status_list_cache: VerifiedListCache | None = None
    in_clr: bool = False  # a credential a CLR holds: the CLR schema already checked its shape

    def get_resolver(self) -> Any:
        if self.resolver is None:
            from microcred.vc.did import Resolver

            self.resolver = Resolver()
        return self.resolver

    def moment(self) -> datetime:
        return self.now if self.now.tzinfo else self.now.replace(tzinfo=UTC)


class _Run:
    """One verification: the report being filled, and what the checks learn on the way."""

    def __init__(self, context: _Context, depth: int) -> None:
        self.context = context
        self.depth = depth
        self.report = Report()
        self.jwt_parts: Any = None
        self.accepted_proof: dict[str, Any] | None = None

    def add(self, code: str, outcome: str, message: str, reason: str | None = None, details: Any = None) -> Check:
        check = Check(code, outcome, message, reason, details)
        self.report.checks.append(check)
        return check

    def skip_rest(self, message: str) -> None:
        done = {check.code for check in self.report.checks}
        for code in CHECK_ORDER:
            if code not in done and code != CREDENTIALS:
                self.add(code, SKIP, message, NOT_REACHED)


def _verify(item: Any, context: _Context, depth: int) -> Report:
    run = _Run(context, depth)
    steps = (_parse, _contexts, _schema, _subject, _proof, _validity, _status, _endorsements, _credentials)
    try:
        for step in steps:
            try:
                _run_step(run, step, item)
            except _Stop:
                run.skip_rest("Not checked: the credential could not be read safely.")
                break
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        run.add(INTERNAL_ERROR, FAIL, "Verification stopped on an unexpected error.", INTERNAL_ERROR)
    report = run.report
    proof = report.check(PROOF)
    report.valid = not report.failures and proof is not None and proof.outcome == PASS
    return report


def _run_step(run: _Run, step: Callable[[_Run, Any], None], item: Any) -> None:
    """One check; an unexpected error fails that check (and stops, for parse and contexts) instead of escaping."""
    current = len(run.report.checks)
    try:
        step(run, item)
    except _Stop:
        raise
    except RecursionError:
        _internal(run, current, step, TOO_DEEP, "The credential is nested too deeply to be checked.")
    except Exception as exc:
        message = f"The check stopped on an unexpected error ({type(exc).__name__})."
        _internal(run, current, step, INTERNAL_ERROR, message)


_STEP_CODES = {
    "_parse": PARSE,
    "_contexts": CONTEXTS,
    "_schema": SCHEMA,
    "_subject": SUBJECT,
    "_proof": PROOF,
    "_validity": VALIDITY,
    "_status": STATUS,
    "_endorsements": ENDORSEMENTS,
    "_credentials": CREDENTIALS,
}


def _internal(run: _Run, start: int, step: Callable[..., Any], reason: str, message: str) -> None:
    del run.report.checks[start:]
    code = _STEP_CODES.get(step.__name__, INTERNAL_ERROR)
    run.add(code, FAIL, message, reason)
    if code == PROOF:
        run.add(ISSUER_KEY, SKIP, "Not checked: the proof could not be checked.", NOT_REACHED)
    if code in (PARSE, CONTEXTS):
        raise _Stop


# --- parse ----------------------------------------------------------------------------------------


def _parse(run: _Run, item: Any) -> None:
    limit = run.context.max_bytes
    if isinstance(item, dict):
        problem = _object_bounds(item, MAX_DEPTH, MAX_VALUES)
        if problem == TOO_DEEP:
            _fail_parse(run, TOO_DEEP, f"The credential nests more than {MAX_DEPTH} levels deep.")
        if problem == TOO_LARGE:
            _fail_parse(run, TOO_LARGE, "The credential holds too many values.")
        _accept_object(run, item, "a JSON object")
        return
    if isinstance(item, bytes | bytearray | memoryview):
        data = bytes(item)
        if len(data) > limit:
            _fail_parse(run, TOO_LARGE, f"The input is larger than {limit} bytes.")
        if data.startswith(_PNG_SIGNATURE):
            _unbaked(run, "PNG", lambda: _baking().unbake_png(data))
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            _fail_parse(run, NOT_UTF8, "The input is not UTF-8 text, a JSON credential, a JWT or a baked image.")
        _parse_text(run, text)
        return
    if isinstance(item, str):
        if len(item) > limit or len(item.encode("utf-8", "surrogatepass")) > limit:
            _fail_parse(run, TOO_LARGE, f"The input is larger than {limit} bytes.")
        _parse_text(run, item)
        return
    _fail_parse(run, NOT_OBJECT, "The input is neither a JSON object, nor text, nor bytes.")


def _parse_text(run: _Run, text: str, *, baked: str | None = None) -> None:
    stripped = text.strip().lstrip("\ufeff")
    if stripped.startswith("<") and baked is None:
        _unbaked(run, "SVG", lambda: _baking().unbake_svg(stripped))
        return
    if _COMPACT_JWT.match(stripped):
        _parse_jwt(run, stripped, baked)
        return
    if json_depth_exceeds(stripped, MAX_DEPTH):
        _fail_parse(run, TOO_DEEP, f"The JSON nests more than {MAX_DEPTH} levels deep.")
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        _fail_parse(run, NOT_JSON, "The input is neither JSON, nor a compact JWT, nor a baked image.")
    if isinstance(value, str) and _COMPACT_JWT.match(value.strip()):
        _parse_jwt(run, value.strip(), baked)  # a JWT given as a JSON string
        return
    if not isinstance(value, dict):
        _fail_parse(run, NOT_OBJECT, f"The JSON is a {type(value).__name__}, not an object.")
    if _object_bounds(value, MAX_DEPTH, MAX_VALUES) is not None:
        _fail_parse(run, TOO_LARGE, "The credential holds too many values.")
    _accept_object(run, value, f"a JSON object{baked or ''}")


def _unbaked(run: _Run, kind: str, unbake: Callable[[], Any]) -> None:
    try:
        found = unbake()
    except VCError as exc:
        _fail_parse(run, exc.code, f"No credential could be read from the {kind} image: {exc.message}")
    except Exception:
        _fail_parse(run, UNBAKE_FAILED, f"No credential could be read from the {kind} image.")
    if found is None:
        _fail_parse(run, UNBAKE_FAILED, f"The {kind} image holds no credential.")
    if isinstance(found, dict):
        if _object_bounds(found, MAX_DEPTH, MAX_VALUES) is not None:
            _fail_parse(run, TOO_DEEP, "The baked credential is nested too deeply or is too large.")
        _accept_object(run, found, f"a JSON object baked in a {kind} image")
        return
    if isinstance(found, bytes):
        found = found.decode("utf-8", "replace")
    if isinstance(found, str):
        _parse_text(run, found, baked=f" baked in a {kind} image")
        return
    _fail_parse(run, UNBAKE_FAILED, f"The {kind} image holds something that is not a credential.")


def _parse_jwt(run: _Run, token: str, baked: str | None) -> None:
    from microcred.vc import jwt

    try:
        parts = jwt.decode_jwt(token)
    except VCError as exc:
        _fail_parse(run, exc.code, f"The compact JWT could not be read: {exc.message}")
    credential = getattr(parts, "credential", None)
    if not isinstance(credential, dict):
        _fail_parse(run, NOT_OBJECT, "The JWT does not carry a credential.")
    if _object_bounds(credential, MAX_DEPTH, MAX_VALUES) is not None:
        _fail_parse(run, TOO_DEEP, "The credential in the JWT is nested too deeply or is too large.")
    run.jwt_parts = parts
    run.report.format = VC_JWT
    _accept_object(run, credential, f"a VC-JWT{baked or ''}")


def _accept_object(run: _Run, credential: dict[str, Any], what: str) -> None:
    run.report.credential = credential
    if run.report.format is None:
        run.report.format = DATA_INTEGRITY
    run.report.issuer = _issuer_id(credential)
    run.add(PARSE, PASS, f"The input is {what}.")


def _fail_parse(run: _Run, reason: str, message: str) -> Any:
    run.add(PARSE, FAIL, message, reason)
    raise _Stop


def _baking() -> Any:
    from microcred.vc import baking

    return baking


# --- contexts, schema, subject ---------------------------------------------------------------------


def _contexts(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    contexts = credential.get("@context")
    if isinstance(contexts, str):
        contexts = [contexts]
    if not isinstance(contexts, list) or not contexts:
        _fail_contexts(run, CONTEXT_MISSING, "The credential has no @context.")
    if contexts[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        _fail_contexts(
            run,
            CONTEXT_FIRST,
            f"The first context must be {CREDENTIALS_V2} or {CREDENTIALS_V1}, not {str(contexts[0])[:100]!r}.",
        )
    problem = inline_context_problem(contexts)
    if problem is not None:
        _fail_contexts(run, CONTEXT_INLINE, f"The credential's inline contexts cannot be processed safely: {problem}")
    for entry in contexts:
        if not isinstance(entry, str):
            continue  # an inline context: processed with the proof, its URLs through the bundled loader only
        if not _context_allowed(run, entry):
            _fail_contexts(run, CONTEXT_NOT_BUNDLED, f"The context {entry[:200]!r} is not one microcred knows.")
    version = "2.0" if contexts[0] == CREDENTIALS_V2 else "1.1"
    run.add(CONTEXTS, PASS, f"The contexts are known (VC Data Model {version}).")


def _context_allowed(run: _Run, url: str) -> bool:
    if is_bundled(url):
        return True
    if run.context.loader is None:
        return False
    try:
        run.context.loader(url, {})
    except Exception:
        return False
    return True


def _fail_contexts(run: _Run, reason: str, message: str) -> Any:
    run.add(CONTEXTS, FAIL, message, reason)
    raise _Stop


def _schema(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    if run.context.in_clr and run.jwt_parts is None:
        run.add(SCHEMA, SKIP, "The CLR 2.0 schema checked this credential as part of the CLR.")
        return
    chosen = schema_module.schema_for(credential)
    if chosen is None:
        run.add(SCHEMA, SKIP, "No 1EdTech schema applies to this type of credential.")
        return
    problems = schema_module.validate(credential)
    if problems:
        first = problems[0]
        run.add(
            SCHEMA,
            FAIL,
            f"The credential does not follow the {chosen[0].split('.')[0]} schema at {first.path}: {first.message}",
            SCHEMA_INVALID,
            [problem.to_json() for problem in problems[:20]],
        )
        return
    run.add(SCHEMA, PASS, f"The credential follows the {chosen[0].split('.')[0]} schema.")


def _types(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = value.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _subject(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    subjects = credential.get("credentialSubject")
    if isinstance(subjects, dict):
        subjects = [subjects]
    if not isinstance(subjects, list) or not subjects or not all(isinstance(s, dict) for s in subjects):
        run.add(SUBJECT, FAIL, "The credential has no credential subject.", SUBJECT_MISSING)
        return
    types = _types(credential)
    needs_identity = any(t in types for t in ("AchievementCredential", "OpenBadgeCredential", "ClrCredential"))
    for subject in subjects:
        identifiers = subject.get("identifier")
        if identifiers is not None:
            entries = identifiers if isinstance(identifiers, list) else [identifiers]
            for entry in entries:
                if not isinstance(entry, dict) or not isinstance(entry.get("identityHash"), str):
                    run.add(SUBJECT, FAIL, "An identifier of the subject has no identityHash.", IDENTIFIER_MALFORMED)
                    return
                if entry.get("hashed") is True and not _HASHED_IDENTITY.match(entry["identityHash"]):
                    run.add(
                        SUBJECT,
                        FAIL,
                        "A hashed identifier of the subject is not sha256$ or md5$ followed by its hex digest.",
                        IDENTIFIER_MALFORMED,
                    )
                    return
        if needs_identity and not isinstance(subject.get("id"), str) and not identifiers:
            run.add(SUBJECT, FAIL, "The subject has neither an id nor an identifier.", SUBJECT_UNIDENTIFIED)
            return
    run.add(SUBJECT, PASS, "The subject is identified." if needs_identity else "The credential has a subject.")


# --- proof and issuer key -----------------------------------------------------------------------------


def _issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


@dataclass
class _ProofOutcome:
    index: int
    signature_ok: bool = False
    reason: str | None = None
    message: str = ""
    key_reason: str | None = None
    key_message: str = ""
    verification_method: str | None = None
    purpose: str | None = None

    @property
    def accepted(self) -> bool:
        return self.signature_ok and self.purpose == "assertionMethod" and self.key_reason is None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "verificationMethod": self.verification_method}
        out["signature"] = "valid" if self.signature_ok else self.reason
        if self.purpose is not None:
            out["proofPurpose"] = self.purpose
        if self.key_reason is not None:
            out["key"] = self.key_reason
        return out


def _proof(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    issuer = _issuer_id(credential)
    if run.jwt_parts is not None:
        outcomes = [_jwt_outcome(run, issuer)]
    else:
        raw = credential.get("proof")
        if raw is None:
            run.add(PROOF, FAIL, "The credential has no proof.", PROOF_MISSING)
            run.add(ISSUER_KEY, SKIP, "Not checked: the credential has no proof.", NOT_REACHED)
            return
        proofs = raw if isinstance(raw, list) else [raw]
        if not proofs:
            run.add(PROOF, FAIL, "The credential has no proof.", PROOF_MISSING)
            run.add(ISSUER_KEY, SKIP, "Not checked: the credential has no proof.", NOT_REACHED)
            return
        if len(proofs) > MAX_PROOFS:
            run.add(PROOF, FAIL, f"The credential has more than {MAX_PROOFS} proofs.", TOO_MANY)
            run.add(ISSUER_KEY, SKIP, "Not checked: too many proofs.", NOT_REACHED)
            return
        outcomes = [
            _data_integrity_outcome(run, credential, proof, index, issuer) for index, proof in enumerate(proofs)
        ]
    details = [outcome.to_json() for outcome in outcomes]
    # Data Integrity §4.4 (proof sets) and §4.5 (chains): every proof must verify, not just one of them. A proof
    # that does not (copied from another document, made with a key that cannot be found, its chain broken) fails
    # the credential, even when the issuer's own proof is valid.
    broken = [outcome for outcome in outcomes if not outcome.signature_ok]
    if broken and len(outcomes) > 1:
        bad = broken[0]
        message = f"Proof {bad.index + 1} of {len(outcomes)} does not verify: {bad.message}"
        run.add(PROOF, FAIL, message, bad.reason, details)
        run.add(ISSUER_KEY, SKIP, "Not checked: a proof of the credential does not verify.", NOT_REACHED)
        return
    accepted = next((outcome for outcome in outcomes if outcome.accepted), None)
    if accepted is not None:
        what = "VC-JWT signature" if run.jwt_parts is not None else f"proof {accepted.index + 1} of {len(outcomes)}"
        run.add(PROOF, PASS, f"The {what} is valid for assertion.", None, details)
        run.add(ISSUER_KEY, PASS, f"The key {accepted.verification_method} belongs to the issuer {issuer}.")
        return
    signed = next((o for o in outcomes if o.signature_ok and o.purpose == "assertionMethod"), None)
    if signed is not None:
        run.add(PROOF, PASS, "The proof's signature is valid for assertion.", None, details)
        run.add(ISSUER_KEY, FAIL, signed.key_message, signed.key_reason)
        return
    purposed = next((outcome for outcome in outcomes if outcome.signature_ok), None)
    if purposed is not None:
        run.add(
            PROOF,
            FAIL,
            f"The proof is valid but made for {purposed.purpose!r}, not for assertionMethod.",
            PROOF_PURPOSE,
            details,
        )
        run.add(ISSUER_KEY, SKIP, "Not checked: no proof is valid for assertion.", NOT_REACHED)
        return
    first = outcomes[0]
    run.add(PROOF, FAIL, first.message, first.reason, details)
    if first.key_reason is not None:
        run.add(ISSUER_KEY, FAIL, first.key_message, first.key_reason)
    else:
        run.add(ISSUER_KEY, SKIP, "Not checked: no proof is valid.", NOT_REACHED)


def _data_integrity_outcome(
    run: _Run, credential: dict[str, Any], proof: Any, index: int, issuer: str | None
) -> _ProofOutcome:
    from microcred.vc import data_integrity

    outcome = _ProofOutcome(index)
    if not isinstance(proof, dict):
        outcome.reason, outcome.message = PROOF_MALFORMED, "A proof is not a JSON object."
        return outcome
    vm = proof.get("verificationMethod")
    outcome.purpose = proof.get("proofPurpose") if isinstance(proof.get("proofPurpose"), str) else None
    if not isinstance(vm, str) or not vm:
        outcome.reason, outcome.message = PROOF_MALFORMED, "A proof names no verification method."
        return outcome
    outcome.verification_method = vm
    method = _resolve(run, vm, outcome)
    if method is None:
        return outcome
    try:
        data_integrity.verify_proof(credential, proof, method.public_key, loader=run.context.loader)
    except VCError as exc:
        outcome.reason, outcome.message = exc.code, _proof_message(exc)
        return outcome
    outcome.signature_ok = True
    outcome.message = "The signature is valid."
    _check_key(run, method, vm, issuer, outcome)
    return outcome


def _proof_message(exc: VCError) -> str:
    messages = {
        "signature_invalid": (
            "The signature does not match the credential: it was changed after signing, or signed with another key."
        ),
        "cryptosuite_unsupported": "The proof uses a cryptosuite microcred does not verify.",
    }
    return messages.get(exc.code, exc.message)


@lru_cache(maxsize=1024)
def _did_key_method(vm: str) -> tuple[Any, bool]:
    """A did:key verification method and whether its document lists it for assertions.

    did:key documents are computed from the key itself, so the answer never changes: it is cached
    (resolving costs several base58 decodings, more than the signature check of a VC-JWT).
    """
    from microcred.vc import did

    resolver = did.Resolver(_no_fetch, cache_seconds=0)
    method = resolver.resolve_verification_method(vm)
    return method, resolver.controller_authorizes(method.controller, method.id)


def _no_fetch(url: str) -> bytes:
    raise ResolutionError(f"{url} is not fetched for a did:key.", code="resolution_network_refused")


def _resolve(run: _Run, vm: str, outcome: _ProofOutcome) -> Any:
    try:
        if vm.startswith("did:key:"):
            return _did_key_method(vm)[0]
        return run.context.get_resolver().resolve_verification_method(vm)
    except VCError as exc:
        outcome.reason = KEY_UNRESOLVED
        outcome.message = f"The key {vm[:200]} could not be found, so the proof cannot be checked."
        outcome.key_reason = exc.code
        outcome.key_message = f"The key {vm[:200]} could not be resolved: {exc.message}"
        return None


def _check_key(run: _Run, method: Any, vm: str, issuer: str | None, outcome: _ProofOutcome) -> None:
    """The key's controller is the issuer, and the controller's document lists it for assertions."""
    controller = getattr(method, "controller", None)
    if issuer is None:
        outcome.key_reason, outcome.key_message = ISSUER_MISSING, "The credential names no issuer."
        return
    if controller != issuer:
        outcome.key_reason = CONTROLLER_MISMATCH
        outcome.key_message = (
            f"The key {vm[:200]} is controlled by {str(controller)[:200]}, not by the issuer {issuer[:200]}."
        )
        return
    try:
        if vm.startswith("did:key:") and getattr(method, "id", None) == vm:
            authorized = _did_key_method(vm)[1]
        else:
            authorized = run.context.get_resolver().controller_authorizes(controller, getattr(method, "id", None) or vm)
    except VCError as exc:
        outcome.key_reason = exc.code if isinstance(exc, ResolutionError) else KEY_UNRESOLVED
        outcome.key_message = f"The issuer's document {controller[:200]} could not be resolved: {exc.message}"
        return
    if not authorized:
        outcome.key_reason = NOT_AUTHORIZED
        outcome.key_message = f"The issuer's document does not list the key {vm[:200]} for assertions."


def _jwt_outcome(run: _Run, issuer: str | None) -> _ProofOutcome:
    from microcred.vc import jwt

    parts = run.jwt_parts
    outcome = _ProofOutcome(0, purpose="assertionMethod")
    header = getattr(parts, "header", {}) or {}
    kid = header.get("kid")
    if (not isinstance(kid, str) or not kid) and issuer is not None and issuer.startswith("did:key:"):
        kid = issuer + "#" + issuer.removeprefix("did:key:")
    if not isinstance(kid, str) or not kid:
        outcome.reason, outcome.message = PROOF_MALFORMED, "The JWT header has no kid naming the issuer's key."
        return outcome
    if kid.startswith("#") and issuer:
        kid = issuer + kid
    outcome.verification_method = kid
    method = _resolve(run, kid, outcome)
    if method is None:
        return outcome
    key = method.jwt_key
    try:
        jwt.verify_jwt_signature(parts, key)
    except VCError as exc:
        outcome.reason, outcome.message = exc.code, _proof_message(exc)
        return outcome
    problems = list(jwt.check_claims(parts))
    if problems:
        code, message = problems[0]
        outcome.reason, outcome.message = code, message
        return outcome
    outcome.signature_ok = True
    _check_key(run, method, kid, issuer, outcome)
    return outcome


# --- validity --------------------------------------------------------------------------------------


def _validity(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    now = run.context.moment()
    start_name = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_name = "validUntil" if "validUntil" in credential else "expirationDate"
    start_value = credential.get(start_name)
    end_value = credential.get(end_name)
    start = parse_date_time(start_value) if start_value is not None else None
    end = parse_date_time(end_value) if end_value is not None else None
    if start_value is not None and start is None:
        run.add(VALIDITY, FAIL, f"{start_name} is not a date and time.", DATE_INVALID)
        return
    if end_value is not None and end is None:
        run.add(VALIDITY, FAIL, f"{end_name} is not a date and time.", DATE_INVALID)
        return
    if start is None and _first_context(credential) == CREDENTIALS_V1:
        run.add(VALIDITY, FAIL, "The credential has no issuanceDate.", DATE_MISSING)
        return
    if start is not None and start > now + CLOCK_SKEW:
        run.add(VALIDITY, FAIL, f"The credential is not valid before {start_value}.", NOT_YET_VALID)
        return
    if end is not None and end < now - CLOCK_SKEW:
        run.add(VALIDITY, FAIL, f"The credential expired on {end_value}.", EXPIRED)
        return
    if end is not None:
        run.add(VALIDITY, PASS, f"The credential is valid until {end_value}.")
    else:
        run.add(VALIDITY, PASS, "The credential is valid and does not expire.")


def _first_context(credential: dict[str, Any]) -> Any:
    contexts = credential.get("@context")
    return contexts[0] if isinstance(contexts, list) and contexts else contexts


# --- status ----------------------------------------------------------------------------------------

BITSTRING_ENTRIES = ("BitstringStatusListEntry", "StatusList2021Entry")
REVOCATION_LIST_ENTRY = "1EdTechRevocationList"


def _status(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    raw = credential.get("credentialStatus")
    if raw is None:
        run.add(STATUS, SKIP, "The credential has no status to check.")
        return
    entries = raw if isinstance(raw, list) else [raw]
    if not run.context.check_status:
        run.add(STATUS, SKIP, "The status was not checked (status checks are switched off).")
        return
    if run.context.status_fetcher is None:
        run.add(STATUS, SKIP, "The status was not checked (no way to fetch status lists).")
        return
    if len(entries) > MAX_STATUS_ENTRIES:
        run.add(STATUS, FAIL, f"The credential has more than {MAX_STATUS_ENTRIES} status entries.", TOO_MANY)
        return
    checked = []
    for entry in entries:
        if not isinstance(entry, dict):
            run.add(STATUS, FAIL, "A status entry is not a JSON object.", STATUS_ENTRY_MALFORMED)
            return
        types = _types(entry)
        if REVOCATION_LIST_ENTRY in types:
            failed = _check_revocation_list(run, credential, entry)
            purpose = "revocation"
        elif set(types) & set(BITSTRING_ENTRIES):
            failed = _check_bitstring_entry(run, credential, entry)
            purpose = entry.get("statusPurpose")
        else:
            continue
        if failed is not None:
            run.add(STATUS, FAIL, failed[1], failed[0])
            return
        checked.append(str(purpose))
    if not checked:
        run.add(STATUS, SKIP, "The credential's status method is not one microcred checks.")
        return
    run.add(STATUS, PASS, "The credential is not " + " or ".join(_purpose_word(p) for p in checked) + ".")


def _purpose_word(purpose: str) -> str:
    return {"revocation": "revoked", "suspension": "suspended"}.get(purpose, f"flagged for {purpose[:50]}")


def _fetch(run: _Run, url: str) -> tuple[Any, tuple[str, str] | None]:
    try:
        return run.context.status_fetcher(url), None  # type: ignore[misc]
    except Exception as exc:
        detail = exc.message if isinstance(exc, VCError) else type(exc).__name__
        return None, (STATUS_UNAVAILABLE, f"The status list {url[:200]} could not be fetched ({detail}).")


def _check_bitstring_entry(run: _Run, credential: dict[str, Any], entry: dict[str, Any]) -> tuple[str, str] | None:
    from microcred.vc import status

    url = entry.get("statusListCredential")
    purpose = entry.get("statusPurpose")
    if not isinstance(url, str) or not isinstance(purpose, str):
        return STATUS_ENTRY_MALFORMED, "A status entry names no status list or no purpose."
    list_credential = run.context.status_lists.get(url)
    if list_credential is None:
        fetched, problem = _fetch(run, url)
        if problem is not None:
            return problem
        cache = run.context.status_list_cache
        cache_key = cache.key(url, fetched) if cache is not None else None
        known = cache.get(cache_key, run.context.moment()) if cache is not None and cache_key is not None else None
        if known is not None:
            list_issuer, list_credential = known.issuer, known.credential
        else:
            list_report = _verify(fetched, _nested_context(run.context), run.depth + 1)
            if not list_report.valid:
                failure = list_report.first_failure
                why = f" ({failure.code}: {failure.reason})" if failure else ""
                return STATUS_LIST_INVALID, f"The status list {url[:200]} does not verify{why}."
            list_issuer, list_credential = list_report.issuer, list_report.credential
            if cache is not None and cache_key is not None and isinstance(list_credential, dict):
                cache.put(cache_key, list_credential, list_issuer, run.context.moment())
        if list_issuer != _issuer_id(credential):
            return STATUS_LIST_ISSUER, f"The status list {url[:200]} was not issued by the credential's issuer."
        run.context.status_lists[url] = list_credential
    try:
        flagged = status.check_entry(entry, list_credential)  # type: ignore[arg-type]
    except VCError as exc:
        return exc.code, f"The status list {url[:200]} could not be read: {exc.message}"
    if not flagged:
        return None
    if purpose == "suspension":
        return SUSPENDED, "The issuer has suspended the credential."
    if purpose == "revocation":
        return REVOKED, "The issuer has revoked the credential."
    return None  # refresh and message purposes say nothing about validity


def _check_revocation_list(run: _Run, credential: dict[str, Any], entry: dict[str, Any]) -> tuple[str, str] | None:
    """1EdTech's revocation list is a plain JSON document at the entry's id (not a signed credential)."""
    from microcred.vc import status

    url = entry.get("id")
    credential_id = credential.get("id")
    if not isinstance(url, str) or not isinstance(credential_id, str):
        return STATUS_ENTRY_MALFORMED, "A revocation list entry names no list, or the credential has no id."
    document, problem = _fetch(run, url)
    if problem is not None:
        return problem
    try:
        revoked = status.check_revocation_list(entry, document, credential_id)
    except VCError as exc:
        return exc.code, f"The revocation list {url[:200]} could not be read: {exc.message}"
    if revoked:
        reason = status.revocation_reason(document, credential_id)
        return REVOKED, "The issuer has revoked the credential" + (f": {reason[:200]}." if reason else ".")
    return None


def _nested_context(context: _Context) -> _Context:
    return _Context(
        resolver=context.get_resolver(),
        status_fetcher=None,
        now=context.now,
        loader=context.loader,
        max_bytes=context.max_bytes,
        check_status=False,
        status_lists=context.status_lists,
        status_list_cache=context.status_list_cache,
    )


# --- endorsements and embedded credentials -----------------------------------------------------------


def _endorsement_items(credential: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    holders: list[tuple[str, Any]] = [("credential", credential)]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict):
        holders.append(("achievement", subject.get("achievement")))
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            holders.append(("achievement creator", achievement.get("creator")))
    holders.append(("issuer", credential.get("issuer")))
    for where, holder in holders:
        if not isinstance(holder, dict):
            continue
        for key in ("endorsement", "endorsementJwt"):
            value = holder.get(key)
            if value is None:
                continue
            for entry in value if isinstance(value, list) else [value]:
                yield where, entry


def _endorsements(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    found = list(_endorsement_items(credential))
    if not found:
        run.add(ENDORSEMENTS, SKIP, "The credential carries no endorsements.")
        return
    if len(found) > MAX_ENDORSEMENTS:
        run.add(ENDORSEMENTS, FAIL, f"The credential carries more than {MAX_ENDORSEMENTS} endorsements.", TOO_MANY)
        return
    if run.depth >= MAX_NESTED_DEPTH:
        run.add(ENDORSEMENTS, SKIP, "Endorsements nested this deep are not checked.")
        return
    details = []
    failed = None
    for where, entry in found:
        sub = _verify(entry, _nested_context(run.context), run.depth + 1)
        is_endorsement = sub.credential is not None and "EndorsementCredential" in _types(sub.credential)
        failure = sub.first_failure
        details.append(
            {
                "on": where,
                "id": (sub.credential or {}).get("id"),
                "issuer": sub.issuer,
                "valid": sub.valid and is_endorsement,
                "failure": {"code": failure.code, "reason": failure.reason} if failure else None,
            }
        )
        if (not sub.valid or not is_endorsement) and failed is None:
            failed = (where, sub, failure)
    if failed is not None:
        where, sub, failure = failed
        why = f"{failure.code}: {failure.message}" if failure else "it is not an EndorsementCredential"
        message = f"An endorsement of the {where} does not verify ({why})"
        run.add(ENDORSEMENTS, FAIL, message, ENDORSEMENT_INVALID, details)
        return
    run.add(ENDORSEMENTS, PASS, f"{len(found)} endorsement(s) verified.", None, details)


def _credentials(run: _Run, item: Any) -> None:
    credential = run.report.credential or {}
    if "ClrCredential" not in _types(credential):
        return
    subject = credential.get("credentialSubject")
    embedded = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if not isinstance(embedded, list) or not embedded:
        run.add(CREDENTIALS, FAIL, "The CLR holds no credentials.", CREDENTIAL_INVALID)
        return
    if len(embedded) > MAX_CLR_CREDENTIALS:
        run.add(CREDENTIALS, FAIL, f"The CLR holds more than {MAX_CLR_CREDENTIALS} credentials.", TOO_MANY)
        return
    if run.depth >= MAX_NESTED_DEPTH:
        run.add(CREDENTIALS, SKIP, "Credentials nested this deep are not checked.")
        return
    details = []
    failed = None
    for index, entry in enumerate(embedded):
        target = entry
        if isinstance(entry, dict) and entry.get("type") == "EnvelopedVerifiableCredential":
            data = entry.get("id") or ""
            target = data.split(",", 1)[1] if isinstance(data, str) and "," in data else data
        context = _nested_context(run.context)
        context.status_fetcher = run.context.status_fetcher
        context.check_status = run.context.check_status
        context.in_clr = True
        sub = _verify(target, context, run.depth + 1)
        failure = sub.first_failure
        details.append({"index": index, "valid": sub.valid, "failure": failure.to_json() if failure else None})
        if not sub.valid and failed is None:
            failed = (index, failure)
    if failed is not None:
        index, failure = failed
        why = f"{failure.code}: {failure.message}" if failure else "no valid proof"
        message = f"Credential {index + 1} of the CLR does not verify ({why})"
        run.add(CREDENTIALS, FAIL, message, CREDENTIAL_INVALID, details)
        return
    run.add(CREDENTIALS, PASS, f"The {len(embedded)} credential(s) of the CLR verify.", None, details)
