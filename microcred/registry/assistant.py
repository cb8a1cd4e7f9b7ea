"""The Credential Engine Registry Assistant API, client side (README "Publishing to the Credential Registry").

``POST {assistant}/credential/publishGraph`` with ``Authorization: ApiToken <key>`` and a ``GraphContentRequest``
body publishes (or, for a CTID already there, updates) a credential; a deprecation is a publication whose
``credentialStatusType`` is ``credentialStat:Deprecated``. The answer is a ``RegistryAssistantResponse``:
``Successful``, ``Messages``, ``CTID``, ``RegistryEnvelopeIdentifier``, ``GraphUrl``.

Outbound rules are the project's guarded fetcher's: https only, public addresses only, no redirects, bounded time
and size; hosts in ``settings.LOCAL_HTTP_HOSTS`` (tests, local set-ups) may be plain http on loopback.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed

TIMEOUT = 20
MAX_BYTES = 1024 * 1024


class RegistryError(Exception):
    """A request the registry did not accept. ``transient``: worth retrying later (network, 5xx, 429)."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class Answer:
    ctid: str
    envelope_id: str
    graph_url: str
    messages: list[str]


def check_assistant_url(url: Any, field: str = "assistant_url") -> str:
    """The URL if this server may call it, else a 400 naming ``field`` (no network beyond DNS)."""
    message = _("Give the Registry Assistant's https address, e.g. https://sandbox.credentialengine.org/assistant.")
    if not isinstance(url, str) or not url.strip() or len(url) > 500:
        raise ValidationFailed.single(field, "invalid_url", message)
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationFailed.single(field, "invalid_url", message) from error
    local = parts.netloc in frozenset(getattr(settings, "LOCAL_HTTP_HOSTS", ()))
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValidationFailed.single(field, "invalid_url", message)
    if not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationFailed.single(field, "invalid_url", message)
    if not local:
        try:
            infos = socket.getaddrinfo(parts.hostname, port or 443, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise ValidationFailed.single(field, "unreachable", _("This address cannot be reached.")) from error
        for info in infos:
            if not ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_global:
                raise ValidationFailed.single(field, "not_public", _("This address is not a public one."))
    return url


def _read(response: requests.Response) -> Any:
    body = b""
    for chunk in response.iter_content(65536):
        body += chunk
        if len(body) > MAX_BYTES:
            response.close()
            raise RegistryError(_("The registry answered with too much data."), transient=True)
    try:
        return json.loads(body or b"null")
    except ValueError:
        return None


def _messages(payload: Any) -> list[str]:
    messages = payload.get("Messages") if isinstance(payload, dict) else None
    return (
        [str(m)[:500] for m in messages if isinstance(m, (str, int, float))][:20] if isinstance(messages, list) else []
    )


def publish_graph(
    *, assistant_url: str, api_key: str, organization_ctid: str, graph: dict[str, Any], language: str = "en-US"
) -> Answer:
    """Send one credential graph to the Registry Assistant. Raises ``RegistryError``."""
    try:
        url = check_assistant_url(assistant_url)
    except ValidationFailed as error:
        raise RegistryError(error.errors[0].message, transient=False) from error
    body = {
        "PublishForOrganizationIdentifier": organization_ctid,
        "DefaultLanguage": language,
        "HasLanguageMaps": True,
        "GraphInput": graph,
    }
    try:
        response = requests.post(
            f"{url}/credential/publishGraph",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"ApiToken {api_key}", "Content-Type": "application/json"},
            timeout=TIMEOUT,
            stream=True,
            allow_redirects=False,
        )
        payload = _read(response)
    except requests.RequestException as error:
        raise RegistryError(
            _("The registry could not be reached: %(error)s") % {"error": type(error).__name__}, transient=True
        ) from error
    messages = _messages(payload)
    detail = "; ".join(messages)
    if response.status_code in (401, 403):
        raise RegistryError(
            _("The registry refused the API key (HTTP %(status)s). %(detail)s")
            % {"status": response.status_code, "detail": detail},
            transient=False,
        )
    if response.status_code == 429 or response.status_code >= 500:
        raise RegistryError(
            _("The registry is not available (HTTP %(status)s). %(detail)s")
            % {"status": response.status_code, "detail": detail},
            transient=True,
        )
    if response.status_code != 200 or not isinstance(payload, dict):
        raise RegistryError(
            _("The registry answered HTTP %(status)s. %(detail)s") % {"status": response.status_code, "detail": detail},
            transient=False,
        )
    if payload.get("Successful") is not True:
        raise RegistryError(
            _("The registry refused the credential: %(detail)s") % {"detail": detail or "-"}, transient=False
        )
    return Answer(
        ctid=str(payload.get("CTID") or "")[:39],
        envelope_id=str(payload.get("RegistryEnvelopeIdentifier") or "")[:200],
        graph_url=str(payload.get("GraphUrl") or "")[:500],
        messages=messages,
    )
