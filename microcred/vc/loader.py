"""JSON-LD documents without the network: the bundled contexts, and nothing else unless a caller allows it.

Issuing and verifying never fetch a context: a changed context would change what a signature
means. ``document_loader()`` returns a pyld-compatible loader over the contexts shipped in
``microcred/vc/contexts/`` (copied byte for byte from the standards bodies); ``extra`` lets a caller
add documents it trusts (e.g. a DID document it resolved itself).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from microcred.vc.errors import ContextError

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_ALL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CLR_V2P0 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

Loader = Callable[[str, dict[str, Any] | None], dict[str, Any]]

# Inline contexts (objects in an ``@context`` array, which VC DM 2.0 allows after the base context) are
# processed like any context, so they are bounded: each one's JSON size and nesting, and how many there are.
# URLs they reference (``@import``, scoped contexts) go through the same loader: bundled ones only.
MAX_INLINE_CONTEXTS = 8
MAX_INLINE_CONTEXT_BYTES = 16 * 1024
MAX_INLINE_CONTEXT_DEPTH = 8


@cache
def _index() -> dict[str, str]:
    text = resources.files("microcred.vc").joinpath("contexts", "index.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _bundled(url: str) -> Any:
    name = _index()[url]
    return json.loads(resources.files("microcred.vc").joinpath("contexts", name).read_text(encoding="utf-8"))


def bundled_urls() -> frozenset[str]:
    return frozenset(_index())


def is_bundled(url: str) -> bool:
    return url in _index()


def load_context(url: str) -> Any:
    """A copy of a bundled context document; :class:`ContextError` for any other URL."""
    if not is_bundled(url):
        raise ContextError(f"The context {url!r} is not one microcred ships, so it is not loaded.")
    return copy.deepcopy(_bundled(url))


def _depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_INLINE_CONTEXT_DEPTH:
                return deepest
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def inline_context_problem(contexts: Any) -> str | None:
    """Why the inline contexts of an ``@context`` value cannot be processed safely, or None when they can.

    Each entry must be a URL or an object; objects are limited in number, JSON size and nesting depth.
    """
    entries = contexts if isinstance(contexts, list) else [contexts]
    inline = [entry for entry in entries if not isinstance(entry, str)]
    if any(not isinstance(entry, dict) for entry in inline):
        return "Each @context entry must be a URL or an object."
    if len(inline) > MAX_INLINE_CONTEXTS:
        return f"At most {MAX_INLINE_CONTEXTS} inline contexts are processed."
    for entry in inline:
        if _depth(entry) > MAX_INLINE_CONTEXT_DEPTH:
            return f"An inline context nests more than {MAX_INLINE_CONTEXT_DEPTH} levels deep."
        try:
            size = len(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        except (TypeError, ValueError):
            return "An inline context is not JSON."
        if size > MAX_INLINE_CONTEXT_BYTES:
            return f"An inline context is larger than {MAX_INLINE_CONTEXT_BYTES // 1024} KiB."
    return None


def document_loader(extra: Mapping[str, Any] | None = None) -> Loader:
    """A pyld document loader over the bundled contexts plus ``extra`` (URL → parsed document).

    The documents are not copied per call: pyld does not modify loaded documents, and copying the
    contexts on every call would dominate verification time.
    """
    allowed = dict(extra or {})

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url in allowed:
            document = allowed[url]
        elif is_bundled(url):
            document = _bundled(url)
        else:
            raise ContextError(f"The document {url!r} is not bundled with microcred and was not fetched.")
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load
