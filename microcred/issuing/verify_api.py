"""``POST /api/v1/verify``: anyone verifies a credential (``{"credential": <JSON object or JWT>}``).

Answers 200 with the verdict, each check in plain language and the library's report, whether or not the
credential verifies (the question was well asked); malformed input (including input that holds no
credential at all) is a 400 with the API's error body.
A caller with an API token is known, so an employer's verifier is counted for the employer; anonymous
callers are not identified.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router

from microcred.accounts.services import user_for_api_token
from microcred.errors import ValidationFailed
from microcred.issuing import report_text, verifying
from microcred.vc import verify

router = Router(tags=["verify"])

BEARER = "bearer "


def _token_user(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if header[: len(BEARER)].lower() != BEARER:
        return None
    return user_for_api_token(header[len(BEARER) :].strip())


@router.post("verify", auth=None, response={200: dict}, summary="Verify a credential (JSON, JWT) for anyone")
def verify_credential(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ValidationFailed.single("body", "invalid_type", _("The body must be a JSON object."))
    if "credential" not in payload:
        raise ValidationFailed.single("credential", "required", _("This field is required."))
    credential = payload["credential"]
    if isinstance(credential, str):
        credential = verifying.read_text(credential)
    elif not isinstance(credential, dict) or not credential:
        raise ValidationFailed.single("credential", "invalid_type", _("A credential is a JSON object or a VC-JWT."))
    result = verifying.verify_input(credential, viewer=_token_user(request), channel=verifying.API)
    parse = result.report.check(verify.PARSE)
    if parse is not None and parse.outcome == verify.FAIL:  # not a credential at all: the input is malformed
        message = report_text.reason_sentence(parse.reason)
        raise ValidationFailed.single("credential", parse.reason or "malformed", message)
    return verifying.to_json(result)
