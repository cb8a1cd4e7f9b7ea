"""Issuer identity: from a DID or URL to the issuer's controller document and public keys.

Three kinds of identifier are resolved:

- ``did:key:z6Mk…`` offline: the DID document is built from the key (did:key spec, Multikey form);
- ``did:web:host[%3Aport][:path…]``: fetched from ``https://host[:port]/.well-known/did.json`` or
  ``https://host[:port]/path…/did.json`` (did:web spec); the document's ``id`` must be the DID;
- ``https://…`` URLs: an issuer profile or controller document fetched from the URL without its fragment;
  the fragment (``#key-1``, ``#z6Mk…``) names a verification method the document lists. A key is never
  taken from a fragment alone: anyone could write any key after anyone's URL.

Fetching is the risky part of verifying an untrusted credential (its issuer URL is attacker-chosen), so the
default fetcher is strict: https only (plain http only for hosts listed in ``allow_http_hosts``, for local
tests); every address the host resolves to must be public (no loopback, private, link-local, multicast,
reserved or unspecified address) unless ``allow_private``; the connection goes to the address that was
checked (so a second DNS answer cannot swap in an internal one); a timeout for the whole exchange; a cap on
the response size; a JSON content type; at most a few redirects, each checked like the first. Responses are
cached for ``cache_seconds``. ``documents`` presets documents by URL or DID (offline tests, or documents the
caller publishes itself), and ``fetch`` replaces the network entirely.

Everything refused raises :class:`ResolutionError` with a stable code: ``did_malformed``,
``did_method_unsupported``, ``did_document_mismatch``, ``resolution_network_refused``,
``resolution_failed``, ``resolution_timeout``, ``resolution_too_large``, ``verification_method_not_found``,
``key_type_unsupported``.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import base58

from microcred.vc.errors import InvalidKey, ResolutionError, VCError
from microcred.vc.jwt import b64url_decode
from microcred.vc.keys import public_key_from_multibase, public_key_to_multibase
from microcred.vc.loader import DID_V1, MULTIKEY_V1

DEFAULT_MAX_BYTES = 256 * 1024
MAX_REDIRECTS = 3
MAX_CACHE_ENTRIES = 512
MAX_IDENTIFIER_LENGTH = 2048
JSON_MEDIA_TYPES = ("application/json", "application/did+json", "application/did+ld+json", "application/ld+json")
RELATIONSHIPS = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation", "keyAgreement")
USER_AGENT = "microcred-verifier/1"

_DID_WEB = re.compile(r"^did:web:([A-Za-z0-9.\-]+(?:%3[Aa][0-9]{1,5})?)((?::[A-Za-z0-9._~\-%]+)*)$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


def _error(message: str, code: str) -> ResolutionError:
    return ResolutionError(message, code=code)


@dataclass(frozen=True)
class VerificationMethod:
    """A public key a controller document lists.

    ``public_key`` is the raw 32-byte Ed25519 key; for RSA and P-256 keys (``publicKeyJwk``, usable for
    VC-JWT only) it is empty and ``jwk`` holds the key.
    """

    id: str
    controller: str
    type: str
    public_key: bytes = field(repr=False)
    jwk: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def jwt_key(self) -> bytes | dict[str, Any]:
        """What :func:`microcred.vc.jwt.verify_jwt_signature` takes."""
        return self.public_key if self.public_key else dict(self.jwk or {})


# ---------------------------------------------------------------- identifiers


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of a ``did:key`` (Ed25519, Multikey representation)."""
    identifier = did.removeprefix("did:key:")
    try:
        public_key_from_multibase(identifier)
    except InvalidKey as exc:
        raise _error(f"{did!r} is not an Ed25519 did:key.", "did_malformed") from exc
    method_id = f"{did}#{identifier}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": identifier}
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


def did_web_url(did: str, *, http_hosts: Collection[str] = ()) -> str:
    """The URL of a ``did:web`` DID document (https, or http for a host in ``http_hosts``)."""
    match = _DID_WEB.match(did)
    if not match:
        raise _error(f"{did!r} is not a did:web identifier.", "did_malformed")
    host = match.group(1).replace("%3A", ":").replace("%3a", ":")
    hostname = host.split(":")[0]
    if not _HOST.match(hostname):
        raise _error(f"{did!r} does not name a valid host.", "did_malformed")
    if ":" in host and not 0 < int(host.split(":")[1]) < 65536:
        raise _error(f"{did!r} names an invalid port.", "did_malformed")
    segments = [segment for segment in match.group(2).split(":") if segment]
    if any(segment in (".", "..") or "%2F" in segment.upper() for segment in segments):
        raise _error(f"{did!r} has a path that leaves the host's documents.", "did_malformed")
    scheme = "http" if host in http_hosts else "https"
    path = "/" + "/".join(segments) + "/did.json" if segments else "/.well-known/did.json"
    return f"{scheme}://{host}{path}"


def _split(identifier: str) -> tuple[str, str]:
    if not isinstance(identifier, str) or not identifier or len(identifier) > MAX_IDENTIFIER_LENGTH:
        raise _error("The identifier is not a string of reasonable length.", "did_malformed")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in identifier) or not identifier.isascii():
        raise _error("The identifier contains spaces, control or non-ASCII characters.", "did_malformed")
    base, _, fragment = identifier.partition("#")
    return base, fragment


# ---------------------------------------------------------------- the network


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address that was already checked, whatever the DNS says now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class Resolver:
    """Resolves DIDs and issuer URLs to documents and verification methods; see the module docstring."""

    def __init__(
        self,
        fetch: Callable[[str], bytes] | None = None,
        *,
        documents: Mapping[str, dict[str, Any]] | None = None,
        allow_http_hosts: Collection[str] = (),
        allow_private: bool = False,
        timeout: float = 5.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        cache_seconds: float = 300,
    ) -> None:
        self._fetcher = fetch if fetch is not None else self._network_fetch
        self._documents = dict(documents or {})
        self.allow_http_hosts = frozenset(allow_http_hosts)
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.cache_seconds = cache_seconds
        self._cache: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------ bytes

    def fetch(self, url: str) -> bytes:
        """The bytes at ``url`` through this resolver's fetcher, cached for ``cache_seconds``."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and cached[0] > now:
                return cached[1]
        data = self._fetcher(url)
        if not isinstance(data, bytes | bytearray):
            raise _error(f"The fetcher returned no bytes for {url}.", "resolution_failed")
        if len(data) > self.max_bytes:
            raise _error(f"The document at {url} is larger than {self.max_bytes} bytes.", "resolution_too_large")
        if self.cache_seconds > 0:
            with self._lock:
                self._cache[url] = (now + self.cache_seconds, bytes(data))
                self._cache.move_to_end(url)
                while len(self._cache) > MAX_CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return bytes(data)

    def _check_url(self, url: str) -> tuple[str, str, int, str]:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise _error(f"{url} has an invalid port.", "resolution_network_refused") from exc
        netloc = parts.netloc.lower()
        if scheme not in ("http", "https"):
            raise _error(f"{url} is not an https URL.", "resolution_network_refused")
        if scheme == "http" and netloc not in self.allow_http_hosts and host not in self.allow_http_hosts:
            raise _error(f"{url} is not https.", "resolution_network_refused")
        if not host or parts.username is not None or parts.password is not None:
            raise _error(f"{url} has no host, or has credentials in it.", "resolution_network_refused")
        if not host.isascii():
            raise _error(f"{url} has a non-ASCII host.", "resolution_network_refused")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return scheme, host, port, path

    def _address_for(self, host: str, port: int) -> str:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise _error(f"{host} does not resolve.", "resolution_failed") from exc
        addresses = [info[4][0] for info in infos]
        if not addresses:
            raise _error(f"{host} does not resolve.", "resolution_failed")
        if not self.allow_private:
            refused = [address for address in addresses if not _address_allowed(address)]
            if refused:
                raise _error(
                    f"{host} resolves to a non-public address ({refused[0]}); it is not fetched.",
                    "resolution_network_refused",
                )
        return addresses[0]

    def _network_fetch(self, url: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        for _ in range(MAX_REDIRECTS + 1):
            scheme, host, port, path = self._check_url(url)
            address = self._address_for(host, port)
            connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
            connection = connection_class(host, port, address, timeout=max(0.05, deadline - time.monotonic()))
            try:
                connection.request(
                    "GET", path, headers={"Accept": ", ".join(JSON_MEDIA_TYPES), "User-Agent": USER_AGENT}
                )
                response = connection.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location")
                    if not location:
                        raise _error(f"{url} redirects nowhere.", "resolution_failed")
                    url = urljoin(url, location)
                    continue
                if response.status != 200:
                    raise _error(f"{url} answered HTTP {response.status}.", "resolution_failed")
                media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
                if media_type not in JSON_MEDIA_TYPES and not media_type.endswith("+json"):
                    raise _error(f"{url} is not JSON ({media_type or 'no content type'}).", "resolution_failed")
                length = response.getheader("Content-Length")
                if length and length.isascii() and length.isdigit() and int(length) > self.max_bytes:
                    raise _error(f"{url} is larger than {self.max_bytes} bytes.", "resolution_too_large")
                return self._read_bounded(response, url, deadline)
            except TimeoutError as exc:
                raise _error(f"{url} did not answer within {self.timeout} s.", "resolution_timeout") from exc
            except (OSError, http.client.HTTPException) as exc:
                raise _error(f"{url} could not be fetched: {exc.__class__.__name__}.", "resolution_failed") from exc
            finally:
                connection.close()
        raise _error(f"Too many redirects from {url}.", "resolution_failed")

    def _read_bounded(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise _error(f"{url} did not answer within {self.timeout} s.", "resolution_timeout")
            chunk = response.read1(min(65536, self.max_bytes + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_bytes:
                raise _error(f"{url} is larger than {self.max_bytes} bytes.", "resolution_too_large")

    # ------------------------------------------------------------ documents

    def _parse(self, data: bytes, url: str) -> dict[str, Any]:
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise _error(f"The document at {url} is not JSON.", "resolution_failed") from exc
        if not isinstance(document, dict):
            raise _error(f"The document at {url} is not a JSON object.", "resolution_failed")
        return document

    def document_url(self, did_or_url: str) -> str:
        """Where the document of a DID or URL is fetched from (``did:key`` has none: it is built)."""
        base, _ = _split(did_or_url)
        if base.startswith("did:web:"):
            return did_web_url(base, http_hosts=self.allow_http_hosts)
        if base.startswith(("https://", "http://")):
            return base
        if base.startswith("did:"):
            method = base.split(":")[1] if base.count(":") >= 2 else ""
            raise _error(f"The DID method {method!r} is not supported.", "did_method_unsupported")
        raise _error(f"{did_or_url!r} is neither a DID nor an https URL.", "did_malformed")

    def resolve_document(self, did_or_url: str) -> dict[str, Any]:
        """The DID document / controller document / issuer profile a DID or URL (fragment ignored) names."""
        base, _ = _split(did_or_url)
        if base.startswith("did:key:"):
            return did_key_document(base)
        url = self.document_url(base)
        preset = self._documents.get(base, self._documents.get(url))
        # A preset is copied: the caller may change what it gets.
        document = json.loads(json.dumps(preset)) if preset is not None else self._parse(self.fetch(url), url)
        document_id = document.get("id")
        if base.startswith("did:") and document_id != base:
            raise _error(f"The document at {url} is for {document_id!r}, not {base!r}.", "did_document_mismatch")
        if not base.startswith("did:") and document_id is not None and document_id != base:
            raise _error(f"The document at {url} says it is {document_id!r}.", "did_document_mismatch")
        return document

    # ------------------------------------------------------------ verification methods

    def resolve_verification_method(self, vm_id: str) -> VerificationMethod:
        """The key a verification method id (``did:…#frag`` or ``https://…#frag``) names, from its controller's
        document. Raises ``verification_method_not_found`` if the document does not list it."""
        base, fragment = _split(vm_id)
        if not fragment:
            raise _error(f"{vm_id!r} names a document, not one of its keys (no #fragment).", "did_malformed")
        document = self.resolve_document(base)
        for candidate in _methods(document):
            if _absolute(candidate.get("id"), base) == vm_id:
                return _method(candidate, vm_id, document.get("id") or base)
        raise _error(f"{base} does not list the key {vm_id}.", "verification_method_not_found")

    def controller_authorizes(self, controller: str, vm_id: str, purpose: str = "assertionMethod") -> bool:
        """True when ``controller``'s document lists ``vm_id`` under ``purpose`` (by reference or embedded)."""
        document = self.resolve_document(controller)
        entries = document.get(purpose)
        if isinstance(entries, str | dict):
            entries = [entries]
        if not isinstance(entries, list):
            return False
        for entry in entries:
            entry_id = entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
            if _absolute(entry_id, document.get("id") or controller) == vm_id:
                return True
        return False


def _absolute(method_id: Any, base: str) -> str | None:
    if not isinstance(method_id, str):
        return None
    return base + method_id if method_id.startswith("#") else method_id


def _methods(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every verification method object a document holds: in ``verificationMethod`` or embedded in a
    relationship (as the 1EdTech controller document embeds its key in ``assertionMethod``)."""
    found: list[dict[str, Any]] = []
    for name in ("verificationMethod", *RELATIONSHIPS):
        value = document.get(name)
        items = value if isinstance(value, list) else [value]
        found.extend(item for item in items if isinstance(item, dict))
    return found


def _method(data: Mapping[str, Any], vm_id: str, default_controller: str) -> VerificationMethod:
    method_type = data.get("type")
    controller = data.get("controller", default_controller)
    if not isinstance(method_type, str) or not isinstance(controller, str):
        raise _error(f"The key {vm_id} has no type or controller.", "key_type_unsupported")
    try:
        if "publicKeyMultibase" in data and method_type in ("Multikey", "Ed25519VerificationKey2020"):
            public_key = public_key_from_multibase(data["publicKeyMultibase"])
            return VerificationMethod(vm_id, controller, method_type, public_key)
        if "publicKeyBase58" in data and method_type == "Ed25519VerificationKey2018":
            raw = data["publicKeyBase58"]
            public_key = base58.b58decode(raw) if isinstance(raw, str) and len(raw) < 64 else b""
            if len(public_key) != 32:
                raise InvalidKey("An Ed25519 public key has 32 bytes.")
            return VerificationMethod(vm_id, controller, method_type, public_key)
        if "publicKeyJwk" in data and method_type in ("JsonWebKey2020", "JsonWebKey", "Multikey"):
            return _jwk_method(data["publicKeyJwk"], vm_id, controller, method_type)
    except (InvalidKey, ValueError) as exc:
        raise _error(f"The key {vm_id} is not a valid key: {exc}", "key_type_unsupported") from exc
    raise _error(f"The key {vm_id} is of an unsupported type {method_type!r}.", "key_type_unsupported")


def _jwk_method(jwk: Any, vm_id: str, controller: str, method_type: str) -> VerificationMethod:
    if not isinstance(jwk, dict) or any(name in jwk for name in ("d", "p", "q", "k")):
        raise _error(f"The key {vm_id} is not a public JSON Web Key.", "key_type_unsupported")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519" and isinstance(jwk.get("x"), str):
        try:
            public_key = b64url_decode(jwk["x"], "key")
        except VCError as exc:
            raise _error(f"The key {vm_id} is not base64url.", "key_type_unsupported") from exc
        public_key_to_multibase(public_key)  # validates the length
        return VerificationMethod(vm_id, controller, method_type, public_key, dict(jwk))
    if kty == "RSA" or (kty == "EC" and crv == "P-256"):
        return VerificationMethod(vm_id, controller, method_type, b"", dict(jwk))
    raise _error(f"The key {vm_id} is a {kty}/{crv} key, which microcred does not verify.", "key_type_unsupported")
