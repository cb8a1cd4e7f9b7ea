"""Issuing: keys, status lists, signing and revocation. Every state change is audited.

The cryptography and the credential formats live in :mod:`microcred.vc`; this module holds the
platform's side: which key an organization signs with, which status-list bit a credential owns,
and what was issued to whom.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.errors import Conflict, NotFound, ValidationFailed
from microcred.issuing import keystore
from microcred.issuing.models import STATUS_LIST_SIZE, IssuedCredential, IssuerKey, StatusList, StatusPurpose
from microcred.vc.keys import Ed25519KeyPair

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
    with transaction.atomic():
        key.withdrawn_at = timezone.now()
        key.save(update_fields=["withdrawn_at"])
        record(
            actor=actor,
            action="issuing.withdraw_key",
            target=key,
            organization=key.organization,
            after={"public_key_multibase": key.public_key_multibase},
        )


def active_key(organization: Organization) -> IssuerKey | None:
    return organization.issuer_keys.filter(retired_at__isnull=True, withdrawn_at__isnull=True).first()


def signing_key(organization: Organization) -> tuple[Ed25519KeyPair, IssuerKey]:
    """The organization's active key pair, decrypted for one signing operation (created on first use)."""
    key = active_key(organization)
    if key is None:
        try:
            key = create_issuer_key(actor=None, organization=organization)
        except Conflict:  # created concurrently
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
    status_list = (
        StatusList.objects.select_for_update()
        .filter(organization=organization, purpose=purpose)
        .order_by("-created_at")
        .first()
    )
    if status_list is None or status_list.is_full:
        status_list = _new_status_list(organization, purpose)
        status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
    index = (status_list.stride * status_list.allocated + status_list.offset) % status_list.size
    status_list.allocated += 1
    status_list.save(update_fields=["allocated"])
    return status_list, index


def read_bit(status_list: StatusList, index: int) -> bool:
    data = bytes(status_list.bits)
    return bool(data[index // 8] & (0x80 >> (index % 8)))  # index 0 is the left-most bit


def _write_bit(status_list: StatusList, index: int, value: bool) -> None:
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
    credential = IssuedCredential.objects.select_related("organization").filter(public_id=public_id).first()
    if credential is None:
        raise NotFound(_("No such credential."), code="credential_not_found")
    return credential
