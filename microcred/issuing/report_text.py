"""The verifier's report in plain language, translated: a title per check, a sentence per outcome and reason.

The ``vc`` library speaks English and names each check and each reason with a stable code; people read
these sentences instead (in the language of the request). A reason this table does not know keeps a
generic sentence that names its code, so a new code in the library never breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.vc import verify

ISSUER_REGISTRY = "issuer_registry"  # the Django layer's own check: the issuer is the organization it claims
BUNDLE = "bundle"  # the Django layer's own check of a verification bundle (microcred.vc.bundle)

TITLES = {
    verify.PARSE: gettext_lazy("Readable credential"),
    verify.CONTEXTS: gettext_lazy("Known vocabularies"),
    verify.SCHEMA: gettext_lazy("Open Badges structure"),
    verify.SUBJECT: gettext_lazy("Who earned it"),
    verify.PROOF: gettext_lazy("Signature"),
    verify.ISSUER_KEY: gettext_lazy("Issuer identity"),
    ISSUER_REGISTRY: gettext_lazy("The issuer is the organization it claims"),
    BUNDLE: gettext_lazy("Verification bundle"),
    verify.VALIDITY: gettext_lazy("Dates"),
    verify.STATUS: gettext_lazy("Revocation and suspension"),
    verify.ENDORSEMENTS: gettext_lazy("Endorsements"),
    verify.CREDENTIALS: gettext_lazy("Credentials in this record"),
    verify.INTERNAL_ERROR: gettext_lazy("Verification"),
}

PASSED = {
    verify.PARSE: gettext_lazy("The credential could be read."),
    verify.CONTEXTS: gettext_lazy("It uses the standard vocabularies of verifiable credentials."),
    verify.SCHEMA: gettext_lazy("It has the structure the Open Badges 3.0 standard requires."),
    verify.SUBJECT: gettext_lazy("It names the person who earned it."),
    verify.PROOF: gettext_lazy("The digital signature is intact: nothing was changed since it was signed."),
    verify.ISSUER_KEY: gettext_lazy("The signing key belongs to the issuer named in the credential."),
    verify.VALIDITY: gettext_lazy("It is within its dates of validity."),
    verify.STATUS: gettext_lazy("The issuer has neither revoked nor suspended it."),
    verify.ENDORSEMENTS: gettext_lazy("Its endorsements verify too."),
    verify.CREDENTIALS: gettext_lazy("Every credential in this record verifies."),
    BUNDLE: gettext_lazy(
        "The bundle is signed by the issuer and unchanged: its DID document and status list were read from it."
    ),
}

SKIPPED = {
    verify.STATUS: gettext_lazy("The credential has no revocation status to check."),
    verify.ENDORSEMENTS: gettext_lazy("The credential carries no endorsements."),
}

REASONS = {
    "bundle_not_json": gettext_lazy("The verification bundle is not JSON."),
    "bundle_too_large": gettext_lazy("The verification bundle is too large to be checked."),
    "bundle_malformed": gettext_lazy("The verification bundle is malformed."),
    "bundle_version_unsupported": gettext_lazy("This version of verification bundle is not supported."),
    "bundle_signature_missing": gettext_lazy("The verification bundle is not signed."),
    "bundle_signature_invalid": gettext_lazy("The verification bundle's signature does not match: it was changed."),
    "bundle_signer_unknown": gettext_lazy("The key that signed the bundle is not in the issuer's DID document."),
    "bundle_signer_not_issuer": gettext_lazy("The bundle was not signed by the credential's issuer."),
    "bundle_credential_altered": gettext_lazy("The credential in the bundle was changed after the bundle was signed."),
    "bundle_did_document_altered": gettext_lazy(
        "The issuer's DID document in the bundle was changed after the bundle was signed."
    ),
    "bundle_status_list_altered": gettext_lazy(
        "The status list in the bundle was changed after the bundle was signed."
    ),
    "bundle_credential_invalid": gettext_lazy("The credential in the bundle does not verify."),
    "key_withdrawn": gettext_lazy("The issuer has withdrawn the key that signed this credential (it may have leaked)."),
    verify.TOO_LARGE: gettext_lazy("The input is too large to be checked."),
    verify.TOO_DEEP: gettext_lazy("The input is nested too deeply to be checked."),
    verify.NOT_UTF8: gettext_lazy("The input is not text, a credential, or a badge image."),
    verify.NOT_JSON: gettext_lazy("The input is neither a JSON credential, nor a JWT, nor a badge image."),
    verify.NOT_OBJECT: gettext_lazy("The input does not hold a credential."),
    verify.UNBAKE_FAILED: gettext_lazy("No credential could be found in the image."),
    verify.CONTEXT_MISSING: gettext_lazy("The credential does not say which vocabularies it uses."),
    verify.CONTEXT_FIRST: gettext_lazy("The credential does not follow the Verifiable Credentials data model."),
    verify.CONTEXT_NOT_BUNDLED: gettext_lazy("The credential uses a vocabulary this platform does not know."),
    verify.CONTEXT_INLINE: gettext_lazy(
        "The credential defines its own terms in a way that cannot be processed safely."
    ),
    verify.SCHEMA_INVALID: gettext_lazy("The credential does not have the structure Open Badges 3.0 requires."),
    verify.SUBJECT_MISSING: gettext_lazy("The credential does not say who earned it."),
    verify.SUBJECT_UNIDENTIFIED: gettext_lazy("The credential does not identify who earned it."),
    verify.IDENTIFIER_MALFORMED: gettext_lazy("The identifier of who earned it is malformed."),
    verify.PROOF_MISSING: gettext_lazy("The credential is not signed."),
    verify.PROOF_MALFORMED: gettext_lazy("The signature is incomplete or malformed."),
    verify.PROOF_PURPOSE: gettext_lazy("The signature was not made to assert a credential."),
    verify.KEY_UNRESOLVED: gettext_lazy("The issuer's signing key could not be found."),
    verify.ISSUER_MISSING: gettext_lazy("The credential does not name its issuer."),
    verify.CONTROLLER_MISMATCH: gettext_lazy(
        "The credential was signed with someone else's key, not the issuer's: it is not from the issuer it names."
    ),
    verify.NOT_AUTHORIZED: gettext_lazy("The issuer has not authorized this key to sign credentials."),
    verify.DATE_INVALID: gettext_lazy("A date in the credential is malformed."),
    verify.DATE_MISSING: gettext_lazy("The credential has no issue date."),
    verify.NOT_YET_VALID: gettext_lazy("The credential is not valid yet."),
    verify.EXPIRED: gettext_lazy("The credential has expired."),
    verify.REVOKED: gettext_lazy("The issuer has revoked this credential."),
    verify.SUSPENDED: gettext_lazy("The issuer has suspended this credential."),
    verify.STATUS_UNAVAILABLE: gettext_lazy("The issuer's revocation list could not be reached."),
    verify.STATUS_LIST_INVALID: gettext_lazy("The issuer's revocation list does not verify."),
    verify.STATUS_LIST_ISSUER: gettext_lazy("The revocation list was not published by the issuer."),
    verify.STATUS_ENTRY_MALFORMED: gettext_lazy("The credential's revocation status is malformed."),
    verify.ENDORSEMENT_INVALID: gettext_lazy("An endorsement it carries does not verify."),
    verify.CREDENTIAL_INVALID: gettext_lazy("A credential in this record does not verify."),
    verify.TOO_MANY: gettext_lazy("The credential holds more entries than can be checked."),
    verify.INTERNAL_ERROR: gettext_lazy("Verification stopped on an unexpected error."),
    verify.NOT_REACHED: gettext_lazy("Not checked: an earlier check failed."),
    "signature_invalid": gettext_lazy(
        "The signature does not match: the credential was changed after it was signed, or signed with another key."
    ),
    "cryptosuite_unsupported": gettext_lazy("The credential is signed in a way this platform does not check."),
    "proof_value_malformed": gettext_lazy("The signature is malformed."),
    "canonicalization_limit": gettext_lazy("The credential is too complex to be checked."),
    "undefined_term": gettext_lazy("The credential uses terms its vocabularies do not define."),
    "jsonld_invalid": gettext_lazy("The credential is not valid linked data."),
    "context_not_allowed": gettext_lazy("The credential uses a vocabulary this platform does not know."),
    "jwt_malformed": gettext_lazy("The JWT is malformed."),
    "jwt_alg_not_allowed": gettext_lazy("The JWT is signed with an algorithm that is not accepted."),
    "jwt_claim_mismatch": gettext_lazy("The JWT's claims do not match the credential inside it."),
    "resolution_failed": gettext_lazy("The issuer's identity document could not be read."),
    "resolution_network_refused": gettext_lazy(
        "The issuer's identity document is not on this platform, and this platform does not fetch others."
    ),
    "baking_malformed_image": gettext_lazy("The image is damaged or not a valid badge image."),
    "baking_no_credential": gettext_lazy("No credential could be found in the image."),
    "limit_exceeded": gettext_lazy("The input is too large to be checked."),
    "issuer_imitation": gettext_lazy("The issuer imitates an organization registered on this platform."),
}


EMBEDDED_ON = {
    "credential": gettext_lazy("Attestation of the learner's work"),
    "achievement": gettext_lazy("Endorsement of the achievement"),
    "achievement creator": gettext_lazy("Endorsement of the provider"),
    "issuer": gettext_lazy("Endorsement of the issuer"),
}


@dataclass
class EmbeddedLine:
    """One endorsement or attestation a credential carries, with its own outcome."""

    kind: str
    id: str
    issuer: str  # its DID
    valid: bool
    sentence: str
    reason: str | None = None
    issuer_name: str = ""  # the registered organization's name, when the DID is one of this platform's


@dataclass
class CheckLine:
    code: str
    outcome: str  # pass, fail or skip
    title: str
    sentence: str
    reason: str | None = None
    link: str = ""  # where to read more (the issuer's page on this platform)
    items: list[EmbeddedLine] = field(default_factory=list)


@dataclass
class Verdict:
    verified: bool
    headline: str
    reason: str
    checks: list[CheckLine] = field(default_factory=list)
    registered_issuer: bool = True  # a verified credential whose issuer is no organization registered here


def reason_sentence(reason: str | None) -> str:
    if reason is None:
        return _("This check did not pass.")
    known = REASONS.get(reason)
    if known is not None:
        return str(known)
    return _("This check did not pass (%(code)s).") % {"code": reason}


def check_line(check: Any) -> CheckLine:
    title = str(TITLES.get(check.code, check.code))
    if check.outcome == verify.PASS:
        sentence = str(PASSED.get(check.code, _("Passed.")))
    elif check.outcome == verify.SKIP:
        if check.reason == verify.NOT_REACHED:
            sentence = str(REASONS[verify.NOT_REACHED])
        else:
            sentence = str(SKIPPED.get(check.code, _("Not checked.")))
    else:
        sentence = reason_sentence(check.reason)
    items = embedded_lines(check.details) if check.code == verify.ENDORSEMENTS else []
    return CheckLine(check.code, check.outcome, title, sentence, check.reason, items=items)


def _short(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def embedded_lines(details: Any) -> list[EmbeddedLine]:
    """The endorsements check's details (one per embedded endorsement or attestation) in plain language."""
    lines = []
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        failure = detail.get("failure") if isinstance(detail.get("failure"), dict) else None
        valid = detail.get("valid") is True
        reason = _short(failure.get("reason"), 100) or None if failure else None
        if valid:
            sentence = _("Its signature and issuer verify.")
        elif failure is None:
            sentence = _("It is not an endorsement credential.")
        else:
            sentence = reason_sentence(reason)
        lines.append(
            EmbeddedLine(
                kind=str(EMBEDDED_ON.get(_short(detail.get("on"), 40), _("Endorsement"))),
                id=_short(detail.get("id")),
                issuer=_short(detail.get("issuer")),
                valid=valid,
                sentence=sentence,
                reason=reason,
            )
        )
    return lines


def verdict(
    report: Any,
    extra: list[CheckLine] = (),  # type: ignore[assignment]
    *,
    registered_issuer: bool = True,
    issuer_name: str = "",
) -> Verdict:
    """The verdict people read: verified only if the library's report is valid and no extra check failed; the
    headline says so when the issuer is not registered here, since then only its key was proved, not its name."""
    lines = [check_line(check) for check in report.checks]
    position = next((i for i, line in enumerate(lines) if line.code == verify.ISSUER_KEY), len(lines) - 1) + 1
    lines[position:position] = list(extra)
    failed = [line for line in lines if line.outcome == verify.FAIL]
    verified = bool(report.valid) and not failed
    if verified and not registered_issuer:
        reason = _(
            "Every check passed, but the issuer is not registered on this platform: “%(name)s” is what the "
            "credential says of itself; only its signing key was proved."
        ) % {"name": issuer_name[:300]}
        return Verdict(True, _("Verified, from an unregistered issuer"), reason, lines, registered_issuer=False)
    if verified:
        return Verdict(True, _("Verified"), _("Every check passed."), lines)
    reason = failed[0].sentence if failed else _("The credential has no valid signature.")
    return Verdict(False, _("Not verified"), reason, lines)
