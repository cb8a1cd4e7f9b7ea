"""Badge baking (Open Badges 3.0 §5.3): a credential carried inside its badge image.

- PNG: one ``iTXt`` chunk with the keyword ``openbadgecredential``, compression flag 0, no language tag,
  whose text is the credential JSON or a VC-JWT compact JWS; placed just before ``IEND``. Baking again
  replaces the chunk, so an image never carries two credentials.
- SVG: the root ``<svg>`` declares ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` and has an
  ``<openbadges:credential>`` child holding the JSON in a CDATA section, or (VC-JWT) an empty element
  with ``verify="<compact JWS>"``. The rest of the SVG is kept byte for byte (it is edited as text, at the
  positions the XML parser reports, never re-serialized).

Images come from strangers, so reading is bounded and strict: PNG chunk lengths and CRCs are checked and
sizes capped; SVG is parsed with expat refusing any DTD (so no entity, internal or external: no
"billion laughs", no file disclosure). Errors are ``VCError`` with code ``baking_malformed_image`` (not a
valid image, or an ambiguous one) or ``baking_no_credential`` (a valid image without a credential).
Nothing here verifies the credential: unbaking returns it for :mod:`microcred.vc.verify`.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from typing import Any
from xml.parsers import expat

from microcred.vc.errors import LimitExceeded, VCError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_CREDENTIAL_BYTES = 1024 * 1024
MAX_PNG_CHUNKS = 10_000
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def _malformed(message: str) -> VCError:
    return VCError(message, code="baking_malformed_image")


def _no_credential(message: str) -> VCError:
    return VCError(message, code="baking_no_credential")


def _credential_text(credential: dict[str, Any] | str) -> str:
    if isinstance(credential, dict):
        text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    elif isinstance(credential, str) and _COMPACT_JWS.match(credential.strip()):
        text = credential.strip()
    else:
        raise VCError("A baked credential is a JSON object or a compact JWS.", code="credential_malformed")
    if len(text.encode("utf-8")) > MAX_CREDENTIAL_BYTES:
        raise LimitExceeded(f"The credential is larger than {MAX_CREDENTIAL_BYTES} bytes.")
    return text


def _parse_credential(text: str) -> dict[str, Any] | str:
    text = text.strip()
    if _COMPACT_JWS.match(text):
        return text
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _malformed("The baked credential is neither JSON nor a compact JWS.") from exc
    if not isinstance(value, dict):
        raise _malformed("The baked credential is not a JSON object.")
    return value


# ---------------------------------------------------------------- PNG


def _png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, CRCs checked; IHDR first, IEND last, nothing after it."""
    if not isinstance(png, bytes | bytearray):
        raise _malformed("A PNG image is bytes.")
    if len(png) > MAX_IMAGE_BYTES:
        raise LimitExceeded(f"The image is larger than {MAX_IMAGE_BYTES} bytes.")
    if not png.startswith(PNG_SIGNATURE):
        raise _malformed("Not a PNG image (bad signature).")
    chunks: list[tuple[bytes, bytes]] = []
    position = len(PNG_SIGNATURE)
    while position < len(png):
        if len(chunks) >= MAX_PNG_CHUNKS:
            raise LimitExceeded("The PNG has too many chunks.")
        if position + 12 > len(png):
            raise _malformed("The PNG is truncated inside a chunk header.")
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        end = position + 12 + length
        if length > 0x7FFFFFFF or end > len(png):
            raise _malformed("The PNG is truncated (a chunk runs past the end).")
        if not kind.isalpha():
            raise _malformed("The PNG has a chunk with an invalid type.")
        data = bytes(png[position + 8 : position + 8 + length])
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if zlib.crc32(kind + data) != crc:
            raise _malformed(f"The PNG chunk {kind.decode('ascii')} has a bad CRC.")
        chunks.append((kind, data))
        position = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise _malformed("The PNG does not start with an IHDR chunk.")
    if chunks[-1][0] != b"IEND":
        raise _malformed("The PNG is truncated (no IEND chunk).")
    if position != len(png):
        raise _malformed("The PNG has data after its IEND chunk.")
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _itxt_fields(data: bytes) -> tuple[bytes, int, int, bytes]:
    """(keyword, compression flag, compression method, text bytes) of an iTXt chunk."""
    keyword, separator, rest = data.partition(b"\x00")
    if not separator or not 1 <= len(keyword) <= 79 or len(rest) < 2:
        raise _malformed("The PNG has a malformed iTXt chunk.")
    flag, method, rest = rest[0], rest[1], rest[2:]
    _language, separator_1, rest = rest.partition(b"\x00")
    _translated, separator_2, text = rest.partition(b"\x00")
    if not separator_1 or not separator_2:
        raise _malformed("The PNG has a malformed iTXt chunk.")
    return keyword, flag, method, text


def bake_png(png: bytes, credential: dict[str, Any] | str) -> bytes:
    """The PNG with the credential in an ``openbadgecredential`` iTXt chunk (replacing any earlier one)."""
    text = _credential_text(credential).encode("utf-8")
    chunks = _png_chunks(png)
    kept = [
        (kind, data)
        for kind, data in chunks[:-1]
        if not (kind == b"iTXt" and data.partition(b"\x00")[0] == PNG_KEYWORD)
    ]
    itxt = PNG_KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text  # flag 0, method 0, no language
    out = [PNG_SIGNATURE, *(_chunk(kind, data) for kind, data in kept), _chunk(b"iTXt", itxt), _chunk(b"IEND", b"")]
    return b"".join(out)


def unbake_png(png: bytes) -> dict[str, Any] | str:
    """The credential baked into a PNG: a dict (JSON) or a str (compact JWS)."""
    found = [data for kind, data in _png_chunks(png) if kind == b"iTXt" and data.startswith(PNG_KEYWORD + b"\x00")]
    if not found:
        raise _no_credential("The PNG has no openbadgecredential iTXt chunk.")
    if len(found) > 1:
        raise _malformed("The PNG has more than one openbadgecredential chunk.")
    _, flag, method, text = _itxt_fields(found[0])
    if flag == 1:  # the spec says 0, but a compressed chunk is still readable
        if method != 0:
            raise _malformed("The iTXt chunk uses an unknown compression method.")
        decompressor = zlib.decompressobj()
        try:
            text = decompressor.decompress(text, MAX_CREDENTIAL_BYTES + 1)
        except zlib.error as exc:
            raise _malformed("The iTXt chunk's compressed text is corrupt.") from exc
        if len(text) > MAX_CREDENTIAL_BYTES:
            raise LimitExceeded("The baked credential is too large.")
    elif flag != 0:
        raise _malformed("The iTXt chunk has an invalid compression flag.")
    if len(text) > MAX_CREDENTIAL_BYTES:
        raise LimitExceeded("The baked credential is too large.")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed("The baked credential is not UTF-8.") from exc
    return _parse_credential(decoded)


# ---------------------------------------------------------------- SVG


class _SvgScan:
    """One strict expat pass over an SVG: where the root start tag and any credential elements are."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.root_name: str | None = None
        self.root_start = -1
        self.root_declares_prefix: str | None = None  # the URI the root binds "openbadges" to, if it does
        self.credentials: list[dict[str, Any]] = []  # start, end (byte offsets), verify, text
        self._depth = 0
        self._open: dict[str, Any] | None = None
        self._open_depth = 0
        parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_entity
        parser.ExternalEntityRefHandler = self._refuse_entity
        parser.StartNamespaceDeclHandler = self._namespace
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self._parser = parser
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise _malformed(f"The SVG is not well-formed XML ({exc}).") from exc
        if self.root_name not in (f"{SVG_NAMESPACE} svg", "svg"):
            raise _malformed("The document's root element is not <svg>.")

    def _refuse_dtd(self, *_: Any) -> None:
        raise _malformed("The SVG has a DOCTYPE; DTDs and entities are refused.")

    def _refuse_entity(self, *_: Any) -> None:
        raise _malformed("The SVG declares or references an entity; entities are refused.")

    def _namespace(self, prefix: str | None, uri: str) -> None:
        if self._depth == 0 and prefix == "openbadges":
            self.root_declares_prefix = uri

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self._depth += 1
        if self._depth == 1:
            self.root_name, self.root_start = name, self._parser.CurrentByteIndex
        if name == f"{OB_NAMESPACE} credential":
            if self._open is not None:
                raise _malformed("The SVG nests one credential inside another.")
            self._open = {"start": self._parser.CurrentByteIndex, "verify": attributes.get("verify"), "text": []}
            self._open_depth = self._depth

    def _end(self, name: str) -> None:
        if self._open is not None and self._depth == self._open_depth:
            start_tag_end = _tag_end(self.data, self._open["start"])
            if self.data[start_tag_end - 1 : start_tag_end] == b"/":  # <openbadges:credential … />
                self._open["end"] = start_tag_end + 1
            else:  # expat points at the end tag's '<'
                self._open["end"] = self.data.index(b">", self._parser.CurrentByteIndex) + 1
            self.credentials.append(self._open)
            self._open = None
        self._depth -= 1

    def _text(self, text: str) -> None:
        if self._open is not None:
            self._open["text"].append(text)
            if sum(len(part) for part in self._open["text"]) > MAX_CREDENTIAL_BYTES:
                raise LimitExceeded("The baked credential is too large.")


def _tag_end(data: bytes, start: int) -> int:
    """The offset of the '>' closing the tag that starts at ``start`` (quotes can hold '>')."""
    quote = 0
    for index in range(start, len(data)):
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return index
    raise _malformed("An SVG tag is not closed.")


def _svg_bytes(svg: str | bytes) -> bytes:
    if isinstance(svg, str):
        data = svg.encode("utf-8")
    elif isinstance(svg, bytes | bytearray):
        data = bytes(svg)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _malformed("The SVG is not UTF-8.") from exc
    else:
        raise _malformed("An SVG image is text.")
    if len(data) > MAX_IMAGE_BYTES:
        raise LimitExceeded(f"The image is larger than {MAX_IMAGE_BYTES} bytes.")
    return data


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def bake_svg(svg: str | bytes, credential: dict[str, Any] | str) -> str | bytes:
    """The SVG with the credential baked in (replacing any earlier one); the same type (str/bytes) as given."""
    text = _credential_text(credential)
    data = _svg_bytes(svg)
    scan = _SvgScan(data)
    if scan.root_declares_prefix not in (None, OB_NAMESPACE):
        raise _malformed("The SVG binds the openbadges prefix to another namespace.")
    if isinstance(credential, dict):
        element = f"<openbadges:credential>{_cdata(text)}</openbadges:credential>"
    else:
        element = f'<openbadges:credential verify="{text}"></openbadges:credential>'
    # Remove earlier credentials, last first so the offsets stay right.
    for old in sorted(scan.credentials, key=lambda item: item["start"], reverse=True):
        data = data[: old["start"]] + data[old["end"] :]
    root_end = _tag_end(data, scan.root_start)
    empty_root = data[root_end - 1 : root_end] == b"/"
    declaration = "" if scan.root_declares_prefix else f' xmlns:openbadges="{OB_NAMESPACE}"'
    if empty_root:
        head = data[: root_end - 1].rstrip() + declaration.encode() + b">"
        baked = head + element.encode("utf-8") + b"</svg>" + data[root_end + 1 :]
    else:
        head = data[:root_end] + declaration.encode() + b">"
        baked = head + element.encode("utf-8") + data[root_end + 1 :]
    _SvgScan(baked)  # what we wrote must read back
    return baked.decode("utf-8") if isinstance(svg, str) else baked


def unbake_svg(svg: str | bytes) -> dict[str, Any] | str:
    """The credential baked into an SVG: a dict (JSON) or a str (compact JWS from ``verify``)."""
    scan = _SvgScan(_svg_bytes(svg))
    if not scan.credentials:
        raise _no_credential("The SVG has no openbadges:credential element.")
    if len(scan.credentials) > 1:
        raise _malformed("The SVG has more than one openbadges:credential element.")
    found = scan.credentials[0]
    if found["verify"] is not None:
        if not _COMPACT_JWS.match(found["verify"].strip()):
            raise _malformed("The verify attribute is not a compact JWS.")
        return found["verify"].strip()
    return _parse_credential("".join(found["text"]))


def unbake(image: bytes | str) -> dict[str, Any] | str:
    """The credential in a baked PNG or SVG, whichever ``image`` is."""
    if isinstance(image, bytes | bytearray) and bytes(image[:8]) == PNG_SIGNATURE:
        return unbake_png(bytes(image))
    return unbake_svg(image)
