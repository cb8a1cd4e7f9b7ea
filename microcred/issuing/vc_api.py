"""The W3C VC-API (https://w3c-ccg.github.io/vc-api/) at the site root: issue, verify, presentations.

Mounted by ``microcred.api`` on its own ninja API, which brings the safe JSON parser, bearer-token and
session authentication, and the error bodies. Issuing needs an API token (or a session with CSRF)
of an organization's admin, except in test mode (``VC_API_TEST_MODE``), where anyone may issue as
the dedicated test issuer so that the W3C test suites can run. A credential that does not verify is
answered with 400 and the full report, as the VC-API and its test suites expect.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Status

from microcred.accounts.permissions import SystemActor
from microcred.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from microcred.issuing import identity, selectors, services, verification
from microcred.vc import data_integrity
from microcred.vc.errors import VCError

router = Router(tags=["VC-API"])

TEST_MODE_ACTOR = SystemActor("vc-api-test-mode")
MAX_PRESENTED_CREDENTIALS = 50
MAX_PRESENTATION_PROOFS = 8
JWT_ENVELOPE = "data:application/vc+jwt,"
ENVELOPED = ("EnvelopedVerifiableCredential", ["EnvelopedVerifiableCredential"])
COMPACT_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def _body_schema(required: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI request body of a VC-API route (the handler reads the body as a free JSON object and checks it)."""
    schema = {"type": "object", "required": [required], "properties": {**properties, "options": {"type": "object"}}}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


_CREDENTIAL = {
    "type": "object",
    "required": ["@context", "type", "credentialSubject"],
    "properties": {
        "@context": {"type": "array", "items": {"type": "string"}},
        "type": {"type": "array", "items": {"type": "string"}},
        "issuer": {"type": "string"},
        "credentialSubject": {"type": "object"},
        "validFrom": {"type": "string", "format": "date-time"},
    },
}
_STATUS_CHANGE = {
    "type": "object",
    "required": ["statusPurpose"],
    "properties": {
        "type": {"type": "string"},
        "statusPurpose": {"type": "string", "enum": ["revocation", "suspension"]},
        "status": {"type": "boolean"},
    },
}
ISSUE_BODY = _body_schema("credential", {"credential": _CREDENTIAL})
VERIFY_BODY = _body_schema(
    "verifiableCredential", {"verifiableCredential": {"oneOf": [_CREDENTIAL, {"type": "string"}]}}
)
PRESENTATION_BODY = _body_schema(
    "verifiablePresentation",
    {
        "verifiablePresentation": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "@context": {"type": "array", "items": {"type": "string"}},
                "type": {"type": "array", "items": {"type": "string"}},
                "holder": {"type": "string"},
                "verifiableCredential": {"type": "array", "items": _CREDENTIAL},
                "proof": {"type": "object"},
            },
        }
    },
)
STATUS_BODY = _body_schema(
    "credentialId",
    {"credentialId": {"type": "string"}, "credentialStatus": {"type": "array", "items": _STATUS_CHANGE}},
)


def anonymous_in_test_mode(request: HttpRequest) -> Any:
    """ninja authentication: lets anonymous callers through while test mode is on."""
    return TEST_MODE_ACTOR if getattr(settings, "VC_API_TEST_MODE", False) else None


def _actor_for(request: HttpRequest, organization: Any) -> Any:
    """The test-mode actor acts for the test issuer only; everyone else acts as the authenticated user."""
    if identity.is_test_issuer(organization):
        return TEST_MODE_ACTOR
    if request.auth is TEST_MODE_ACTOR:
        raise PermissionDenied(_("Sign in or send an API token."), code="not_authenticated")
    return request.auth


def _body_object(body: Any, name: str) -> Any:
    if not isinstance(body, dict):
        raise ValidationFailed.single("body", "invalid_type", _("The body must be a JSON object."))
    if name not in body:
        raise ValidationFailed.single(name, "required", _("This field is required."))
    options = body.get("options", {})
    if not isinstance(options, dict):
        raise ValidationFailed.single("options", "invalid_type", _("The options must be a JSON object."))
    return body[name]


@router.post(
    "credentials/issue", response={201: dict}, summary="Issue a credential (W3C VC-API)", openapi_extra=ISSUE_BODY
)
def issue(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status:
    credential = _body_object(payload, "credential")
    options = payload.get("options") or {}
    suite = request.GET.get("cryptosuite")
    if suite and "cryptosuite" not in options:
        # An issuer instance per cryptosuite, as test suites configure them: /credentials/issue?cryptosuite=…
        options = {**options, "cryptosuite": suite}
    issuer = options.get("issuer", credential.get("issuer") if isinstance(credential, dict) else None)
    in_test_mode = bool(getattr(settings, "VC_API_TEST_MODE", False))
    organization = services.vc_api_organization(actor=request.auth, issuer=issuer, test_mode=in_test_mode)
    issued = services.issue_vc_api_credential(
        actor=_actor_for(request, organization), organization=organization, credential=credential, options=options
    )
    return Status(201, {"verifiableCredential": issued.document})


def _unwrap(credential: Any) -> Any:
    """A VC-JWT enveloped in a ``data:`` URL (VC 2.0 ``EnvelopedVerifiableCredential``) becomes the JWT."""
    if not isinstance(credential, dict) or credential.get("type") not in ENVELOPED:
        return credential
    identifier = credential.get("id")
    if isinstance(identifier, str) and identifier.startswith(JWT_ENVELOPE):
        return identifier[len(JWT_ENVELOPE) :]
    return credential


def _problem(check: Any) -> dict[str, Any]:
    return {"code": check.code, "reason": check.reason, "message": check.message}


def _result(report: Any) -> dict[str, Any]:
    checks = [check for check in report.checks if check.outcome != "skip"]
    return {
        "verified": bool(report.valid),
        "checks": [check.code for check in checks],
        "warnings": [_problem(check) for check in report.checks if check.outcome == "skip"],
        "errors": [_problem(check) for check in checks if check.outcome == "fail"],
        "report": report.to_json(),
    }


def _not_verified(result: dict[str, Any], message: str) -> dict[str, Any]:
    """A 400 verification result is also the API's error body: a ``code`` and a ``message`` beside the report."""
    return {"code": "not_verified", "message": message, **result}


def _verify_one(credential: Any, field: str) -> dict[str, Any]:
    """The result for one credential: a JSON object, or a compact VC-JWT (a JSON-LD credential sent as a string
    of JSON is not a credential: the VC-API verifier test suite expects a parsing error)."""
    credential = _unwrap(credential)
    if isinstance(credential, str):
        if not COMPACT_JWT.fullmatch(credential.strip()):
            raise DomainError(
                _("A credential sent as a string must be a compact VC-JWT; send a JSON-LD credential as an object."),
                code="parsing_error",
                field=field,
            )
    elif not isinstance(credential, dict) or not credential:
        raise ValidationFailed.single(field, "invalid_type", _("A credential is a JSON object or a VC-JWT."))
    return _result(verification.verify_credential(credential))


@router.post(
    "credentials/verify",
    auth=None,
    response={200: dict, 400: dict},
    summary="Verify a credential",
    openapi_extra=VERIFY_BODY,
)
def verify_credential(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status:
    result = _verify_one(_body_object(payload, "verifiableCredential"), "verifiableCredential")
    if result["verified"]:
        return Status(200, result)
    return Status(400, _not_verified(result, _("The credential did not verify.")))


def _presentation_proofs(presentation: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        proofs = data_integrity.proofs_of(presentation)
    except VCError as error:
        raise ValidationFailed.single(
            "verifiablePresentation.proof", error.code, _("Each proof must be a JSON object.")
        ) from error
    if len(proofs) > MAX_PRESENTATION_PROOFS:
        raise ValidationFailed.single(
            "verifiablePresentation.proof",
            "too_many",
            _("A presentation has at most %(count)s proofs.") % {"count": MAX_PRESENTATION_PROOFS},
        )
    return proofs


def _presentation_proof(presentation: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """The presentation's own proofs (if any): each must verify with a key its controller publishes."""
    proofs = _presentation_proofs(presentation)
    errors: list[dict[str, str]] = []
    resolver = verification.resolver()
    for proof in proofs:
        try:
            if options.get("challenge") is not None and proof.get("challenge") != options["challenge"]:
                raise VCError("The proof's challenge is not the one expected.", code="challenge_mismatch")
            if options.get("domain") is not None and proof.get("domain") != options["domain"]:
                raise VCError("The proof's domain is not the one expected.", code="domain_mismatch")
            if proof.get("proofPurpose") != "authentication":
                raise VCError("A presentation is proved for authentication.", code="proof_purpose_mismatch")
            method = resolver.resolve_verification_method(str(proof.get("verificationMethod", "")))
            holder = presentation.get("holder")
            holder_id = holder.get("id") if isinstance(holder, dict) else holder
            if holder_id is not None and method.controller != holder_id:
                raise VCError("The proof's key is not controlled by the holder.", code="controller_mismatch")
            data_integrity.verify_proof(presentation, proof, method.public_key)
        except VCError as error:
            errors.append({"code": error.code, "message": error.message})
    if not proofs and (options.get("challenge") is not None or options.get("domain") is not None):
        errors.append({"code": "proof_missing", "message": "The presentation has no proof to carry the challenge."})
    return {
        "verified": not errors,
        "checks": ["proof"] if proofs else [],
        "warnings": [],
        "errors": errors,
    }


@router.post(
    "presentations/verify",
    auth=None,
    response={200: dict, 400: dict},
    summary="Verify a presentation",
    openapi_extra=PRESENTATION_BODY,
)
def verify_presentation(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status:
    presentation = _body_object(payload, "verifiablePresentation")
    options = payload.get("options") or {}
    if not isinstance(presentation, dict):
        raise ValidationFailed.single(
            "verifiablePresentation", "invalid_type", _("The presentation must be a JSON object.")
        )
    if not isinstance(options, dict):
        raise ValidationFailed.single("options", "invalid_type", _("The options must be a JSON object."))
    types = presentation.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiablePresentation" not in types:
        raise ValidationFailed.single(
            "verifiablePresentation.type", "invalid", _("The type must include VerifiablePresentation.")
        )
    _presentation_proofs(presentation)  # a malformed proof is refused before any credential is checked
    credentials = presentation.get("verifiableCredential", [])
    credentials = credentials if isinstance(credentials, list) else [credentials]
    if len(credentials) > MAX_PRESENTED_CREDENTIALS:
        raise ValidationFailed.single(
            "verifiablePresentation.verifiableCredential",
            "too_many",
            _("A presentation holds at most %(count)s credentials.") % {"count": MAX_PRESENTED_CREDENTIALS},
        )
    credential_results = [
        _verify_one(credential, f"verifiablePresentation.verifiableCredential.{position}")
        for position, credential in enumerate(credentials)
    ]
    presentation_result = _presentation_proof(presentation, options)
    verified = presentation_result["verified"] and all(result["verified"] for result in credential_results)
    body = {
        "verified": verified,
        "presentationResult": presentation_result,
        "credentialResults": credential_results,
        "checks": presentation_result["checks"],
        "warnings": [],
        "errors": presentation_result["errors"]
        + [error for result in credential_results for error in result["errors"]],
    }
    return Status(200, body) if verified else Status(400, _not_verified(body, _("The presentation did not verify.")))


STATUS_PURPOSES = ("revocation", "suspension")


@router.post(
    "credentials/status",
    response=dict,
    summary="Update a credential's status (W3C VC-API)",
    openapi_extra=STATUS_BODY,
)
def update_status(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    """``{"credentialId": …, "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": …,
    "status": true|false}]}``: revoke (for good), suspend or reinstate a credential this platform issued."""
    credential_id = _body_object(payload, "credentialId")
    if not isinstance(credential_id, str) or not credential_id or len(credential_id) > 2000:
        raise ValidationFailed.single("credentialId", "invalid_type", _("This must be text."))
    changes = payload.get("credentialStatus")
    changes = [changes] if isinstance(changes, dict) else changes
    if not isinstance(changes, list) or not changes or not all(isinstance(change, dict) for change in changes):
        raise ValidationFailed.single("credentialStatus", "invalid", _("List the status changes as JSON objects."))
    for change in changes:
        if change.get("statusPurpose") not in STATUS_PURPOSES or not isinstance(change.get("status", True), bool):
            raise ValidationFailed.single(
                "credentialStatus", "invalid", _("Each change needs a statusPurpose (revocation or suspension).")
            )
    credential = selectors.credential_by_credential_id(credential_id)
    actor = _actor_for(request, credential.organization)
    for change in changes:
        if change["statusPurpose"] == "revocation":
            if change.get("status", True) is False:
                raise Conflict(_("A revocation cannot be undone."), code="revocation_final")
            if credential.revoked_at is None:
                credential = services.revoke_credential(
                    actor=actor, credential=credential, reason=str(change.get("reason") or "VC-API")
                )
        elif bool(credential.suspended_at) != change.get("status", True):
            credential = services.set_suspension(
                actor=actor, credential=credential, suspended=change.get("status", True)
            )
    return {
        "credentialId": credential_id,
        "revoked": credential.revoked_at is not None,
        "suspended": credential.suspended_at is not None,
    }
