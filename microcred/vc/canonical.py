"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents: strict, bounded and offline.

pyld turns JSON-LD into an RDF dataset; this module does the rest itself, because pyld's URDNA2015
has three gaps a signer and a verifier of untrusted credentials cannot live with:

* **Escaping.** RDFC-1.0 serializes literals in canonical N-Quads, which escapes ``\\b`` and ``\\f`` and
  writes the other control characters (U+0000–U+001F, U+007F) as ``\\u00XX`` with upper-case hex;
  pyld leaves them raw. The serialization also feeds the blank-node hashes, so it cannot be patched
  afterwards: the labelling below uses the correct serialization from the start (the same rules as
  the reference JavaScript library, rdf-canonize).
* **Work.** Labelling blank nodes is factorial in the worst case (a clique of seven nodes takes
  pyld seconds). Every call of *Hash N-Degree Quads* and every permutation it tries costs one unit
  of work; past ``max_work`` the document is refused with ``canonicalization_limit``. The number
  of quads, of blank nodes and the nesting depth of the JSON are capped as well.
* **Dropped terms.** JSON-LD silently drops properties it cannot map to an IRI, relative ``@type``
  and ``@id`` values and the like; whatever is dropped is not signed. Like the reference libraries'
  "safe mode", such a document is refused with ``undefined_term`` naming the term (also: graph
  members that are not nodes, and documents that make no statement at all).

The result must be byte-identical to what the eddsa-rdfc-2022 reference cryptosuite (jsonld.js and
rdf-canonize) computes, so this module follows it where pyld differs: a base direction becomes an
``i18n`` datatype (``rdfDirection: "i18n-datatype"``); a quad naming one blank node twice is hashed
once for it (RDFC-1.0 keeps a set of quads per blank node); and values the two read or write
differently are refused with ``jsonld_invalid`` rather than signed: integers beyond 2^53, non-integral
numbers below 10^-6 (JavaScript prints them without a decimal point), ``-0.0``, non-finite numbers,
``xsd:double`` strings that are not plain decimals, and invalid language tags. Anything jsonld.js or
pyld fails on becomes ``jsonld_invalid`` too, so hostile input only ever raises a ``VCError``.

Processed contexts, type-scoped ones included, are cached per document loader, so verifying many
credentials with the same contexts processes each context once. Reuse a loader object across calls
to benefit (``loader=None`` uses the bundled contexts and a shared cache).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from microcred.vc.errors import CanonicalizationError, ContextError, VCError
from microcred.vc.loader import Loader, document_loader

# Units of blank-node labelling work (about 2 µs each): typical credentials need none, the 1EdTech
# "complete" sample about 3,000, a clique of six blank nodes 41,000, of seven 400,000.
DEFAULT_MAX_WORK = 20_000
MAX_QUADS = 10_000
MAX_BLANK_NODES = 1_000
MAX_DEPTH = 64  # nesting of JSON objects and arrays in the input document
MAX_RECURSION = 100  # of Hash N-Degree Quads, which recurses only through look-alike blank nodes
MAX_JSON_VALUES = 50_000
# pyld merges the values of a node's property with a quadratic duplicate check; bound the sum of
# the squares of those counts (a million is about a quarter of a second).
MAX_MERGE_WORK = 1_000_000

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
MAX_SAFE_INTEGER = 2**53
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")  # BCP 47, as JSON-LD checks it
_DECIMAL = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _escape_table(characters: list[int], echar: dict[str, str]) -> dict[int, str]:
    table = {code: f"\\u{code:04X}" for code in characters}
    table.update({ord(char): escaped for char, escaped in echar.items()})
    return table


# Canonical N-Quads (RDFC-1.0 §4.3 / N-Triples canonical form), as rdf-canonize writes them.
_LITERAL_ESCAPES = _escape_table(
    [*range(0x20), 0x7F],
    {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"},
)
_LITERAL_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_ESCAPES = _escape_table([*range(0x21), *map(ord, '<>"{}|^`\\')], {})
_IRI_NEEDS_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def escape_literal(value: str) -> str:
    """A string as it appears between the quotes of a canonical N-Quads literal."""
    if _LITERAL_NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_LITERAL_ESCAPES)


def _iri(value: str) -> str:
    if _IRI_NEEDS_ESCAPE.search(value) is None:
        return "<" + value + ">"
    return "<" + value.translate(_IRI_ESCAPES) + ">"


def _term(component: dict[str, Any]) -> str:
    kind = component["type"]
    if kind == "blank node":
        return component["value"]
    if kind == "IRI":
        return _iri(component["value"])
    literal = '"' + escape_literal(component["value"]) + '"'
    datatype = component.get("datatype", XSD_STRING)
    if datatype == RDF_LANGSTRING:
        if component.get("language"):
            literal += "@" + component["language"]
    elif datatype != XSD_STRING:
        literal += "^^" + _iri(datatype)
    return literal


# A quad is (subject, predicate, object, graph, raw predicate IRI): the first four are already in
# canonical N-Quads form ("" for the default graph); blank nodes are "_:label".
Quad = tuple[str, str, str, str, str]


def _serialize(subject: str, predicate: str, obj: str, graph: str) -> str:
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def _is_blank(term: str) -> bool:
    return term.startswith("_:")


class _Canonicalizer:
    """RDFC-1.0 (§4.4–4.8) over quads whose terms are already serialized."""

    def __init__(self, quads: list[Quad], max_work: int) -> None:
        self.quads = quads
        self.max_work = max_work
        self.work = 0
        self.depth = 0
        self.canonical: dict[str, str] = {}
        self.blank_quads: dict[str, list[Quad]] = {}
        self.first_degree: dict[str, str] = {}
        for quad in quads:
            for term in (quad[0], quad[2], quad[3]):
                if _is_blank(term):
                    entry = self.blank_quads.setdefault(term, [])
                    if not entry or entry[-1] is not quad:
                        entry.append(quad)
        if len(self.blank_quads) > MAX_BLANK_NODES:
            raise CanonicalizationError(
                f"The document has {len(self.blank_quads)} blank nodes; at most {MAX_BLANK_NODES} are canonicalized.",
                code="canonicalization_limit",
            )

    def _spend(self) -> None:
        self.work += 1
        if self.work > self.max_work:
            raise CanonicalizationError(
                "Labelling the document's blank nodes needs more work than allowed "
                f"({self.max_work} steps); the document is refused.",
                code="canonicalization_limit",
            )

    def _issue_canonical(self, blank: str) -> None:
        if blank not in self.canonical:
            self.canonical[blank] = f"_:c14n{len(self.canonical)}"

    def _hash_first_degree(self, blank: str) -> str:
        cached = self.first_degree.get(blank)
        if cached is not None:
            return cached
        lines = []
        for subject, predicate, obj, graph, _raw in self.blank_quads[blank]:
            lines.append(
                _serialize(
                    (("_:a" if subject == blank else "_:z") if _is_blank(subject) else subject),
                    predicate,
                    (("_:a" if obj == blank else "_:z") if _is_blank(obj) else obj),
                    (("_:a" if graph == blank else "_:z") if _is_blank(graph) else graph),
                )
            )
        lines.sort()
        digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
        self.first_degree[blank] = digest
        return digest

    def _hash_related(self, related: str, quad: Quad, issuer: dict[str, str], position: str) -> str:
        identifier = self.canonical.get(related) or issuer.get(related) or self._hash_first_degree(related)
        text = position if position == "g" else position + "<" + quad[4] + ">"
        return hashlib.sha256((text + identifier).encode("utf-8")).hexdigest()

    def _hash_n_degree(self, blank: str, issuer: dict[str, str]) -> tuple[str, dict[str, str]]:
        self._spend()
        self.depth += 1
        try:
            return self._hash_n_degree_at_depth(blank, issuer)
        finally:
            self.depth -= 1

    def _hash_n_degree_at_depth(self, blank: str, issuer: dict[str, str]) -> tuple[str, dict[str, str]]:
        if self.depth > MAX_RECURSION:
            raise CanonicalizationError(
                "Labelling the document's blank nodes recurses too deeply; the document is refused.",
                code="canonicalization_limit",
            )
        hash_to_related: dict[str, list[str]] = {}
        for quad in self.blank_quads[blank]:
            for term, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term != blank and _is_blank(term):
                    hash_to_related.setdefault(self._hash_related(term, quad, issuer, position), []).append(term)

        data = hashlib.sha256()
        for related_hash in sorted(hash_to_related):
            data.update(related_hash.encode("utf-8"))
            chosen_path = ""
            chosen_issuer: dict[str, str] | None = None
            for permutation in itertools.permutations(hash_to_related[related_hash]):
                self._spend()
                issuer_copy = dict(issuer)
                path = ""
                recursion: list[str] = []
                for related in permutation:
                    if related in self.canonical:
                        path += self.canonical[related]
                    else:
                        if related not in issuer_copy:
                            recursion.append(related)
                            issuer_copy[related] = f"_:b{len(issuer_copy)}"
                        path += issuer_copy[related]
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        break
                else:
                    for related in recursion:
                        result_hash, issuer_copy = self._hash_n_degree(related, issuer_copy)
                        path += issuer_copy[related] + "<" + result_hash + ">"
                        if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                            break
                    else:
                        if not chosen_path or path < chosen_path:
                            chosen_path, chosen_issuer = path, issuer_copy
            data.update(chosen_path.encode("utf-8"))
            assert chosen_issuer is not None  # the first permutation is never skipped
            issuer = chosen_issuer
        return data.hexdigest(), issuer

    def run(self) -> list[str]:
        hash_to_blanks: dict[str, list[str]] = {}
        for blank in self.blank_quads:
            hash_to_blanks.setdefault(self._hash_first_degree(blank), []).append(blank)

        shared = []
        for digest in sorted(hash_to_blanks):
            blanks = hash_to_blanks[digest]
            if len(blanks) == 1:
                self._issue_canonical(blanks[0])
            else:
                shared.append(blanks)

        for blanks in shared:
            results = []
            for blank in blanks:
                if blank in self.canonical:
                    continue
                results.append(self._hash_n_degree(blank, {blank: "_:b0"}))
            for _digest, issuer in sorted(results, key=lambda result: result[0]):
                for existing in issuer:
                    self._issue_canonical(existing)

        relabel = self.canonical
        lines = {
            _serialize(
                relabel.get(subject, subject),
                predicate,
                relabel.get(obj, obj) if _is_blank(obj) else obj,
                relabel.get(graph, graph),
            )
            for subject, predicate, obj, graph, _raw in self.quads
        }
        return sorted(lines)


def _quads_of(dataset: dict[str, list[dict[str, Any]]]) -> list[Quad]:
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        graph = "" if graph_name == "@default" else (graph_name if _is_blank(graph_name) else _iri(graph_name))
        for triple in triples:
            predicate = triple["predicate"]["value"]
            quads.append((_term(triple["subject"]), _iri(predicate), _term(triple["object"]), graph, predicate))
    return quads


def canonicalize_quads(quads: list[Quad], *, max_work: int | None = None) -> list[str]:
    """The canonical N-Quads lines (sorted, each ending in a newline) of a dataset of quads."""
    if len(quads) > MAX_QUADS:
        raise CanonicalizationError(
            f"The document makes {len(quads)} RDF statements; at most {MAX_QUADS} are canonicalized.",
            code="canonicalization_limit",
        )
    return _Canonicalizer(quads, DEFAULT_MAX_WORK if max_work is None else max_work).run()


# --- JSON-LD to RDF -------------------------------------------------------------------------------------------------

_DEFAULT_LOADER = document_loader()


class _LockedLRU(LRUCache):
    """pyld's shared context cache, safe to use from several threads."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self._lock = threading.RLock()

    def __getitem__(self, key: Any) -> Any:
        with self._lock:
            return super().__getitem__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)


class _Processor(jsonld.JsonLdProcessor):
    """pyld's processor, remembering processed contexts that pyld itself recomputes every time.

    pyld caches a processed context per (context, active context), but not type-scoped contexts
    (``"@propagate": false`` clones the active context first, under a new id), and it serializes
    every scoped context to JCS to look it up; with them a typical Open Badge spends most of its
    canonicalization time on context processing. Contexts are immutable once processed, so the
    result for the same active context and the same local context is reused.
    """

    def __init__(self, on_property_dropped: Callable[[Any], Any], memo: _LockedLRU) -> None:
        super().__init__(on_property_dropped=on_property_dropped)
        self._memo = memo
        self.free_floating: list[Any] = []

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        expanded = super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list=inside_list,
            inside_index=inside_index,
            type_scoped_ctx=type_scoped_ctx,
        )
        # A scalar, a value or an object with nothing but an id directly in a graph is dropped silently
        # (jsonld.js's safe mode refuses it: "free-floating scalar", "object with only @id"…).
        if (
            expanded is None
            and element is not None
            and not inside_list
            and (active_property is None or self._expand_iri(active_ctx, active_property, vocab=True) == "@graph")
        ):
            self.free_floating.append(element)
        return expanded

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        arguments = (override_protected, propagate, validate_scoped, cycles)
        active_id = active_ctx.get("_uuid")
        if active_id is None and isinstance(active_ctx, dict):
            active_id = active_ctx["_uuid"] = str(uuid.uuid4())
        local_key = _context_key(local_ctx)
        if active_id is None or local_key is None or cycles:
            return super()._process_context(active_ctx, local_ctx, options, *arguments)
        key = (active_id, local_key, override_protected, propagate, validate_scoped)
        entry = self._memo.get(key)
        # The entry keeps its active and local contexts alive, so their ids cannot be reused.
        if entry is not None and entry[0] is active_ctx and (local_key[0] != "object" or entry[1] is local_ctx):
            return entry[2]
        processed = super()._process_context(active_ctx, local_ctx, options, *arguments)
        self._memo[key] = (active_ctx, local_ctx, processed)
        return processed


def _context_key(local_ctx: Any) -> Any:
    """A key that stays valid while the cache entry holds ``local_ctx``: a URL's value, or the object's id."""
    if isinstance(local_ctx, str):
        return ("url", local_ctx)
    if isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        return ("urls", *local_ctx)
    if isinstance(local_ctx, dict):
        return ("object", id(local_ctx))
    return None


class _ContextCache:
    """Processed contexts, kept per document loader: a context one loader serves says nothing about another."""

    def __init__(self, loader: Loader, *, hold_weakly: bool = True) -> None:
        self.shared = _LockedLRU(maxsize=200)
        self.processed = _LockedLRU(maxsize=500)

        # Held weakly when this cache is the value of a weak-keyed map whose key is the loader.
        loader_ref: Callable[[], Loader | None] = weakref.ref(loader) if hold_weakly else (lambda: loader)

        def tagged(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
            target = loader_ref()
            if target is None:  # pragma: no cover - the caller holds its loader while canonicalizing
                raise ContextError(f"The document loader for {url!r} is gone.")
            remote = dict(target(url, options))
            remote.setdefault("tag", "static")  # lets pyld keep the resolved context across calls
            return remote

        self.loader = tagged

    def resolver(self) -> ContextResolver:
        return ContextResolver(self.shared, self.loader)


_context_caches: weakref.WeakKeyDictionary[Callable[..., Any], _ContextCache] = weakref.WeakKeyDictionary()
_context_caches_lock = threading.Lock()


def _context_cache(loader: Loader) -> _ContextCache:
    with _context_caches_lock:
        try:
            cache = _context_caches.get(loader)
        except TypeError:  # not weakly referenceable: no reuse across calls
            return _ContextCache(loader, hold_weakly=False)
        if cache is None:
            cache = _ContextCache(loader)
            _context_caches[loader] = cache
        return cache


def _check_shape(document: Any) -> None:
    """Refuse JSON nested too deep or too large before pyld recurses into it."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_JSON_VALUES:
            raise CanonicalizationError(
                f"The document is nested deeper than {MAX_DEPTH} levels or holds more than "
                f"{MAX_JSON_VALUES} values; it is not canonicalized.",
                code="canonicalization_limit",
            )
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            _check_number(value)


def _check_number(value: float) -> None:
    """Refuse numbers that JavaScript, and so the reference libraries, would read or write differently."""
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalizationError(
                f"The integer {value} is beyond 2^53: other implementations would read it as another number.",
                code="jsonld_invalid",
            )
    elif not math.isfinite(value):
        raise CanonicalizationError(f"{value} is not a JSON number.", code="jsonld_invalid")
    elif value == 0 and math.copysign(1.0, value) < 0:
        raise CanonicalizationError("-0.0 is written differently by different implementations.", code="jsonld_invalid")
    elif 0 < abs(value) < 1e-6 and not value.is_integer():
        # jsonld.js writes such a number as the integer 0 (its String() has no decimal point).
        raise CanonicalizationError(
            f"The number {value!r} is too small to canonicalize the same way everywhere.", code="jsonld_invalid"
        )


def _dropped(what: str, term: Any) -> CanonicalizationError:
    named = "A property mapped to null" if term is None else f"{what} {_as_written(term)!r}"
    return CanonicalizationError(
        f"{named} does not expand to an absolute IRI with the document's contexts, so JSON-LD would drop it "
        "and it would not be signed; define it in a context or remove it.",
        code="undefined_term",
    )


def _is_absolute(value: Any) -> bool:
    """An absolute IRI that did not come from a relative reference.

    With no document base pyld resolves relative references against its own placeholder base,
    where jsonld.js leaves them relative and drops them; either way they must be refused.
    """
    return (
        isinstance(value, str)
        and _ABSOLUTE_IRI.fullmatch(value) is not None
        and not value.startswith(jsonld.DEFAULT_BASE_IRI)
    )


def _as_written(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(jsonld.DEFAULT_BASE_IRI):
        return value[len(jsonld.DEFAULT_BASE_IRI) :]
    return value


def _check_expanded(expanded: Any) -> None:
    """Everything in the expanded document must become RDF: absolute IRIs or blank nodes only."""
    merged: dict[tuple[str, str], int] = {}  # (node @id, property) → values pyld will merge
    stack = [expanded]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        if "@value" in value:
            _check_value_object(value)
            continue
        node_id = value.get("@id")
        if isinstance(node_id, str):
            for key, item in value.items():
                if key != "@id":
                    count = len(item) if isinstance(item, (list, dict)) else 1
                    merged[(node_id, key)] = merged.get((node_id, key), 0) + count
        for key, item in value.items():
            if key == "@id":
                if not (_is_absolute(item) or (isinstance(item, str) and _is_blank(item))):
                    raise _dropped("The identifier", item)
            elif key == "@type":
                for type_ in item if isinstance(item, list) else [item]:
                    if not (_is_absolute(type_) or (isinstance(type_, str) and _is_blank(type_))):
                        raise _dropped("The type", type_)
            elif key == "@reverse":
                for reverse_property, reverse_value in item.items():
                    if not _is_absolute(reverse_property):
                        raise _dropped("The property", reverse_property)
                    stack.append(reverse_value)
            elif key.startswith("@"):
                if key in ("@graph", "@included"):
                    for member in item if isinstance(item, list) else [item]:
                        if not isinstance(member, dict) or "@value" in member or "@list" in member:
                            raise CanonicalizationError(
                                f"The {key} member {_short(member)} is not a node; JSON-LD would drop it and it "
                                "would not be signed.",
                                code="undefined_term",
                            )
                if key in ("@list", "@set", "@graph", "@included"):
                    stack.append(item)
            elif _is_absolute(key):
                stack.append(item)
            else:
                raise _dropped("The property", key)
    if sum(count * count for count in merged.values()) > MAX_MERGE_WORK:
        raise CanonicalizationError(
            "The document gives some nodes too many values for one property; it is not canonicalized.",
            code="canonicalization_limit",
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_value_object(value: dict[str, Any]) -> None:
    datatype = value.get("@type")
    if datatype is not None and datatype != "@json" and not _is_absolute(datatype):
        raise _dropped("The datatype", datatype)
    language = value.get("@language")
    if language is not None and (not isinstance(language, str) or _LANGUAGE_TAG.fullmatch(language) is None):
        raise CanonicalizationError(f"{language!r} is not a language tag.", code="jsonld_invalid")
    literal = value["@value"]
    if datatype == XSD_DOUBLE and isinstance(literal, str):
        # pyld and jsonld.js convert such strings differently unless they are plain decimal numbers.
        number = float(literal) if _DECIMAL.fullmatch(literal) else math.nan
        if not math.isfinite(number) or (number == 0 and literal.startswith("-")):
            raise CanonicalizationError(f"{literal!r} is not an xsd:double number.", code="jsonld_invalid")
    elif isinstance(literal, int | float) and not isinstance(literal, bool):
        _check_number(literal)


def _find_cause(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def to_dataset(document: dict[str, Any], *, loader: Loader | None = None) -> list[Quad]:
    """The RDF quads of a JSON-LD document (blank nodes not yet canonical), refusing dropped terms."""
    if not isinstance(document, dict):
        raise CanonicalizationError("A JSON-LD document to canonicalize must be a JSON object.", code="jsonld_invalid")
    _check_shape(document)
    cache = _context_cache(loader or _DEFAULT_LOADER)
    dropped: list[Any] = []
    processor = _Processor(dropped.append, cache.processed)
    options = {
        "base": "",
        "documentLoader": cache.loader,
        "contextResolver": cache.resolver(),
        "extractAllScripts": True,
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
        # As the eddsa-rdfc-2022 reference does: a base direction becomes an i18n datatype, not dropped.
        "rdfDirection": "i18n-datatype",
    }
    try:
        expanded = processor.expand(document, options)
        if dropped:
            raise _dropped("The property", dropped[0])
        if processor.free_floating:
            raise CanonicalizationError(
                f"{_short(processor.free_floating[0])} is not a node with statements where it stands; JSON-LD would "
                "drop it and it would not be signed.",
                code="undefined_term",
            )
        _check_expanded(expanded)
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {}
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default" or _is_absolute(graph_name) or _is_blank(graph_name):
                dataset[graph_name] = processor._graph_to_rdf(graph, issuer, options)
            else:
                raise _dropped("The graph", graph_name)
        quads = _quads_of(dataset)
    except VCError:
        raise
    except RecursionError:
        raise CanonicalizationError("The document is nested too deeply.", code="canonicalization_limit") from None
    except Exception as error:  # pyld raises JsonLdError, and on some hostile input ValueError, TypeError…
        context_error = _find_cause(error, ContextError)
        if context_error is not None:
            raise context_error from None
        if _jsonld_code(error) == "protected term redefinition":
            raise CanonicalizationError(
                "A context redefines a protected term (JSON-LD 1.1 §4.1.11); the document is refused.",
                code="protected_term_redefinition",
            ) from None
        message = f"The document is not valid JSON-LD: {_describe(error)}"
        raise CanonicalizationError(message, code="jsonld_invalid") from None
    if not quads:
        raise CanonicalizationError(
            "The document makes no RDF statement: JSON-LD would drop all of it, so nothing would be signed.",
            code="undefined_term",
        )
    return quads


def _jsonld_code(error: BaseException) -> str | None:
    """The JSON-LD error code (``protected term redefinition``…) of pyld's error or of what caused it."""
    current: BaseException | None = error
    for _step in range(8):
        if current is None:
            return None
        code = getattr(current, "code", None)
        if isinstance(code, str) and code:
            return code
        current = current.__cause__
    return None


def _describe(error: BaseException) -> str:
    messages = []
    current: BaseException | None = error
    while current is not None and len(messages) < 4:
        messages.append(getattr(current, "message", None) or str(current).splitlines()[0])
        current = current.__cause__
    return " ".join(dict.fromkeys(messages))


def to_nquads_lines(
    document: dict[str, Any], *, loader: Loader | None = None, max_work: int | None = None
) -> list[str]:
    """The canonical N-Quads of a JSON-LD document as sorted lines, each ending in a newline."""
    return canonicalize_quads(to_dataset(document, loader=loader), max_work=max_work)


def canonicalize(document: dict[str, Any], *, loader: Loader | None = None, max_work: int | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document.

    ``loader`` defaults to the bundled contexts only; ``max_work`` bounds blank-node labelling
    (``None``: :data:`DEFAULT_MAX_WORK`). Raises :class:`CanonicalizationError` (``undefined_term``,
    ``canonicalization_limit``, ``jsonld_invalid``) or :class:`ContextError`.
    """
    return "".join(to_nquads_lines(document, loader=loader, max_work=max_work))
