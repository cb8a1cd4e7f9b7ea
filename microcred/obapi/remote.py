"""Calls from this server to another platform's Open Badges API: https to public addresses only (a learner types the
address, so the server must not become a way into the private network), bounded in time and size.

Hosts listed in ``MICROCRED_LOCAL_HTTP_HOSTS`` (``host:port``, comma-separated) may be reached over plain http and on
private addresses: for local set-ups and tests only, never in production.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed

TIMEOUT = 10
MAX_BYTES = 4 * 1024 * 1024


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed.single(field, "remote_refused", message)


def local_hosts() -> frozenset[str]:
    return frozenset(getattr(settings, "LOCAL_HTTP_HOSTS", ()))


def check_url(url: Any, field: str = "url") -> str:
    """The URL if this server may call it, else a 400 naming ``field``."""
    if not isinstance(url, str) or len(url) > 500:
        raise _refuse(field, _("Give the platform's https address."))
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise _refuse(field, _("Give the platform's https address.")) from error
    host = parts.hostname or ""
    local = parts.netloc in local_hosts()
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise _refuse(field, _("Give the platform's https address."))
    if not host or parts.username or parts.password:
        raise _refuse(field, _("Give the platform's https address."))
    if not local:
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)}
        except (OSError, UnicodeError) as error:
            raise _refuse(field, _("This address cannot be reached.")) from error
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global:
                raise _refuse(field, _("This address is not a public one."))
    return url.strip()


def _bounded(response: requests.Response) -> requests.Response:
    body = b""
    for chunk in response.iter_content(65536):
        body += chunk
        if len(body) > MAX_BYTES:
            response.close()
            raise _refuse("url", _("The platform answered with too much data."))
    response._content = body  # requests keeps the read body here; .json() and .text read it
    return response


def get_json(url: str) -> Any:
    check_url(url)
    try:
        response = _bounded(requests.get(url, timeout=TIMEOUT, stream=True, allow_redirects=False))
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise _refuse("url", _("The platform did not answer as an Open Badges 3.0 API does.")) from error


def post_json(url: str, body: Any) -> Any:
    check_url(url)
    try:
        response = _bounded(requests.post(url, json=body, timeout=TIMEOUT, stream=True, allow_redirects=False))
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise _refuse("url", _("The platform refused to register microcred as a client.")) from error


class GuardedSession(OAuth2Session):  # type: ignore[misc]
    """Authlib's OAuth 2.0 client session, checking every URL it calls and bounding every answer."""

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        check_url(url)
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        return _bounded(super().request(method, url, *args, **kwargs))
