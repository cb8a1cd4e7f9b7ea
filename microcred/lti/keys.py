"""The tool's own RSA keys: made with ``cryptography``, published as a JWKS (``/lti/jwks``) through joserfc, their
private part encrypted at rest with the issuer keys' key-encryption keys (``issuing.keystore``).

Rotation: a new key signs from the moment it is made; the previous one stays published (platforms cache the JWKS)
until an administrator retires it."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.jwk import RSAKey

from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.errors import Conflict
from microcred.issuing.keystore import decrypt_secret, encrypt_secret
from microcred.lti.models import ToolKey


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    jwk = RSAKey.import_key(pem)
    kid = jwk.thumbprint()
    public = jwk.as_dict(private=False)
    public.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return ToolKey(kid=kid, public_jwk=public, private_key=encrypt_secret(pem))


def signing_key() -> ToolKey:
    """The key that signs now: the newest one not superseded, made on first use."""
    key = ToolKey.objects.filter(superseded_at__isnull=True, retired_at__isnull=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        key = ToolKey.objects.select_for_update().filter(superseded_at__isnull=True, retired_at__isnull=True).first()
        if key is None:
            key = _new_key()
            key.save()
            record(actor="system", action="lti.create_tool_key", target=key, after={"kid": key.kid})
    return key


def private_pem(key: ToolKey) -> str:
    return decrypt_secret(bytes(key.private_key)).decode("ascii")


def public_pem(key: ToolKey) -> str:
    return RSAKey.import_key(key.public_jwk).as_pem(private=False).decode("ascii")


def jwks() -> dict[str, Any]:
    """Every key not retired, the signing one first."""
    signing_key()
    # The signing key has no superseded_at: first on every database (PostgreSQL sorts NULLs last by default).
    newest_first = (F("superseded_at").asc(nulls_first=True), "-created_at")
    keys = ToolKey.objects.filter(retired_at__isnull=True).order_by(*newest_first)
    return {"keys": [dict(key.public_jwk) for key in keys]}


def rotate(*, actor: Any) -> ToolKey:
    """A new signing key; the previous one stays in the JWKS until it is retired."""
    require(actor, "platform.administer")
    with transaction.atomic():
        now = timezone.now()
        previous = list(ToolKey.objects.select_for_update().filter(superseded_at__isnull=True, retired_at__isnull=True))
        ToolKey.objects.filter(pk__in=[k.pk for k in previous]).update(superseded_at=now)
        key = _new_key()
        key.save()
        record(
            actor=actor,
            action="lti.rotate_tool_key",
            target=key,
            before={"kids": [k.kid for k in previous]},
            after={"kid": key.kid},
        )
    return key


def retire(*, actor: Any, kid: str) -> ToolKey:
    """Stop publishing a superseded key (platforms then refuse what it signed)."""
    require(actor, "platform.administer")
    with transaction.atomic():
        key = ToolKey.objects.select_for_update().filter(kid=kid, retired_at__isnull=True).first()
        if key is None:
            raise Conflict(_("No such published key."), code="unknown_key")
        if key.superseded_at is None:
            raise Conflict(_("The signing key cannot be retired: rotate first."), code="signing_key")
        key.retired_at = timezone.now()
        key.save(update_fields=["retired_at"])
        record(actor=actor, action="lti.retire_tool_key", target=key, after={"kid": kid})
    return key
