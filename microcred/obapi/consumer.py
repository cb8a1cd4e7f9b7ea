"""The consumer side of the Open Badges 3.0 API: a learner connects their microcred wallet to another platform (it
registers microcred as a client there, RFC 7591, and the learner consents there, PKCE S256), then pulls their
credentials from it, each verified before it is stored, or pushes one of their credentials there.

Tokens and the client secret are encrypted at rest (``issuing.keystore``); calls go through ``remote`` (https to
public addresses, bounded)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import record
from microcred.errors import DomainError, NotFound, ValidationFailed
from microcred.issuing.keystore import decrypt_secret, encrypt_secret
from microcred.issuing.selectors import credentials_of
from microcred.obapi import remote, scopes
from microcred.obapi.models import Connection, ConnectionStatus
from microcred.wallet.upserts import upsert_verified

WANTED = [scopes.CREDENTIAL_READ, scopes.CREDENTIAL_UPSERT, scopes.PROFILE_READ]
MAX_PULL = 500


def _secret(value: bytes | memoryview) -> str:
    return decrypt_secret(bytes(value)).decode() if value else ""


def _encrypted(value: str | None) -> bytes:
    return encrypt_secret(value.encode()) if value else b""


@dataclass(frozen=True)
class Started:
    connection: Connection
    authorization_url: str
    state: str
    verifier: str


def start(*, actor: User, url: str, redirect_uri: str) -> Started:
    """Read the platform's discovery document, register there, and give the URL the learner consents at."""
    address = remote.check_url(url).rstrip("/")
    discovery_url = address if address.endswith("/discovery") else address + "/ims/ob/v3p0/discovery"
    document = remote.get_json(discovery_url)
    try:
        scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
        flow = scheme["flows"]["authorizationCode"]
        registration_url = remote.check_url(scheme["x-imssf-registrationUrl"])
        api_base = remote.check_url(document["servers"][0]["url"]).rstrip("/")
        authorize = remote.check_url(flow["authorizationUrl"])
        token = remote.check_url(flow["tokenUrl"])
        name = str(document.get("info", {}).get("title") or api_base)[:200]
    except (KeyError, IndexError, TypeError) as error:
        raise ValidationFailed.single(
            "url", "not_ob_api", _("This address does not describe an Open Badges 3.0 API.")
        ) from error
    registered = remote.post_json(
        registration_url,
        {
            "client_name": "microcred",
            "redirect_uris": [redirect_uri],
            "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": " ".join(WANTED),
        },
    )
    if not isinstance(registered, dict) or not isinstance(registered.get("client_id"), str):
        raise ValidationFailed.single("url", "not_ob_api", _("The platform did not register microcred."))
    with transaction.atomic():
        connection = Connection.objects.create(
            owner=actor,
            name=name,
            api_base=api_base,
            authorization_endpoint=authorize,
            token_endpoint=token,
            client_id=registered["client_id"][:200],
            client_secret=_encrypted(registered.get("client_secret")),
            scope=" ".join(WANTED),
        )
        record(actor=actor, action="obapi.connect_start", target=connection, after={"platform": api_base})
    verifier = generate_token(64)
    session = session_for(connection, redirect_uri=redirect_uri)
    authorization_url, state = session.create_authorization_url(authorize, code_verifier=verifier)
    return Started(connection, authorization_url, state, verifier)


def session_for(connection: Connection, **extra: Any) -> remote.GuardedSession:
    secret = _secret(connection.client_secret) or None
    token = None
    if connection.access_token:
        token = {
            "access_token": _secret(connection.access_token),
            "refresh_token": _secret(connection.refresh_token) or None,
            "token_type": "Bearer",
            "expires_at": int(connection.expires_at.timestamp()) if connection.expires_at else None,
        }
    return remote.GuardedSession(
        connection.client_id,
        secret,
        scope=connection.scope,
        token=token,
        token_endpoint=connection.token_endpoint,
        code_challenge_method="S256",
        update_token=lambda new, refresh_token=None, access_token=None: _store_token(connection, new),
        **extra,
    )


def _store_token(connection: Connection, token: dict[str, Any]) -> None:
    connection.access_token = _encrypted(token.get("access_token"))
    if token.get("refresh_token"):
        connection.refresh_token = _encrypted(token["refresh_token"])
    expires_in = token.get("expires_in")
    connection.expires_at = timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None
    connection.scope = str(token.get("scope") or connection.scope)[:1000]
    connection.save(update_fields=["access_token", "refresh_token", "expires_at", "scope"])


def own(actor: User, public_id: Any) -> Connection:
    connection = Connection.objects.filter(owner=actor, public_id=_uuid(public_id)).first()
    if connection is None:
        raise NotFound(_("No such connection."), code="connection_not_found")
    return connection


def _uuid(value: Any) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def finish(
    *, actor: User, connection: Connection, authorization_response: str, redirect_uri: str, verifier: str
) -> None:
    """The platform sent the learner back with a code: trade it for tokens."""
    session = session_for(connection, redirect_uri=redirect_uri)
    try:
        token = session.fetch_token(
            connection.token_endpoint, authorization_response=authorization_response, code_verifier=verifier
        )
    except (OAuthError, DomainError) as error:
        raise ValidationFailed.single("code", "consent_failed", _("The platform did not give access.")) from error
    with transaction.atomic():
        _store_token(connection, token)
        connection.status = ConnectionStatus.CONNECTED
        connection.save(update_fields=["status"])
        record(actor=actor, action="obapi.connect", target=connection, after={"scope": connection.scope})


@dataclass
class Pulled:
    added: int = 0
    updated: int = 0
    refused: list[str] = field(default_factory=list)


def pull(*, actor: User, connection: Connection) -> Pulled:
    """Every credential the platform holds for the learner; each lands in the wallet only if it verifies."""
    if connection.status != ConnectionStatus.CONNECTED:
        raise ValidationFailed.single("connection", "not_connected", _("This platform is not connected."))
    session = session_for(connection)
    result = Pulled()
    offset, seen = 0, 0
    while seen < MAX_PULL:
        try:
            response = session.get(f"{connection.api_base}/credentials", params={"limit": 50, "offset": offset})
        except (OAuthError, DomainError, OSError) as error:
            raise ValidationFailed.single(
                "connection", "pull_failed", _("The platform could not be reached.")
            ) from error
        if response.status_code != 200:
            raise ValidationFailed.single(
                "connection",
                "pull_failed",
                _("The platform refused (HTTP %(status)s).") % {"status": response.status_code},
            )
        body = response.json() if response.content else {}
        items = [*(body.get("credential") or []), *(body.get("compactJwsString") or [])]
        if not items:
            break
        for item in items:
            seen += 1
            data = item.encode() if isinstance(item, str) else _json_bytes(item)
            try:
                _stored, created = upsert_verified(owner=actor, data=data, source=f"Pulled from {connection.name}")
            except DomainError as error:
                result.refused.append(error.message)
                continue
            if created:
                result.added += 1
            else:
                result.updated += 1
        offset += len(items)
    with transaction.atomic():
        connection.last_pulled_at = timezone.now()
        connection.save(update_fields=["last_pulled_at"])
        record(
            actor=actor,
            action="obapi.pull",
            target=connection,
            after={"added": result.added, "updated": result.updated, "refused": len(result.refused)},
        )
    return result


def _json_bytes(item: Any) -> bytes:
    return json.dumps(item).encode()


def push(*, actor: User, connection: Connection, credential_public_id: Any) -> int:
    """One of the learner's credentials issued here, sent to the platform's wallet; the HTTP status it answered."""
    if connection.status != ConnectionStatus.CONNECTED:
        raise ValidationFailed.single("connection", "not_connected", _("This platform is not connected."))
    credential = credentials_of(actor).filter(public_id=_uuid(credential_public_id)).first()
    if credential is None:
        raise NotFound(_("No such credential in your wallet."), code="credential_not_found")
    session = session_for(connection)
    try:
        if credential.jwt:
            response = session.post(
                f"{connection.api_base}/credentials", data=credential.jwt, headers={"Content-Type": "text/plain"}
            )
        else:
            response = session.post(f"{connection.api_base}/credentials", json=credential.document)
    except (OAuthError, DomainError, OSError) as error:
        raise ValidationFailed.single("connection", "push_failed", _("The platform could not be reached.")) from error
    if response.status_code not in (200, 201):
        raise ValidationFailed.single(
            "credential",
            "push_refused",
            _("The platform refused it (HTTP %(status)s).") % {"status": response.status_code},
        )
    record(
        actor=actor,
        action="obapi.push",
        target=connection,
        after={"credential": str(credential.public_id), "status": response.status_code},
    )
    return response.status_code


def disconnect(*, actor: User, connection: Connection) -> None:
    with transaction.atomic():
        connection.status = ConnectionStatus.DISCONNECTED
        connection.access_token = b""
        connection.refresh_token = b""
        connection.save(update_fields=["status", "access_token", "refresh_token"])
        record(actor=actor, action="obapi.disconnect", target=connection)
