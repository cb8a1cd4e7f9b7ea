"""Issuing: keys, status lists, signing and revocation. Every state change is audited.

The cryptography and the credential formats live in :mod:`microcred.vc`; this module holds the
platform's side: which key an organization signs with, which status-list bit a credential owns,
and what was issued to whom.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import re
import secrets
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization, OrganizationKind, User
from microcred.accounts.permissions import SYSTEM, can, require
from microcred.audit.services import record
from microcred.catalog.formats import language_maps_context
from microcred.errors import Conflict, ErrorList, PermissionDenied, ValidationFailed
from microcred.issuing import identity, keystore, selectors
from microcred.issuing.models import (
    STATUS_LIST_SIZE,
    IssuedCredential,
    IssuerKey,
    ProofFormat,
    StatusList,
    StatusPurpose,
)
from microcred.vc import compose, data_integrity, status, structure
from microcred.vc import jwt as vc_jwt
from microcred.vc.dates import format_date_time, parse_date_time
from microcred.vc.errors import VCError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2, DATA_INTEGRITY_V2, inline_context_problem
from microcred.vc.model import hashed_identity

# ---------------------------------------------------------------- keys


def _new_key(organization: Organization) -> IssuerKey:
    pair = Ed25519KeyPair.generate()
    return IssuerKey.objects.create(
        organization=organization,
        public_key_multibase=pair.public_key_multibase,
        encrypted_private_key=keystore.encrypt_secret(pair.private_bytes),
    )


def create_issuer_key(*, actor: Any, organization: Organization) -> IssuerKey:
    """The organization's first signing key. ``actor=None`` is the system (first issue, demo)."""
    if actor is not None:
        require(actor, "issuing.manage_keys", organization)
    with transaction.atomic():
        if active_key(organization) is not None:
            raise Conflict(
                _("This organization already has an active signing key; rotate it instead."), code="key_exists"
            )
        key = _new_key(organization)
        record(
            actor=actor,
            action="issuing.create_key",
            target=key,
            organization=organization,
            after={"public_key_multibase": key.public_key_multibase},
        )
    return key


def rotate_issuer_key(*, actor: Any, organization: Organization) -> IssuerKey:
    """A new signing key; the old one stops signing but stays published, so its credentials verify."""
    if actor is not None:
        require(actor, "issuing.manage_keys", organization)
    with transaction.atomic():
        old = (
            IssuerKey.objects.select_for_update()
            .filter(organization=organization, retired_at__isnull=True, withdrawn_at__isnull=True)
            .first()
        )
        if old is not None:
            old.retired_at = timezone.now()
            old.save(update_fields=["retired_at"])
        key = _new_key(organization)
        record(
            actor=actor,
            action="issuing.rotate_key",
            target=key,
            organization=organization,
            before={"public_key_multibase": old.public_key_multibase if old else None},
            after={"public_key_multibase": key.public_key_multibase},
        )
    return key


def withdraw_issuer_key(*, actor: Any, key: IssuerKey) -> None:
    """Remove a retired key from the DID document (e.g. it leaked): its credentials stop verifying."""
    if actor is not None:
        require(actor, "issuing.manage_keys", key.organization)
    if key.retired_at is None:
        raise Conflict(_("Rotate the key before withdrawing it."), code="key_active")
    if key.withdrawn_at is not None:
        raise Conflict(_("This key is already withdrawn."), code="key_withdrawn")
    with transaction.atomic():
        key.withdrawn_at = timezone.now()
        key.save(update_fields=["withdrawn_at"])
        # Cached status-list credentials may carry the withdrawn key's signature: sign them again (a new change stamp
        # tells every process's memo of them too: microcred.issuing.verification).
        StatusList.objects.filter(organization=key.organization).update(
            signed_credential=None, changed_at=timezone.now()
        )
        record(
            actor=actor,
            action="issuing.withdraw_key",
            target=key,
            organization=key.organization,
            after={"public_key_multibase": key.public_key_multibase},
        )


def active_key(organization: Organization) -> IssuerKey | None:
    return organization.issuer_keys.filter(retired_at__isnull=True, withdrawn_at__isnull=True).first()


def is_frozen(organization: Organization) -> bool:
    """An organization imported from an institution archive (``issuing/archive.py``): public keys only, never signs."""
    return organization.issuer_keys.filter(encrypted_private_key=b"").exists()


# Within a signing session (a bulk award signing thousands of credentials for one provider) each organization's
# active key is looked up and decrypted once, and forgotten when the session ends; outside one, on every call.
_session_keys: contextvars.ContextVar[dict[int, tuple[Ed25519KeyPair, IssuerKey]] | None] = contextvars.ContextVar(
    "signing_session", default=None
)


@contextlib.contextmanager
def signing_session() -> Iterator[None]:
    """Decrypt each organization's key once for the block (a key rotated meanwhile takes effect after it)."""
    token = _session_keys.set({})
    try:
        yield
    finally:
        _session_keys.reset(token)


def signing_key(organization: Organization) -> tuple[Ed25519KeyPair, IssuerKey]:
    """The organization's active key pair, decrypted for one signing operation (created on first use)."""
    session = _session_keys.get()
    if session is not None and organization.pk in session:
        return session[organization.pk]
    pair_and_key = _decrypted_active_key(organization)
    if session is not None:
        session[organization.pk] = pair_and_key
    return pair_and_key


def _decrypted_active_key(organization: Organization) -> tuple[Ed25519KeyPair, IssuerKey]:
    key = active_key(organization)
    if key is None and is_frozen(organization):  # its keys are all retired: only then is the question asked
        raise Conflict(_("This organization was imported from an archive: it signs nothing more."), code="frozen")
    if key is None:
        try:
            key = create_issuer_key(actor=None, organization=organization)
        except (Conflict, IntegrityError):  # created concurrently
            key = active_key(organization)
            assert key is not None
    return Ed25519KeyPair.from_seed(keystore.decrypt_secret(key.encrypted_private_key)), key


# ---------------------------------------------------------------- status lists


def _new_status_list(organization: Organization, purpose: str) -> StatusList:
    return StatusList.objects.create(
        organization=organization,
        purpose=purpose,
        size=STATUS_LIST_SIZE,
        bits=bytes(STATUS_LIST_SIZE // 8),
        stride=secrets.randbelow(STATUS_LIST_SIZE // 2) * 2 + 1,  # odd: a bijection modulo a power of two
        offset=secrets.randbelow(STATUS_LIST_SIZE),
    )


def allocate_status_index(organization: Organization, purpose: str) -> tuple[StatusList, int]:
    """A never-before-used bit in one of the organization's lists for ``purpose``. Call inside a transaction."""
    if purpose not in StatusPurpose.values:
        raise ValidationFailed.single("statusPurpose", "invalid_choice", _("Unknown status purpose."))
    # Neither the bits nor the cached signed list are needed to hand out an index: not read, not rewritten.
    lists = StatusList.objects.select_for_update().defer("bits", "signed_credential")
    status_list = (
        lists.filter(organization=organization, purpose=purpose)
        .order_by("-created_at")
        .first()
    )
    if status_list is None or status_list.is_full:
        status_list = _new_status_list(organization, purpose)
        status_list = lists.get(pk=status_list.pk)
    index = (status_list.stride * status_list.allocated + status_list.offset) % status_list.size
    status_list.allocated += 1
    fields = ["allocated"]
    base = identity.public_base_url()
    if base not in (status_list.public_bases or []):
        status_list.public_bases = [*(status_list.public_bases or []), base]
        fields.append("public_bases")
    status_list.save(update_fields=fields)
    return status_list, index


def status_list_base(status_list: StatusList, url: str) -> str | None:
    """The public base under which ``url`` names this list (the current one, or one its entries were handed out
    under), or None when the list was never published there."""
    candidates = [identity.public_base_url(), *(status_list.public_bases or [])]
    for base in candidates:
        for path in ("/status/", "/credentials/status/"):
            expected = identity.base_key(base) + path + str(status_list.public_id)
            if identity.base_key(url.split("#", 1)[0]) == expected:
                return base
    return None


def read_bit(status_list: StatusList, index: int) -> bool:
    data = bytes(status_list.bits)
    return bool(data[index // 8] & (0x80 >> (index % 8)))  # index 0 is the left-most bit


def _write_bit(status_list: StatusList, index: int, value: bool) -> None:
    if is_frozen(status_list.organization):
        raise Conflict(_("This organization was imported from an archive: its status lists are frozen."), code="frozen")
    data = bytearray(bytes(status_list.bits))
    mask = 0x80 >> (index % 8)
    if value:
        data[index // 8] |= mask
    else:
        data[index // 8] &= ~mask & 0xFF
    status_list.bits = bytes(data)
    status_list.changed_at = timezone.now()
    status_list.signed_credential = None
    status_list.save(update_fields=["bits", "changed_at", "signed_credential"])


# ---------------------------------------------------------------- revocation and suspension


def _locked(credential: IssuedCredential, purpose: str) -> tuple[StatusList, int]:
    list_id = credential.revocation_list_id if purpose == "revocation" else credential.suspension_list_id
    index = credential.revocation_index if purpose == "revocation" else credential.suspension_index
    if list_id is None or index is None:
        raise Conflict(
            _("This credential has no status entry for %(purpose)s.") % {"purpose": purpose}, code="no_status_entry"
        )
    return StatusList.objects.select_for_update().get(pk=list_id), index


def revoke_credential(*, actor: Any, credential: IssuedCredential, reason: str) -> IssuedCredential:
    if actor is not None:
        require(actor, "issuing.revoke", credential.organization)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.single("reason", "required", _("Say why the credential is revoked."))
    with transaction.atomic():
        credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
        if credential.revoked_at:
            raise Conflict(_("This credential is already revoked."), code="already_revoked")
        status_list, index = _locked(credential, "revocation")
        _write_bit(status_list, index, True)
        credential.revoked_at = timezone.now()
        credential.revocation_reason = reason[:2000]
        credential.save(update_fields=["revoked_at", "revocation_reason"])
        record(
            actor=actor,
            action="issuing.revoke",
            target=credential,
            organization=credential.organization,
            after={"reason": credential.revocation_reason},
        )
    return credential


def set_suspension(*, actor: Any, credential: IssuedCredential, suspended: bool, reason: str = "") -> IssuedCredential:
    if actor is not None:
        require(actor, "issuing.revoke", credential.organization)
    with transaction.atomic():
        credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
        if credential.revoked_at:
            raise Conflict(_("A revoked credential cannot be suspended or reinstated."), code="already_revoked")
        if bool(credential.suspended_at) == suspended:
            raise Conflict(_("The credential is already in that state."), code="no_change")
        status_list, index = _locked(credential, "suspension")
        _write_bit(status_list, index, suspended)
        credential.suspended_at = timezone.now() if suspended else None
        credential.save(update_fields=["suspended_at"])
        record(
            actor=actor,
            action="issuing.suspend" if suspended else "issuing.unsuspend",
            target=credential,
            organization=credential.organization,
            after={"reason": reason[:2000]},
        )
    return credential


def credential_by_public_id(public_id: str) -> IssuedCredential:
    return selectors.credential_by_public_id(public_id)


# ---------------------------------------------------------------- issuing

MAX_DOCUMENT_BYTES = 512 * 1024  # one issued credential, signed; it is baked into images and carried in wallets
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def _as_json(value: Any, field: str, errors: ErrorList) -> Any:
    """Plain JSON data (lazy translations become strings), or None with an error."""
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError, RecursionError):
        errors.add(field, "not_json", _("This must be JSON data."))
        return None


def _types(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else value if isinstance(value, list) else []


def _clean_achievement(achievement: Any, errors: ErrorList) -> dict[str, Any]:
    if not isinstance(achievement, Mapping):
        errors.add("achievement", "invalid_type", _("The achievement must be a JSON object."))
        return {}
    cleaned = _as_json(dict(achievement), "achievement", errors) or {}
    cleaned.pop("@context", None)  # embedded: the credential's contexts cover it (see _extension_contexts)
    identifier = cleaned.get("id")
    if not isinstance(identifier, str) or len(identifier) > 500 or not _URI.match(identifier):
        errors.add(
            "achievement.id", "invalid_uri", _("The achievement needs an id that is a URI (500 characters at most).")
        )
    name = cleaned.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 300:
        errors.add("achievement.name", "required", _("The achievement needs a name (300 characters at most)."))
    if "Achievement" not in _types(cleaned.get("type")):
        errors.add("achievement.type", "invalid_type", _("The achievement's type must include Achievement."))
    description = cleaned.get("description")
    if not isinstance(description, str) or not description.strip():
        errors.add("achievement.description", "required", _("The achievement needs a description."))
    if not isinstance(cleaned.get("criteria"), dict):
        errors.add("achievement.criteria", "required", _("The achievement needs criteria (an object)."))
    return cleaned


def _extension_contexts(achievement: Any) -> list[dict[str, Any]]:
    """The extension contexts the credential must carry for its achievement: microcred's language maps (a
    bilingual design's texts, catalog/contexts/language-maps-v1.json), inline, when the achievement, its
    criteria or its creator uses one of their terms. Nothing else is added."""
    maps = language_maps_context()
    terms = {term for term in maps if not term.startswith("@")}
    nodes = [achievement] if isinstance(achievement, Mapping) else []
    nodes += [achievement.get(name) for name in ("criteria", "creator") if nodes]
    used = any(isinstance(node, Mapping) and terms & set(node) for node in nodes)
    return [maps] if used else []


def _clean_items(items: Any, field: str, errors: ErrorList) -> list[dict[str, Any]]:
    if isinstance(items, Mapping) or not isinstance(items, Iterable) or isinstance(items, str | bytes):
        errors.add(field, "invalid_type", _("This must be a list of JSON objects."))
        return []
    cleaned = _as_json(list(items), field, errors) or []
    for position, item in enumerate(cleaned):
        if not isinstance(item, dict):
            errors.add(f"{field}.{position}", "invalid_type", _("This must be a JSON object."))
    return cleaned


def _subject(recipient: User | None, recipient_identifier: Any, errors: ErrorList) -> tuple[str, str | None, Any]:
    """(identifier stored, subject id, subject identity object): a DID becomes the subject's id; an e-mail is hashed."""
    identifier = recipient_identifier if isinstance(recipient_identifier, str) else None
    if identifier is None and recipient_identifier is not None:
        errors.add("recipient_identifier", "invalid_type", _("The recipient must be an e-mail address or a DID."))
        return "", None, None
    identifier = (identifier or (recipient.email if recipient is not None else "")).strip()
    if not identifier:
        errors.add("recipient_identifier", "required", _("Say who receives the credential (e-mail address or DID)."))
    elif len(identifier) > 255:
        errors.add("recipient_identifier", "too_long", _("The recipient has at most 255 characters."))
    elif identifier.startswith("did:") and _URI.match(identifier):
        return identifier, identifier, None
    elif "@" in identifier and " " not in identifier:
        return identifier.lower(), None, hashed_identity(identifier.lower(), secrets.token_hex(16))
    else:
        errors.add("recipient_identifier", "invalid", _("The recipient must be an e-mail address or a DID."))
    return "", None, None


def _sign(unsigned: dict[str, Any], pair: Ed25519KeyPair, method: str, proof_format: str) -> tuple[dict[str, Any], str]:
    """(stored document, JWT or ""): the signed JSON-LD credential, or the JWT and its payload."""
    if proof_format == ProofFormat.VC_JWT:
        return unsigned, vc_jwt.sign_jwt(unsigned, pair, kid=method)
    return data_integrity.sign(unsigned, pair, verification_method=method, cryptosuite=proof_format), ""


def _status_entries(organization: Organization) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A revocation and a suspension entry (call inside a transaction), and the model fields that remember them."""
    revocation_list, revocation_index = allocate_status_index(organization, StatusPurpose.REVOCATION)
    suspension_list, suspension_index = allocate_status_index(organization, StatusPurpose.SUSPENSION)
    entries = [
        status.status_entry(
            list_url=identity.status_list_url(revocation_list.public_id), index=revocation_index, purpose="revocation"
        ),
        status.status_entry(
            list_url=identity.status_list_url(suspension_list.public_id), index=suspension_index, purpose="suspension"
        ),
    ]
    fields = {
        "revocation_list": revocation_list,
        "revocation_index": revocation_index,
        "suspension_list": suspension_list,
        "suspension_index": suspension_index,
    }
    return entries, fields


def _check_size(document: dict[str, Any], token: str) -> None:
    size = len(token) if token else len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed.single(
            "credential", "too_large", _("The credential would be larger than %(size)s KiB.") % {"size": 512}
        )


def _compose(**arguments: Any) -> dict[str, Any]:
    try:
        return compose.open_badge_credential(**arguments)
    except VCError as error:
        raise ValidationFailed.single("achievement", error.code, error.message) from error


def issue_credential(
    *,
    actor: Any,
    organization: Organization,
    achievement: dict[str, Any],
    recipient: User | None,
    recipient_identifier: str,
    results: Iterable[dict[str, Any]] = (),
    evidence: Iterable[dict[str, Any]] = (),
    proof_format: str = ProofFormat.DATA_INTEGRITY_RDFC,
    valid_until: datetime | None = None,
    endorsements: Iterable[dict[str, Any]] = (),
) -> IssuedCredential:
    """Compose, sign and store one Open Badges 3.0 credential, with its own revocation and suspension bits.

    ``endorsements``: signed ``EndorsementCredential`` documents embedded as the credential's own ``endorsement``
    (employers' attestations of this learner's work); they are embedded as given, not re-signed.

    ``actor=None`` is the system (an award decided by the rules). Nothing is written when the input is refused.
    """
    actor = SYSTEM if actor is None else actor
    require(actor, "issuing.issue", organization)
    errors = ErrorList()
    cleaned = _clean_achievement(achievement, errors)
    stored_identifier, subject_id, subject_identity = _subject(recipient, recipient_identifier, errors)
    cleaned_results = _clean_items(results, "results", errors)
    cleaned_evidence = _clean_items(evidence, "evidence", errors)
    if proof_format not in ProofFormat.values:
        errors.add("proof_format", "invalid_choice", _("Choose eddsa-rdfc-2022, eddsa-jcs-2022 or vc-jwt."))
    now = timezone.now()
    if valid_until is not None and (not isinstance(valid_until, datetime) or valid_until <= now):
        errors.add("valid_until", "invalid", _("The end of validity must be a date and time in the future."))
    errors.raise_if_any()

    public_id = uuid.uuid4()
    with transaction.atomic():
        pair, key = signing_key(organization)
        entries, status_fields = _status_entries(organization)
        unsigned = _compose(
            id=f"urn:uuid:{public_id}",
            issuer=identity.issuer_profile(organization, key),
            achievement=cleaned,
            subject_id=subject_id,
            subject_identifier=subject_identity,
            results=cleaned_results,
            evidence=cleaned_evidence,
            valid_from=format_date_time(now),
            valid_until=format_date_time(valid_until) if valid_until is not None else None,
            credential_status=entries,
            endorsements=list(endorsements),
            extra_contexts=_extension_contexts(achievement),
        )
        _check_size(unsigned, "")
        try:
            document, token = _sign(unsigned, pair, identity.signing_method_id(organization, key), proof_format)
        except VCError as error:  # e.g. an achievement term the contexts do not define
            raise ValidationFailed.single("achievement", error.code, error.message) from error
        _check_size(document, token)
        credential = IssuedCredential.objects.create(
            public_id=public_id,
            organization=organization,
            recipient=recipient,
            recipient_identifier=stored_identifier,
            achievement_id=cleaned["id"],
            achievement_name=cleaned["name"][:300],
            credential_type="OpenBadgeCredential",
            proof_format=proof_format,
            document=document,
            jwt=token,
            **status_fields,
        )
        record(
            actor=actor,
            action="issuing.issue",
            target=credential,
            organization=organization,
            after={
                "credential": credential.credential_id,
                "achievement": credential.achievement_id,
                "recipient": stored_identifier,
                "proof_format": proof_format,
                "key": key.public_key_multibase,
            },
        )
    return credential


_JWT_CLAIMS = ("iss", "jti", "nbf", "sub", "exp", "iat", "aud")


def sign_holder_copy(
    *, actor: Any, credential: IssuedCredential, holder_id: str, proof_format: str
) -> tuple[str, dict[str, Any], str]:
    """(copy id, stored document, JWT or "") of a copy of ``credential`` bound to ``holder_id`` (a DID).

    The copy has its own id and ``credentialSubject.id`` = the holder, the same achievement, results, evidence and
    validity, and **the original's status entries**: revoking or suspending the original revokes or suspends every
    copy. It is signed with the organization's current key; nothing is stored here (the caller records the copy).
    """
    actor = SYSTEM if actor is None else actor
    require(actor, "issuing.issue", credential.organization)
    if not (isinstance(holder_id, str) and holder_id.startswith("did:") and _URI.match(holder_id)):
        raise ValidationFailed.single("holder", "invalid", _("The holder must be a DID."))
    if proof_format not in ProofFormat.values:
        raise ValidationFailed.single(
            "proof_format", "invalid_choice", _("Choose eddsa-rdfc-2022, eddsa-jcs-2022 or vc-jwt.")
        )
    unsigned = {key: value for key, value in credential.document.items() if key != "proof"}
    if credential.proof_format == ProofFormat.VC_JWT:
        unsigned = {key: value for key, value in unsigned.items() if key not in _JWT_CLAIMS}
    copy_id = f"urn:uuid:{uuid.uuid4()}"
    subject = dict(unsigned.get("credentialSubject") or {})
    subject["id"] = holder_id
    pair, key = signing_key(credential.organization)
    unsigned = {**unsigned, "id": copy_id, "issuer": identity.issuer_profile(credential.organization, key)}
    unsigned["credentialSubject"] = subject
    method = identity.signing_method_id(credential.organization, key)
    try:
        document, token = _sign(unsigned, pair, method, proof_format)
    except VCError as error:
        raise ValidationFailed.single("credential", error.code, error.message) from error
    _check_size(document, token)
    return copy_id, document, token


# ---------------------------------------------------------------- status-list credentials


def signed_status_list_credential(status_list: StatusList, base: str | None = None) -> dict[str, Any]:
    """The list's ``BitstringStatusListCredential``, signed under the public URL (or ``base``, a former public URL
    its entries were handed out under: see :func:`status_list_base`).

    The one under the current public URL is cached until a bit changes, a key is withdrawn or the public URL
    changes: a list signed under a former URL is never served as the current one (its id would not be the URL
    new credentials name, and verifiers would refuse it, ``status_list_mismatch``).
    """
    current = identity.public_base_url()
    base = (base or current).rstrip("/")
    url = identity.status_list_url(status_list.public_id, base)
    cached = status_list.signed_credential
    if cached and base == current and isinstance(cached, dict) and cached.get("id") == url:
        return cached
    if cached and isinstance(cached, dict) and is_frozen(status_list.organization):
        return cached  # archived: signed once, at export, by a key this host does not hold
    organization = status_list.organization
    pair, key = signing_key(organization)
    unsigned = status.status_list_credential(
        id=url,
        issuer=identity.issuer_did(organization, key, base),
        bits=bytes(status_list.bits),
        purpose=status_list.purpose,
        valid_from=format_date_time(timezone.now()),
    )
    method = identity.signing_method_id(organization, key, base)
    signed = data_integrity.sign(unsigned, pair, verification_method=method)
    if base == current:
        # Only if no bit changed meanwhile: a stale list must never be cached over a fresh one.
        StatusList.objects.filter(pk=status_list.pk, changed_at=status_list.changed_at).update(signed_credential=signed)
        status_list.signed_credential = signed
    return signed


# ---------------------------------------------------------------- W3C VC-API issuing

VC_CONTEXTS = (CREDENTIALS_V2, CREDENTIALS_V1)
VC_API_CRYPTOSUITES = (ProofFormat.DATA_INTEGRITY_RDFC, ProofFormat.DATA_INTEGRITY_JCS)


def vc_api_test_issuer() -> Organization:
    """The organization that signs for anonymous callers while ``VC_API_TEST_MODE`` is on."""
    organization = Organization.objects.filter(slug=identity.VC_API_TEST_ISSUER_SLUG).first()
    if organization is None:
        organization, _created = Organization.objects.get_or_create(
            slug=identity.VC_API_TEST_ISSUER_SLUG,
            defaults={"name": "VC-API test issuer", "kind": OrganizationKind.PROVIDER, "provider_type": "other"},
        )
    if active_key(organization) is None:
        signing_key(organization)
    return organization


def vc_api_test_issuer_did() -> str:
    """The did:key the VC-API test issuer signs as (what a test-mode request names as its ``issuer``)."""
    organization = vc_api_test_issuer()
    key = active_key(organization)
    assert key is not None  # vc_api_test_issuer() makes one
    return identity.issuer_did(organization, key)


def _bad_issuer() -> ValidationFailed:
    message = _("The issuer must be a URL or an object with an id.")
    return ValidationFailed.single("credential.issuer", "invalid", message)


def _issuer_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def vc_api_organization(*, actor: Any, issuer: Any, test_mode: bool) -> Organization:
    """Which organization signs a VC-API request (which "issuer instance", in the VC-API's words).

    The credential must name its issuer: "A verifiable credential MUST have an issuer property" (VC DM 2.0 §4.7),
    and the VC-API issuer test suite expects a request without one to be refused ("credential MUST have property
    issuer"). The VC-API lets an instance be configured with its issuer; the named issuer must then match it, else
    400. Here the instance is the organization the credential (or ``options.issuer``) names, or the test issuer in
    test mode (``microcred keys test-issuer`` prints its DID). An anonymous test-mode caller naming another issuer
    gets 400 ``issuer_mismatch``; a signed-in user naming an organization they may not issue for gets 403.
    """
    issuer_id = _issuer_id(issuer)
    if issuer is not None and issuer_id is None:
        raise _bad_issuer()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is None and not test_mode:
        raise PermissionDenied(_("Sign in or send an API token."), code="not_authenticated")
    if issuer_id is None:
        raise ValidationFailed.single(
            "credential.issuer", "issuer_required", _("Name the issuing organization's DID as the issuer.")
        )
    if test_mode:
        test_issuer = vc_api_test_issuer()
        key = active_key(test_issuer)
        if key is not None and issuer_id == identity.issuer_did(test_issuer, key):
            return test_issuer
        if user is None:
            raise ValidationFailed.single(
                "credential.issuer",
                "issuer_mismatch",
                _("The issuer does not match the issuer this service signs as; name that one."),
            )
    candidates = [
        membership.organization
        for membership in user.memberships.select_related("organization")
        if can(user, "issuing.issue", membership.organization)
    ]
    for organization in candidates:
        if identity.organization_did(organization) == issuer_id:
            return organization
    raise PermissionDenied(_("You may not issue credentials for this issuer."), code="issuer_not_allowed")


def _structure_message(code: str) -> str:
    messages = {
        structure.TYPE_MISSING: _("Each value here must name its type."),
        structure.NOT_AN_OBJECT: _("Each value here must be an object."),
        structure.ID_MISSING: _("Each value here must have an id (a URL)."),
        structure.ID_INVALID: _("The id must be one URL."),
        structure.ID_DUPLICATE: _("Two related resources have the same id."),
        structure.DIGEST_MISSING: _("A related resource needs a digestSRI or a digestMultibase."),
        structure.DIGEST_MALFORMED: _("The digest is not well formed."),
    }
    return messages.get(code, _("This value is not valid."))


def _check_vc(credential: dict[str, Any], errors: ErrorList) -> str | None:
    """The VC version's base context, after checking what every credential needs (VC DM 1.1 or 2.0)."""
    contexts = credential.get("@context")
    contexts = [contexts] if isinstance(contexts, str) else contexts
    base = contexts[0] if isinstance(contexts, list) and contexts else None
    if base not in VC_CONTEXTS:
        errors.add("credential.@context", "invalid", _("The first context must be the VC 1.1 or 2.0 context."))
    elif inline_context_problem(contexts) is not None:  # objects are allowed (VC DM 2.0 §4.3), within bounds
        errors.add(
            "credential.@context",
            "context_inline",
            _("Each context is a URL or an object; inline contexts are limited in number, size and depth."),
        )
    if "VerifiableCredential" not in _types(credential.get("type")):
        errors.add("credential.type", "invalid", _("The type must include VerifiableCredential."))
    subjects = credential.get("credentialSubject")
    subjects = [subjects] if isinstance(subjects, dict) else subjects
    if not isinstance(subjects, list) or not subjects or not all(isinstance(s, dict) and s for s in subjects):
        errors.add("credential.credentialSubject", "invalid", _("The credential needs a subject (an object)."))
    if "id" in credential and (not isinstance(credential["id"], str) or not _URI.match(credential["id"])):
        errors.add("credential.id", "invalid_uri", _("The credential's id must be a URL."))
    if "proof" in credential:
        errors.add("credential.proof", "already_signed", _("Send the credential without a proof."))
    for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
        if name in credential and parse_date_time(credential[name]) is None:
            errors.add(
                f"credential.{name}", "invalid_date", _("This must be a date and time such as 2026-01-31T12:00:00Z.")
            )
    for problem in structure.problems(credential):
        errors.add(f"credential.{problem.field}", problem.code, _structure_message(problem.code))
    return base if isinstance(base, str) else None


def issue_vc_api_credential(
    *, actor: Any, organization: Organization, credential: Any, options: Any = None
) -> IssuedCredential:
    """Sign a caller's credential (W3C VC-API ``/credentials/issue``) as ``organization``.

    A VC 2.0 credential without a status gets a revocation and a suspension entry, like every credential
    the platform issues. Terms the contexts do not define are refused (400), not silently dropped.
    """
    require(actor, "issuing.issue", organization)
    errors = ErrorList()
    if not isinstance(credential, dict):
        raise ValidationFailed.single("credential", "invalid_type", _("The credential must be a JSON object."))
    options = options if options is not None else {}
    if not isinstance(options, dict):
        raise ValidationFailed.single("options", "invalid_type", _("The options must be a JSON object."))
    base = _check_vc(credential, errors)
    cryptosuite = options.get("cryptosuite", ProofFormat.DATA_INTEGRITY_RDFC)
    if cryptosuite not in VC_API_CRYPTOSUITES:
        errors.add("options.cryptosuite", "unsupported", _("Choose eddsa-rdfc-2022 or eddsa-jcs-2022."))
    errors.raise_if_any()

    public_id = uuid.uuid4()
    with transaction.atomic():
        pair, key = signing_key(organization)
        issuer_did = identity.issuer_did(organization, key)
        unsigned = dict(credential)
        given = _issuer_id(unsigned.get("issuer"))
        if given is None and "issuer" in unsigned:
            raise _bad_issuer()
        if given is not None and given != issuer_did:
            raise PermissionDenied(_("You may not issue credentials for this issuer."), code="issuer_not_allowed")
        unsigned.setdefault("issuer", issuer_did)
        if base == CREDENTIALS_V1:
            unsigned.setdefault("issuanceDate", format_date_time(timezone.now()))
            contexts = unsigned["@context"] if isinstance(unsigned["@context"], list) else [unsigned["@context"]]
            if DATA_INTEGRITY_V2 not in contexts:  # VC 1.1 does not define DataIntegrityProof's terms
                unsigned["@context"] = [*contexts, DATA_INTEGRITY_V2]
        status_fields: dict[str, Any] = {}
        if base == CREDENTIALS_V2 and "credentialStatus" not in unsigned:
            entries, status_fields = _status_entries(organization)
            unsigned["credentialStatus"] = entries
        try:
            method = identity.signing_method_id(organization, key)
            document = data_integrity.sign(
                unsigned, pair, verification_method=method, cryptosuite=cryptosuite, single_proof=True
            )
        except VCError as error:
            raise ValidationFailed.single("credential", error.code, error.message) from error
        _check_size(document, "")
        subjects = unsigned["credentialSubject"]
        subject = subjects if isinstance(subjects, dict) else subjects[0]
        types = [t for t in _types(unsigned.get("type")) if t != "VerifiableCredential"]
        issued = IssuedCredential.objects.create(
            public_id=public_id,
            organization=organization,
            recipient_identifier=str(subject.get("id", ""))[:255],
            achievement_id="",
            achievement_name=str(unsigned.get("name", ""))[:300] if isinstance(unsigned.get("name"), str) else "",
            credential_type=str(types[-1] if types else "VerifiableCredential")[:40],
            proof_format=cryptosuite,
            document=document,
            **status_fields,
        )
        record(
            actor=actor,
            action="issuing.issue_vc_api",
            target=issued,
            organization=organization,
            after={"credential": unsigned.get("id", issued.credential_id), "key": key.public_key_multibase},
        )
    return issued
