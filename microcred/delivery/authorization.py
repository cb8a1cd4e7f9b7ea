"""OID4VCI's authorization code grant (OID4VCI 1.0 §5): the wallet sends the learner through the platform's sign-in
and consent page (``microcred.oauth``, on Authlib, PKCE S256), the learner picks the credential, and the access
token bought with the code lets the wallet ask for a copy of that one credential, bound to its key.

An offer made on the learner's "Add to a wallet" page carries, beside its pre-authorized code, an
``authorization_code`` grant whose ``issuer_state`` preselects its credential on the consent page; a wallet may
also start on its own (no ``issuer_state``) and the learner then picks among their credentials.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from microcred.delivery.models import CredentialOffer
from microcred.errors import ValidationFailed
from microcred.issuing.models import IssuedCredential
from microcred.issuing.selectors import credentials_of
from microcred.oauth import registry

SCOPE = "OpenBadgeCredential"  # the scope of both credential configurations in the issuer metadata


def issuer_state(offer: CredentialOffer) -> str:
    """``<offer id>.<MAC>``: names the offer, unforgeable without the site's secret key."""
    key = (settings.SECRET_KEY + "\x00oid4vci-issuer-state").encode("utf-8")
    mac = hmac.new(key, f"{offer.public_id}.{offer.salt}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{offer.public_id}.{mac}"


def offer_of_issuer_state(value: Any, learner: Any) -> CredentialOffer | None:
    if not isinstance(value, str) or len(value) > 100 or "." not in value:
        return None
    identifier, _sep, _mac = value.partition(".")
    try:
        key = uuid.UUID(identifier)
    except ValueError:
        return None
    offer = CredentialOffer.objects.select_related("credential").filter(public_id=key, learner=learner).first()
    if offer is None or offer.dead_at is not None or not hmac.compare_digest(issuer_state(offer), value):
        return None
    return offer


def _offerable(learner: Any) -> list[IssuedCredential]:
    return list(
        credentials_of(learner)
        .filter(revoked_at__isnull=True, suspended_at__isnull=True)
        .select_related("organization")
        .order_by("-issued_at")[:200]
    )


def _options(learner: Any, params: Mapping[str, str]) -> list[registry.Choice]:
    return [
        registry.Choice(
            str(credential.public_id),
            _("%(name)s, from %(issuer)s, %(date)s")
            % {
                "name": credential.achievement_name,
                "issuer": credential.organization.name,
                "date": formats.date_format(credential.issued_at, "DATE_FORMAT"),
            },
        )
        for credential in _offerable(learner)
    ]


def _preselect(learner: Any, params: Mapping[str, str]) -> str | None:
    offer = offer_of_issuer_state(params.get("issuer_state"), learner)
    return str(offer.credential.public_id) if offer is not None else None


def _bind(learner: Any, params: Mapping[str, str], choice: str | None) -> dict[str, Any]:
    chosen = next((c for c in _offerable(learner) if str(c.public_id) == choice), None)
    if chosen is None:
        message = _("Choose one of your own credentials that is neither revoked nor suspended.")
        raise ValidationFailed.single(f"choice-{SCOPE}", "not_yours", message)
    offer = offer_of_issuer_state(params.get("issuer_state"), learner)
    return {"credential": str(chosen.public_id), "offer": str(offer.public_id) if offer else None}


def register() -> None:
    registry.register_scope(
        registry.Scope(
            name=SCOPE,
            describe=lambda: _(
                "receive a copy of one of your credentials in its wallet, bound to the wallet's key; the copy shares "
                "the credential's status, so revoking the credential revokes the copy"
            ),
            options=_options,
            preselect=_preselect,
            bind=_bind,
        )
    )
