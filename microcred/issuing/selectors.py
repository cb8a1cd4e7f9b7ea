"""Reading what was issued."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection
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


# Two reads on every verification of a credential issued here, written as SQL: building each query through the ORM
# cost more than the database's answer (measured: a third of a verify request's time went to compiling four queries).


def status_list_stamp(public_id: uuid.UUID) -> Any:
    """The change stamp of a status list as the database holds it (for equality only), or None if there is none."""
    field = StatusList._meta.get_field("public_id")
    table = connection.ops.quote_name(StatusList._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT changed_at FROM {table} WHERE public_id = %s",  # noqa: S608 (names from the model, not input)
            [field.get_db_prep_value(public_id, connection)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def published_key_multibases(slug: str) -> list[str] | None:
    """The public keys (multibase) in the DID document of the organization ``slug``, oldest first; None if there is
    no such organization."""
    organizations = connection.ops.quote_name(Organization._meta.db_table)
    keys = connection.ops.quote_name(IssuerKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k.public_key_multibase FROM {organizations} o "  # noqa: S608 (names from the models)
            f"LEFT JOIN {keys} k ON k.organization_id = o.id AND k.withdrawn_at IS NULL "
            "WHERE o.slug = %s ORDER BY k.created_at, k.id",
            [slug],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    return [row[0] for row in rows if row[0] is not None]
