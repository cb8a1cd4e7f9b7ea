"""Errors of the verifiable-credential core. Each has a stable ``code`` that reports and APIs expose."""

from __future__ import annotations


class VCError(Exception):
    """Anything the core refuses: malformed input, an unknown key, a limit passed."""

    code = "vc_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidKey(VCError):
    code = "invalid_key"


class ContextError(VCError):
    """A JSON-LD context that is not bundled (and not explicitly allowed) or is malformed."""

    code = "context_not_allowed"


class CanonicalizationError(VCError):
    """RDF canonicalization refused the document (too much work, undefined terms, bad JSON-LD)."""

    code = "canonicalization_failed"


class ProofError(VCError):
    code = "proof_invalid"


class ResolutionError(VCError):
    """A DID or key URL could not be resolved to a public key."""

    code = "resolution_failed"


class LimitExceeded(VCError):
    code = "limit_exceeded"
