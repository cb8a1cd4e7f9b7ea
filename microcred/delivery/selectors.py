"""Reads of the delivery package."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.delivery.models import Delivery
from microcred.errors import NotFound
from microcred.issuing.models import IssuedCredential
from microcred.issuing.selectors import credentials_of


def own_credential(user: User, public_id: Any) -> IssuedCredential:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    credential = credentials_of(user).filter(public_id=key).first() if key else None
    if credential is None:
        raise NotFound(_("No such credential in your wallet."), code="credential_not_found")
    return credential


def own_credential_or_none(user: User, public_id: Any) -> IssuedCredential | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return credentials_of(user).filter(public_id=key).select_related("organization").first()


def deliveries_of(credential: IssuedCredential) -> QuerySet[Delivery]:
    return Delivery.objects.filter(credential=credential).order_by("-delivered_at")
