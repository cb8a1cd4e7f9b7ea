"""Reading what was issued."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import require
from microcred.errors import NotFound
from microcred.issuing.models import IssuedCredential, IssuerKey, StatusList


def credentials_of(user: User) -> QuerySet[IssuedCredential]:
    return IssuedCredential.objects.filter(recipient=user).select_related("organization")


def credentials_issued_by(organization: Organization) -> QuerySet[IssuedCredential]:
    return IssuedCredential.objects.filter(organization=organization)


def status_list_by_public_id(public_id: str) -> StatusList:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    status_list = StatusList.objects.select_related("organization").filter(public_id=key).first() if key else None
    if status_list is None:
        raise NotFound(_("No such status list."), code="status_list_not_found")
    return status_list


def credential_by_public_id(public_id: object) -> IssuedCredential:
    """By its public id (a UUID, or ``urn:uuid:…``)."""
    text = str(public_id).removeprefix("urn:uuid:")
    try:
        key = uuid.UUID(text) if len(text) <= 45 else None
    except ValueError:
        key = None
    credential = IssuedCredential.objects.select_related("organization").filter(public_id=key).first() if key else None
    if credential is None:
        raise NotFound(_("No such credential."), code="credential_not_found")
    return credential


def credential_by_credential_id(credential_id: str) -> IssuedCredential:
    """By the ``id`` written in the credential, or by the platform's public id."""
    credential = IssuedCredential.objects.select_related("organization").filter(document__id=credential_id).first()
    return credential if credential is not None else credential_by_public_id(credential_id)


def keys_of(*, actor: Any, organization: Organization) -> list[IssuerKey]:
    """Every key the organization ever had, oldest first (for its admins)."""
    require(actor, "issuing.manage_keys", organization)
    return list(organization.issuer_keys.order_by("created_at"))


def key_by_multibase(organization: Organization, public_key_multibase: str) -> IssuerKey:
    key = organization.issuer_keys.filter(public_key_multibase=str(public_key_multibase)[:64]).first()
    if key is None:
        raise NotFound(_("No such key."), code="key_not_found")
    return key
