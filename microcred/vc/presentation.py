"""Verify a verifiable presentation made for DID authentication: its proof, challenge, domain and holder.

A wallet proves it controls a DID by signing a ``VerifiablePresentation`` (with or without credentials) whose proof
has ``proofPurpose: authentication`` and carries the verifier's ``challenge`` (and ``domain``): VC Data Integrity
1.0 §2.1, the VC-API exchange protocol's ``DIDAuthentication`` query and the CCG Verifiable Presentation Request
spec. :func:`verify_presentation` checks, in order:

``parse`` (a bounded JSON object) → ``contexts`` (VC 1.1 or 2.0 first, every context bundled) → ``type``
(``VerifiablePresentation``) → ``proof`` (an ``authentication`` proof is there) → ``challenge`` → ``domain`` →
``holder_key`` (the key resolves, its controller is the ``holder``, and the controller's document lists it under
``authentication``) → ``signature`` (``DataIntegrityProof`` with ``eddsa-rdfc-2022``/``eddsa-jcs-2022``, or the
legacy ``Ed25519Signature2020`` that the Learner Credential Wallet signs with).

The first failure stops the run and names a stable ``reason``; the credentials the presentation holds are then
verified one by one with :func:`microcred.vc.verify.verify` (or the verifier the caller gives) and each is told
whether its subject is the holder. Never raises. No Django here: a resolver and a credential verifier come in.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from microcred.vc import data_integrity, verify
from microcred.vc.errors import ResolutionError, VCError
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2, Loader, inline_context_problem, is_bundled

PARSE = "parse"
CONTEXTS = "contexts"
TYPE = "type"
PROOF = "proof"
CHALLENGE = "challenge"
DOMAIN = "domain"
HOLDER_KEY = "holder_key"
SIGNATURE = "signature"
CHECK_ORDER = (PARSE, CONTEXTS, TYPE, PROOF, CHALLENGE, DOMAIN, HOLDER_KEY, SIGNATURE)

# Reasons (stable codes) of a presentation that is refused.
NOT_OBJECT = "not_object"
TOO_DEEP = "too_deep"
TOO_LARGE = "too_large"
CONTEXT_MISSING = "context_missing"
CONTEXT_NOT_BUNDLED = "context_not_bundled"
NOT_PRESENTATION = "not_presentation"
HOLDER_MALFORMED = "holder_malformed"
PROOF_MISSING = "proof_missing"
PROOF_MALFORMED = "proof_malformed"
PROOF_PURPOSE = "proof_purpose_mismatch"
CHALLENGE_MISMATCH = "challenge_mismatch"
DOMAIN_MISSING = "domain_missing"
DOMAIN_MISMATCH = "domain_mismatch"
KEY_UNRESOLVED = "key_unresolved"
HOLDER_MISMATCH = "holder_mismatch"
NOT_AUTHORIZED = "not_authorized_for_authentication"
TOO_MANY = "too_many"
INTERNAL_ERROR = "internal_error"

MAX_DEPTH = 64
MAX_VALUES = 200_000
MAX_PROOFS = 4
MAX_CREDENTIALS = 16
AUTHENTICATION = "authentication"

CredentialVerifier = Callable[[Any], verify.Report]


@dataclass
class PresentedCredential:
    """One credential of the presentation: its verification report, and whether its subject is the holder."""

    index: int
    report: verify.Report
    subject_ids: list[str]
    holder_bound: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "holder_bound": self.holder_bound,
            "subject_ids": self.subject_ids,
            "report": self.report.to_json(),
        }


@dataclass
class PresentationReport:
    valid: bool = False
    holder: str | None = None
    checks: list[verify.Check] = field(default_factory=list)
    credentials: list[PresentedCredential] = field(default_factory=list)

    def check(self, code: str) -> verify.Check | None:
        return next((check for check in self.checks if check.code == code), None)

    @property
    def first_failure(self) -> verify.Check | None:
        return next((check for check in self.checks if check.outcome == verify.FAIL), None)

    @property
    def reason(self) -> str | None:
        failure = self.first_failure
        return failure.reason if failure is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "holder": self.holder,
            "checks": [check.to_json() for check in self.checks],
            "credentials": [credential.to_json() for credential in self.credentials],
        }


class _Refused(Exception):
    pass


class _Run:
    def __init__(self) -> None:
        self.report = PresentationReport()

    def passed(self, code: str, message: str) -> None:
        self.report.checks.append(verify.Check(code, verify.PASS, message))

    def fail(self, code: str, reason: str, message: str) -> None:
        self.report.checks.append(verify.Check(code, verify.FAIL, message, reason))
        done = {check.code for check in self.report.checks}
        for later in CHECK_ORDER:
            if later not in done:
                self.report.checks.append(verify.Check(later, verify.SKIP, "Not checked.", "not_reached"))
        raise _Refused


def _no_fetch(url: str) -> bytes:
    raise ResolutionError(f"{url} is not fetched: only did:key holders are resolved here.", code="resolution_refused")


def verify_presentation(
    presentation: Any,
    *,
    challenge: str,
    domain: str | None = None,
    require_domain: bool = True,
    resolver: Any = None,
    loader: Loader | None = None,
    verify_credential: CredentialVerifier | None = None,
    max_credentials: int = MAX_CREDENTIALS,
) -> PresentationReport:
    """The report on ``presentation`` for the verifier's ``challenge`` (and ``domain``: when ``require_domain`` is
    false, a proof without a domain is accepted, one with another domain is not). ``resolver`` (a
    :class:`microcred.vc.did.Resolver`) finds keys other than did:key; without one, only did:key holders pass."""
    run = _Run()
    try:
        _check(run, presentation, challenge, domain, require_domain, resolver, loader)
        run.report.valid = True
    except _Refused:
        return run.report
    except Exception as exc:  # never raise: an unexpected error refuses the presentation
        run.report.checks.append(
            verify.Check(INTERNAL_ERROR, verify.FAIL, f"Verification stopped ({type(exc).__name__}).", INTERNAL_ERROR)
        )
        return run.report
    run.report.credentials = _credentials(
        presentation, run.report.holder, verify_credential or verify.verify, max_credentials
    )
    return run.report


def _check(
    run: _Run,
    presentation: Any,
    challenge: str,
    domain: str | None,
    require_domain: bool,
    resolver: Any,
    loader: Loader | None,
) -> None:
    if not isinstance(presentation, dict):
        run.fail(PARSE, NOT_OBJECT, "The presentation is not a JSON object.")
    bounds = verify._object_bounds(presentation, MAX_DEPTH, MAX_VALUES)
    if bounds is not None:
        run.fail(PARSE, bounds, "The presentation is nested too deeply or holds too many values.")
    run.passed(PARSE, "The presentation is a JSON object.")

    contexts = presentation.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if not contexts or contexts[0] not in (CREDENTIALS_V1, CREDENTIALS_V2):
        run.fail(CONTEXTS, CONTEXT_MISSING, "The presentation's first @context is not VC 1.1 or VC 2.0.")
    for entry in contexts:
        if isinstance(entry, str) and not is_bundled(entry):
            run.fail(CONTEXTS, CONTEXT_NOT_BUNDLED, f"The context {entry[:200]} is not one microcred knows.")
        if not isinstance(entry, str) and inline_context_problem([entry]) is not None:
            run.fail(CONTEXTS, CONTEXT_NOT_BUNDLED, "An inline context of the presentation is refused.")
    run.passed(CONTEXTS, "The presentation's contexts are known.")

    types = presentation.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" not in types:
        run.fail(TYPE, NOT_PRESENTATION, "The document is not a VerifiablePresentation.")
    holder = presentation.get("holder")
    if isinstance(holder, dict):
        holder = holder.get("id")
    if holder is not None and not (isinstance(holder, str) and holder.startswith("did:") and len(holder) < 2000):
        run.fail(TYPE, HOLDER_MALFORMED, "The presentation's holder is not a DID.")
    run.passed(TYPE, "The document is a VerifiablePresentation.")

    try:
        proofs = data_integrity.proofs_of(presentation)
    except VCError:
        run.fail(PROOF, PROOF_MALFORMED, "The presentation's proof is not a JSON object.")
    if not proofs:
        run.fail(PROOF, PROOF_MISSING, "The presentation has no proof: the holder did not authenticate.")
    if len(proofs) > MAX_PROOFS:
        run.fail(PROOF, TOO_MANY, f"The presentation has more than {MAX_PROOFS} proofs.")
    authenticating = [proof for proof in proofs if proof.get("proofPurpose") == AUTHENTICATION]
    if not authenticating:
        run.fail(PROOF, PROOF_PURPOSE, "No proof of the presentation is made for authentication.")
    proof = authenticating[0]
    run.passed(PROOF, "The presentation has an authentication proof.")

    given = proof.get("challenge")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode("utf-8"), challenge.encode("utf-8")):
        run.fail(CHALLENGE, CHALLENGE_MISMATCH, "The proof's challenge is not the one this verifier gave.")
    run.passed(CHALLENGE, "The proof carries this verifier's challenge.")

    proof_domain = proof.get("domain")
    domains = proof_domain if isinstance(proof_domain, list) else [proof_domain]
    if domain is not None and proof_domain is None and require_domain:
        run.fail(DOMAIN, DOMAIN_MISSING, "The proof names no domain.")
    if domain is not None and proof_domain is not None and domain not in domains:
        run.fail(DOMAIN, DOMAIN_MISMATCH, "The proof was made for another domain.")
    if domain is None or proof_domain is None:
        run.passed(DOMAIN, "The proof is not bound to a domain; the challenge binds it to this verifier.")
    else:
        run.passed(DOMAIN, "The proof names this verifier's domain.")

    vm = proof.get("verificationMethod")
    if not isinstance(vm, str) or not vm.startswith("did:") or len(vm) > 2000:
        run.fail(HOLDER_KEY, KEY_UNRESOLVED, "The proof names no DID verification method.")
    from microcred.vc import did

    keys = did.Resolver(_no_fetch, cache_seconds=0) if vm.startswith("did:key:") or resolver is None else resolver
    try:
        method = keys.resolve_verification_method(vm)
        authorized = keys.controller_authorizes(method.controller, method.id, AUTHENTICATION)
    except VCError as exc:
        run.fail(HOLDER_KEY, KEY_UNRESOLVED, f"The key {vm[:200]} could not be resolved ({exc.code}).")
    if holder is not None and method.controller != holder:
        run.fail(HOLDER_KEY, HOLDER_MISMATCH, "The proof's key is not controlled by the presentation's holder.")
    if not authorized:
        run.fail(HOLDER_KEY, NOT_AUTHORIZED, "The holder's DID document does not list the key for authentication.")
    run.report.holder = method.controller
    run.passed(HOLDER_KEY, f"The key belongs to {method.controller[:200]} and may authenticate it.")

    if not method.public_key:
        run.fail(SIGNATURE, KEY_UNRESOLVED, "The holder's key is not an Ed25519 key.")
    try:
        data_integrity.verify_proof(presentation, proof, method.public_key, loader=loader)
    except VCError as exc:
        run.fail(SIGNATURE, exc.code, f"The presentation's proof does not verify ({exc.message[:300]}).")
    run.passed(SIGNATURE, "The presentation's signature is valid.")


def _subject_ids(credential: Any) -> list[str]:
    subjects = credential.get("credentialSubject") if isinstance(credential, dict) else None
    subjects = subjects if isinstance(subjects, list) else [subjects]
    return [subject["id"] for subject in subjects if isinstance(subject, dict) and isinstance(subject.get("id"), str)]


def _credentials(
    presentation: dict[str, Any], holder: str | None, verifier: CredentialVerifier, limit: int
) -> list[PresentedCredential]:
    held = presentation.get("verifiableCredential")
    if held is None:
        return []
    held = held if isinstance(held, list) else [held]
    out = []
    for index, entry in enumerate(held[:limit]):
        target = entry
        if isinstance(entry, dict) and entry.get("type") == "EnvelopedVerifiableCredential":
            data = entry.get("id") or ""
            target = data.split(",", 1)[1] if isinstance(data, str) and "," in data else data
        report = verifier(target)
        subject_ids = _subject_ids(report.credential)
        out.append(PresentedCredential(index, report, subject_ids, holder is not None and holder in subject_ids))
    return out


def held_count(presentation: Any) -> int:
    """How many credentials a presentation holds (0 for anything that is not a presentation object)."""
    held = presentation.get("verifiableCredential") if isinstance(presentation, dict) else None
    if held is None:
        return 0
    return len(held) if isinstance(held, list) else 1
