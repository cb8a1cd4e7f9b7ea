"""Errors of the domain, shared by every app.

Services raise these; the API and the pages map them in one place (``microcred.api`` and
``microcred.accounts.views``) to an HTTP 4xx answer with a stable ``code``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    field: str
    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": str(self.message)}


class DomainError(Exception):
    """A failure the caller can act on; never a bug."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        return body


class ValidationFailed(DomainError):
    """One or more fields are wrong; nothing was written."""

    status = 400
    code = "validation_failed"

    def __init__(self, errors: list[FieldError], message: str = "The input is not valid.") -> None:
        super().__init__(message)
        self.errors = errors

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, code, message)], message)

    def to_json(self) -> dict[str, object]:
        body = super().to_json()
        body["errors"] = [error.to_json() for error in self.errors]
        return body


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Gone(DomainError):
    status = 410
    code = "gone"


@dataclass
class ErrorList:
    """Collects field errors while a service validates, then raises them all at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, code: str, message: str) -> None:
        self.errors.append(FieldError(field_name, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
